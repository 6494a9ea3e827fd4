// BarionApi on its own, over a scripted transport: the key header it adds, how it reads each
// kind of answer (success, Barion's Errors even on HTTP 200, rate limit, HTTP errors, bodies
// that are not JSON), each transport failure's kind, and what it tells its observer.
#include "server/barion/barion_api.h"

#include <vector>

#include "gtest/gtest.h"
#include "tests/server/barion/fake_transport.h"

namespace barion_gateway::server {
namespace {

class RecordingObserver : public BarionCallObserver {
 public:
  void BarionCalled(const BarionCall& call) override {
    paths.push_back(std::string(call.path));
    statuses.push_back(call.http_status);
    failures.push_back(call.failure);
  }
  std::vector<std::string> paths;
  std::vector<int> statuses;
  std::vector<std::optional<UpstreamFailure>> failures;
};

const absl::Time kDeadline = absl::InfiniteFuture();

std::string HeaderOf(const HttpRequest& request, const std::string& name) {
  for (const auto& [key, value] : request.headers) {
    if (key == name) return value;
  }
  return "";
}

TEST(BarionApiTest, AddsOnlyTheKeyTheCallNeeds) {
  FakeTransport transport;
  BarionApi api(&transport);
  for (int i = 0; i < 3; ++i) transport.Answer(200, R"({"Errors":[]})");
  ASSERT_TRUE(api.Get("/v4/Payment/p/PaymentState", "pos", kDeadline).ok());
  ASSERT_TRUE(api.Post("/v2/Transfer/Email", "api", "{}", kDeadline, KeyHeader::kApiKey).ok());
  ASSERT_TRUE(api.Get("/qr/generate?paymentId=p", "pos", kDeadline, KeyHeader::kNone).ok());
  const std::vector<HttpRequest> requests = transport.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(HeaderOf(requests[0], "x-pos-key"), "pos");
  EXPECT_EQ(HeaderOf(requests[0], "x-api-key"), "");
  EXPECT_EQ(HeaderOf(requests[1], "x-api-key"), "api");
  EXPECT_EQ(HeaderOf(requests[1], "x-pos-key"), "");
  EXPECT_EQ(requests[1].method, "POST");
  EXPECT_EQ(requests[1].body, "{}");
  EXPECT_TRUE(requests[2].headers.empty()) << "no secret where none is needed";
}

TEST(BarionApiTest, ReadsEachKindOfAnswer) {
  FakeTransport transport;
  RecordingObserver observer;
  BarionApi api(&transport, &observer);
  struct Row {
    int http;
    std::string body;
    bool ok;
    UpstreamFailure failure;
  };
  const std::vector<Row> rows = {
      {200, R"({"PaymentId":"p","Errors":[]})", true, {}},
      // A failed synchronous token charge: HTTP 200 with Barion's errors.
      {200, R"({"PaymentId":"p","Errors":[{"ErrorCode":"CardError","Title":"t"}]})", false,
       UpstreamFailure::kBarionError},
      {400, R"({"Errors":[{"ErrorCode":"ModelValidationError"}]})", false,
       UpstreamFailure::kBarionError},
      {429, "{}", false, UpstreamFailure::kRateLimited},
      {500, R"({"Message":"An error has occurred."})", false, UpstreamFailure::kHttpError},
      {404, "<html>not found</html>", false, UpstreamFailure::kHttpError},
      {200, "<html>a proxy</html>", false, UpstreamFailure::kMalformedResponse},
  };
  for (const Row& row : rows) transport.Answer(row.http, row.body);
  for (const Row& row : rows) {
    SCOPED_TRACE(row.body);
    BarionResult result = api.Post("/v2/Payment/Capture", "pos", "{}", kDeadline);
    ASSERT_EQ(result.ok(), row.ok);
    if (row.ok) {
      EXPECT_TRUE(result.status().ok());
      continue;
    }
    EXPECT_EQ(result.error().failure, row.failure);
    EXPECT_EQ(result.error().http_status, row.http);
    EXPECT_TRUE(result.error().mutation) << "every POST may change money";
  }
  transport.Answer(200, R"({"PaymentId":"p-9","Errors":[{"ErrorCode":"CardError"}]})");
  BarionResult charged = api.Post("/v2/Payment/Start", "pos", "{}", kDeadline);
  ASSERT_FALSE(charged.ok());
  EXPECT_EQ(charged.error().payment_id, "p-9") << "a failed charge still made a payment";
  ASSERT_EQ(charged.error().barion_errors.size(), 1u);
  EXPECT_EQ(charged.error().barion_errors[0].error_code, "CardError");

  ASSERT_EQ(observer.paths.size(), rows.size() + 1);
  EXPECT_EQ(observer.paths[0], "/v2/Payment/Capture");
  EXPECT_EQ(observer.statuses[3], 429);
  EXPECT_FALSE(observer.failures[0].has_value());
  EXPECT_EQ(observer.failures[3], UpstreamFailure::kRateLimited);
}

TEST(BarionApiTest, TransportFailuresKeepTheirKindAndAGetIsNoMutation) {
  FakeTransport transport;
  BarionApi api(&transport);
  const std::vector<std::pair<TransportFailure, UpstreamFailure>> kinds = {
      {TransportFailure::kConnect, UpstreamFailure::kUnreachable},
      {TransportFailure::kTls, UpstreamFailure::kTlsFailure},
      {TransportFailure::kTimeoutNotSent, UpstreamFailure::kTimeoutNotSent},
      {TransportFailure::kTimeout, UpstreamFailure::kTimeout},
      {TransportFailure::kReset, UpstreamFailure::kConnectionReset},
      {TransportFailure::kBusy, UpstreamFailure::kGatewayBusy},
  };
  for (const auto& [transport_failure, upstream] : kinds) {
    transport.Fail(transport_failure);
    BarionResult result = api.Get("/v4/Payment/p/PaymentState", "pos", kDeadline);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().failure, upstream);
    EXPECT_FALSE(result.error().mutation);
    EXPECT_EQ(result.error().http_status, 0);
  }
}

TEST(BarionApiTest, AFileGoesToItsSinkAndJsonWhereAFileWasExpectedIsAnError) {
  FakeTransport transport;
  BarionApi api(&transport);
  transport.AnswerFile(200, "%PDF-1.7 statement", "application/pdf");
  std::string received;
  std::string content_type;
  auto sink = [&](const std::string&, const char* data, size_t size) {
    received.append(data, size);
    return true;
  };
  EXPECT_FALSE(api.GetFile("/v2/Statement/Download?Year=2026", "api", kDeadline, KeyHeader::kApiKey,
                           sink, &content_type)
                   .has_value());
  EXPECT_EQ(received, "%PDF-1.7 statement");
  EXPECT_EQ(content_type, "application/pdf");
  transport.Answer(200, R"({"Errors":[]})");
  std::optional<UpstreamError> error =
      api.GetFile("/v2/Statement/Download?Year=2026", "api", kDeadline, KeyHeader::kApiKey, sink,
                  &content_type);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->failure, UpstreamFailure::kMalformedResponse);
  transport.Answer(404, R"({"Errors":[{"ErrorCode":"StatementNotFound"}]})");
  error = api.GetFile("/v2/Statement/Download?Year=2026", "api", kDeadline, KeyHeader::kApiKey,
                      sink, &content_type);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->failure, UpstreamFailure::kBarionError);
}

}  // namespace
}  // namespace barion_gateway::server
