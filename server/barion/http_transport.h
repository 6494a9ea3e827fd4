// HttpTransport: the one seam through which the gateway talks HTTP to Barion.
//
// Tests replace it with a fake (tests/server/barion/fake_transport.h) to capture outbound requests;
// production uses HttplibTransport. A transport does no JSON and no error mapping: any HTTP answer,
// whatever its status, is an OK HttpResponse; only a failure to get an answer is a non-OK status.
#ifndef BARION_GATEWAY_SERVER_BARION_HTTP_TRANSPORT_H_
#define BARION_GATEWAY_SERVER_BARION_HTTP_TRANSPORT_H_

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace barion_gateway::server {

struct HttpRequest {
  std::string method;  // "GET" or "POST"
  std::string path;    // "/v2/Payment/Start", path and query, relative to the base URL
  // Request headers. May hold secrets (x-pos-key): a transport never logs or echoes them.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;                              // JSON for POST, empty for GET
  absl::Time deadline = absl::InfiniteFuture();  // the whole call, connect included
  // Optional: receives the body of a 2xx answer that is not JSON (a file) piece by piece as it
  // arrives, with the answer's Content-Type, instead of HttpResponse::body; returning false
  // abandons the call (a reset). Other answers (errors, JSON) still land in HttpResponse::body.
  std::function<bool(const std::string& content_type, const char* data, size_t size)> on_file_chunk;
  // The most of an answer's body kept (not a file passed to on_file_chunk): reading stops there
  // and HttpResponse::body_truncated is set. Barion's answers are small; a hostile or broken
  // peer's endless body costs no more than this.
  size_t max_body_bytes = 1 << 20;
};

struct HttpResponse {
  int status = 0;
  std::string body;
  std::string content_type;
  bool body_truncated = false;  // the body went on past HttpRequest::max_body_bytes
};

// Why a transport got no (complete) answer; callers branch on it (TransportFailureOf), so that a
// refused connection (nothing sent) is told from a timeout (maybe applied).
enum class TransportFailure {
  kConnect,         // refused, unreachable, DNS: nothing was sent
  kTls,             // handshake or certificate verification: nothing was sent
  kTimeoutNotSent,  // deadline reached before the request was sent (no free connection)
  kTimeout,         // deadline reached after sending
  kReset,           // the connection broke mid-call
  kBusy,            // the gateway's own limit of calls waiting on Barion: nothing was sent
};

// The status a transport returns for `failure`: DEADLINE_EXCEEDED for the timeouts,
// RESOURCE_EXHAUSTED for kBusy, UNAVAILABLE otherwise, with `message` (secret-free) and the failure
// attached (read by TransportFailureOf).
absl::Status TransportError(TransportFailure failure, absl::string_view message);
// The failure attached by TransportError; a status without one (a transport of someone else's)
// counts as kTimeout when it is DEADLINE_EXCEEDED, else as kReset: outcome unknown.
TransportFailure TransportFailureOf(const absl::Status& status);

// What a transport is doing now, for the metrics (docs/OPERATIONS.md).
struct TransportStats {
  int connections_in_use = 0;  // pooled connections carrying a call
  int connections_idle = 0;    // kept-alive connections waiting for a call
  int waiting = 0;             // calls waiting for a free connection
  int in_flight = 0;           // calls between Send and its answer (LimitedTransport counts)
  int64_t tls_handshakes = 0;  // since the transport was made
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;

  // A snapshot of the transport's state; zeros where a transport does not know. Thread-safe.
  virtual TransportStats Stats() const { return {}; }

  // Sends `request` and waits for the whole answer, at most until request.deadline.
  // Returns the answer (any HTTP status) or a TransportError. Thread-safe: many calls may run at
  // once.
  virtual absl::StatusOr<HttpResponse> Send(const HttpRequest& request) = 0;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_BARION_HTTP_TRANSPORT_H_
