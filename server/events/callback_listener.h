// CallbackListener: the HTTP server that faces Barion's callbacks.
//
// POST (or GET) /callback/{shop}/{secret}?paymentId={id}: `secret` must be one of the shop's
// callback secrets (docs/EVENTS.md, "Callback source verification"): Barion does not sign
// callbacks, so the unguessable path the gateway gave Barion in CallbackUrl is what tells a
// real callback from a forged one. The payment id is read from the query, else from an
// urlencoded body, the parameter name matched case-insensitively. Nothing else in the callback
// is trusted: the state is always fetched from Barion afterwards, by the CallbackProcessor.
//
// Answers: 404 for a source outside allowed_sources (when set), before anything else; 200 only
// after the receipt is durably recorded in the CallbackInbox; 404 unknown shop
// or path, and a missing or wrong secret (nothing is recorded, nothing fetched); 400 missing or
// malformed payment id or request; 405 other methods (HEAD included); 413 body over
// max_body_bytes; 431 headers too large; 503 when the store cannot record (Barion then retries).
//
// What a client can make it spend is bounded (docs/EVENTS.md, "The callback listener under
// abuse"): one I/O thread reads every connection without blocking, and only complete requests
// reach the worker threads, so slow senders never hold a worker; a whole request (headers and
// body) must arrive within request_timeout; bodies are limited while they are read, chunked or
// not; at max_connections the connection that has waited longest for its request is closed to
// make room for a new one.
#ifndef BARION_GATEWAY_SERVER_EVENTS_CALLBACK_LISTENER_H_
#define BARION_GATEWAY_SERVER_EVENTS_CALLBACK_LISTENER_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/common/network_list.h"
#include "server/events/callback_inbox.h"
#include "server/http/bounded_http_server.h"
#include "server/metrics/pipeline_metrics.h"

namespace barion_gateway::server {

class CallbackListener {
 public:
  struct Options {
    std::string address = "127.0.0.1:0";  // host:port; port 0 picks a free port
    // The configured shops and the callback secrets each accepts (current, and the previous one
    // during a rotation). A shop with no secret accepts no callback.
    std::map<std::string, std::vector<std::string>> shop_secrets;
    // Limits of the HTTP server; its host and port come from `address`. A callback's body is
    // small (a payment id): the limits default to 4 KiB bodies, 8 KiB of headers, 10 s per
    // request, 1,024 connections, 16 workers.
    // With http.tls set it serves HTTPS only; failed handshakes count as result tls_failed.
    BoundedHttpServer::Options http;
    // Counts answers by result and the time to a durable record; not owned; may be null.
    PipelineMetrics* metrics = nullptr;
    // When not empty, only callbacks from these networks are taken; others get 404, counted as
    // source_refused, and cost no store write. Barion publishes its callbacks' source addresses
    // and says they change (docs/EVENTS.md): they come from the configuration.
    NetworkList allowed_sources;
    // Peers whose X-Forwarded-For tells the client's address (a reverse proxy in front).
    NetworkList trusted_proxies;
  };

  // Starts listening. `inbox` is not owned and must outlive the listener; `on_recorded` is
  // called (on a worker thread) after each durable receipt. UNAVAILABLE if the address cannot be
  // bound, INVALID_ARGUMENT if it is not host:port.
  static absl::StatusOr<std::unique_ptr<CallbackListener>> Start(Options options,
                                                                 CallbackInbox* inbox,
                                                                 std::function<void()> on_recorded);

  ~CallbackListener();

  int port() const;
  // "host:port" with the real port.
  const std::string& address() const;

  // Stops accepting callbacks and waits for running requests. Idempotent.
  void Stop();

  class Impl;

 private:
  explicit CallbackListener(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_EVENTS_CALLBACK_LISTENER_H_
