// Standard Webhooks signatures: the specification's own example, a rotation's two signatures,
// and message ids stable per (endpoint, event). Independent verifiers (npm standardwebhooks, PHP)
// check the gateway's deliveries in tests/polyglot/webhook_receivers_test.
#include "server/webhooks/signature.h"

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace barion_gateway::server {
namespace {

std::string Key(const std::string& whsec) {
  std::string key;
  EXPECT_TRUE(absl::Base64Unescape(whsec.substr(6), &key));
  return key;
}

// The example of the Standard Webhooks specification (and its reference libraries' tests).
TEST(WebhookSignatureTest, MatchesTheSpecificationsExample) {
  const std::string key = Key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  EXPECT_EQ(WebhookSignature({key}, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                             R"({"test": 2432232314})"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(WebhookSignatureTest, SignsWithEveryKeyDuringARotation) {
  const std::string a = Key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  const std::string b(32, 'k');
  const std::string both = WebhookSignature({a, b}, "msg_1", 1, "{}");
  const std::string first = WebhookSignature({a}, "msg_1", 1, "{}");
  const std::string second = WebhookSignature({b}, "msg_1", 1, "{}");
  EXPECT_EQ(both, first + " " + second);
  EXPECT_NE(first, second);
  // Any change to id, timestamp or body changes it.
  EXPECT_NE(WebhookSignature({a}, "msg_2", 1, "{}"), first);
  EXPECT_NE(WebhookSignature({a}, "msg_1", 2, "{}"), first);
  EXPECT_NE(WebhookSignature({a}, "msg_1", 1, "{ }"), first);
}

TEST(WebhookSignatureTest, MessageIdsAreStablePerEndpointAndEvent) {
  EXPECT_EQ(WebhookMessageId("shop", "42"), WebhookMessageId("shop", "42"));
  EXPECT_NE(WebhookMessageId("shop", "42"), WebhookMessageId("shop", "43"));
  EXPECT_NE(WebhookMessageId("shop", "42"), WebhookMessageId("crm", "42"));
  // The length prefix keeps ("ab", "1") and ("a", "b1") apart.
  EXPECT_NE(WebhookMessageId("ab", "1"), WebhookMessageId("a", "b1"));
  EXPECT_THAT(WebhookMessageId("shop", "42"), testing::MatchesRegex("msg_[0-9a-f]{32}"));
}

}  // namespace
}  // namespace barion_gateway::server
