// The simulated Barion driven directly, with no socket and a clock the test moves: routing,
// payment and token state machines, expiry, the reservation deadline, the PaymentState rate
// limit, faults, and the callback schedule. tests/integration/sandbox_test covers the same
// simulator over HTTP.
#include "sandbox/model/simulator.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"

namespace barion_gateway::sandbox {
namespace {

using testing::HasSubstr;

constexpr char kKey[] = "7d3b9e51c2a84f06b1e5d9a3c7f20e48";
constexpr char kWalletKey[] = "fedcba9876543210fedcba9876543210";

class SimulatorTest : public testing::Test {
 protected:
  void SetUp() override { Create(/*rate_limit=*/false); }

  void Create(bool rate_limit) {
    SandboxOptions options;
    options.shops = {{"demo", kKey, "shop@sandbox.local", true}};
    options.wallets = {{"ops", kWalletKey, "ops@sandbox.local"}};
    options.rate_limit = rate_limit;
    options.time_scale = 1.0;
    options.gateway_base_url = "https://pay.test";
    auto created = Simulator::Create(options, [this] { return *now_; });
    ASSERT_TRUE(created.ok()) << created.status();
    sim_ = *std::move(created);
  }

  ApiResponse Call(const std::string& method, const std::string& path, std::string body = "",
                   const std::string& key = kKey) {
    ApiRequest req;
    req.method = method;
    req.path = path;
    req.body = std::move(body);
    if (!key.empty()) req.SetHeader("X-POS-Key", key);
    req.SetHeader("Content-Type", "application/json");
    return sim_->Handle(std::move(req));
  }

  static rapidjson::Document Parse(const ApiResponse& res) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseNumbersAsStringsFlag>(res.body.c_str());
    return doc;
  }

  // Starts a payment and returns its id.
  std::string Start(const std::string& type = "Immediate", const std::string& extra = "") {
    const ApiResponse res =
        Call("POST", "/v2/Payment/Start",
             absl::StrCat(R"({"PaymentType":")", type, R"(","FundingSources":["All"],
               "PaymentRequestId":"r1","RedirectUrl":"https://shop/return",
               "CallbackUrl":"https://shop/cb","Locale":"hu-HU","Currency":"HUF",)",
                          extra, R"("Transactions":[{"POSTransactionId":"t1",
               "Payee":"shop@sandbox.local","Total":1000,"Items":[]}]})"));
    EXPECT_EQ(res.status, 200) << res.body;
    rapidjson::Document doc = Parse(res);
    return doc.IsObject() && doc.HasMember("PaymentId") ? doc["PaymentId"].GetString() : "";
  }

  std::string Status(const std::string& id) {
    const ApiResponse res = Call("GET", absl::StrCat("/v4/Payment/", id, "/PaymentState"));
    rapidjson::Document doc = Parse(res);
    if (res.status != 200 || !doc.IsObject()) return absl::StrCat("HTTP ", res.status);
    return doc["Status"].GetString();
  }

  ApiResponse Control(const std::string& path, const std::string& body = "{}") {
    return Call("POST", path, body, "");
  }

  void Advance(absl::Duration d) { *now_ += d; }

  std::shared_ptr<absl::Time> now_ =
      std::make_shared<absl::Time>(absl::FromUnixSeconds(1800000000));
  std::unique_ptr<Simulator> sim_;
};

TEST(StatesTest, NamesAreBarionsWireNames) {
  EXPECT_STREQ(Name(PaymentStatus::kPartiallySucceeded), "PartiallySucceeded");
  EXPECT_STREQ(Name(PaymentStatus::kInProgress), "InProgress");
  EXPECT_STREQ(Name(TxStatus::kReversed), "Reversed");
  EXPECT_STREQ(Name(TokenState::kActive), "active");
  for (FaultMode mode :
       {FaultMode::kStatus404, FaultMode::kStatus500, FaultMode::kStatus503Html, FaultMode::kSlow,
        FaultMode::kReset, FaultMode::kMalformed, FaultMode::kRateLimited}) {
    EXPECT_EQ(ParseFaultMode(Name(mode)), mode) << Name(mode);
  }
  EXPECT_EQ(ParseFaultMode("Status_404"), absl::nullopt);
  EXPECT_EQ(ParseFaultMode(""), absl::nullopt);
}

