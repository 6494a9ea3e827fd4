// CallbackListener: the HTTP server that faces Barion's callbacks (DESIGN.md decision 8).
//
// POST (or GET) /callback/{shop}?paymentId={id}: the payment id is read from the query, else
// from an urlencoded body, the parameter name matched case-insensitively. Nothing else in the
// callback is trusted (Barion's callbacks are unsigned): the state is always fetched from Barion
// afterwards, by the CallbackProcessor, never inside the request.
//
// Answers: 200 only after the receipt is durably recorded in the EventStore; 404 unknown shop or
// path; 400 missing or malformed payment id; 405 other methods; 413 body over max_body_bytes;
// 503 when the store cannot record (Barion then retries). Slow clients time out.
#ifndef BARION_GATEWAY_SERVER_CALLBACK_LISTENER_H_
#define BARION_GATEWAY_SERVER_CALLBACK_LISTENER_H_

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/event_store.h"

namespace httplib {
class Server;
}

namespace barion_gateway::server {

class CallbackListener {
 public:
  struct Options {
    std::string address = "127.0.0.1:0";  // host:port; port 0 picks a free port
    std::set<std::string> shops;          // the configured shop names
    size_t max_body_bytes = 4096;
    absl::Duration io_timeout = absl::Seconds(5);  // per read/write: slow clients are cut off
    int listen_backlog = 1024;                     // connections waiting to be accepted
  };

  // Starts listening. `store` is not owned and must outlive the listener; `on_recorded` is
  // called (on a listener thread) after each durable receipt. UNAVAILABLE if the address
  // cannot be bound.
  static absl::StatusOr<std::unique_ptr<CallbackListener>> Start(Options options, EventStore* store,
                                                                 std::function<void()> on_recorded);

  ~CallbackListener();

  int port() const { return port_; }
  // "host:port" with the real port.
  const std::string& address() const { return address_; }

  // Stops accepting callbacks and waits for running requests. Idempotent.
  void Stop();

 private:
  CallbackListener() = default;

  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  std::string address_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_CALLBACK_LISTENER_H_
