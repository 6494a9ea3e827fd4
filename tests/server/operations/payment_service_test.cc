// PaymentServiceImpl over BarionPayments with a FakeTransport: what goes out to Barion and what
// comes back, through gRPC and through the operations layer (the start ledger).
#include "server/rpc/payment_service.h"

#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "server/barion/codec.h"
#include "server/barion/redacting_transport.h"
#include "server/common/errors.h"
#include "server/common/secret_redactor.h"
#include "server/events/sqlite/sqlite_event_store.h"
#include "tests/server/auth/test_policy.h"
#include "tests/server/barion/fake_transport.h"

namespace barion_gateway::server {
namespace {

namespace v1 = ::barion::v1;

constexpr char kKey[] = "2f6e1a9c4b7d4e0f8a3c5b9d1e7f6a20";
constexpr char kPaymentId[] = "4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6";

// The service behind an in-process gRPC server, called through a stub as a client reaches it.
class InProcess {
 public:
  InProcess(const BarionPayments* payments, RpcEdge edge, int max_calls = 8)
      : executor_(max_calls), service_(payments, &executor_, std::move(edge)) {
    grpc::ServerBuilder builder;
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    stub_ = v1::PaymentService::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
  }
  ~InProcess() { server_->Shutdown(); }

  CallExecutor& executor() { return executor_; }

  template <typename Request, typename Response>
  grpc::Status Call(grpc::Status (v1::PaymentService::Stub::*rpc)(grpc::ClientContext*,
                                                                  const Request&, Response*),
                    const Request* request, Response* response) {
    grpc::ClientContext context;
    return (stub_.get()->*rpc)(&context, *request, response);
  }

 private:
  CallExecutor executor_;
  PaymentServiceImpl service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::PaymentService::Stub> stub_;
};

class PaymentServiceTest : public testing::Test {
 protected:
  PaymentServiceTest()
      : payments_({{ShopConfig{"web", kKey, "shop@example.com", "https://shop.example/return", "",
                               "hu-HU"}}},
                  &transport_),
        rpc_(&payments_, TestEdge(absl::Seconds(30))) {}

  v1::StartPaymentRequest MinimalStart() {
    v1::StartPaymentRequest r;
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(
        R"pb(
          payment_type: PAYMENT_TYPE_IMMEDIATE
          funding_sources: FUNDING_SOURCE_ALL
          payment_request_id: "req-1"
          currency: CURRENCY_HUF
          transactions { pos_transaction_id: "t1" total: "123456789012345" }
        )pb",
        &r));
    return r;
  }

  // The whole status as a client would see it, with every detail.
  static std::string Everything(const grpc::Status& s) {
    return s.error_message() + s.error_details();
  }

  FakeTransport transport_;
  BarionPayments payments_;
  InProcess rpc_;
};

TEST_F(PaymentServiceTest, StartPaymentSendsExactAmountsWithTheShopsKeyAndDefaults) {
  transport_.Answer(200, R"({"PaymentId":"4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6","Status":"Prepared",
                           "GatewayUrl":"https://g/Pay","Errors":[]})");
  v1::StartPaymentResponse response;
  const v1::StartPaymentRequest request = MinimalStart();
  grpc::Status s = rpc_.Call(&v1::PaymentService::Stub::StartPayment, &request, &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(response.payment_id(), kPaymentId);
  const std::vector<HttpRequest> requests = transport_.requests();
  ASSERT_EQ(requests.size(), 1u);
  const HttpRequest& out = requests[0];
  EXPECT_EQ(out.method, "POST");
  EXPECT_EQ(out.path, "/v2/Payment/Start");
  EXPECT_EQ(out.headers, (decltype(out.headers){{"x-pos-key", kKey}}));
  // The whole JSON number token, up to its terminator: "123456789012345.00" must not pass.
  EXPECT_TRUE(out.body.find("\"Total\":123456789012345,") != std::string::npos ||
              out.body.find("\"Total\":123456789012345}") != std::string::npos)
      << out.body;
  EXPECT_NE(out.body.find("\"Payee\":\"shop@example.com\""), std::string::npos);
  EXPECT_NE(out.body.find("\"RedirectUrl\":\"https://shop.example/return\""), std::string::npos);
  EXPECT_NE(out.body.find("\"Locale\":\"hu-HU\""), std::string::npos);
  EXPECT_EQ(out.body.find(kKey), std::string::npos) << "key only in the header";
  // The deadline is bounded by the default timeout when the caller set none.
  EXPECT_LE(out.deadline, absl::Now() + absl::Seconds(30));
  EXPECT_GT(out.deadline, absl::Now() + absl::Seconds(25));
}

