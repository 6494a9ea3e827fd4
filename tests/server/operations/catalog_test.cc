// The catalog on its own: each operation agrees with the API's declaration of its RPC (a GET is
// a read, a money-moving POST is not; POSKey operations are PaymentService's, API key ones
// WalletService's), the paths it builds, the endpoint list the metrics use, and Perform's way
// of sending a GET and a POST and handing a failure back typed.
#include "server/operations/catalog.h"

#include <set>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/server/barion/fake_transport.h"

namespace barion_gateway::server {
namespace {

namespace v1 = ::barion::v1;

// Calls `check(op)` for every declared operation.
template <typename Check>
void ForEachOperation(Check check) {
  using namespace catalog;  // NOLINT: the whole catalog, listed
  check(kStartPayment);
  check(kGetPaymentState);
  check(kFinishReservation);
  check(kCapture);
  check(kCancelAuthorization);
  check(kRefund);
  check(kComplete);
  check(kStartGooglePayPayment);
  check(kStartApplePayPayment);
  check(kValidateApplePaySession);
  check(kGetAccounts);
  check(kGetAccountsFallback);
  check(kSendMoneyByEmail);
  check(kSendBankTransfer);
  check(kGetHistory);
  check(kCreatePos);
  check(kGetPos);
  check(kGetHistoryItem);
}

TEST(CatalogTest, EachOperationAgreesWithItsRpcsDeclaration) {
  int checked = 0;
  ForEachOperation([&](const auto& op) {
    const RpcMethod& rpc = MethodOf(op.rpc);
    SCOPED_TRACE(rpc.name + " " + op.endpoint);
    ++checked;
    EXPECT_TRUE(absl::StartsWith(op.endpoint, "/v")) << "a versioned Barion path";
    if (op.method == Method::kGet) {
      EXPECT_EQ(rpc.idempotency, RpcIdempotency::kNoSideEffects) << "a GET reads";
    } else if (op.rpc != Rpc::kValidateApplePaySession) {  // a POST that moves no money
      EXPECT_NE(rpc.idempotency, RpcIdempotency::kNoSideEffects) << "a POST moves money";
    }
    EXPECT_EQ(rpc.service, op.key == KeyHeader::kPosKey ? "barion.v1.PaymentService"
                                                        : "barion.v1.WalletService");
    EXPECT_NE(op.encode, nullptr);
    EXPECT_NE(op.decode, nullptr);
  });
  EXPECT_EQ(checked, 18);
}

TEST(CatalogTest, EndpointsAreListedOnceEachWithTheFileDownloads) {
  const std::vector<std::string> endpoints = CatalogEndpoints();
  const std::set<std::string> unique(endpoints.begin(), endpoints.end());
  EXPECT_EQ(unique.size(), endpoints.size());
  ForEachOperation(
      [&](const auto& op) { EXPECT_EQ(unique.count(op.endpoint), 1u) << op.endpoint; });
  EXPECT_EQ(unique.count(catalog::kQrCodeEndpoint), 1u);
  EXPECT_EQ(unique.count(catalog::kStatementEndpoint), 1u);
  EXPECT_EQ(endpoints.size(), 20u);
}

TEST(CatalogTest, GetPathsCarryTheRequestsIdsAndQuery) {
  v1::GetPaymentStateRequest state;
  state.set_payment_id("0123456789abcdef0123456789abcdef");
  EXPECT_EQ(PaymentStatePath(state), "/v4/Payment/0123456789abcdef0123456789abcdef/PaymentState");
  v1::GetHistoryRequest history;
  EXPECT_EQ(HistoryPath(history), "/v3/UserHistory/GetHistory?Limit=20");
  history.set_limit(5);
  history.set_last_visible_item_id("item-1");
  history.set_currency(v1::CURRENCY_EUR);
  EXPECT_EQ(HistoryPath(history),
            "/v3/UserHistory/GetHistory?Limit=5&LastVisibleItemId=item-1&Currency=EUR");
  v1::GetPosRequest pos;
  pos.set_public_key("abc");
  EXPECT_EQ(PosPath(pos), "/v1/Pos/abc");
  v1::GetHistoryItemRequest item;
  item.set_item_id("it-9");
  EXPECT_EQ(HistoryItemPath(item), "/v3/TransactionHistory/GetDetail?ItemId=it-9");
  v1::DownloadStatementRequest statement;
  statement.set_year(2026);
  statement.set_month(11);
  statement.set_currency(v1::CURRENCY_HUF);
  EXPECT_EQ(StatementPath(statement), "/v2/Statement/Download?Year=2026&Month=11&Currency=HUF");
  statement.set_day(3);
  EXPECT_EQ(StatementPath(statement),
            "/v2/Statement/Download?Year=2026&Month=11&Day=3&Currency=HUF");
  EXPECT_EQ(AccountsPath({}), "/v2/Accounts/Get");
  EXPECT_EQ(AccountsFallbackPath({}), "/v2/Accounts");
}

TEST(CatalogTest, PerformSendsAGetAsAGetAndAPostWithItsBody) {
  FakeTransport transport;
  BarionApi api(&transport);
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  transport.Answer(200, R"({"Accounts":[],"Errors":[]})");
  absl::StatusOr<v1::GetAccountsResponse> accounts =
      Perform(api, catalog::kGetAccounts, v1::GetAccountsRequest(), "k", deadline);
  ASSERT_TRUE(accounts.ok()) << accounts.status();
  v1::SendMoneyByEmailRequest send;
  transport.Answer(400, R"({"Errors":[{"ErrorCode":"InsufficientBalance","Title":"t"}]})");
  std::optional<UpstreamError> error;
  absl::StatusOr<v1::SendMoneyByEmailResponse> sent =
      Perform(api, catalog::kSendMoneyByEmail, send, "k", deadline, &error);
  EXPECT_FALSE(sent.ok());
  ASSERT_TRUE(error.has_value()) << "the failure handed back typed";
  EXPECT_EQ(error->http_status, 400);
  const std::vector<HttpRequest> requests = transport.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].path, "/v2/Accounts/Get");
  EXPECT_TRUE(requests[0].body.empty());
  EXPECT_EQ(requests[1].method, "POST");
  EXPECT_EQ(requests[1].path, "/v2/Transfer/Email");
  EXPECT_EQ(requests[1].body, EncodeSendMoneyByEmail(send));
}

}  // namespace
}  // namespace barion_gateway::server
