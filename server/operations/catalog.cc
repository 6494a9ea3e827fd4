#include "server/operations/catalog.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "server/barion/callback_request.h"

namespace barion_gateway::server {

namespace v1 = ::barion::v1;

std::string PaymentStatePath(const v1::GetPaymentStateRequest& r) {
  return absl::StrCat("/v4/Payment/", r.payment_id(), "/PaymentState");
}

std::string AccountsPath(const v1::GetAccountsRequest&) { return catalog::kGetAccounts.endpoint; }

std::string AccountsFallbackPath(const v1::GetAccountsRequest&) {
  return catalog::kGetAccountsFallback.endpoint;
}

std::string HistoryPath(const v1::GetHistoryRequest& r) {
  std::string path =
      absl::StrCat(catalog::kGetHistory.endpoint, "?Limit=", r.limit() == 0 ? 20 : r.limit());
  if (!r.last_visible_item_id().empty()) {
    absl::StrAppend(&path, "&LastVisibleItemId=", r.last_visible_item_id());
  }
  if (r.has_last_request_time()) {
    absl::StrAppend(&path, "&LastRequestTime=",
                    FormatBarionTime(absl::FromUnixSeconds(r.last_request_time().seconds()) +
                                     absl::Nanoseconds(r.last_request_time().nanos())));
  }
  if (r.currency() != v1::CURRENCY_UNSPECIFIED) {
    absl::StrAppend(&path, "&Currency=", CurrencyCode(r.currency()));
  }
  return path;
}

std::string PosPath(const v1::GetPosRequest& r) { return absl::StrCat("/v1/Pos/", r.public_key()); }

std::string HistoryItemPath(const v1::GetHistoryItemRequest& r) {
  return absl::StrCat(catalog::kGetHistoryItem.endpoint, "?ItemId=", r.item_id());
}

std::string QrCodePath(const v1::GetPaymentQrCodeRequest& r) {
  const char* size = "Large";
  if (r.size() == v1::QR_CODE_SIZE_SMALL) size = "Small";
  if (r.size() == v1::QR_CODE_SIZE_NORMAL) size = "Normal";
  return absl::StrCat(catalog::kQrCodeEndpoint, "?paymentId=", HyphenatedGuid(r.payment_id()),
                      "&size=", size);
}

std::string StatementPath(const v1::DownloadStatementRequest& r) {
  std::string path =
      absl::StrCat(catalog::kStatementEndpoint, "?Year=", r.year(), "&Month=", r.month());
  if (r.day() != 0) absl::StrAppend(&path, "&Day=", r.day());
  absl::StrAppend(&path, "&Currency=", CurrencyCode(r.currency()));
  return path;
}

std::vector<std::string> CatalogEndpoints() {
  using namespace catalog;  // NOLINT: the whole catalog, listed
  std::vector<std::string> endpoints = {kStartPayment.endpoint,
                                        kGetPaymentState.endpoint,
                                        kFinishReservation.endpoint,
                                        kCapture.endpoint,
                                        kCancelAuthorization.endpoint,
                                        kRefund.endpoint,
                                        kComplete.endpoint,
                                        kStartGooglePayPayment.endpoint,
                                        kStartApplePayPayment.endpoint,
                                        kValidateApplePaySession.endpoint,
                                        kQrCodeEndpoint,
                                        kGetAccounts.endpoint,
                                        kGetAccountsFallback.endpoint,
                                        kSendMoneyByEmail.endpoint,
                                        kSendBankTransfer.endpoint,
                                        kGetHistory.endpoint,
                                        kCreatePos.endpoint,
                                        kGetPos.endpoint,
                                        kGetHistoryItem.endpoint,
                                        kStatementEndpoint};
  return endpoints;
}

}  // namespace barion_gateway::server
