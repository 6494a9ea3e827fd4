// The callers and the listener's TLS settings in the configuration, and the secure-by-default
// rule (docs/SECURITY.md).
#include <fstream>
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/auth/authenticator.h"
#include "server/config/config.h"

namespace barion_gateway::server {
namespace {

using testing::HasSubstr;
using testing::Not;

constexpr char kKey[] = "7d3b9e51c2a84f06b1e5d9a3c7f20e48";
constexpr char kToken[] = "a-bearer-token-of-at-least-32-characters";

// kToken's SHA-256 as 64 hex digits, as an operator writes it into token_sha256.
std::string DigestHex() {
  std::string hex;
  for (uint8_t b : DigestOf(kToken)) absl::StrAppendFormat(&hex, "%02x", b);
  return hex;
}

absl::StatusOr<Config> Parse(const std::string& text) {
  auto env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "KEY") return std::string(kKey);
    if (name == "B2B_KEY") return std::string("00112233445566778899aabbccddeeff");
    return std::nullopt;
  };
  return ParseConfig(absl::StrCat(R"pb(shops { name: "web" pos_key_env: "KEY" payee: "a@b.c" }
                                       shops { name: "b2b" pos_key_env: "B2B_KEY" payee: "b@b.c" }
                                       wallets { name: "ops" api_key_env: "KEY" })pb",
                                  text),
                     "gateway.textproto", testing::TempDir(), env);
}

// The setting named in the error of `text`'s configuration; the error never holds the token.
std::string Rejected(const std::string& text) {
  absl::StatusOr<Config> c = Parse(text);
  if (c.ok()) return "accepted";
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(c.status().message()), Not(HasSubstr(kToken)));
  return std::string(c.status().message());
}

std::string WriteFile(const std::string& name, const std::string& content) {
  const std::string path = testing::TempDir() + "/" + name;
  std::ofstream(path) << content;
  return path;
}

// "callers { name: NAME token_sha256: <kToken's digest> BODY }".
std::string TokenCaller(const std::string& name, const std::string& body) {
  return absl::StrCat("callers { name: \"", name, "\" token_sha256: \"", DigestHex(), "\" ", body,
                      " }\n");
}

TEST(ConfigAuthTest, ReadsCallersWithTokensByDigestAndByFile) {
  const std::string billing_token = "another-bearer-token-of-32-characters-at-least";
  WriteFile("billing.token", absl::StrCat("  ", billing_token, "\n"));
  absl::StatusOr<Config> c = Parse(
      absl::StrCat(TokenCaller("web-frontend",
                               "allow_methods: \"/barion.v1.PaymentService/*\" "
                               "deny_methods: \"/barion.v1.PaymentService/Refund\" shops: \"web\""),
                   "callers { name: \"billing\" token_file: \"billing.token\" allow_methods: \"*\" "
                   "shops: \"*\" wallets: \"ops\" }"));
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->callers.size(), 2u);
  EXPECT_EQ(c->callers[0].name, "web-frontend");
  EXPECT_EQ(c->callers[0].token_digests[0], DigestOf(kToken));
  EXPECT_EQ(c->callers[0].deny_methods[0], "/barion.v1.PaymentService/Refund");
  EXPECT_EQ(c->callers[1].token_digests[0], DigestOf(billing_token));  // whitespace ignored
  EXPECT_EQ(c->callers[1].wallets[0], "ops");
}

TEST(ConfigAuthTest, NamesTheBadCallerSetting) {
  EXPECT_THAT(Rejected("callers { name: \"x\" allow_methods: \"*\" }"),
              HasSubstr("callers[0] (x): needs principals, token_sha256 or token_file"));
  EXPECT_THAT(Rejected(TokenCaller("x", "")),
              HasSubstr("callers[0] (x).allow_methods: needs at least one"));
  EXPECT_THAT(Rejected(TokenCaller("x", "allow_methods: \"/a*b\"")),
              HasSubstr("callers[0] (x).allow_methods[0]"));
  EXPECT_THAT(Rejected(TokenCaller("x", "allow_methods: \"*\" shops: \"nope\"")),
              HasSubstr("callers[0] (x).shops[0]: is not a shop"));
  EXPECT_THAT(Rejected(TokenCaller("x", "allow_methods: \"*\" wallets: \"web\"")),
              HasSubstr("callers[0] (x).wallets[0]: is not a wallet"));
  EXPECT_THAT(Rejected(absl::StrCat(TokenCaller("x", "allow_methods: \"*\""),
                                    TokenCaller("x", "allow_methods: \"*\""))),
              HasSubstr("callers[1] (x).name: is used twice"));
  // The gateway's own callers: a configured one of that name could pass for them in the audit
  // log and the metrics.
  EXPECT_THAT(Rejected(TokenCaller("gateway", "allow_methods: \"*\"")),
              HasSubstr("callers[0] (gateway).name: is reserved"));
  EXPECT_THAT(Rejected(TokenCaller("anonymous", "allow_methods: \"*\"")),
              HasSubstr("callers[0] (anonymous).name: is reserved"));
  EXPECT_THAT(Rejected(absl::StrCat(TokenCaller("x", "allow_methods: \"*\""),
                                    TokenCaller("y", "allow_methods: \"*\""))),
              HasSubstr("a token is given to two callers"));
  EXPECT_THAT(Rejected("callers { name: \"x\" allow_methods: \"*\" "
                       "principals: \"spiffe://example.org/x\" }"),
              HasSubstr("need listen.tls_client_ca_file"));
  EXPECT_THAT(Rejected("callers { name: \"x\" allow_methods: \"*\" token_file: \"missing\" }"),
              HasSubstr("token_file[0]: the file it names cannot be read"));
  WriteFile("short.token", "short");
  EXPECT_THAT(Rejected("callers { name: \"x\" allow_methods: \"*\" token_file: \"short.token\" }"),
              HasSubstr("shorter than 32 characters"));
}

