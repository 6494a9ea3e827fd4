// RedactingTransport: what Barion echoes of a secret (an error text quoting the CallbackUrl, a
// PaymentState's CallbackUrl, AuthData, a history item's details, Pos-Get's SecretKey of a shop
// the gateway holds) never comes out of the transport, so no decoder, error or log sees it.
#include "server/barion/redacting_transport.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/barion/barion_api.h"
#include "tests/server/barion/fake_transport.h"

namespace barion_gateway::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kPosKey[] = "5e4f7a1c2b3d4e5f8091a2b3c4d5e6f7";
constexpr char kOtherShopsKey[] = "99998888777766665555444433332222";
constexpr char kCallbackSecret[] =
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

class RedactingTransportTest : public ::testing::Test {
 protected:
  RedactingTransportTest() : redacting_(&fake_, &redactor_), api_(&redacting_) {
    redactor_.Add({kOtherShopsKey, kCallbackSecret});
  }

  void ExpectClean(const std::string& text) {
    for (const std::string& secret :
         {std::string(kPosKey), std::string("5E4F7A1C-2B3D-4E5F-8091-A2B3C4D5E6F7"),
          std::string(kOtherShopsKey), std::string(kCallbackSecret)}) {
      EXPECT_THAT(absl::AsciiStrToLower(text), Not(HasSubstr(absl::AsciiStrToLower(secret))));
    }
  }

  FakeTransport fake_;
  SecretRedactor redactor_;
  RedactingTransport redacting_;
  BarionApi api_;
};

TEST_F(RedactingTransportTest, ABarionErrorThatQuotesTheCallbackUrlAndTheKeyLeaksNeither) {
  fake_.Answer(
      400,
      absl::StrCat(R"({"Errors":[{"ErrorCode":"ModelValidationError",
      "Title":"Invalid CallbackUrl","Description":"The CallbackUrl 'https://gw.example/callback/demo/)",
                   kCallbackSecret,
                   R"(' is not reachable for POSKey 5E4F7A1C-2B3D-4E5F-8091-A2B3C4D5E6F7.",
      "AuthData":")",
                   kPosKey, R"(","EndPoint":"https://api.test.barion.com/v2/Payment/Start"}]})"));
  BarionResult result =
      api_.Post("/v2/Payment/Start", kPosKey, "{}", absl::Now() + absl::Seconds(5));
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(result.error().barion_errors.size(), 1u);
  EXPECT_THAT(result.error().barion_errors[0].description,
              HasSubstr("https://gw.example/callback/demo/REDACTED"));
  ExpectClean(result.error().barion_errors[0].description);
  ExpectClean(result.status().ToString());
  // The key still went to Barion: only the answer is rewritten.
  ASSERT_EQ(fake_.requests().size(), 1u);
  EXPECT_EQ(fake_.requests()[0].headers[0].second, kPosKey);
}

TEST_F(RedactingTransportTest, AnAnswerLosesEverySecretTheGatewayHolds) {
  fake_.Answer(200,
               absl::StrCat(R"({"PaymentId":"ab","CallbackUrl":"https://gw/callback/demo/)",
                            kCallbackSecret, R"(","DetailInformation":{"Note":")", kOtherShopsKey,
                            R"("},"SecretKey":")", kPosKey, R"(","Errors":[]})"));
  HttpRequest request;
  request.method = "GET";
  request.path = "/v3/TransactionHistory/GetDetail?ItemId=ab";
  request.headers.emplace_back("x-pos-key", kPosKey);
  absl::StatusOr<HttpResponse> response = redacting_.Send(request);
  ASSERT_TRUE(response.ok());
  ExpectClean(response->body);
  EXPECT_THAT(response->body, HasSubstr(R"("SecretKey":"REDACTED")"));
  EXPECT_THAT(response->body, HasSubstr(R"("CallbackUrl":"https://gw/callback/demo/REDACTED")"));
  EXPECT_THAT(response->body, HasSubstr(R"("DetailInformation":{"Note":"REDACTED"})"));
}

TEST_F(RedactingTransportTest, AWalletsApiKeyIsBlottedOutToo) {
  fake_.Answer(401, absl::StrCat(R"({"Errors":[{"ErrorCode":"AuthenticationFailed",
      "Description":"API key )",
                                 kOtherShopsKey, R"( is not valid"}]})"));
  BarionResult result =
      api_.Get("/v2/Accounts", kOtherShopsKey, absl::Now() + absl::Seconds(5), KeyHeader::kApiKey);
  ASSERT_FALSE(result.ok());
  ExpectClean(result.status().ToString());
}

}  // namespace
}  // namespace barion_gateway::server