TEST_F(SimulatorTest, RoutesByMethodAndPath) {
  EXPECT_EQ(Call("GET", "/nowhere").status, 404);
  const ApiResponse wrong = Call("GET", "/v2/Payment/Start");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_THAT(wrong.body, HasSubstr("does not support http method 'GET'"));
  EXPECT_EQ(Call("HEAD", "/v2/Payment/Start").status, 405);  // HEAD is answered as GET
  const ApiResponse unknown =
      Call("GET", "/v4/Payment/00000000000000000000000000000000/PaymentState");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_THAT(unknown.body, HasSubstr("NotExistingPaymentId"));
  EXPECT_EQ(unknown.Header("Cache-Control"), "no-cache");
}

TEST_F(SimulatorTest, AnImmediatePaymentSucceedsWhenPaidAndCallsBack) {
  const std::string id = Start();
  ASSERT_EQ(id.size(), 32u);
  EXPECT_EQ(Status(id), "Prepared");
  EXPECT_TRUE(sim_->TakeDueCallbacks().empty());  // Prepared: nothing to report yet

  const ApiResponse paid = Control(absl::StrCat("/_sandbox/payments/", id, "/pay"));
  EXPECT_EQ(paid.status, 200);
  EXPECT_THAT(paid.body, HasSubstr("Succeeded"));
  EXPECT_EQ(Status(id), "Succeeded");

  const std::vector<CallbackJob> due = sim_->TakeDueCallbacks();
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].url, absl::StrCat("https://shop/cb?paymentId=", id));
  EXPECT_EQ(due[0].attempt, 0);
  EXPECT_TRUE(sim_->TakeDueCallbacks().empty());  // taken once
}

TEST_F(SimulatorTest, APaymentPageFormRedirectsThePayerBackToTheShop) {
  const std::string id = Start();
  ApiRequest req;
  req.method = "POST";
  req.path = absl::StrCat("/_sandbox/payments/", id, "/pay");
  req.SetHeader("Content-Type", "application/x-www-form-urlencoded");
  req.body = "funding=BankCard&payer=a%2Bb%40payer.test";
  const ApiResponse res = sim_->Handle(req);
  EXPECT_EQ(res.status, 303);
  EXPECT_EQ(res.Header("Location"), absl::StrCat("https://shop/return?paymentId=", id));
  const ApiResponse state = Call("GET", absl::StrCat("/v4/Payment/", id, "/PaymentState"));
  EXPECT_THAT(state.body, HasSubstr("a+b@payer.test"));  // the form's escapes decoded
}

TEST_F(SimulatorTest, RetriesACallbackOnBarionsScheduleUntilAnswered200) {
  const std::string id = Start();
  Control(absl::StrCat("/_sandbox/payments/", id, "/pay"));
  std::vector<CallbackJob> due = sim_->TakeDueCallbacks();
  ASSERT_EQ(due.size(), 1u);
  const int delays[] = {2, 6, 18, 54, 162};
  for (int attempt = 0; attempt < 5; ++attempt) {
    sim_->RecordDelivery(due[0], 500);
    Advance(absl::Seconds(delays[attempt]) - absl::Milliseconds(1));
    EXPECT_TRUE(sim_->TakeDueCallbacks().empty()) << "attempt " << attempt;
    Advance(absl::Milliseconds(1));
    due = sim_->TakeDueCallbacks();
    ASSERT_EQ(due.size(), 1u) << "attempt " << attempt;
    EXPECT_EQ(due[0].attempt, attempt + 1);
  }
  sim_->RecordDelivery(due[0], 500);  // the last retry failed too: Barion gives up
  Advance(absl::Hours(1));
  EXPECT_TRUE(sim_->TakeDueCallbacks().empty());

  const ApiResponse log = Call("GET", "/_sandbox/callbacks", "", "");
  rapidjson::Document doc = Parse(log);
  ASSERT_TRUE(doc.IsArray());
  EXPECT_EQ(doc.Size(), 6u);
}

TEST_F(SimulatorTest, AnAnswered200EndsTheRetries) {
  const std::string id = Start();
  Control(absl::StrCat("/_sandbox/payments/", id, "/pay"));
  std::vector<CallbackJob> due = sim_->TakeDueCallbacks();
  ASSERT_EQ(due.size(), 1u);
  sim_->RecordDelivery(due[0], 200);
  Advance(absl::Hours(1));
  EXPECT_TRUE(sim_->TakeDueCallbacks().empty());
}

