// The sandbox on its own, as Barion's clients see it: authentication, validation errors,
// quirks, and the callback retry schedule.
#include "sandbox/sandbox.h"

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "rapidjson/document.h"

namespace barion_gateway::sandbox {
namespace {

using testing::HasSubstr;

constexpr char kKey[] = "9a4c1e7b3d5f48a2b6c0e8d2f4a6b1c3";

class SandboxTest : public testing::Test {
 protected:
  void SetUp() override {
    SandboxOptions options;
    options.https_address = "";  // plain HTTP is enough here
    options.shops = {{"demo", kKey, "shop@sandbox.local", true}};
    options.time_scale = 0.01;  // retries after 20, 60, 180, 540, 1620 ms
    options.rate_limit = false;
    options.threads = 16;
    auto started = Sandbox::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    sandbox_ = *std::move(started);
    client_ = std::make_unique<httplib::Client>(sandbox_->http_url());
  }

  httplib::Result Post(const std::string& path, const std::string& body,
                       const std::string& key = kKey) {
    httplib::Headers headers;
    if (!key.empty()) headers.emplace("x-pos-key", key);
    return client_->Post(path.c_str(), headers, body, "application/json");
  }

  static std::string StartBody(const std::string& callback_url, const std::string& total = "1000") {
    return absl::StrCat(R"({"PaymentType":"Immediate","FundingSources":["All"],
      "PaymentRequestId":"r1","RedirectUrl":"https://shop/return","CallbackUrl":")",
                        callback_url, R"(","Locale":"hu-HU","Currency":"HUF",
      "Transactions":[{"POSTransactionId":"t1","Payee":"shop@sandbox.local","Total":)",
                        total, R"(,"Items":[]}]})");
  }

  std::unique_ptr<Sandbox> sandbox_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(SandboxTest, RejectsAWrongKeyWithAuthenticationFailed) {
  auto res = Post("/v2/Payment/Start", StartBody("http://127.0.0.1:9/cb"),
                  "ffffffffffffffffffffffffffffffff");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_THAT(res->body, HasSubstr("\"ErrorCode\":\"AuthenticationFailed\""));
  EXPECT_THAT(res->body, HasSubstr("\"AuthData\":null"));
}

TEST_F(SandboxTest, ReportsOneModelValidationErrorPerBrokenRule) {
  auto res = Post("/v2/Payment/Start", R"({"PaymentType":"Immediate","Currency":"HUF",
      "Locale":"hu-HU","FundingSources":["All"],"PaymentRequestId":"x",
      "ShippingAddress":{"Country":"HU","Region":"BUD"},
      "Transactions":[{"POSTransactionId":"t","Payee":"shop@sandbox.local","Total":10.5}]})");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  rapidjson::Document doc;
  doc.Parse(res->body.c_str());
  ASSERT_TRUE(doc.IsObject());
  std::vector<std::string> descriptions;
  for (const auto& e : doc["Errors"].GetArray()) {
    EXPECT_STREQ(e["ErrorCode"].GetString(), "ModelValidationError");
    descriptions.push_back(e["Description"].GetString());
  }
  EXPECT_THAT(descriptions, testing::UnorderedElementsAre(
                                "The redirect url is required!",
                                "The field Region must be a string or array type with a minimum "
                                "length of '2'.",
                                "The Total field has too many decimals for HUF."));
}

TEST_F(SandboxTest, PrintsBarionsQuirks) {
  auto res = Post("/v2/Payment/Start", StartBody("http://127.0.0.1:9/cb", "84"));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  rapidjson::Document doc;
  doc.Parse(res->body.c_str());
  const std::string id = doc["PaymentId"].GetString();
  EXPECT_EQ(id.size(), 32u);
  const std::string time = doc["Transactions"][0]["TransactionTime"].GetString();
  EXPECT_NE(time.back(), 'Z') << "Start's TransactionTime has no Z";
  EXPECT_TRUE(doc.HasMember("SandboxSimulated")) << "an unknown field readers must ignore";
  httplib::Headers headers{{"x-pos-key", kKey}};
  auto state = client_->Get(("/v4/Payment/" + id + "/PaymentState").c_str(), headers);
  ASSERT_TRUE(state);
  EXPECT_THAT(state->body, HasSubstr("\"Total\":84.00"));
  EXPECT_THAT(state->body, HasSubstr("\"PaymentMethod\":\"Unknown\""));
  // v4 takes the key only from the header.
  auto no_header = client_->Get(("/v4/Payment/" + id + "/PaymentState?POSKey=" + kKey).c_str());
  ASSERT_TRUE(no_header);
  EXPECT_THAT(no_header->body, HasSubstr("AuthenticationFailed"));
  // v2 still takes it from the query, and has no PaymentMethod.
  auto v2 = client_->Get(
      ("/v2/Payment/GetPaymentState?POSKey=" + std::string(kKey) + "&PaymentId=" + id).c_str());
  ASSERT_TRUE(v2);
  EXPECT_THAT(v2->body, HasSubstr("\"Status\":\"Prepared\""));
  EXPECT_THAT(v2->body, testing::Not(HasSubstr("PaymentMethod")));
  // A wrong method answers like ASP.NET.
  auto get = client_->Get("/v2/Payment/Start");
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 405);
  EXPECT_THAT(get->body, HasSubstr("does not support http method 'GET'"));
}

TEST_F(SandboxTest, RetriesCallbacksOnBarionsScheduleUntilAnswered200) {
  // A shop endpoint that fails three times, then accepts.
  httplib::Server shop;
  std::atomic<int> calls{0};
  std::vector<absl::Time> at(10);
  std::string query_id, body;
  shop.Post("/cb", [&](const httplib::Request& req, httplib::Response& res) {
    const int n = calls.fetch_add(1);
    at[n] = absl::Now();
    query_id = req.get_param_value("paymentId");
    body = req.body;
    res.status = n < 3 ? 502 : 200;
  });
  const int port = shop.bind_to_any_port("127.0.0.1");
  std::thread server([&] { shop.listen_after_bind(); });

  auto res = Post("/v2/Payment/Start", StartBody(absl::StrCat("http://127.0.0.1:", port, "/cb")));
  ASSERT_TRUE(res);
  rapidjson::Document doc;
  doc.Parse(res->body.c_str());
  const std::string id = doc["PaymentId"].GetString();
  ASSERT_EQ(client_->Post(("/_sandbox/payments/" + id + "/pay").c_str(), "{}", "application/json")
                ->status,
            200);
  for (int i = 0; i < 300 && calls.load() < 4; ++i) absl::SleepFor(absl::Milliseconds(10));
  shop.stop();
  server.join();
  ASSERT_EQ(calls.load(), 4);
  EXPECT_EQ(query_id, id);
  EXPECT_EQ(body, "paymentId=" + id);
  // 2 s, 6 s, 18 s scaled by 0.01: 20 ms, 60 ms, 180 ms between attempts.
  EXPECT_GE(at[1] - at[0], absl::Milliseconds(20));
  EXPECT_GE(at[2] - at[1], absl::Milliseconds(60));
  EXPECT_GE(at[3] - at[2], absl::Milliseconds(180));
  EXPECT_LT(at[3] - at[2], absl::Milliseconds(900)) << "5x the 180 ms it should be";
  auto log = client_->Get(("/_sandbox/callbacks?paymentId=" + id).c_str());
  ASSERT_TRUE(log);
  EXPECT_THAT(log->body, HasSubstr("\"attempt\":3,\"http_status\":200"));
}

TEST_F(SandboxTest, GivesUpAfterFiveRetries) {
  auto res = Post("/v2/Payment/Start", StartBody("http://127.0.0.1:1/unreachable"));
  rapidjson::Document doc;
  doc.Parse(res->body.c_str());
  const std::string id = doc["PaymentId"].GetString();
  client_->Post(("/_sandbox/payments/" + id + "/cancel").c_str(), "{}", "application/json");
  // 20 + 60 + 180 + 540 + 1620 ms of back-off, then nothing more.
  std::string log;
  for (int i = 0; i < 400; ++i) {
    log = client_->Get(("/_sandbox/callbacks?paymentId=" + id).c_str())->body;
    if (log.find("\"attempt\":5") != std::string::npos) break;
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_THAT(log, HasSubstr("\"attempt\":5,\"http_status\":0"));
  // Nothing more will come: no callback is left scheduled (the last attempt is logged and its
  // retry decided under one lock), rather than "nothing arrived within N ms".
  EXPECT_THAT(client_->Get("/_sandbox/stats")->body, HasSubstr("\"callbacks_scheduled\":0"));
  EXPECT_THAT(client_->Get(("/_sandbox/callbacks?paymentId=" + id).c_str())->body,
              testing::Not(HasSubstr("\"attempt\":6")));
}

}  // namespace
}  // namespace barion_gateway::sandbox
