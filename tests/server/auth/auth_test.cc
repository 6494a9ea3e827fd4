// Authentication from presented credentials and the authorization check, without gRPC.
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/auth/authenticator.h"
#include "server/auth/authorize.h"
#include "server/auth/method_pattern.h"
#include "server/common/errors.h"

namespace barion_gateway::server {
namespace {

using testing::ElementsAre;
using testing::HasSubstr;
using testing::Not;

constexpr char kRefund[] = "/barion.v1.PaymentService/Refund";
constexpr char kStart[] = "/barion.v1.PaymentService/StartPayment";
constexpr char kTransfer[] = "/barion.v1.WalletService/SendBankTransfer";

TEST(MethodPatternTest, MatchesExactPrefixSuffixAndAll) {
  EXPECT_TRUE(MethodMatches(kRefund, kRefund));
  EXPECT_FALSE(MethodMatches(kRefund, kStart));
  EXPECT_TRUE(MethodMatches("/barion.v1.PaymentService/*", kRefund));
  EXPECT_FALSE(MethodMatches("/barion.v1.PaymentService/*", kTransfer));
  EXPECT_TRUE(MethodMatches("*/Refund", kRefund));
  EXPECT_FALSE(MethodMatches("*/Refund", kStart));
  EXPECT_TRUE(MethodMatches("*", kTransfer));
}

TEST(MethodPatternTest, RefusesPatternsOfOtherShapes) {
  EXPECT_TRUE(ValidateMethodPattern("/barion.v1.PaymentService/*").ok());
  EXPECT_TRUE(ValidateMethodPattern("*Payment").ok());
  EXPECT_TRUE(ValidateMethodPattern("*").ok());
  EXPECT_FALSE(ValidateMethodPattern("").ok());
  EXPECT_FALSE(ValidateMethodPattern("/barion.*.PaymentService/Refund").ok());
  EXPECT_FALSE(ValidateMethodPattern("**").ok());
  EXPECT_FALSE(ValidateMethodPattern("barion.v1.PaymentService/Refund").ok());
}

TEST(TokenDigestTest, ParsesHexAndHashesWithSha256) {
  // SHA-256("abc"), a published test vector.
  const std::string abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  EXPECT_EQ(ParseTokenDigest(abc), DigestOf("abc"));
  EXPECT_EQ(ParseTokenDigest(absl::AsciiStrToUpper(abc)), DigestOf("abc"));
  EXPECT_EQ(ParseTokenDigest(abc.substr(1)), std::nullopt);
  EXPECT_EQ(ParseTokenDigest(std::string(64, 'g')), std::nullopt);
}

CallerPolicy Shop(std::string name, std::vector<std::string> shops) {
  CallerPolicy p;
  p.name = std::move(name);
  p.allow_methods = {"/barion.v1.PaymentService/*"};
  p.deny_methods = {kRefund};
  p.shops = std::move(shops);
  return p;
}

class AuthenticatorTest : public testing::Test {
 protected:
  AuthenticatorTest() : auth_(Policies()) {}

  static std::vector<CallerPolicy> Policies() {
    CallerPolicy web = Shop("web-frontend", {"web"});
    web.token_digests = {DigestOf("token-of-web-frontend-0123456789")};
    CallerPolicy billing = Shop("billing", {"*"});
    billing.principals = {"spiffe://example.org/billing", "billing.internal"};
    billing.wallets = {"ops"};
    billing.allow_methods.push_back("/barion.v1.WalletService/*");
    return {web, billing};
  }

  static Credentials Token(std::string token) {
    Credentials c;
    c.has_authorization = true;
    c.bearer_token = std::move(token);
    return c;
  }

  static Credentials Certificate(std::vector<std::string> names) {
    Credentials c;
    c.certificate_names = std::move(names);
    return c;
  }

