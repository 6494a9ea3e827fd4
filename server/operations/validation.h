// Request validation: what the gateway checks before it calls Barion.
//
// Each function returns OK or INVALID_ARGUMENT carrying a google.rpc.BadRequest with one field
// violation per broken rule, in proto field paths ("transactions[0].items[1].unit_price"). The
// rules are Barion's documented ones (docs/BARION.md §4), so that the caller learns the field at
// fault instead of Barion's ModelValidationError, which often does not name it. Money is checked
// against the currency's scale (HUF whole, others 2 decimals) where the request names the
// currency; where it does not (finish, capture, refund), against the largest scale (2), and
// Barion checks the rest.
//
// Preconditions: shop defaults are already applied (payee, redirect URL, locale).
#ifndef BARION_GATEWAY_SERVER_OPERATIONS_VALIDATION_H_
#define BARION_GATEWAY_SERVER_OPERATIONS_VALIDATION_H_

#include "absl/status/status.h"
#include "barion/v1/payment_service.pb.h"
#include "barion/v1/wallet_service.pb.h"
#include "server/barion/callback_request.h"  // IsBarionGuid

namespace barion_gateway::server {

// Count limits, checked before anything else. Barion documents none; these are far above any
// real payment (a marketplace order with 100 payees, a basket of 1,000 lines) and keep the work
// per request small. docs/ERRORS.md lists them.
inline constexpr int kMaxTransactions = 100;       // per payment
inline constexpr int kMaxPayeeTransactions = 100;  // per transaction
inline constexpr int kMaxItems = 1000;             // per transaction
inline constexpr int kMaxFundingSources = 16;
// Field lengths Barion documents (characters), docs/BARION.md §4.
inline constexpr size_t kMaxUrlLength = 2000;     // redirect, callback, image, shop URLs
inline constexpr size_t kMaxIdLength = 100;       // request, transaction, recurrence, trace ids,
                                                  // order number, SKU, recipient name
inline constexpr size_t kMaxCommentLength = 640;  // transaction and payee comments
inline constexpr size_t kMaxItemNameLength = 250;
inline constexpr size_t kMaxItemDescriptionLength = 500;
inline constexpr size_t kMaxShortTextLength = 50;  // item unit, city, street lines
inline constexpr size_t kMaxZipLength = 16;
inline constexpr size_t kMaxPhoneLength = 30;
inline constexpr size_t kMaxEmailLength = 256;
inline constexpr size_t kMaxShippingNameLength = 45;
inline constexpr size_t kMaxPayerAccountIdLength = 64;
inline constexpr size_t kMaxTransferCommentLength = 1000;    // e-mail transfers
inline constexpr size_t kMaxBankTransferCommentLength = 90;  // bank transfers
inline constexpr size_t kMaxBankAccountNumberLength = 34;    // an IBAN's maximum
inline constexpr size_t kMaxShopNameLength = 200;            // CreatePos

// Violations reported per request; further ones are counted, not listed.
inline constexpr size_t kMaxViolations = 100;

absl::Status ValidateStartPayment(const barion::v1::StartPaymentRequest& request);
absl::Status ValidateGetPaymentState(const barion::v1::GetPaymentStateRequest& request);
absl::Status ValidateFinishReservation(const barion::v1::FinishReservationRequest& request);
absl::Status ValidateCapture(const barion::v1::CaptureRequest& request);
absl::Status ValidateCancelAuthorization(const barion::v1::CancelAuthorizationRequest& request);
absl::Status ValidateRefund(const barion::v1::RefundRequest& request);
absl::Status ValidateComplete(const barion::v1::CompleteRequest& request);
absl::Status ValidateGetPaymentQrCode(const barion::v1::GetPaymentQrCodeRequest& request);
absl::Status ValidateStartGooglePayPayment(const barion::v1::StartGooglePayPaymentRequest& request);
absl::Status ValidateStartApplePayPayment(const barion::v1::StartApplePayPaymentRequest& request);
absl::Status ValidateValidateApplePaySession(
    const barion::v1::ValidateApplePaySessionRequest& request);
absl::Status ValidateSendMoneyByEmail(const barion::v1::SendMoneyByEmailRequest& request);
absl::Status ValidateSendBankTransfer(const barion::v1::SendBankTransferRequest& request);
absl::Status ValidateDownloadStatement(const barion::v1::DownloadStatementRequest& request);
absl::Status ValidateGetHistory(const barion::v1::GetHistoryRequest& request);
absl::Status ValidateCreatePos(const barion::v1::CreatePosRequest& request);
absl::Status ValidateGetPos(const barion::v1::GetPosRequest& request);
absl::Status ValidateGetHistoryItem(const barion::v1::GetHistoryItemRequest& request);

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_OPERATIONS_VALIDATION_H_