// Barion echoes the CallbackUrl it was given, secret segment included; the answer the caller gets
// has it blotted out (the gateway's RedactingTransport, here in front of the fake Barion). A
// second proof beside tests/integration/events_test, in the fast unit tests.
TEST(PaymentServiceRedactionTest, StartPaymentsAnswerCarriesNoCallbackSecret) {
  FakeTransport fake;
  std::vector<ShopConfig> shops = WithCallbackSecrets(
      {ShopConfig{"web", kKey, "shop@example.com", "https://shop.example/return", "", "hu-HU"}});
  const std::string secret = shops[0].callback_secrets[0];
  SecretRedactor redactor;
  redactor.Add({kKey, secret});
  RedactingTransport redacting(&fake, &redactor);
  BarionPayments::Options options;
  options.shops = shops;
  options.callback_base_url = "https://gw.example";
  BarionPayments payments(std::move(options), &redacting);
  InProcess rpc(&payments, TestEdge(absl::Seconds(30)));
  fake.Answer(200, absl::StrCat(R"({"PaymentId":"4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6",
      "Status":"Prepared","GatewayUrl":"https://g/Pay","Errors":[],
      "CallbackUrl":"https://gw.example/callback/web/)",
                                secret, R"(?paymentId=4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6"})"));
  v1::StartPaymentRequest request;
  request.set_payment_type(v1::PAYMENT_TYPE_IMMEDIATE);
  request.add_funding_sources(v1::FUNDING_SOURCE_ALL);
  request.set_payment_request_id("req-redact");
  request.set_currency(v1::CURRENCY_HUF);
  auto* t = request.add_transactions();
  t->set_pos_transaction_id("t1");
  t->set_total("1000");
  v1::StartPaymentResponse response;
  grpc::Status s = rpc.Call(&v1::PaymentService::Stub::StartPayment, &request, &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(response.callback_url(),
            "https://gw.example/callback/web/REDACTED?paymentId=4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6");
  EXPECT_EQ(response.SerializeAsString().find(secret), std::string::npos);
  // Barion itself got the real URL: only its answer is rewritten.
  ASSERT_EQ(fake.requests().size(), 1u);
  EXPECT_NE(fake.requests()[0].body.find(secret), std::string::npos);
}

// Each Barion answer is parsed once, whatever reads it (the envelope, the decoder, the ledger's
// record of a start): a second parse on the hot path would show here.
TEST_F(PaymentServiceTest, EachBarionAnswerIsParsedOnce) {
  transport_.Answer(200, R"({"PaymentId":"4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6","Status":"Prepared",
                           "GatewayUrl":"https://g/Pay","Errors":[]})");
  transport_.Answer(200, R"({"PaymentId":"4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6","Status":"Succeeded",
                           "Total":84.00,"Currency":"HUF","Errors":[]})");
  transport_.Answer(400, R"({"Errors":[{"ErrorCode":"InvalidPaymentId","Title":"t",
                           "Description":"d"}]})");
  const int64_t before = ParsedAnswer::parses();
  v1::StartPaymentResponse started;
  const v1::StartPaymentRequest start = MinimalStart();
  ASSERT_TRUE(rpc_.Call(&v1::PaymentService::Stub::StartPayment, &start, &started).ok());
  EXPECT_EQ(ParsedAnswer::parses() - before, 1) << "StartPayment";
  v1::GetPaymentStateRequest get;
  get.set_payment_id(kPaymentId);
  v1::GetPaymentStateResponse state;
  ASSERT_TRUE(rpc_.Call(&v1::PaymentService::Stub::GetPaymentState, &get, &state).ok());
  EXPECT_EQ(ParsedAnswer::parses() - before, 2) << "GetPaymentState";
  EXPECT_FALSE(rpc_.Call(&v1::PaymentService::Stub::GetPaymentState, &get, &state).ok());
  EXPECT_EQ(ParsedAnswer::parses() - before, 3) << "an error answer";
}

