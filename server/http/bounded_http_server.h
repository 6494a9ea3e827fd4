// BoundedHttpServer: a small HTTP/1.1 server whose every cost to a client is bounded, for
// listeners that face the Internet (the callback listener).
//
// One I/O thread accepts and reads every connection without blocking (poll), feeding an
// HttpRequestReader with its limits; only a complete request is handed to one of `workers`
// threads, which runs the handler and writes the answer. So a slow sender holds a file
// descriptor and a few KiB, never a worker. Limits:
//   - a whole request (request line, headers, body) must arrive within request_timeout of its
//     first byte, whatever pace it arrives at; a kept-alive connection may idle idle_timeout;
//   - at max_connections, a new connection closes the open one that has waited longest for a
//     complete request (slow senders go first; connections whose request is being answered are
//     never closed);
//   - an answer the client does not read within write_timeout closes the connection.
//
// With `tls` set it serves HTTPS only (TLS 1.2 or later, ReloadingTlsContext): the handshake runs
// on the I/O thread without blocking and counts against request_timeout from the moment the
// connection was accepted; a client that does not complete it is closed, never answered. A
// worker owns a connection's TLS state while it answers (the I/O thread does not touch it).
#ifndef BARION_GATEWAY_SERVER_HTTP_BOUNDED_HTTP_SERVER_H_
#define BARION_GATEWAY_SERVER_HTTP_BOUNDED_HTTP_SERVER_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/http/http_request_reader.h"
#include "server/http/tls_context.h"

namespace barion_gateway::server {

struct ServedResponse {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // besides the framing headers
};

class BoundedHttpServer {
 public:
  struct Options {
    std::string host = "127.0.0.1";
    int port = 0;  // 0 picks a free port
    HttpRequestReader::Limits limits;
    absl::Duration request_timeout = absl::Seconds(10);
    absl::Duration idle_timeout = absl::Seconds(5);
    absl::Duration write_timeout = absl::Seconds(5);
    int max_connections = 1024;
    int workers = 16;
    int listen_backlog = 1024;
    // Its threads show as "<thread_name>-io" and "<thread_name>-worker" (top -H, perf).
    std::string thread_name = "http";
    // Serve HTTPS with this context (shared with whoever reports on it); null: plain HTTP.
    std::shared_ptr<ReloadingTlsContext> tls;
    // Called on the I/O thread for each TLS handshake that fails or is cut off.
    std::function<void()> on_tls_handshake_failure;
  };
  using Handler = std::function<ServedResponse(const ServedRequest&)>;

  // Sets `options`' host and port from "host:port" (port 0-65535); INVALID_ARGUMENT naming
  // `setting` otherwise (the value is not echoed).
  static absl::Status SetAddress(const std::string& address, const std::string& setting,
                                 Options* options);

  // Binds, listens and starts the threads. UNAVAILABLE when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<BoundedHttpServer>> Start(Options options, Handler handler);
  ~BoundedHttpServer();

  int port() const;
  // Closes the listening socket and every connection; waits for running handlers. Idempotent.
  void Stop();

  class Impl;

 private:
  explicit BoundedHttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The status line's reason phrase for the codes these servers answer with.
const char* HttpReason(int status);

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_HTTP_BOUNDED_HTTP_SERVER_H_
