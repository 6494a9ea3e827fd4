// A C++ client library for barion-grpc-gateway: a thin PaymentClient (and WalletClient) over a
// Connection (WalletConnection) over the generated stub (the google-cloud-cpp shape). Every call
// returns absl::StatusOr<Response>; Barion's and the gateway's error details are decoded into
// ErrorDetails that callers can switch on; calls carry a deadline; retries happen only where they
// are safe; EventSubscription resumes a payment-event stream after any error without handing an
// event out twice. Tests and users replace the Connection with a mock (mock_connection.h).
#ifndef BARION_GATEWAY_CLIENT_PAYMENT_CLIENT_H_
#define BARION_GATEWAY_CLIENT_PAYMENT_CLIENT_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "barion/v1/payment_event.grpc.pb.h"
#include "barion/v1/payment_service.grpc.pb.h"
#include "barion/v1/wallet_service.grpc.pb.h"
#include "client/error_details.h"
#include "client/retry_policy.h"
#include "client/rpcs.h"
#include "grpcpp/channel.h"

namespace barion_gateway::client {

// A server stream. Read() blocks for the next message; false at the end, when Finish() tells
// why. Cancel() may be called from any thread.
template <typename Message>
class ServerStream {
 public:
  virtual ~ServerStream() = default;
  virtual bool Read(Message* message) = 0;
  virtual absl::Status Finish() = 0;
  virtual void Cancel() = 0;
};

// The UNIMPLEMENTED status of a Connection method that a Connection does not override: new RPCs
// get default implementations, so adding one breaks no user's Connection or mock.
absl::Status UnimplementedRpc(absl::string_view rpc);

// A stream that ends at once with `status` (what an unimplemented streaming method returns).
template <typename Message>
class FailedStream final : public ServerStream<Message> {
 public:
  explicit FailedStream(absl::Status status) : status_(std::move(status)) {}
  bool Read(Message*) override { return false; }
  absl::Status Finish() override { return status_; }
  void Cancel() override {}

 private:
  absl::Status status_;
};

// The seam between PaymentClient and gRPC. Each call is one attempt with `deadline`.
class Connection {
 public:
  virtual ~Connection() = default;
  // One virtual method per RPC of BARION_CLIENT_PAYMENT_RPCS (rpcs.h): StartPayment,
  // GetPaymentState, ..., each `(const Request&, absl::Time deadline)`.
  BARION_CLIENT_PAYMENT_RPCS(BARION_CLIENT_CONNECTION_METHOD)

  // A server stream of SubscribePaymentEvents.
  using EventStream = ServerStream<::barion::v1::SubscribePaymentEventsResponse>;
  virtual std::unique_ptr<EventStream> SubscribePaymentEvents(
      const ::barion::v1::SubscribePaymentEventsRequest&) {
    return std::make_unique<FailedStream<::barion::v1::SubscribePaymentEventsResponse>>(
        UnimplementedRpc("SubscribePaymentEvents"));
  }
};

// The Connection over a gRPC channel to the gateway.
std::shared_ptr<Connection> MakeGrpcConnection(std::shared_ptr<grpc::Channel> channel);

struct ClientOptions {
  absl::Duration timeout = absl::Seconds(30);  // deadline of each attempt
  int max_attempts = 4;                        // of a call that may be retried
  // Waits between attempts: BackoffDelay(initial_backoff, max_backoff, attempt).
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(5);
  // Which RPC may be sent again, after which failures (retry_policy.h has the defaults).
  std::shared_ptr<const IdempotencyPolicy> idempotency = DefaultIdempotencyPolicy();
  std::shared_ptr<const RetryPolicy> retry = DefaultRetryPolicy();
  // Waits between attempts (tests replace it).
  std::function<void(absl::Duration)> sleep = [](absl::Duration d) { absl::SleepFor(d); };
};

// Retries follow ClientOptions::idempotency and ::retry (by default: reads on transient
// failures; StartPayment too, with the same payment_request_id, which the gateway deduplicates;
// other mutations only when the gateway reports outcome "not_sent": a mutation whose outcome is
// unknown is returned to the caller, who must check GetPaymentState or the event log first).
class PaymentClient {
 public:
  explicit PaymentClient(std::shared_ptr<Connection> connection, ClientOptions options = {});

  // One call per RPC of BARION_CLIENT_PAYMENT_RPCS (rpcs.h), each `(const Request&)`.
  BARION_CLIENT_PAYMENT_RPCS(BARION_CLIENT_CALL_DECLARATION)

