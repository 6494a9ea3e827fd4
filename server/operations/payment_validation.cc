// The rules of the operations on a started payment.
#include "server/operations/validation_rules.h"

namespace barion_gateway::server {

absl::Status ValidateGetPaymentState(const v1::GetPaymentStateRequest& r) {
  Violations v;
  CheckPaymentId(v, r.payment_id());
  return v.Result();
}

absl::Status ValidateFinishReservation(const v1::FinishReservationRequest& r) {
  return ValidateFinishLike(r);
}

absl::Status ValidateCapture(const v1::CaptureRequest& r) { return ValidateFinishLike(r); }

absl::Status ValidateCancelAuthorization(const v1::CancelAuthorizationRequest& r) {
  Violations v;
  CheckPaymentId(v, r.payment_id());
  return v.Result();
}

absl::Status ValidateRefund(const v1::RefundRequest& r) {
  Violations v;
  MaxCount(v, r.transactions_to_refund(), kMaxTransactions, "transactions_to_refund");
  if (!v.empty()) return v.Result();
  CheckPaymentId(v, r.payment_id());
  if (r.transactions_to_refund().empty()) {
    v.Add("transactions_to_refund", "must have at least one transaction");
  }
  for (int i = 0; i < r.transactions_to_refund().size(); ++i) {
    const v1::TransactionToRefund& t = r.transactions_to_refund(i);
    const std::string p = At("", "transactions_to_refund", i) + ".";
    CheckTransactionId(v, t.transaction_id(), p + "transaction_id");
    v.RequiredMax(t.pos_transaction_id(), kMaxIdLength, p + "pos_transaction_id");
    v.Check(ValidateAmount(t.amount_to_refund(), kMaxScale, AmountSign::kPositive),
            p + "amount_to_refund");
    v.MaxLength(t.comment(), kMaxCommentLength, p + "comment");
  }
  return v.Result();
}

absl::Status ValidateGetPaymentQrCode(const v1::GetPaymentQrCodeRequest& r) {
  Violations v;
  CheckPaymentId(v, r.payment_id());
  if (!v1::QrCodeSize_IsValid(r.size())) v.Add("size", "is not a QrCodeSize");
  return v.Result();
}

absl::Status ValidateComplete(const v1::CompleteRequest& r) {
  Violations v;
  CheckPaymentId(v, r.payment_id());
  return v.Result();
}

}  // namespace barion_gateway::server