TEST_F(PaymentServiceTest, HufWithDecimalsNeverReachesBarion) {
  v1::StartPaymentRequest r = MinimalStart();
  r.mutable_transactions(0)->set_total("10.50");
  v1::StartPaymentResponse response;
  grpc::Status s = rpc_.Call(&v1::PaymentService::Stub::StartPayment, &r, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("transactions[0].total"), std::string::npos);
  EXPECT_TRUE(transport_.requests().empty());
}

TEST_F(PaymentServiceTest, UnknownShopIsInvalidArgument) {
  v1::StartPaymentRequest r = MinimalStart();
  r.set_shop("other");
  v1::StartPaymentResponse response;
  grpc::Status s = rpc_.Call(&v1::PaymentService::Stub::StartPayment, &r, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("shop"), std::string::npos);
}

TEST_F(PaymentServiceTest, GetPaymentStateUsesV4PathWithTheHeader) {
  transport_.Answer(200, R"({"PaymentId":"4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6","Status":"Succeeded",
                           "Total":84.00,"Currency":"HUF","Errors":[]})");
  v1::GetPaymentStateRequest r;
  r.set_payment_id(kPaymentId);
  v1::GetPaymentStateResponse response;
  ASSERT_TRUE(rpc_.Call(&v1::PaymentService::Stub::GetPaymentState, &r, &response).ok());
  EXPECT_EQ(transport_.requests()[0].method, "GET");
  EXPECT_EQ(transport_.requests()[0].path,
            "/v4/Payment/4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6/PaymentState");
  EXPECT_EQ(response.total(), "84");
}

TEST_F(PaymentServiceTest, QrCodeIsFetchedWithoutAnyKeyAndReturnedWhole) {
  // The gateway does not know the payment: the shop's own GetPaymentState must find it first
  // (Barion's QR endpoint takes no key and would answer for any shop's payment).
  transport_.Answer(
      200, absl::StrCat(R"({"PaymentId":")", kPaymentId, R"(","Status":"Prepared","Errors":[]})"));
  transport_.AnswerFile(200, std::string("\x89PNG\r\n\x1a\nIMAGEDATA", 17), "image/png");
  v1::GetPaymentQrCodeRequest r;
  r.set_payment_id(kPaymentId);
  r.set_size(v1::QR_CODE_SIZE_NORMAL);
  v1::GetPaymentQrCodeResponse response;
  grpc::Status s = rpc_.Call(&v1::PaymentService::Stub::GetPaymentQrCode, &r, &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(transport_.requests().size(), 2u);
  EXPECT_THAT(transport_.requests()[0].path, testing::HasSubstr("PaymentState"));
  EXPECT_EQ(transport_.requests()[1].path,
            "/qr/generate?paymentId=4f1d2c3b-5a6e-47c8-b9d0-e1f2a3b4c5d6&size=Normal");
  EXPECT_TRUE(transport_.requests()[1].headers.empty()) << "a key was sent where none is needed";
  EXPECT_EQ(response.content_type(), "image/png");
  EXPECT_EQ(response.image(), std::string("\x89PNG\r\n\x1a\nIMAGEDATA", 17));
}

TEST_F(PaymentServiceTest, NoQrCodeForAPaymentTheShopsKeyCannotRead) {
  transport_.Answer(400, R"({"Errors":[{"ErrorCode":"NotExistingPaymentId",
      "Title":"Invalid payment id","Description":"The given payment id is invalid"}]})");
  v1::GetPaymentQrCodeRequest r;
  r.set_payment_id(kPaymentId);
  v1::GetPaymentQrCodeResponse response;
  grpc::Status s = rpc_.Call(&v1::PaymentService::Stub::GetPaymentQrCode, &r, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(transport_.requests().size(), 1u) << "the image must not be fetched";
  EXPECT_TRUE(response.image().empty());
}

TEST(PaymentQrScopeTest, AKnownPaymentCostsNoStateRead) {
  FakeTransport transport;
  BarionPayments::Options options;
  options.shops = {ShopConfig{"web", kKey, "shop@example.com", "", "", "hu-HU"}};
  std::vector<std::pair<std::string, std::string>> asked;
  options.knows_payment = [&asked](const std::string& shop, const std::string& id) {
    asked.emplace_back(shop, id);
    return absl::StatusOr<bool>(true);
  };
  BarionPayments payments(std::move(options), &transport);
  transport.AnswerFile(200, "PNG", "image/png");
  v1::GetPaymentQrCodeRequest r;
  r.set_payment_id("4F1D2C3B-5A6E-47C8-B9D0-E1F2A3B4C5D6");
  absl::StatusOr<v1::GetPaymentQrCodeResponse> response =
      payments.GetPaymentQrCode(r, AnonymousCall("/barion.v1.PaymentService/GetPaymentQrCode"));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(transport.requests().size(), 1u);
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0].first, "web");
  EXPECT_EQ(asked[0].second, kPaymentId);  // normalized: 32 lower-case hex digits
}