// An operator who pastes the token where its digest belongs gets an error that does not
// repeat it.
TEST(ConfigAuthTest, NeverEchoesATokenPastedAsItsDigest) {
  const std::string message = Rejected(
      absl::StrCat("callers { name: \"x\" allow_methods: \"*\" token_sha256: \"", kToken, "\" }"));
  EXPECT_THAT(message, HasSubstr("callers[0] (x).token_sha256[0]: must be the token's SHA-256"));
}

TEST(ConfigAuthTest, ClientCertificateSettingsGoTogether) {
  EXPECT_THAT(Rejected(R"pb(listen { tls_client_ca_file: "ca.pem" })pb"),
              HasSubstr("listen.tls_client_ca_file: needs tls_cert_file"));
  EXPECT_THAT(Rejected(R"pb(listen { client_certificates: CLIENT_CERTIFICATES_REQUIRE })pb"),
              HasSubstr("REQUIRE needs tls_client_ca_file"));
  EXPECT_THAT(Rejected(R"pb(listen { tls_refresh_interval { nanos: 1000 } })pb"),
              HasSubstr("listen.tls_refresh_interval"));
  absl::StatusOr<Config> c = Parse(R"pb(listen {
                                          tls_cert_file: "cert.pem"
                                          tls_key_file: "key.pem"
                                          tls_client_ca_file: "ca.pem"
                                          client_certificates: CLIENT_CERTIFICATES_REQUIRE
                                        }
                                        callers {
                                          name: "billing"
                                          principals: "spiffe://example.org/billing"
                                          allow_methods: "*"
                                        })pb");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->require_client_certificate);
  EXPECT_EQ(c->tls_refresh_interval, absl::Seconds(60));
  EXPECT_THAT(c->tls_client_ca_file, HasSubstr("ca.pem"));
}

TEST(ConfigAuthTest, TheCallbackListenersTlsFilesGoTogether) {
  EXPECT_THAT(Rejected(R"pb(listen { callback_tls_cert_file: "cb.pem" })pb"),
              HasSubstr("listen.callback_tls_key_file: needs"));
  EXPECT_THAT(Rejected(R"pb(listen { callback_tls_key_file: "cb-key.pem" })pb"),
              HasSubstr("listen.callback_tls_cert_file: needs"));
  absl::StatusOr<Config> c = Parse(
      R"pb(listen { callback_tls_cert_file: "cb.pem" callback_tls_key_file: "cb-key.pem" })pb");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_THAT(c->callback_tls_cert_file, HasSubstr("cb.pem"));  // resolved against the file's dir
  EXPECT_THAT(c->callback_tls_key_file, HasSubstr("cb-key.pem"));
}

// Secure by default: a gateway other machines can reach authenticates its callers, and bearer
// tokens travel only over TLS.
TEST(ConfigAuthTest, RefusesAnUnauthenticatedListenerOffLoopback) {
  EXPECT_EQ(Rejected(R"pb(listen { grpc_address: "127.0.0.1:0" })pb"), "accepted");
  EXPECT_EQ(Rejected(R"pb(listen { grpc_address: "localhost:50051" })pb"), "accepted");
  EXPECT_EQ(Rejected(R"pb(listen { grpc_address: "[::1]:50051" })pb"), "accepted");
  EXPECT_THAT(Rejected(R"pb(listen { grpc_address: "0.0.0.0:50051" })pb"),
              HasSubstr("callers: listen.grpc_address is not a loopback address"));
  // A name that only starts like a loopback address is a name anyone may resolve elsewhere.
  EXPECT_THAT(Rejected(R"pb(listen { grpc_address: "127.corp.example:50051" })pb"),
              HasSubstr("callers: listen.grpc_address is not a loopback address"));
  EXPECT_THAT(Rejected(R"pb(listen { grpc_address: "[::]:50051" })pb"),
              HasSubstr("callers are required"));
  EXPECT_EQ(Rejected(R"pb(listen {
                            grpc_address: "0.0.0.0:50051"
                            allow_unauthenticated_insecure: true
                          })pb"),
            "accepted");
  const std::string token_caller = absl::StrCat(
      R"pb(callers { name: "x" allow_methods: "*" token_sha256: ")pb", DigestHex(), R"pb(" })pb");
  EXPECT_THAT(
      Rejected(absl::StrCat(R"pb(listen { grpc_address: "10.0.0.5:50051" })pb", token_caller)),
      HasSubstr("listen.tls_cert_file: callers with bearer tokens"));

  // The gateway checks again at start, after --grpc_address changed the address.
  absl::StatusOr<Config> c = Parse("");
  ASSERT_TRUE(c.ok());
  c->grpc_address = "0.0.0.0:50051";
  EXPECT_EQ(ValidateExposure(*c).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace barion_gateway::server