TEST_F(SimulatorTest, AUrlBarionNeverCallsIsLoggedWithWhyAndNotRetried) {
  const std::string id = Start();
  Control(absl::StrCat("/_sandbox/payments/", id, "/pay"));
  std::vector<CallbackJob> due = sim_->TakeDueCallbacks();
  ASSERT_EQ(due.size(), 1u);
  sim_->RecordDelivery(due[0], 0, "not https", /*final=*/true);
  Advance(absl::Hours(1));
  EXPECT_TRUE(sim_->TakeDueCallbacks().empty());
  rapidjson::Document doc = Parse(Call("GET", "/_sandbox/callbacks", "", ""));
  ASSERT_TRUE(doc.IsArray());
  ASSERT_EQ(doc.Size(), 1u);
  EXPECT_STREQ(doc[0]["error"].GetString(), "not https");
}

TEST_F(SimulatorTest, AnUnpaidPaymentExpiresAtTheEndOfItsWindow) {
  const std::string id = Start("Immediate", R"("PaymentWindow":"00:05:00",)");
  Advance(absl::Minutes(5) - absl::Seconds(1));
  EXPECT_EQ(Status(id), "Prepared");
  Advance(absl::Seconds(1));
  EXPECT_EQ(Status(id), "Expired");
  EXPECT_EQ(sim_->TakeDueCallbacks().size(), 1u);
  const ApiResponse late = Control(absl::StrCat("/_sandbox/payments/", id, "/pay"));
  EXPECT_EQ(late.status, 409);
  EXPECT_THAT(late.body, HasSubstr("payment is Expired"));
}

// Expiry costs a scan of every payment only when a deadline is due, not on every call (a
// benchmark's sandbox holds thousands of payments); deadlines set after a scan still count.
TEST_F(SimulatorTest, ExpiryScansThePaymentsOnlyWhenADeadlineIsDue) {
  const std::string late = Start("Immediate", R"("PaymentWindow":"00:30:00",)");
  for (int i = 0; i < 50; ++i) Start("Immediate", R"("PaymentWindow":"00:30:00",)");
  EXPECT_EQ(Status(late), "Prepared");
  const int64_t scans = sim_->sweep_scans();
  for (int i = 0; i < 100; ++i) Status(late);
  EXPECT_EQ(sim_->sweep_scans(), scans) << "no deadline due, yet every call scanned";
  const std::string soon = Start("Immediate", R"("PaymentWindow":"00:05:00",)");
  const std::string reserved = Start("Reservation", R"("ReservationPeriod":"00:10:00",)");
  Control(absl::StrCat("/_sandbox/payments/", reserved, "/pay"));
  Advance(absl::Minutes(5));
  EXPECT_EQ(Status(soon), "Expired");
  EXPECT_EQ(Status(late), "Prepared");
  EXPECT_EQ(Status(reserved), "Reserved");
  Advance(absl::Minutes(5));
  EXPECT_EQ(Status(reserved), "Canceled");
  Advance(absl::Minutes(20));
  EXPECT_EQ(Status(late), "Expired");
}

TEST_F(SimulatorTest, AnUnfinishedReservationIsCanceledAtItsDeadline) {
  const std::string id = Start("Reservation", R"("ReservationPeriod":"00:10:00",)");
  Control(absl::StrCat("/_sandbox/payments/", id, "/pay"));
  EXPECT_EQ(Status(id), "Reserved");
  Advance(absl::Minutes(10));
  EXPECT_EQ(Status(id), "Canceled");  // finished with 0: the money goes back
}

TEST_F(SimulatorTest, FinishReservationOnlyFromReserved) {
  const std::string id = Start("Reservation");
  const ApiResponse early = Call("POST", "/v2/Payment/FinishReservation",
                                 absl::StrCat(R"({"PaymentId":")", id, R"(","Transactions":[]})"));
  EXPECT_EQ(early.status, 400);
  EXPECT_THAT(early.body, HasSubstr("The payment is Prepared, not Reserved."));
}

TEST_F(SimulatorTest, LimitsPaymentStateToTwoCallsPerPaymentInFiveSeconds) {
  Create(/*rate_limit=*/true);
  const std::string id = Start();
  EXPECT_EQ(Status(id), "Prepared");
  EXPECT_EQ(Status(id), "Prepared");
  EXPECT_EQ(Status(id), "HTTP 429");
  Advance(absl::Seconds(5));
  EXPECT_EQ(Status(id), "Prepared");
}

