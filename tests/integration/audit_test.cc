// The audit log through the real gateway: one result record per call (each method called once
// here, whether Barion accepts it or not), refused calls and reads included, with who called
// from where, the method, the shop or wallet, amounts, outcome and trace id; an intent record,
// synced, before every money-moving call that reaches Barion; never a key or a token
// (docs/SECURITY.md#audit-log).
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
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

std::vector<rapidjson::Document> Records(Harness& h) {
  h.gateway().audit_log()->Flush();
  std::ifstream in(h.data_dir() + "/audit.log");
  std::vector<rapidjson::Document> records;
  for (std::string line; std::getline(in, line);) {
    rapidjson::Document d;
    d.Parse(line.c_str());
    EXPECT_TRUE(d.IsObject()) << line;
    if (d.IsObject()) records.push_back(std::move(d));
  }
  return records;
}

TEST(AuditTest, EveryCallLeavesOneResultRecordAndNoSecret) {
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
  // A read: audited too.
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
  std::map<std::string, std::vector<rapidjson::Document>> by_method;  // results
  std::map<std::string, std::vector<rapidjson::Document>> intents;
  for (absl::string_view l : absl::StrSplit(audit, '\n', absl::SkipEmpty())) {
    rapidjson::Document d;
    d.Parse(std::string(l).c_str());
    ASSERT_TRUE(d.IsObject()) << l;
    ASSERT_TRUE(d.HasMember("peer") && d.HasMember("trace_id")) << l;
    EXPECT_THAT(d["peer"].GetString(), testing::HasSubstr("127.0.0.1")) << l;
    auto& into = std::string(d["phase"].GetString()) == "intent" ? intents : by_method;
    into[std::string(absl::StripPrefix(d["method"].GetString(), "/barion.v1."))].push_back(
        std::move(d));
  }
  // Every result of a money-moving call that reached Barion follows its intent (same trace).
  for (auto& [method, results] : by_method) {
    for (const rapidjson::Document& r : results) {
      const std::string outcome = r["outcome"].GetString();
      if (outcome != "ok" && outcome != "rejected" && outcome != "unknown") continue;
      if (method == "PaymentService/GetPaymentState" ||
          method == "WalletService/DownloadStatement") {
        continue;  // reads: no intent
      }
      bool found = false;
      for (const rapidjson::Document& i : intents[method]) {
        found |= std::string(i["trace_id"].GetString()) == r["trace_id"].GetString();
      }
      EXPECT_TRUE(found) << method << " reached Barion without an intent record";
    }
  }
  EXPECT_EQ(intents["PaymentService/StartPayment"].size(), 1u);  // the reader's was denied
  EXPECT_EQ(intents["PaymentService/Refund"].size(), 1u);        // the unauthenticated one: none
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
  ASSERT_EQ(by_method["PaymentService/GetPaymentState"].size(), 1u);
  EXPECT_STREQ(by_method["PaymentService/GetPaymentState"][0]["caller"].GetString(), "reader");
  EXPECT_STREQ(by_method["PaymentService/GetPaymentState"][0]["payment_id"].GetString(),
               id.c_str());

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
  // Nothing of an unauthenticated request is written: it is anybody's.
  EXPECT_FALSE(refunds[1].HasMember("amounts"));
  EXPECT_FALSE(refunds[1].HasMember("payment_id"));
  EXPECT_STREQ(refunds[1]["outcome"].GetString(), "denied");
  EXPECT_STREQ(by_method["WalletService/SendBankTransfer"][0]["amounts"][0].GetString(), "10.50");
}

}  // namespace
}  // namespace barion_gateway::testing_support