TEST_F(PaymentServiceTest, BarionErrorsNeverLeakTheEchoedPosKey) {
  transport_.Answer(400, std::string(R"({"Errors":[{"Title":"Invalid payment id",
      "Description":"The given payment id is invalid","ErrorCode":"NotExistingPaymentId",
      "HappenedAt":"2024-05-14T08:40:02.1200000Z","AuthData":")") +
                             kKey +
                             R"(","EndPoint":"https://api.test.barion.com/v2/Payment/Refund"}]})");
  v1::RefundRequest r;
  r.set_payment_id(kPaymentId);
  auto* t = r.add_transactions_to_refund();
  t->set_transaction_id(kPaymentId);
  t->set_pos_transaction_id("r1");
  t->set_amount_to_refund("1");
  v1::RefundResponse response;
  grpc::Status s = rpc_.Call(&v1::PaymentService::Stub::Refund, &r, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Everything(s).find(kKey), std::string::npos);
}

TEST_F(PaymentServiceTest, FailedTokenChargeOnHttp200IsAnErrorWithThePaymentId) {
  transport_.Answer(200, R"({"PaymentId":"d4e6f8a0b2c44d3e8a1b3c5d7e9f0a12","Status":"Failed",
      "RecurrenceResult":"Failed","Errors":[{"Title":"Card expired","ErrorCode":"CardExpired",
      "Description":"x","AuthData":"k","EndPoint":"e"}]})");
  v1::StartPaymentRequest r = MinimalStart();
  r.set_recurrence_id("tok");
  r.set_recurrence_type(v1::RECURRENCE_TYPE_ONE_CLICK_PAYMENT);
  v1::StartPaymentResponse response;
  grpc::Status s = rpc_.Call(&v1::PaymentService::Stub::StartPayment, &r, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_details().find("d4e6f8a0b2c44d3e8a1b3c5d7e9f0a12"), std::string::npos);
  EXPECT_NE(s.error_details().find("CardExpired"), std::string::npos);
}