TEST_F(SimulatorTest, ATokenIsUsableOnlyAfterItsRegisteringPaymentSucceeded) {
  const std::string first = Start("Immediate", R"("InitiateRecurrence":true,"RecurrenceId":"sub-1",
      "RecurrenceType":"OneClickPayment",)");
  // A charge of the token: a start with its RecurrenceId, answered at once.
  auto charge = [&] {
    return Call("POST", "/v2/Payment/Start",
                R"({"PaymentType":"Immediate","FundingSources":["All"],"PaymentRequestId":"r2",
                    "RedirectUrl":"https://shop/return","Locale":"hu-HU","Currency":"HUF",
                    "RecurrenceId":"sub-1","RecurrenceType":"OneClickPayment",
                    "Transactions":[{"POSTransactionId":"t2","Payee":"shop@sandbox.local",
                                     "Total":500,"Items":[]}]})");
  };
  EXPECT_THAT(charge().body, HasSubstr("InvalidRecurrenceId"));  // the token is still pending

  Control(absl::StrCat("/_sandbox/payments/", first, "/pay"));
  const ApiResponse token = Control("/_sandbox/tokens/demo/sub-1", "{}");
  EXPECT_EQ(token.status, 200);
  EXPECT_THAT(token.body, HasSubstr("active"));

  const ApiResponse charged = charge();
  EXPECT_EQ(charged.status, 200) << charged.body;
  EXPECT_THAT(charged.body, HasSubstr("\"Status\":\"Succeeded\""));
  EXPECT_THAT(charged.body, HasSubstr("\"RecurrenceResult\":\"Successful\""));
}

TEST_F(SimulatorTest, AWalletTransferMovesMoneyBetweenTheSandboxsWallets) {
  ApiRequest accounts;
  accounts.method = "GET";
  accounts.path = "/v2/Accounts";
  accounts.SetHeader("x-api-key", kWalletKey);
  rapidjson::Document doc = Parse(sim_->Handle(accounts));
  ASSERT_TRUE(doc.IsObject());
  const std::string huf = doc["Accounts"][0]["AccountId"].GetString();

  ApiRequest transfer;
  transfer.method = "POST";
  transfer.path = "/v2/Transfer/Email";
  transfer.SetHeader("x-api-key", kWalletKey);
  transfer.body = absl::StrCat(R"({"SourceAccountId":")", huf,
                               R"(","Amount":{"Currency":"HUF","Value":250},
                                  "TargetEmail":"friend@payer.test","Comment":"lunch"})");
  EXPECT_EQ(sim_->Handle(transfer).status, 200);
  transfer.body = absl::StrCat(R"({"SourceAccountId":")", huf,
                               R"(","Amount":{"Currency":"HUF","Value":2000000},
                                  "TargetEmail":"friend@payer.test"})");
  EXPECT_THAT(sim_->Handle(transfer).body, HasSubstr("InsufficientFunds"));

  doc = Parse(sim_->Handle(accounts));
  EXPECT_STREQ(doc["Accounts"][0]["Currency"].GetString(), "HUF");
  EXPECT_EQ(std::string(doc["Accounts"][0]["Balance"]["Available"].GetString()), "999750.00");
}