namespace barion_gateway::testing_support {
namespace {

TEST(AuditTest, StreamsAndEventListsAreAudited) {
  Harness h(Options());
  v1::StartPaymentResponse started;
  ASSERT_TRUE(h.stub()
                  .StartPayment(WithToken(kAppToken).get(),
                                Harness::CardPayment("1000", v1::CURRENCY_HUF), &started)
                  .ok());
  v1::ListPaymentEventsRequest list;
  list.set_shop("demo");
  v1::ListPaymentEventsResponse listed;
  ASSERT_TRUE(h.events().ListPaymentEvents(WithToken(kAppToken).get(), list, &listed).ok());

  auto context = WithToken(kAppToken);
  v1::SubscribePaymentEventsRequest subscribe;
  subscribe.set_start(v1::SUBSCRIPTION_START_BEGINNING);
  auto stream = h.events().SubscribePaymentEvents(context.get(), subscribe);
  v1::SubscribePaymentEventsResponse message;
  ASSERT_TRUE(stream->Read(&message));  // the start heartbeat
  ASSERT_TRUE(h.Control(absl::StrCat("payments/", started.payment_id(), "/pay"), "{}") == 200);
  do {
    ASSERT_TRUE(stream->Read(&message));
  } while (!message.has_event());
  context->TryCancel();
  while (stream->Read(&message)) {
  }
  stream->Finish();
  // A refused subscription: the reader may not subscribe.
  auto refused_context = WithToken(kReaderToken);
  auto refused = h.events().SubscribePaymentEvents(refused_context.get(), {});
  EXPECT_FALSE(refused->Read(&message));
  refused->Finish();

  absl::Time until = absl::Now() + absl::Seconds(5);
  std::vector<rapidjson::Document> streams;
  bool listed_audited = false;
  while (absl::Now() < until) {
    streams.clear();
    for (rapidjson::Document& d : Records(h)) {
      const std::string method = d["method"].GetString();
      if (method == "/barion.v1.PaymentEventService/ListPaymentEvents") listed_audited = true;
      if (method == "/barion.v1.PaymentEventService/SubscribePaymentEvents") {
        streams.push_back(std::move(d));
      }
    }
    if (streams.size() == 2) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_TRUE(listed_audited);
  ASSERT_EQ(streams.size(), 2u);
  const rapidjson::Document* mine = nullptr;
  const rapidjson::Document* denied = nullptr;
  for (const rapidjson::Document& d : streams) {
    (std::string(d["caller"].GetString()) == "shop-app" ? mine : denied) = &d;
  }
  ASSERT_NE(mine, nullptr);
  ASSERT_NE(denied, nullptr);
  EXPECT_STREQ((*mine)["phase"].GetString(), "stream");
  EXPECT_STREQ((*mine)["scope"][0].GetString(), "demo");
  EXPECT_STREQ((*mine)["start"].GetString(), "after:0");
  EXPECT_GE((*mine)["events"].GetInt64(), 1);
  EXPECT_TRUE((*mine).HasMember("duration_ms"));
  EXPECT_STREQ((*mine)["code"].GetString(), "CANCELLED");
  EXPECT_STREQ((*denied)["code"].GetString(), "PERMISSION_DENIED");
  EXPECT_STREQ((*denied)["outcome"].GetString(), "denied");
}

TEST(AuditTest, UnauthenticatedCallersCannotGrowTheLogAtWill) {
  Harness h(Options());
  v1::RefundRequest refund;
  refund.set_payment_id("1fadd1c30d564ea1b95096ac580c14c4");
  for (int i = 0; i < 100; ++i) {
    auto* line = refund.add_transactions_to_refund();
    line->set_transaction_id(std::string(64, 'a'));
    line->set_pos_transaction_id(std::string(200, 'b'));
    line->set_amount_to_refund("99999999999999");
    line->set_comment(std::string(500, 'c'));
  }
  h.gateway().audit_log()->Flush();
  const int64_t before = Records(h).size();
  const absl::Time start = absl::Now();
  for (int i = 0; i < 1000; ++i) {
    v1::RefundResponse response;
    grpc::Status s = h.stub().Refund(WithToken(nullptr).get(), refund, &response);
    ASSERT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  }
  const absl::Duration took = absl::Now() - start;
  std::ifstream in(h.data_dir() + "/audit.log", std::ios::ate);
  const int64_t bytes = in.tellg();
  const int64_t written = static_cast<int64_t>(Records(h).size()) - before;
  // At most 20 a second from one peer, each without the request's values (~250 bytes).
  const int64_t seconds = absl::ToInt64Seconds(took) + 2;
  EXPECT_LE(written, 20 * seconds + 2) << "in " << took;
  EXPECT_LT(bytes, 400 * (20 * seconds + 10)) << "in " << took;
  EXPECT_GE(h.gateway().audit_log()->suppressed(), 1000 - 20 * seconds);
}

}  // namespace
}  // namespace barion_gateway::testing_support