 private:
  std::shared_ptr<Connection> connection_;
  ClientOptions options_;
};

// The seam between WalletClient and gRPC (WalletService). Each call is one attempt with
// `deadline`; for DownloadStatement the deadline bounds the whole download.
class WalletConnection {
 public:
  virtual ~WalletConnection() = default;
  // One virtual method per RPC of BARION_CLIENT_WALLET_RPCS (rpcs.h).
  BARION_CLIENT_WALLET_RPCS(BARION_CLIENT_CONNECTION_METHOD)

  using StatementStream = ServerStream<::barion::v1::DownloadStatementResponse>;
  virtual std::unique_ptr<StatementStream> DownloadStatement(
      const ::barion::v1::DownloadStatementRequest&, absl::Time deadline) {
    return std::make_unique<FailedStream<::barion::v1::DownloadStatementResponse>>(
        UnimplementedRpc("DownloadStatement"));
  }
};

// The WalletConnection over a gRPC channel to the gateway.
std::shared_ptr<WalletConnection> MakeGrpcWalletConnection(std::shared_ptr<grpc::Channel> channel);

// Wallet operations (WalletService). Retries: reads (GetAccounts, GetHistory, GetHistoryItem,
// GetPos, DownloadStatement) on UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED and ABORTED,
// with the backoff of PaymentClient. Money transfers and CreatePos are not idempotent at Barion
// and the gateway does not deduplicate them, so they are sent again only when the gateway reports
// outcome "not_sent"; an error with outcome "unknown" means the transfer or shop may exist: look
// at GetHistory or GetPos before trying again.
class WalletClient {
 public:
  explicit WalletClient(std::shared_ptr<WalletConnection> connection, ClientOptions options = {});

  // One call per RPC of BARION_CLIENT_WALLET_RPCS (rpcs.h), each `(const Request&)`.
  BARION_CLIENT_WALLET_RPCS(BARION_CLIENT_CALL_DECLARATION)

  // Downloads a statement, handing its bytes to `sink` in order as they arrive (the file is never
  // held whole); returns its content type. A failure before the first byte reached `sink` is
  // retried like a read; after that it is returned, and what `sink` received must be discarded.
  // An error from `sink` cancels the download and is returned as is.
  absl::StatusOr<std::string> DownloadStatement(
      const ::barion::v1::DownloadStatementRequest& request,
      const std::function<absl::Status(absl::string_view data)>& sink);

 private:
  std::shared_ptr<WalletConnection> connection_;
  ClientOptions options_;
};

// Payment events that survive disconnects: Next() returns the next event after the last one it
// returned, reconnecting with backoff after any stream error and resuming after the last cursor
// it saw (of an event or a heartbeat). Cursors are opaque: the subscription never reads or
// orders them, it only hands back the last one. An event the gateway sends again after a
// resumption (delivery is at least once) is not returned twice: the cursors of the last 4096
// events returned are remembered. Not thread-safe, except Stop().
class EventSubscription {
 public:
  // `request.after_cursor` / `start` say where the first stream starts. With neither (NOW), the
  // constructor opens the stream and waits for its first heartbeat, so that every event recorded
  // after construction is delivered.
  EventSubscription(std::shared_ptr<Connection> connection,
                    ::barion::v1::SubscribePaymentEventsRequest request,
                    ClientOptions options = {});
  ~EventSubscription();

  // The next event; CANCELLED after Stop(), or INVALID_ARGUMENT/FAILED_PRECONDITION when the
  // gateway refuses the subscription itself (retrying would not help).
  absl::StatusOr<::barion::v1::PaymentEvent> Next();
  // The cursor to resume after: the last event or heartbeat seen.
  const std::string& cursor() const { return cursor_; }
  // Ends Next() from any thread.
  void Stop();
  // How many streams were opened (1 + reconnections), for monitoring.

 private:
  std::shared_ptr<Connection> connection_;
  ::barion::v1::SubscribePaymentEventsRequest request_;
  ClientOptions options_;
  // The cursors of the events returned most recently, compared for equality only.
  class RecentCursors {
   public:
    // False when `cursor` is already among them.
    bool Add(const std::string& cursor);

   private:
    static constexpr size_t kKept = 4096;
    std::deque<std::string> order_;
    absl::flat_hash_set<std::string> seen_;
  };

  std::string cursor_;
  RecentCursors returned_;
  absl::Mutex mu_;  // guards stream_ against Stop()
  std::unique_ptr<Connection::EventStream> stream_ ABSL_GUARDED_BY(mu_);
  int failures_ = 0;
  std::atomic<bool> stopped_{false};
};

}  // namespace barion_gateway::client

#endif  // BARION_GATEWAY_CLIENT_PAYMENT_CLIENT_H_