  Authenticator auth_;
};

TEST_F(AuthenticatorTest, WithoutCallersEveryCallIsAnonymousAndUnrestricted) {
  Authenticator off({});
  EXPECT_FALSE(off.enabled());
  absl::StatusOr<std::shared_ptr<const Caller>> caller = off.Authenticate({});
  ASSERT_TRUE(caller.ok());
  EXPECT_EQ((*caller)->name, "anonymous");
  EXPECT_TRUE(AuthorizeShop(caller->get(), kRefund, "any").ok());
}

TEST_F(AuthenticatorTest, RecognisesATokenAndACertificate) {
  absl::StatusOr<std::shared_ptr<const Caller>> web =
      auth_.Authenticate(Token("token-of-web-frontend-0123456789"));
  ASSERT_TRUE(web.ok()) << web.status();
  EXPECT_EQ((*web)->name, "web-frontend");
  EXPECT_EQ((*web)->authenticated_by, "token");

  // A URI SAN that names no caller, then a DNS SAN that does.
  absl::StatusOr<std::shared_ptr<const Caller>> billing =
      auth_.Authenticate(Certificate({"spiffe://example.org/other", "billing.internal"}));
  ASSERT_TRUE(billing.ok()) << billing.status();
  EXPECT_EQ((*billing)->name, "billing");
  EXPECT_EQ((*billing)->authenticated_by, "certificate");
}

TEST_F(AuthenticatorTest, RefusesWithAReasonAndNeverEchoesTheCredential) {
  const absl::Status none = auth_.Authenticate({}).status();
  EXPECT_EQ(none.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(ErrorReasons(none), ElementsAre("NO_CREDENTIALS"));

  const absl::Status unknown = auth_.Authenticate(Token("guessed-token-abcdef")).status();
  EXPECT_EQ(unknown.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(ErrorReasons(unknown), ElementsAre("UNKNOWN_TOKEN"));
  EXPECT_THAT(unknown.ToString(), Not(HasSubstr("guessed-token")));

  const absl::Status basic = auth_.Authenticate(Token("")).status();
  EXPECT_THAT(ErrorReasons(basic), ElementsAre("INVALID_AUTHORIZATION"));

  const absl::Status stranger =
      auth_.Authenticate(Certificate({"spiffe://example.org/stranger"})).status();
  EXPECT_EQ(stranger.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(ErrorReasons(stranger), ElementsAre("CERTIFICATE_NOT_RECOGNIZED"));
  EXPECT_THAT(stranger.ToString(), Not(HasSubstr("stranger")));
}

TEST_F(AuthenticatorTest, ATokenDecidesEvenWithACertificate) {
  Credentials both = Token("wrong-token");
  both.certificate_names = {"billing.internal"};
  EXPECT_THAT(ErrorReasons(auth_.Authenticate(both).status()), ElementsAre("UNKNOWN_TOKEN"));
  both.bearer_token = "token-of-web-frontend-0123456789";
  EXPECT_EQ((*auth_.Authenticate(both))->name, "web-frontend");
}

TEST_F(AuthenticatorTest, AuthorizesMethodsShopsAndWallets) {
  const std::shared_ptr<const Caller> web =
      *auth_.Authenticate(Token("token-of-web-frontend-0123456789"));
  EXPECT_TRUE(AuthorizeShop(web.get(), kStart, "web").ok());

  const absl::Status other_shop = AuthorizeShop(web.get(), kStart, "b2b");
  EXPECT_EQ(other_shop.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(ErrorReasons(other_shop), ElementsAre("SHOP_NOT_ALLOWED"));
  EXPECT_THAT(std::string(other_shop.message()), HasSubstr("web-frontend"));

  // Deny rules win over allow rules.
  EXPECT_THAT(ErrorReasons(AuthorizeShop(web.get(), kRefund, "web")),
              ElementsAre("METHOD_NOT_ALLOWED"));
  // What no rule allows is denied.
  EXPECT_THAT(ErrorReasons(AuthorizeWallet(web.get(), kTransfer, "ops")),
              ElementsAre("METHOD_NOT_ALLOWED"));

  const std::shared_ptr<const Caller> billing =
      *auth_.Authenticate(Certificate({"spiffe://example.org/billing"}));
  EXPECT_TRUE(AuthorizeShop(billing.get(), kStart, "any-shop").ok());  // shops: "*"
  EXPECT_TRUE(AuthorizeWallet(billing.get(), kTransfer, "ops").ok());
  EXPECT_THAT(ErrorReasons(AuthorizeWallet(billing.get(), kTransfer, "treasury")),
              ElementsAre("WALLET_NOT_ALLOWED"));
}

TEST_F(AuthenticatorTest, TheShopsACallerMaySee) {
  EXPECT_EQ(VisibleShops(**auth_.Authenticate(Token("token-of-web-frontend-0123456789"))),
            std::vector<std::string>{"web"});
  EXPECT_EQ(VisibleShops(**auth_.Authenticate(Certificate({"billing.internal"}))), std::nullopt);
  EXPECT_EQ(VisibleShops(*GatewayCaller()), std::nullopt);
}

// After a reload, a long-lived stream is kept only while its own credential still names a
// caller: a replaced token loses it even though a caller of the same name remains.
TEST_F(AuthenticatorTest, ACredentialIsFoundAgainOnlyWhileItIsStillConfigured) {
  const std::shared_ptr<const Caller> web =
      *auth_.Authenticate(Token("token-of-web-frontend-0123456789"));
  const std::shared_ptr<const Caller> billing =
      *auth_.Authenticate(Certificate({"billing.internal"}));
  Authenticator same(Policies());
  EXPECT_EQ(same.CallerOfCredential(web->credential)->name, "web-frontend");
  EXPECT_EQ(same.CallerOfCredential(billing->credential)->name, "billing");

  std::vector<CallerPolicy> rotated = Policies();
  rotated[0].token_digests = {DigestOf("the-new-token-of-web-frontend-98765")};
  rotated[1].principals = {"spiffe://example.org/billing"};
  Authenticator after(rotated);
  EXPECT_EQ(after.CallerOfCredential(web->credential), nullptr);
  EXPECT_EQ(after.CallerOfCredential(billing->credential), nullptr);
  EXPECT_EQ(after.CallerOfCredential(""), nullptr);
  EXPECT_EQ(Authenticator({}).CallerOfCredential(web->credential)->name, "anonymous");
}

TEST(AuthorizeTest, FailsClosedWithoutACaller) {
  const absl::Status s = AuthorizeShop(nullptr, kStart, "web");
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(ErrorReasons(s), ElementsAre("NO_CALLER"));
}

}  // namespace
}  // namespace barion_gateway::server
