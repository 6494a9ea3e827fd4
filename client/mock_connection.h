// MockConnection and MockWalletConnection: gMock connections for tests of code that uses
// PaymentClient, EventSubscription or WalletClient; ScriptedStream, a server stream that plays
// given messages then ends with a given status (ScriptedEventStream for payment events).
#ifndef BARION_GATEWAY_CLIENT_MOCK_CONNECTION_H_
#define BARION_GATEWAY_CLIENT_MOCK_CONNECTION_H_

#include <deque>
#include <memory>
#include <utility>

#include "client/payment_client.h"
#include "gmock/gmock.h"

namespace barion_gateway::client {

// One mocked method per RPC of rpcs.h: MOCK_METHOD(absl::StatusOr<Response>, Method,
// (const Request&, absl::Time), (override)).
#define BARION_CLIENT_MOCK_METHOD(Stub, Method, Request, Response) \
  MOCK_METHOD(absl::StatusOr<::barion::v1::Response>, Method,      \
              (const ::barion::v1::Request&, absl::Time), (override));

class MockConnection : public Connection {
 public:
  BARION_CLIENT_PAYMENT_RPCS(BARION_CLIENT_MOCK_METHOD)
  MOCK_METHOD(std::unique_ptr<EventStream>, SubscribePaymentEvents,
              (const ::barion::v1::SubscribePaymentEventsRequest&), (override));
};

class MockWalletConnection : public WalletConnection {
 public:
  BARION_CLIENT_WALLET_RPCS(BARION_CLIENT_MOCK_METHOD)
  MOCK_METHOD(std::unique_ptr<StatementStream>, DownloadStatement,
              (const ::barion::v1::DownloadStatementRequest&, absl::Time), (override));
};

#undef BARION_CLIENT_MOCK_METHOD

template <typename Message>
class ScriptedStream final : public ServerStream<Message> {
 public:
  ScriptedStream(std::deque<Message> messages, absl::Status end)
      : messages_(std::move(messages)), end_(std::move(end)) {}
  bool Read(Message* message) override {
    if (messages_.empty()) return false;
    *message = std::move(messages_.front());
    messages_.pop_front();
    return true;
  }
  absl::Status Finish() override { return cancelled_ ? absl::CancelledError("cancelled") : end_; }
  void Cancel() override {
    messages_.clear();
    cancelled_ = true;
  }
  bool cancelled() const { return cancelled_; }

 private:
  std::deque<Message> messages_;
  absl::Status end_;
  bool cancelled_ = false;
};

using ScriptedEventStream = ScriptedStream<::barion::v1::SubscribePaymentEventsResponse>;
using ScriptedStatementStream = ScriptedStream<::barion::v1::DownloadStatementResponse>;

}  // namespace barion_gateway::client

#endif  // BARION_GATEWAY_CLIENT_MOCK_CONNECTION_H_
