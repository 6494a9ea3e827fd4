// The catalog: every Barion operation the gateway performs, declared once. An Operation names
// its Barion endpoint, HTTP method and key, and the functions that validate a request, encode
// it (the JSON body of a POST; the path and query of a GET) and decode Barion's answer.
//
// POSTs change money: the gateway never retries them, and a failure after sending has outcome
// "unknown" (server/barion/upstream_error.h). GETs are reads and safe to retry (by the caller;
// the gateway does not retry either). Perform() runs one declared operation; BarionPayments and
// BarionWallet add what is particular to an operation (shops and wallets, defaults, the start
// ledger, observers).
#ifndef BARION_GATEWAY_SERVER_OPERATIONS_CATALOG_H_
#define BARION_GATEWAY_SERVER_OPERATIONS_CATALOG_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "barion/v1/payment_service.pb.h"
#include "barion/v1/wallet_service.pb.h"
#include "server/api/rpc.h"
#include "server/barion/barion_api.h"
#include "server/barion/codec.h"
#include "server/operations/validation.h"

namespace barion_gateway::server {

// How an operation calls Barion: a GET reads, a POST changes money.
enum class Method { kGet, kPost };

template <typename Request, typename Response>
struct Operation {
  Rpc rpc;  // the RPC it serves: Rpc::kCapture
  Method method;
  const char* endpoint;  // Barion's path without query or ids: "/v2/Payment/Capture"
  KeyHeader key;
  absl::Status (*validate)(const Request&);  // null: nothing to check
  std::string (*encode)(const Request&);     // POST: the body; GET: path and query
  absl::Status (*decode)(const ParsedAnswer&, Response*);
};

// Lets a declaration name its functions only: Operation kCapture{Rpc::kCapture, ...}.
template <typename Request, typename Response>
Operation(Rpc, Method, const char*, KeyHeader, absl::Status (*)(const Request&),
          std::string (*)(const Request&), absl::Status (*)(const ParsedAnswer&, Response*))
    -> Operation<Request, Response>;

// GET paths with the request's ids and query.
std::string PaymentStatePath(const barion::v1::GetPaymentStateRequest& request);
std::string AccountsPath(const barion::v1::GetAccountsRequest& request);
std::string AccountsFallbackPath(const barion::v1::GetAccountsRequest& request);
std::string HistoryPath(const barion::v1::GetHistoryRequest& request);
std::string PosPath(const barion::v1::GetPosRequest& request);
std::string HistoryItemPath(const barion::v1::GetHistoryItemRequest& request);
// The QR code image of a payment (its id hyphenated, as Barion's own QRUrl prints it).
std::string QrCodePath(const barion::v1::GetPaymentQrCodeRequest& request);
std::string StatementPath(const barion::v1::DownloadStatementRequest& request);

namespace catalog {

namespace v1 = ::barion::v1;

// clang-format off
// PaymentService, with the shop's POSKey.
inline constexpr Operation kStartPayment{
    Rpc::kStartPayment, Method::kPost,
    "/v2/Payment/Start", KeyHeader::kPosKey,
    &ValidateStartPayment, &EncodeStartPayment, &DecodeStartPayment};
inline constexpr Operation kGetPaymentState{
    Rpc::kGetPaymentState, Method::kGet,
    "/v4/Payment/{PaymentId}/PaymentState", KeyHeader::kPosKey,
    &ValidateGetPaymentState, &PaymentStatePath, &DecodePaymentState};
inline constexpr Operation kFinishReservation{
    Rpc::kFinishReservation, Method::kPost,
    "/v2/Payment/FinishReservation", KeyHeader::kPosKey,
    &ValidateFinishReservation, &EncodeFinishReservation, &DecodeFinishReservation};
inline constexpr Operation kCapture{
    Rpc::kCapture, Method::kPost,
    "/v2/Payment/Capture", KeyHeader::kPosKey,
    &ValidateCapture, &EncodeCapture, &DecodeCapture};
inline constexpr Operation kCancelAuthorization{
    Rpc::kCancelAuthorization, Method::kPost,
    "/v2/Payment/CancelAuthorization", KeyHeader::kPosKey,
    &ValidateCancelAuthorization, &EncodeCancelAuthorization, &DecodeCancelAuthorization};
inline constexpr Operation kRefund{
    Rpc::kRefund, Method::kPost,
    "/v2/Payment/Refund", KeyHeader::kPosKey,
    &ValidateRefund, &EncodeRefund, &DecodeRefund};
inline constexpr Operation kComplete{
    Rpc::kComplete, Method::kPost,
    "/v2/Payment/Complete", KeyHeader::kPosKey,
    &ValidateComplete, &EncodeComplete, &DecodeComplete};
inline constexpr Operation kStartGooglePayPayment{
    Rpc::kStartGooglePayPayment, Method::kPost,
    "/v3/Payment/StartPaymentWithGoogleToken", KeyHeader::kPosKey,
    &ValidateStartGooglePayPayment, &EncodeStartGooglePayPayment, &DecodeStartGooglePayPayment};
inline constexpr Operation kStartApplePayPayment{
    Rpc::kStartApplePayPayment, Method::kPost,
    "/v2/ApplePay/StartPaymentWithAppleToken", KeyHeader::kPosKey,
    &ValidateStartApplePayPayment, &EncodeStartApplePayPayment, &DecodeStartApplePayPayment};
inline constexpr Operation kValidateApplePaySession{
    Rpc::kValidateApplePaySession, Method::kPost,
    "/v2/ApplePay/ValidateSession", KeyHeader::kPosKey,
    &ValidateValidateApplePaySession, &EncodeValidateApplePaySession,
    &DecodeValidateApplePaySession};
// GetPaymentQrCode is a file download without a key: BarionPayments::GetPaymentQrCode.
inline constexpr char kQrCodeEndpoint[] = "/qr/generate";

// WalletService, with the wallet's API key.
inline constexpr Operation<v1::GetAccountsRequest, v1::GetAccountsResponse> kGetAccounts{
    Rpc::kGetAccounts, Method::kGet,
    "/v2/Accounts/Get", KeyHeader::kApiKey,
    nullptr, &AccountsPath, &DecodeAccounts};
// Sources disagree on the accounts path (docs/BARION.md §9): this one is tried on a 404.
inline constexpr Operation<v1::GetAccountsRequest, v1::GetAccountsResponse> kGetAccountsFallback{
    Rpc::kGetAccounts, Method::kGet,
    "/v2/Accounts", KeyHeader::kApiKey,
    nullptr, &AccountsFallbackPath, &DecodeAccounts};
inline constexpr Operation kSendMoneyByEmail{
    Rpc::kSendMoneyByEmail, Method::kPost,
    "/v2/Transfer/Email", KeyHeader::kApiKey,
    &ValidateSendMoneyByEmail, &EncodeSendMoneyByEmail, &DecodeSendMoneyByEmail};
inline constexpr Operation kSendBankTransfer{
    Rpc::kSendBankTransfer, Method::kPost,
    "/v3/Withdraw/BankTransfer", KeyHeader::kApiKey,
    &ValidateSendBankTransfer, &EncodeSendBankTransfer, &DecodeSendBankTransfer};
inline constexpr Operation kGetHistory{
    Rpc::kGetHistory, Method::kGet,
    "/v3/UserHistory/GetHistory", KeyHeader::kApiKey,
    &ValidateGetHistory, &HistoryPath, &DecodeHistory};
inline constexpr Operation kCreatePos{
    Rpc::kCreatePos, Method::kPost,
    "/v1/Pos", KeyHeader::kApiKey,
    &ValidateCreatePos, &EncodeCreatePos, &DecodeCreatePos};
inline constexpr Operation kGetPos{
    Rpc::kGetPos, Method::kGet,
    "/v1/Pos/{PublicKey}", KeyHeader::kApiKey,
    &ValidateGetPos, &PosPath, &DecodeGetPos};
inline constexpr Operation kGetHistoryItem{
    Rpc::kGetHistoryItem, Method::kGet,
    "/v3/TransactionHistory/GetDetail", KeyHeader::kApiKey,
    &ValidateGetHistoryItem, &HistoryItemPath, &DecodeHistoryItem};
// DownloadStatement is a file download: BarionWallet::DownloadStatement.
inline constexpr char kStatementEndpoint[] = "/v2/Statement/Download";
// clang-format on

}  // namespace catalog

// Every Barion path template the catalog calls ("/v4/Payment/{PaymentId}/PaymentState"), once
// each: the endpoint label of the Barion metrics.
std::vector<std::string> CatalogEndpoints();

// Sends one declared operation whose request passed its validation: encodes, calls Barion with
// `key` until `deadline`, decodes. On an upstream failure, `error` (when not null) receives it
// for the caller to branch on, and the status is UpstreamError::ToStatus().
template <typename Request, typename Response>
absl::StatusOr<Response> Perform(const BarionApi& api, const Operation<Request, Response>& op,
                                 const Request& request, const std::string& key,
                                 absl::Time deadline,
                                 std::optional<UpstreamError>* error = nullptr) {
  BarionResult answer = op.method == Method::kPost
                            ? api.Post(op.endpoint, key, op.encode(request), deadline, op.key)
                            : api.Get(op.encode(request), key, deadline, op.key);
  if (!answer.ok()) {
    if (error != nullptr) *error = answer.error();
    return answer.status();
  }
  Response response;
  if (absl::Status s = op.decode(*answer, &response); !s.ok()) return s;
  return response;
}

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_OPERATIONS_CATALOG_H_