TEST_F(SimulatorTest, PosGetAnswersEveryDocumentedFieldTheSecretKeyToo) {
  ApiRequest create;
  create.method = "POST";
  create.path = "/v1/Pos";
  create.SetHeader("x-api-key", kWalletKey);
  create.body = R"({"Name":"Tea","Url":"https://tea.test","Description":"Loose leaf teas of farms",
    "Category":["FoodDrink"],"BusinessContact":{"Name":"Anna","Email":"anna@tea.test"},
    "TechnicalContact":{"Name":"Bela","Email":"bela@tea.test","PhoneNumber":"+3611"},
    "CustomerServiceContact":{"Email":"help@tea.test"},"ExpectedTurnover":2,
    "CallBackUrl":"https://tea.test/shop-state","ReferenceId":"ref-7","Logo":"iVBORw0KGgo=",
    "CustomCss":"body { color: teal }"})";
  const ApiResponse created = sim_->Handle(create);
  ASSERT_EQ(created.status, 200) << created.body;
  const rapidjson::Document made = Parse(created);
  const std::string public_key = made["PublicKey"].GetString();

  ApiRequest get;
  get.method = "GET";
  get.path = absl::StrCat("/v1/Pos/", public_key);
  get.SetHeader("x-api-key", kWalletKey);
  const ApiResponse res = sim_->Handle(get);
  ASSERT_EQ(res.status, 200) << res.body;
  const rapidjson::Document doc = Parse(res);
  ASSERT_TRUE(doc.IsObject());
  for (const char* field :
       {"PublicKey", "SecretKey", "Name", "Url", "Description", "Logo", "Status", "IsOpen",
        "BusinessContact", "TechnicalContact", "CustomerServiceContact", "CallBackUrl",
        "ReferenceId", "CustomTemplate", "CustomCss"}) {
    EXPECT_TRUE(doc.HasMember(field)) << field;
  }
  const std::string secret = doc["SecretKey"].GetString();
  EXPECT_EQ(secret.size(), 36u);  // a GUID, like the public key
  EXPECT_NE(secret, public_key);
  EXPECT_STREQ(made["SecretKey"].GetString(), secret.c_str());
  EXPECT_STREQ(doc["TechnicalContact"]["PhoneNumber"].GetString(), "+3611");
  EXPECT_STREQ(doc["CallBackUrl"].GetString(), "https://tea.test/shop-state");
  EXPECT_STREQ(doc["ReferenceId"].GetString(), "ref-7");
  EXPECT_FALSE(doc["IsOpen"].GetBool());
  EXPECT_STREQ(doc["CustomCss"].GetString(), "body { color: teal }");

  // Pos-Create-v1 marks the logo required.
  create.body =
      R"({"Name":"Cups","Url":"https://cups.test","Description":"Cups of every shape there is",
    "Category":["Other"],"BusinessContact":{"Name":"A","Email":"a@cups.test"},
    "TechnicalContact":{"Name":"B","Email":"b@cups.test"},
    "CustomerServiceContact":{"Email":"c@cups.test"},"ExpectedTurnover":1})";
  const ApiResponse no_logo = sim_->Handle(create);
  EXPECT_EQ(no_logo.status, 400);
  EXPECT_THAT(no_logo.body, HasSubstr("The Logo field is required."));
}

// What `curl -X POST -d '{...}'` sends: JSON labelled as a form, numbers as JSON numbers.
TEST_F(SimulatorTest, TheControlApiReadsJsonWhateverItsLabelAndHonoursJsonNumbers) {
  ApiRequest arm;
  arm.method = "POST";
  arm.path = "/_sandbox/faults";
  arm.SetHeader("Content-Type", "application/x-www-form-urlencoded");
  arm.body = R"({"mode":"status_500","path_prefix":"/v2/Accounts","count":3,"delay_ms":0})";
  const ApiResponse armed = sim_->Handle(arm);
  ASSERT_EQ(armed.status, 200) << armed.body;
  ApiRequest accounts;
  accounts.method = "GET";
  accounts.path = "/v2/Accounts";
  accounts.SetHeader("x-api-key", kWalletKey);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(sim_->Handle(accounts).status, 500) << i;
  EXPECT_EQ(sim_->Handle(accounts).status, 200) << "count 3, not the default 1";
}

