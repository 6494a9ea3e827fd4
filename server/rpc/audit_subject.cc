#include "server/rpc/audit_subject.h"

#include "absl/strings/strip.h"

namespace barion_gateway::server {

namespace v1 = ::barion::v1;

namespace {

std::string CurrencyCode(v1::Currency currency) {
  if (currency == v1::CURRENCY_UNSPECIFIED) return "";
  return std::string(absl::StripPrefix(v1::Currency_Name(currency), "CURRENCY_"));
}

template <typename Request>
AuditSubject OfPayment(const Request& request) {
  AuditSubject s;
  s.shop = request.shop();
  s.payment_id = request.payment_id();
  return s;
}

template <typename Request>
AuditSubject OfWallet(const Request& request) {
  AuditSubject s;
  s.wallet = request.wallet();
  return s;
}

// A transfer out of the wallet: the wallet, the amount and its currency.
template <typename Request>
AuditSubject OfTransfer(const Request& request) {
  AuditSubject s = OfWallet(request);
  s.amounts = {request.amount()};
  s.currency = CurrencyCode(request.currency());
  return s;
}

template <typename Request>
AuditSubject OfFinish(const Request& request) {
  AuditSubject s = OfPayment(request);
  for (const v1::TransactionToFinish& t : request.transactions()) s.amounts.push_back(t.total());
  return s;
}

}  // namespace

AuditSubject AuditSubjectOf(const v1::StartPaymentRequest& request, const std::string& payment_id) {
  AuditSubject s;
  s.shop = request.shop();
  s.payment_id = payment_id;
  s.payment_request_id = request.payment_request_id();
  for (const v1::PaymentTransaction& t : request.transactions()) s.amounts.push_back(t.total());
  s.currency = CurrencyCode(request.currency());
  return s;
}

AuditSubject AuditSubjectOf(const v1::FinishReservationRequest& request) {
  return OfFinish(request);
}

AuditSubject AuditSubjectOf(const v1::CaptureRequest& request) { return OfFinish(request); }

AuditSubject AuditSubjectOf(const v1::CancelAuthorizationRequest& request) {
  return OfPayment(request);
}

AuditSubject AuditSubjectOf(const v1::RefundRequest& request) {
  AuditSubject s = OfPayment(request);
  for (const v1::TransactionToRefund& t : request.transactions_to_refund()) {
    s.amounts.push_back(t.amount_to_refund());
  }
  return s;
}

AuditSubject AuditSubjectOf(const v1::CompleteRequest& request) { return OfPayment(request); }

AuditSubject AuditSubjectOf(const v1::SendMoneyByEmailRequest& request) {
  return OfTransfer(request);
}

AuditSubject AuditSubjectOf(const v1::SendBankTransferRequest& request) {
  return OfTransfer(request);
}

AuditSubject AuditSubjectOf(const v1::CreatePosRequest& request) { return OfWallet(request); }

AuditSubject AuditSubjectOf(const v1::DownloadStatementRequest& request) {
  AuditSubject s = OfWallet(request);
  s.currency = CurrencyCode(request.currency());
  return s;
}

AuditSubject AuditSubjectOf(const v1::GetPaymentStateRequest& request) {
  return OfPayment(request);
}

AuditSubject AuditSubjectOf(const v1::GetPaymentQrCodeRequest& request) {
  return OfPayment(request);
}

AuditSubject AuditSubjectOf(const v1::ValidateApplePaySessionRequest& request) {
  AuditSubject s;
  s.shop = request.shop();
  return s;
}

AuditSubject AuditSubjectOf(const v1::GetAccountsRequest& request) { return OfWallet(request); }

AuditSubject AuditSubjectOf(const v1::GetHistoryRequest& request) { return OfWallet(request); }

AuditSubject AuditSubjectOf(const v1::GetHistoryItemRequest& request) { return OfWallet(request); }

AuditSubject AuditSubjectOf(const v1::GetPosRequest& request) { return OfWallet(request); }

}  // namespace barion_gateway::server
