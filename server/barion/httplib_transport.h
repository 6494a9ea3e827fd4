// HttplibTransport: HttpTransport over cpp-httplib, for Barion's HTTPS API.
//
// - Keeps a bounded pool of keep-alive clients to one base URL, so a call reuses a connection
//   and its TLS session instead of handshaking (a TLS handshake costs about 10x the CPU of a call
//   on a kept connection, docs/PERFORMANCE.md). A cpp-httplib client serialises its requests, so
//   each in-flight call holds its own client.
// - Sets TCP_NODELAY: with Nagle on, cpp-httplib's separate header and body writes stall each
//   keep-alive POST ~40 ms behind the peer's delayed ACK.
// - Verifies the server certificate (system CA bundle, or the configured CA file); there is no
//   switch to turn verification off.
// - Derives connect/read/write timeouts from each request's deadline; cpp-httplib's own
//   defaults (300 s reads) are never in force.
// Only this file and the sandbox include httplib.h.
#ifndef BARION_GATEWAY_SERVER_BARION_HTTPLIB_TRANSPORT_H_
#define BARION_GATEWAY_SERVER_BARION_HTTPLIB_TRANSPORT_H_

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/barion/http_transport.h"

namespace httplib {
class Client;
}

namespace barion_gateway::server {

class HttplibTransport final : public HttpTransport {
 public:
  struct Options {
    std::string base_url;      // "https://api.test.barion.com" or "http://127.0.0.1:8080" (tests)
    std::string ca_file;       // PEM bundle to trust instead of the system's; empty = system
    int max_connections = 16;  // pooled clients; a call waits (until its deadline) for one
    absl::Duration max_connect_timeout = absl::Seconds(10);
    absl::Duration idle_keep_alive = absl::Seconds(50);  // drop a pooled client idle that long
    // The configuration section errors name ("barion.base_url: ...").
    std::string setting = "barion";
  };

  // Validates `options` (scheme http or https, a host, a readable ca_file) and returns the
  // transport, or INVALID_ARGUMENT naming the bad option.
  static absl::StatusOr<std::unique_ptr<HttplibTransport>> Create(Options options);

  ~HttplibTransport() override;

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override;

  // TLS handshakes completed by this transport's clients since it was created (a new connection
  // makes one; a reused keep-alive connection makes none).
  int64_t tls_handshakes() const { return tls_handshakes_->load(); }
  TransportStats Stats() const override;

 private:
  struct Pooled {
    std::unique_ptr<httplib::Client> client;
    absl::Time last_used;
  };

  explicit HttplibTransport(Options options);
  std::unique_ptr<httplib::Client> NewClient();
  absl::StatusOr<Pooled> Acquire(absl::Time deadline);
  void Release(Pooled pooled);

  const Options options_;
  std::shared_ptr<std::atomic<int64_t>> tls_handshakes_;
  mutable absl::Mutex mu_;
  std::vector<Pooled> idle_ ABSL_GUARDED_BY(mu_);
  int in_use_ ABSL_GUARDED_BY(mu_) = 0;
  int waiting_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_BARION_HTTPLIB_TRANSPORT_H_