TEST_F(SimulatorTest, AControlFieldOfTheWrongTypeIsRefusedByName) {
  ApiResponse bad = Control("/_sandbox/faults", R"({"mode":"slow","delay_ms":"soon"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(bad.body, HasSubstr("delay_ms must be a whole number"));
  bad = Control("/_sandbox/faults", R"({"mode":"reset","count":0})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(bad.body, HasSubstr("count must be a whole number from 1"));
  bad = Control("/_sandbox/shops/demo", R"({"draft":"yes"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(bad.body, HasSubstr("draft must be true or false"));
  // Nothing was changed by the refused calls: the shop still takes payments.
  EXPECT_FALSE(Start().empty());
  EXPECT_EQ(Control("/_sandbox/shops/demo", R"({"draft":"true","closed":false})").status, 200);
}

// Google Pay's input extends Payment/Start v2: FundingSources and GuestCheckOut are required;
// the Start answer and the charge's carry IsSuccessful.
TEST_F(SimulatorTest, GooglePayRequiresStartsFundingSourcesAndGuestCheckOut) {
  const std::string common = R"("PaymentType":"Immediate","PaymentRequestId":"g1",
      "RedirectUrl":"https://shop/return","Locale":"hu-HU","Currency":"HUF",
      "PayerEmailAddress":"payer@example.com","GooglePayToken":"{\"signature\":\"x\"}",
      "Transactions":[{"POSTransactionId":"t1","Payee":"shop@sandbox.local","Total":1000,
      "Items":[]}])";
  ApiResponse res =
      Call("POST", "/v3/Payment/StartPaymentWithGoogleToken", absl::StrCat("{", common, "}"));
  EXPECT_EQ(res.status, 400);
  EXPECT_THAT(res.body, HasSubstr("The FundingSources field is required."));
  EXPECT_THAT(res.body, HasSubstr("The GuestCheckOut field is required."));
  res = Call("POST", "/v3/Payment/StartPaymentWithGoogleToken",
             absl::StrCat(R"({"FundingSources":["All"],"GuestCheckOut":true,)", common, "}"));
  EXPECT_EQ(res.status, 200) << res.body;
  EXPECT_THAT(res.body, HasSubstr("\"IsSuccessful\":true"));
  const ApiResponse start =
      Call("POST", "/v2/Payment/Start",
           R"({"PaymentType":"Immediate","FundingSources":["All"],"PaymentRequestId":"r9",
               "RedirectUrl":"https://shop/return","Locale":"hu-HU","Currency":"HUF",
               "Transactions":[{"POSTransactionId":"t1","Payee":"shop@sandbox.local",
               "Total":1000,"Items":[]}]})");
  EXPECT_THAT(start.body, HasSubstr("\"IsSuccessful\":true"));
}

TEST_F(SimulatorTest, FaultModesAnswerAsArmed) {
  EXPECT_EQ(Control("/_sandbox/faults", R"({"mode":"sideways"})").status, 400);
  ASSERT_EQ(
      Control("/_sandbox/faults", R"({"mode":"status_404","path_prefix":"/v2/Payment/Start"})")
          .status,
      200);
  const ApiResponse missing = Call("POST", "/v2/Payment/Start", "{}");
  EXPECT_EQ(missing.status, 404);
  EXPECT_THAT(missing.body, HasSubstr("No HTTP resource was found"));
  ASSERT_EQ(Control("/_sandbox/faults", R"({"mode":"status_500","path_prefix":"/v2/Accounts",
                                            "count":2})")
                .status,
            200);
  ASSERT_EQ(
      Control("/_sandbox/faults", R"({"mode":"reset","path_prefix":"/v3/UserHistory"})").status,
      200);
  // The control API and the payment page are never faulted.
  EXPECT_EQ(Call("GET", "/_sandbox/stats", "", "").status, 200);
  for (int i = 0; i < 2; ++i) {
    const ApiResponse res = Call("GET", "/v2/Accounts", "", "");
    EXPECT_EQ(res.status, 500);
    EXPECT_THAT(res.body, HasSubstr("An error has occurred."));
  }
  // The fault was used up: the call is answered (AuthenticationFailed, with no API key).
  EXPECT_THAT(Call("GET", "/v2/Accounts", "", "").body, HasSubstr("AuthenticationFailed"));
  const ApiResponse reset = Call("GET", "/v3/UserHistory/GetHistory", "", "");
  EXPECT_EQ(reset.delivery, Delivery::kResetMidBody);
  EXPECT_EQ(Call("GET", "/v3/UserHistory/GetHistory", "", "").delivery, Delivery::kWhole);

  const ApiResponse stats = Call("GET", "/_sandbox/stats", "", "");
  EXPECT_THAT(stats.body, HasSubstr("\"requests\":6"));  // the six Barion API calls only
}

TEST_F(SimulatorTest, ASlowFaultEndsAtShutdown) {
  ASSERT_EQ(Control("/_sandbox/faults", R"({"mode":"slow","delay_ms":60000})").status, 200);
  sim_->Shutdown();
  const absl::Time before = absl::Now();
  EXPECT_EQ(Call("GET", "/v2/Accounts", "", "").status, 400);  // answered normally
  EXPECT_LT(absl::Now() - before, absl::Seconds(10));
}

}  // namespace
}  // namespace barion_gateway::sandbox
