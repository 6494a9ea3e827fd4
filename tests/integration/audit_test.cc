// The audit log through the real gateway: one JSON line per money-moving or data-revealing call
// (each audited method called once here, whether Barion accepts it or not), refused calls
// included, with who called, the method, the shop or wallet, amounts and outcome; never a key
// or a token (docs/SECURITY.md#audit-log).
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "tests/integration/harness.h"
#include "tests/server/auth/test_policy.h"

namespace barion_gateway::testing_support {
namespace {

namespace v1 = ::barion::v1;
using server::CallerPolicy;
using server::TokenCaller;

constexpr char kAppToken[] = "token-of-the-shop-app-0123456789abcdefghij";
constexpr char kReaderToken[] = "token-of-a-read-only-caller-0123456789abcd";

HarnessOptions Options() {
  HarnessOptions options;
  CallerPolicy app = TokenCaller("shop-app", kAppToken, {"*"}, {"demo"});
  app.wallets = {"treasury"};
  options.callers = {app, TokenCaller("reader", kReaderToken,
                                      {"/barion.v1.PaymentService/GetPaymentState"}, {"demo"})};
  return options;
}

TEST(AuditTest, EveryAuditedMethodLeavesOneRecordAndNoSecret) {
  Harness h(Options());
  v1::StartPaymentResponse started;
  ASSERT_TRUE(h.stub()
                  .StartPayment(WithToken(kAppToken).get(),
                                Harness::CardPayment("1000", v1::CURRENCY_HUF), &started)
                  .ok());
  const std::string id = started.payment_id();

  // Each audited method once; most are refused by Barion or by validation, and still audited.
  v1::StartGooglePayPaymentRequest google;
  *google.mutable_payment() = Harness::CardPayment("500", v1::CURRENCY_HUF);
  v1::StartGooglePayPaymentResponse google_started;
  h.stub().StartGooglePayPayment(WithToken(kAppToken).get(), google, &google_started);
  v1::StartApplePayPaymentRequest apple;
  *apple.mutable_payment() = Harness::CardPayment("500", v1::CURRENCY_HUF);
  v1::StartApplePayPaymentResponse apple_started;
  h.stub().StartApplePayPayment(WithToken(kAppToken).get(), apple, &apple_started);
  v1::FinishReservationRequest finish;
  finish.set_payment_id(id);
  finish.add_transactions()->set_total("1000");
  v1::FinishReservationResponse finished;
  h.stub().FinishReservation(WithToken(kAppToken).get(), finish, &finished);
  v1::CaptureRequest capture;
  capture.set_payment_id(id);
  v1::CaptureResponse captured;
  h.stub().Capture(WithToken(kAppToken).get(), capture, &captured);
  v1::CancelAuthorizationRequest cancel;
  cancel.set_payment_id(id);
  v1::CancelAuthorizationResponse cancelled;
  h.stub().CancelAuthorization(WithToken(kAppToken).get(), cancel, &cancelled);
  v1::RefundRequest refund;
  refund.set_payment_id(id);
  auto* line = refund.add_transactions_to_refund();
  line->set_transaction_id("00000000000000000000000000000001");
  line->set_pos_transaction_id("r-1");
  line->set_amount_to_refund("250");
  v1::RefundResponse refunded;
  h.stub().Refund(WithToken(kAppToken).get(), refund, &refunded);
  v1::CompleteRequest complete;
  complete.set_payment_id(id);
  v1::CompleteResponse completed;
  h.stub().Complete(WithToken(kAppToken).get(), complete, &completed);
  v1::SendMoneyByEmailRequest email;
  email.set_currency(v1::CURRENCY_HUF);
  email.set_amount("100");
  v1::SendMoneyByEmailResponse emailed;
  h.wallets().SendMoneyByEmail(WithToken(kAppToken).get(), email, &emailed);
  v1::SendBankTransferRequest bank;
  bank.set_currency(v1::CURRENCY_EUR);
  bank.set_amount("10.50");
  v1::SendBankTransferResponse sent;
  h.wallets().SendBankTransfer(WithToken(kAppToken).get(), bank, &sent);
  v1::CreatePosRequest pos;
  v1::CreatePosResponse created;
  h.wallets().CreatePos(WithToken(kAppToken).get(), pos, &created);
  v1::DownloadStatementRequest statement;
  statement.set_currency(v1::CURRENCY_HUF);
  std::unique_ptr<grpc::ClientContext> stream_context = WithToken(kAppToken);
  auto reader = h.wallets().DownloadStatement(stream_context.get(), statement);
  v1::DownloadStatementResponse chunk;
  while (reader->Read(&chunk)) {
  }
  reader->Finish();
  // Refused before anything else: a caller without the method, a call without credentials.
  v1::StartPaymentResponse denied;
  h.stub().StartPayment(WithToken(kReaderToken).get(),
                        Harness::CardPayment("700", v1::CURRENCY_HUF), &denied);
  h.stub().Refund(WithToken(nullptr).get(), refund, &refunded);
  // Not audited: a read.
  v1::GetPaymentStateRequest state;
  state.set_payment_id(id);
  v1::GetPaymentStateResponse got;
  h.stub().GetPaymentState(WithToken(kReaderToken).get(), state, &got);

  h.gateway().audit_log()->Flush();
  std::ifstream in(h.data_dir() + "/audit.log");
  std::stringstream text;
  text << in.rdbuf();
  const std::string audit = text.str();
  for (const char* secret : {kAppToken, kReaderToken, kPosKey, kWalletApiKey}) {
    EXPECT_EQ(audit.find(secret), std::string::npos) << "a secret in the audit log";
  }
  std::map<std::string, std::vector<rapidjson::Document>> by_method;
  for (absl::string_view l : absl::StrSplit(audit, '\n', absl::SkipEmpty())) {
    rapidjson::Document d;
    d.Parse(std::string(l).c_str());
    ASSERT_TRUE(d.IsObject()) << l;
    by_method[std::string(absl::StripPrefix(d["method"].GetString(), "/barion.v1."))].push_back(
        std::move(d));
  }
  for (const char* method :
       {"PaymentService/StartGooglePayPayment", "PaymentService/StartApplePayPayment",
        "PaymentService/FinishReservation", "PaymentService/Capture",
        "PaymentService/CancelAuthorization", "PaymentService/Complete",
        "WalletService/SendMoneyByEmail", "WalletService/SendBankTransfer",
        "WalletService/CreatePos", "WalletService/DownloadStatement"}) {
    ASSERT_EQ(by_method[method].size(), 1u) << method << "\n" << audit;
    EXPECT_STREQ(by_method[method][0]["caller"].GetString(), "shop-app") << method;
    EXPECT_STRNE(by_method[method][0]["outcome"].GetString(), "ok") << method;
  }
  EXPECT_EQ(by_method.count("PaymentService/GetPaymentState"), 0u);

  const auto& starts = by_method["PaymentService/StartPayment"];
  ASSERT_EQ(starts.size(), 2u);
  EXPECT_STREQ(starts[0]["outcome"].GetString(), "ok");
  EXPECT_STREQ(starts[0]["payment_id"].GetString(), id.c_str());
  EXPECT_STREQ(starts[0]["amounts"][0].GetString(), "1000");
  EXPECT_STREQ(starts[0]["currency"].GetString(), "HUF");
  EXPECT_STREQ(starts[0]["authenticated_by"].GetString(), "token");
  EXPECT_STREQ(starts[1]["caller"].GetString(), "reader");
  EXPECT_STREQ(starts[1]["code"].GetString(), "PERMISSION_DENIED");
  EXPECT_STREQ(starts[1]["reason"].GetString(), "METHOD_NOT_ALLOWED");
  EXPECT_STREQ(starts[1]["outcome"].GetString(), "denied");

  const auto& refunds = by_method["PaymentService/Refund"];
  ASSERT_EQ(refunds.size(), 2u);
  EXPECT_STREQ(refunds[0]["amounts"][0].GetString(), "250");
  EXPECT_STREQ(refunds[0]["payment_id"].GetString(), id.c_str());
  EXPECT_STREQ(refunds[0]["outcome"].GetString(), "rejected");  // Barion: not a paid payment
  EXPECT_TRUE(refunds[0].HasMember("barion_errors"));
  EXPECT_STREQ(refunds[1]["caller"].GetString(), "-");
  EXPECT_STREQ(refunds[1]["code"].GetString(), "UNAUTHENTICATED");
  EXPECT_STREQ(refunds[1]["outcome"].GetString(), "denied");
  EXPECT_STREQ(by_method["WalletService/SendBankTransfer"][0]["amounts"][0].GetString(), "10.50");
}

}  // namespace
}  // namespace barion_gateway::testing_support
