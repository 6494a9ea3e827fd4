// MockConnection: a gMock Connection for tests of code that uses PaymentClient or
// EventSubscription, and ScriptedEventStream, a stream that plays given messages then ends with a
// given status.
#ifndef BARION_GATEWAY_CLIENT_MOCK_CONNECTION_H_
#define BARION_GATEWAY_CLIENT_MOCK_CONNECTION_H_

#include <deque>
#include <memory>
#include <utility>

#include "client/payment_client.h"
#include "gmock/gmock.h"

namespace barion_gateway::client {

class MockConnection : public Connection {
 public:
  MOCK_METHOD(absl::StatusOr<v1::StartPaymentResponse>, StartPayment,
              (const v1::StartPaymentRequest&, absl::Time), (override));
  MOCK_METHOD(absl::StatusOr<v1::GetPaymentStateResponse>, GetPaymentState,
              (const v1::GetPaymentStateRequest&, absl::Time), (override));
  MOCK_METHOD(absl::StatusOr<v1::FinishReservationResponse>, FinishReservation,
              (const v1::FinishReservationRequest&, absl::Time), (override));
  MOCK_METHOD(absl::StatusOr<v1::CaptureResponse>, Capture, (const v1::CaptureRequest&, absl::Time),
              (override));
  MOCK_METHOD(absl::StatusOr<v1::CancelAuthorizationResponse>, CancelAuthorization,
              (const v1::CancelAuthorizationRequest&, absl::Time), (override));
  MOCK_METHOD(absl::StatusOr<v1::RefundResponse>, Refund, (const v1::RefundRequest&, absl::Time),
              (override));
  MOCK_METHOD(absl::StatusOr<v1::CompleteResponse>, Complete,
              (const v1::CompleteRequest&, absl::Time), (override));
  MOCK_METHOD(absl::StatusOr<v1::ListPaymentEventsResponse>, ListPaymentEvents,
              (const v1::ListPaymentEventsRequest&, absl::Time), (override));
  MOCK_METHOD(std::unique_ptr<EventStream>, SubscribePaymentEvents,
              (const v1::SubscribePaymentEventsRequest&), (override));
};

class ScriptedEventStream final : public Connection::EventStream {
 public:
  ScriptedEventStream(std::deque<v1::SubscribePaymentEventsResponse> messages, absl::Status end)
      : messages_(std::move(messages)), end_(std::move(end)) {}
  bool Read(v1::SubscribePaymentEventsResponse* message) override {
    if (messages_.empty()) return false;
    *message = std::move(messages_.front());
    messages_.pop_front();
    return true;
  }
  absl::Status Finish() override { return end_; }
  void Cancel() override { messages_.clear(); }

 private:
  std::deque<v1::SubscribePaymentEventsResponse> messages_;
  absl::Status end_;
};

}  // namespace barion_gateway::client

#endif  // BARION_GATEWAY_CLIENT_MOCK_CONNECTION_H_
