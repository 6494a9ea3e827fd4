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

class MockConnection : public Connection {
 public:
  MOCK_METHOD(absl::StatusOr<::barion::v1::StartPaymentResponse>, StartPayment,
              (const ::barion::v1::StartPaymentRequest&, absl::Time), (override));
  MOCK_METHOD(absl::StatusOr<::barion::v1::GetPaymentStateResponse>, GetPaymentState,
              (const ::barion::v1::GetPaymentStateRequest&, absl::Time), (override));
  MOCK_METHOD(absl::StatusOr<::barion::v1::FinishReservationResponse>, FinishReservation,
              (const ::barion::v1::FinishReservationRequest&, absl::Time), (override));
  MOCK_METHOD(absl::StatusOr<::barion::v1::CaptureResponse>, Capture,
              (const ::barion::v1::CaptureRequest&, absl::Time), (override));
  MOCK_METHOD(absl::StatusOr<::barion::v1::CancelAuthorizationResponse>, CancelAuthorization,
              (const ::barion::v1::CancelAuthorizationRequest&, absl::Time), (override));
  MOCK_METHOD(absl::StatusOr<::barion::v1::RefundResponse>, Refund,
              (const ::barion::v1::RefundRequest&, absl::Time), (override));
  MOCK_METHOD(absl::StatusOr<::barion::v1::CompleteResponse>, Complete,
              (const ::barion::v1::CompleteRequest&, absl::Time), (override));
  MOCK_METHOD(absl::StatusOr<::barion::v1::GetPaymentQrCodeResponse>, GetPaymentQrCode,
              (const ::barion::v1::GetPaymentQrCodeRequest&, absl::Time), (override));
  MOCK_METHOD(absl::StatusOr<::barion::v1::StartGooglePayPaymentResponse>, StartGooglePayPayment,
              (const ::barion::v1::StartGooglePayPaymentRequest&, absl::Time), (override));
  MOCK_METHOD(absl::StatusOr<::barion::v1::ValidateApplePaySessionResponse>,
              ValidateApplePaySession,
              (const ::barion::v1::ValidateApplePaySessionRequest&, absl::Time), (override));
  MOCK_METHOD(absl::StatusOr<::barion::v1::StartApplePayPaymentResponse>, StartApplePayPayment,
              (const ::barion::v1::StartApplePayPaymentRequest&, absl::Time), (override));
  MOCK_METHOD(absl::StatusOr<::barion::v1::ListPaymentEventsResponse>, ListPaymentEvents,
              (const ::barion::v1::ListPaymentEventsRequest&, absl::Time), (override));
  MOCK_METHOD(std::unique_ptr<EventStream>, SubscribePaymentEvents,
              (const ::barion::v1::SubscribePaymentEventsRequest&), (override));
};

class MockWalletConnection : public WalletConnection {
 public:
  MOCK_METHOD(absl::StatusOr<::barion::v1::GetAccountsResponse>, GetAccounts,
              (const ::barion::v1::GetAccountsRequest&, absl::Time), (override));
  MOCK_METHOD(absl::StatusOr<::barion::v1::SendMoneyByEmailResponse>, SendMoneyByEmail,
              (const ::barion::v1::SendMoneyByEmailRequest&, absl::Time), (override));
  MOCK_METHOD(absl::StatusOr<::barion::v1::SendBankTransferResponse>, SendBankTransfer,
              (const ::barion::v1::SendBankTransferRequest&, absl::Time), (override));
  MOCK_METHOD(std::unique_ptr<StatementStream>, DownloadStatement,
              (const ::barion::v1::DownloadStatementRequest&, absl::Time), (override));
  MOCK_METHOD(absl::StatusOr<::barion::v1::GetHistoryResponse>, GetHistory,
              (const ::barion::v1::GetHistoryRequest&, absl::Time), (override));
  MOCK_METHOD(absl::StatusOr<::barion::v1::GetHistoryItemResponse>, GetHistoryItem,
              (const ::barion::v1::GetHistoryItemRequest&, absl::Time), (override));
  MOCK_METHOD(absl::StatusOr<::barion::v1::CreatePosResponse>, CreatePos,
              (const ::barion::v1::CreatePosRequest&, absl::Time), (override));
  MOCK_METHOD(absl::StatusOr<::barion::v1::GetPosResponse>, GetPos,
              (const ::barion::v1::GetPosRequest&, absl::Time), (override));
};

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
