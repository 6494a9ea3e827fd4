// The webhooks section of the configuration: endpoints with their filters, secrets in Standard
// Webhooks' form (never echoed), limits, retry delays; every bad setting named.
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/config/config.h"

namespace barion_gateway::server {
namespace {

using testing::HasSubstr;
using testing::Not;

constexpr char kKey[] = "7d3b9e51c2a84f06b1e5d9a3c7f20e48";
// "whsec_" and the base64 of 32 bytes.
constexpr char kSecret[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwAAAAAAAAAAA=";
constexpr char kOldSecret[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

absl::StatusOr<Config> Parse(const std::string& webhooks) {
  std::map<std::string, std::string> vars = {{"KEY", kKey},
                                             {"HOOK", kSecret},
                                             {"OLD_HOOK", kOldSecret},
                                             {"SHORT", "whsec_AAAA"},
                                             {"PLAIN", "not-a-whsec-secret-at-all-but-long"}};
  auto env = [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
  return ParseConfig(
      absl::StrCat(R"pb(shops { name: "web" pos_key_env: "KEY" payee: "a@b.c" })pb", webhooks),
      "gateway.textproto", ".", env);
}

std::string Rejected(const std::string& webhooks) {
  absl::StatusOr<Config> c = Parse(webhooks);
  if (c.ok()) return "accepted";
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  for (const char* secret : {kSecret, kOldSecret, "not-a-whsec-secret"}) {
    EXPECT_THAT(std::string(c.status().message()), Not(HasSubstr(secret)));
  }
  return std::string(c.status().message());
}

TEST(ConfigWebhooksTest, ReadsEndpointsWithTheirFiltersSecretsAndLimits) {
  absl::StatusOr<Config> c = Parse(R"pb(
    webhooks {
      endpoints {
        name: "crm"
        url: "https://crm.example.com/hooks/barion?src=gw"
        shops: "web"
        statuses: "PAYMENT_STATUS_SUCCEEDED"
        statuses: "PAYMENT_STATUS_FAILED"
        secret_env: "HOOK"
        previous_secret_env: "OLD_HOOK"
        timeout { seconds: 5 }
        max_in_flight: 8
      }
      endpoints { name: "local" url: "http://127.0.0.1:9000/hook" secret_env: "HOOK" }
      retry_delays { seconds: 1 }
      retry_delays { seconds: 60 }
    })pb");
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->webhooks.endpoints.size(), 2u);
  const WebhookEndpointConfig& crm = c->webhooks.endpoints[0];
  EXPECT_EQ(crm.url, "https://crm.example.com/hooks/barion?src=gw");
  EXPECT_EQ(crm.shops, std::vector<std::string>{"web"});
  EXPECT_EQ(crm.statuses.size(), 2u);
  ASSERT_EQ(crm.keys.size(), 2u);  // the current key first, then the previous one
  EXPECT_EQ(crm.keys[0].size(), 32u);
  EXPECT_EQ(crm.keys[1].size(), 24u);
  EXPECT_EQ(crm.timeout, absl::Seconds(5));
  EXPECT_EQ(crm.max_in_flight, 8);
  EXPECT_EQ(c->webhooks.endpoints[1].max_in_flight, 4);
  EXPECT_EQ(c->webhooks.endpoints[1].timeout, absl::Seconds(15));
  EXPECT_EQ(c->webhooks.retry_delays,
            (std::vector<absl::Duration>{absl::Seconds(1), absl::Seconds(60)}));
  // The secrets are among those the gateway blots out of everything it passes on.
  const std::vector<std::string> secrets = SecretsOf(*c);
  EXPECT_THAT(secrets, testing::Contains(kSecret));
  EXPECT_THAT(secrets, testing::Contains(std::string(kSecret).substr(6)));
}

TEST(ConfigWebhooksTest, TheDefaultScheduleRetriesForAboutADay) {
  absl::StatusOr<Config> c = Parse("");
  ASSERT_TRUE(c.ok()) << c.status();
  absl::Duration total;
  for (absl::Duration d : c->webhooks.retry_delays) total += d;
  EXPECT_EQ(c->webhooks.retry_delays.size(), 10u);
  EXPECT_GE(total, absl::Hours(20));
  EXPECT_LE(total, absl::Hours(30));
}

TEST(ConfigWebhooksTest, NamesEveryBadSettingWithoutEchoingASecret) {
  const std::string ok = R"(secret_env: "HOOK")";
  EXPECT_THAT(Rejected(R"pb(webhooks {
                              endpoints { name: "Crm" url: "https://a.b/" secret_env: "HOOK" }
                            })pb"),
              HasSubstr("webhooks.endpoints[0].name"));
  EXPECT_THAT(
      Rejected(R"pb(webhooks {
                      endpoints { name: "crm" url: "http://crm.example.com/" secret_env: "HOOK" }
                    })pb"),
      HasSubstr("webhooks.endpoints[0].url: must be https://"));
  EXPECT_THAT(Rejected(R"pb(webhooks { endpoints { name: "crm" secret_env: "HOOK" } })pb"),
              HasSubstr("webhooks.endpoints[0].url"));
  EXPECT_THAT(
      Rejected(
          R"pb(webhooks {
                 endpoints { name: "crm" url: "https://a.b/" shops: "outlet" secret_env: "HOOK" }
               })pb"),
      HasSubstr("webhooks.endpoints[0].shops"));
  EXPECT_THAT(
      Rejected(
          R"pb(webhooks {
                 endpoints { name: "crm" url: "https://a.b/" statuses: "PAID" secret_env: "HOOK" }
               })pb"),
      HasSubstr("webhooks.endpoints[0].statuses"));
  EXPECT_THAT(Rejected(R"pb(webhooks { endpoints { name: "crm" url: "https://a.b/" } })pb"),
              HasSubstr("webhooks.endpoints[0]: secret_env or secret_file is required"));
  EXPECT_THAT(Rejected(R"pb(webhooks {
                              endpoints { name: "crm" url: "https://a.b/" secret_env: "SHORT" }
                            })pb"),
              HasSubstr("webhooks.endpoints[0].secret_env: must hold \"whsec_\""));
  EXPECT_THAT(Rejected(R"pb(webhooks {
                              endpoints { name: "crm" url: "https://a.b/" secret_env: "PLAIN" }
                            })pb"),
              HasSubstr("webhooks.endpoints[0].secret_env"));
  // A secret pasted where the variable's name belongs is refused, not echoed.
  EXPECT_THAT(Rejected(absl::StrCat(
                  R"pb(webhooks { endpoints { name: "crm" url: "https://a.b/" secret_env: ")pb",
                  kSecret, "\" } }")),
              HasSubstr("webhooks.endpoints[0].secret_env"));
  EXPECT_THAT(Rejected(R"pb(webhooks {
                              endpoints {
                                name: "crm"
                                url: "https://a.b/"
                                secret_env: "HOOK"
                                previous_secret_env: "SHORT"
                              }
                            })pb"),
              HasSubstr("webhooks.endpoints[0].previous_secret_env"));
  EXPECT_THAT(Rejected(R"pb(webhooks {
                              endpoints {
                                name: "crm"
                                url: "https://a.b/"
                                secret_env: "HOOK"
                                timeout { seconds: 120 }
                              }
                            })pb"),
              HasSubstr("webhooks.endpoints[0].timeout"));
  EXPECT_THAT(
      Rejected(
          R"pb(webhooks {
                 endpoints { name: "crm" url: "https://a.b/" secret_env: "HOOK" max_in_flight: 65 }
               })pb"),
      HasSubstr("webhooks.endpoints[0].max_in_flight"));
  EXPECT_THAT(Rejected(R"pb(webhooks {
                              endpoints {
                                name: "crm"
                                url: "https://a.b/"
                                secret_env: "HOOK"
                                ca_file: "/nonexistent.pem"
                              }
                            })pb"),
              HasSubstr("webhooks.endpoints[0].ca_file"));
  EXPECT_THAT(Rejected(absl::StrCat(R"pb(webhooks { endpoints { name: "crm" url: "https://a.b/")pb",
                                    ok, R"pb(}
                                             endpoints { name: "crm" url: "https://c.d/" )pb",
                                    ok, " } }")),
              HasSubstr("webhooks.endpoints[1].name: names two endpoints"));
  EXPECT_THAT(Rejected(R"pb(webhooks { retry_delays { nanos: 1000 } })pb"),
              HasSubstr("webhooks.retry_delays"));
}

}  // namespace
}  // namespace barion_gateway::server