TEST_F(PaymentServiceTest, TransportOutcomesAreToldApart) {
  v1::CancelAuthorizationRequest r;
  r.set_payment_id(kPaymentId);
  v1::CancelAuthorizationResponse response;

  transport_.Fail(TransportFailure::kConnect);
  grpc::Status refused = rpc_.Call(&v1::PaymentService::Stub::CancelAuthorization, &r, &response);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(refused.error_details().find("UPSTREAM_UNREACHABLE"), std::string::npos);
  EXPECT_NE(refused.error_details().find("not_sent"), std::string::npos);

  transport_.Fail(TransportFailure::kTimeout);
  grpc::Status timeout = rpc_.Call(&v1::PaymentService::Stub::CancelAuthorization, &r, &response);
  EXPECT_EQ(timeout.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_NE(timeout.error_details().find("unknown"), std::string::npos);

  transport_.Fail(TransportFailure::kTimeoutNotSent);
  grpc::Status queued = rpc_.Call(&v1::PaymentService::Stub::CancelAuthorization, &r, &response);
  EXPECT_EQ(queued.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_NE(queued.error_details().find("not_sent"), std::string::npos);

  transport_.Fail(TransportFailure::kTls);
  EXPECT_NE(rpc_.Call(&v1::PaymentService::Stub::CancelAuthorization, &r, &response)
                .error_details()
                .find("UPSTREAM_TLS_FAILURE"),
            std::string::npos);

  transport_.Answer(500, R"({"Message":"An error has occurred."})");
  grpc::Status http500 = rpc_.Call(&v1::PaymentService::Stub::CancelAuthorization, &r, &response);
  EXPECT_EQ(http500.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(http500.error_message().find("An error has occurred."), std::string::npos);

  transport_.Answer(502, "<html>Bad gateway</html>");
  grpc::Status html = rpc_.Call(&v1::PaymentService::Stub::CancelAuthorization, &r, &response);
  EXPECT_EQ(html.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(html.error_message().find("not JSON"), std::string::npos);

  transport_.Answer(200, "{\"PaymentId\":");
  EXPECT_EQ(rpc_.Call(&v1::PaymentService::Stub::CancelAuthorization, &r, &response).error_code(),
            grpc::StatusCode::UNKNOWN);

  transport_.Answer(429, "");
  v1::GetPaymentStateRequest g;
  g.set_payment_id(kPaymentId);
  v1::GetPaymentStateResponse gr;
  EXPECT_EQ(rpc_.Call(&v1::PaymentService::Stub::GetPaymentState, &g, &gr).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
}

TEST(PaymentServiceShopsTest, SeveralShopsRequireTheShopField) {
  FakeTransport transport;
  BarionPayments payments(
      {{ShopConfig{"a", kKey, "a@x.example", "", "", ""},
        ShopConfig{"b", "11111111111111111111111111111111", "b@x.example", "", "", ""}}},
      &transport);
  InProcess rpc(&payments, TestEdge(absl::Seconds(5)));
  v1::GetPaymentStateRequest r;
  r.set_payment_id(kPaymentId);
  v1::GetPaymentStateResponse response;
  EXPECT_EQ(rpc.Call(&v1::PaymentService::Stub::GetPaymentState, &r, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  transport.Answer(200, R"({"Errors":[]})");
  r.set_shop("b");
  ASSERT_TRUE(rpc.Call(&v1::PaymentService::Stub::GetPaymentState, &r, &response).ok());
  EXPECT_EQ(transport.requests()[0].headers[0].second, "11111111111111111111111111111111");
}

// With as many calls in flight as the executor takes, a call is refused at once, before
// Barion: RESOURCE_EXHAUSTED, reason CALLS_EXHAUSTED, outcome not_sent. Once a place frees, calls
// are served again.
TEST(PaymentServiceExecutorTest, ACallBeyondTheBoundIsRefusedBeforeBarion) {
  FakeTransport transport;
  BarionPayments payments({{ShopConfig{"web", kKey, "shop@example.com", "", "", ""}}}, &transport);
  InProcess rpc(&payments, TestEdge(absl::Seconds(5)), 1);
  absl::Notification busy, release;
  std::thread holder([&] {
    ASSERT_TRUE(rpc.executor().Run([&] {
      busy.Notify();
      release.WaitForNotification();
    }));
  });
  busy.WaitForNotification();
  v1::GetPaymentStateRequest r;
  r.set_payment_id(kPaymentId);
  v1::GetPaymentStateResponse response;
  grpc::Status refused = rpc.Call(&v1::PaymentService::Stub::GetPaymentState, &r, &response);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  const std::string details = refused.error_details();
  EXPECT_NE(details.find("CALLS_EXHAUSTED"), std::string::npos);
  EXPECT_NE(details.find("not_sent"), std::string::npos);
  EXPECT_TRUE(transport.requests().empty());
  release.Notify();
  holder.join();
  while (rpc.executor().stats().in_flight > 0) absl::SleepFor(absl::Milliseconds(1));
  transport.Answer(200, R"({"Errors":[]})");
  EXPECT_TRUE(rpc.Call(&v1::PaymentService::Stub::GetPaymentState, &r, &response).ok());
}

}  // namespace
}  // namespace barion_gateway::server

namespace barion_gateway::server {
namespace {

constexpr char kStarted[] =
    R"({"PaymentId":"4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6","PaymentRequestId":"req-1",)"
    R"("Status":"Prepared","Transactions":[],"Errors":[]})";

// The gateway deduplicates a retried StartPayment (same shop and payment_request_id).
class StartDedupeTest : public testing::Test {
 protected:
  StartDedupeTest()
      : ledger_(*SqliteEventStore::Open(testing::TempDir() + "/dedupe-" +
                                        std::to_string(counter_++) + ".db")),
        payments_({{ShopConfig{"web", "0123456789abcdef0123456789abcdef", "shop@example.com",
                               "https://shop.example/return", "", "hu-HU"}},
                   "",
                   ledger_.get()},
                  &transport_) {}
  static v1::StartPaymentRequest Request(const std::string& total = "1500") {
    v1::StartPaymentRequest r;
    r.set_payment_type(v1::PAYMENT_TYPE_IMMEDIATE);
    r.add_funding_sources(v1::FUNDING_SOURCE_ALL);
    r.set_payment_request_id("req-1");
    r.set_currency(v1::CURRENCY_HUF);
    r.add_transactions()->set_pos_transaction_id("t1");
    r.mutable_transactions(0)->set_total(total);
    return r;
  }
  absl::Status Start(const v1::StartPaymentRequest& r, v1::StartPaymentResponse* out) {
    absl::StatusOr<v1::StartPaymentResponse> response =
        payments_.StartPayment(r, AnonymousCall("/barion.v1.PaymentService/StartPayment"));
    if (response.ok()) *out = *std::move(response);
    return response.status();
  }

  static inline int counter_ = 0;
  FakeTransport transport_;
  std::unique_ptr<SqliteEventStore> ledger_;
  BarionPayments payments_;
};

TEST_F(StartDedupeTest, ARetryGetsTheFirstAnswerAndNoSecondPayment) {
  transport_.Answer(200, kStarted);
  v1::StartPaymentResponse first, second;
  ASSERT_TRUE(Start(Request(), &first).ok());
  ASSERT_TRUE(Start(Request(), &second).ok());
  EXPECT_EQ(transport_.requests().size(), 1u) << "Barion saw the start twice";
  EXPECT_EQ(second.payment_id(), first.payment_id());
  EXPECT_EQ(second.SerializeAsString(), first.SerializeAsString());
}

TEST_F(StartDedupeTest, ADifferentRequestUnderAUsedIdIsAConflict) {
  transport_.Answer(200, kStarted);
  v1::StartPaymentResponse out;
  ASSERT_TRUE(Start(Request("1500"), &out).ok());
  absl::Status s = Start(Request("2500"), &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(transport_.requests().size(), 1u);
}

TEST_F(StartDedupeTest, AnUnknownOutcomeBlocksRetriesAndNothingSentAllowsThem) {
  // A timeout after sending: Barion may have created the payment. A retry must not start
  // another one.
  transport_.Fail(TransportFailure::kTimeout);
  v1::StartPaymentResponse out;
  EXPECT_FALSE(Start(Request(), &out).ok());
  absl::Status s = Start(Request(), &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(ErrorReasons(s), std::vector<std::string>{"START_OUTCOME_UNKNOWN"});
  EXPECT_EQ(transport_.requests().size(), 1u);

  // Nothing sent (connection refused) on another id: the retry goes to Barion.
  v1::StartPaymentRequest other = Request();
  other.set_payment_request_id("req-2");
  transport_.Fail(TransportFailure::kConnect);
  transport_.Answer(200, kStarted);
  EXPECT_FALSE(Start(other, &out).ok());
  EXPECT_TRUE(Start(other, &out).ok());
  EXPECT_EQ(transport_.requests().size(), 3u);
}

TEST_F(StartDedupeTest, BarionsRefusalFreesTheIdForACorrectedRetry) {
  transport_.Answer(400, R"({"Errors":[{"ErrorCode":"ModelValidationError","Title":"t",)"
                         R"("Description":"d"}]})");
  transport_.Answer(200, kStarted);
  v1::StartPaymentResponse out;
  EXPECT_EQ(Start(Request(), &out).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Start(Request(), &out).ok());
  EXPECT_EQ(transport_.requests().size(), 2u);
}

// The ledger compares what the caller sent, not the request after the shop's defaults: a retry
// after the operator changed a default (or a restart moved the callback listener) is the same
// request and gets the first answer.
TEST_F(StartDedupeTest, ARetryAfterAConfigurationChangeGetsTheFirstAnswer) {
  transport_.Answer(200, kStarted);
  v1::StartPaymentResponse first, second;
  ASSERT_TRUE(Start(Request(), &first).ok());
  BarionPayments changed(
      {{ShopConfig{"web", "0123456789abcdef0123456789abcdef", "other-shop@example.com",
                   "https://new.example/return", "", "en-US"}},
       "https://new.example/barion",
       ledger_.get()},
      &transport_);
  absl::StatusOr<v1::StartPaymentResponse> s =
      changed.StartPayment(Request(), AnonymousCall("/barion.v1.PaymentService/StartPayment"));
  ASSERT_TRUE(s.ok()) << s.status().message();
  second = *s;
  EXPECT_EQ(second.payment_id(), first.payment_id());
  EXPECT_EQ(transport_.requests().size(), 1u) << "Barion saw the start twice";
}

}  // namespace
}  // namespace barion_gateway::server
