#include "server/config/config.h"

#include <fstream>
#include <map>

#include "gtest/gtest.h"

namespace barion_gateway::server {
namespace {

constexpr char kKey[] = "7d3b9e51c2a84f06b1e5d9a3c7f20e48";

EnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

absl::StatusOr<Config> Parse(const std::string& text) {
  return ParseConfig(text, "gateway.textproto", ".", Env({{"KEY", kKey}}));
}

void ExpectRejected(const std::string& text, const std::string& setting) {
  absl::StatusOr<Config> c = Parse(text);
  ASSERT_FALSE(c.ok()) << text;
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find(setting), absl::string_view::npos) << c.status();
  EXPECT_EQ(c.status().message().find(kKey), absl::string_view::npos) << "secret leaked";
}

TEST(ParseConfigTest, AppliesDefaults) {
  absl::StatusOr<Config> c =
      Parse(R"pb(shops { name: "web" pos_key_env: "KEY" payee: "a@b.c" })pb");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->shops[0].pos_key, kKey);
  EXPECT_EQ(c->barion_base_url, "https://api.test.barion.com");
  EXPECT_EQ(c->grpc_address, "127.0.0.1:50051");
  EXPECT_EQ(c->default_timeout, absl::Seconds(60));
  EXPECT_EQ(c->max_connections, 32);
  EXPECT_EQ(c->callback_address, "127.0.0.1:8090");
  EXPECT_EQ(c->callback_public_base_url, "");
  EXPECT_FALSE(c->callback_to_listener);
  EXPECT_EQ(c->reconcile_first_check, absl::Minutes(1));
  EXPECT_EQ(c->reconcile_max_interval, absl::Hours(1));
  EXPECT_EQ(c->heartbeat_interval, absl::Seconds(15));
  EXPECT_EQ(c->subscriber_buffer_events, 1024);
  EXPECT_EQ(c->max_subscribers, 10000);
  EXPECT_EQ(c->subscriber_write_timeout, absl::Seconds(60));
  EXPECT_EQ(c->admin_address, "127.0.0.1:8091");
  EXPECT_TRUE(c->metrics_enabled);
}

TEST(ParseConfigTest, PinsEachShopsPayees) {
  absl::StatusOr<Config> c = Parse(R"pb(
    shops { name: "web" pos_key_env: "KEY" payee: "Shop@B.c" }
    shops {
      name: "market"
      pos_key_env: "OTHER"
      payee: "m@b.c"
      allowed_payees: [ "Seller-1@B.c", "seller-2@b.c" ]
    })pb");
  ASSERT_FALSE(c.ok());  // OTHER is not set
  c = ParseConfig(R"pb(
                    shops { name: "web" pos_key_env: "KEY" payee: "Shop@B.c" }
                    shops {
                      name: "market"
                      pos_key_env: "OTHER"
                      payee: "m@b.c"
                      allowed_payees: [ "Seller-1@B.c", "seller-2@b.c" ]
                    })pb",
                  "gateway.textproto", ".",
                  Env({{"KEY", kKey}, {"OTHER", "00112233445566778899aabbccddeeff"}}));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->shops[0].allowed_payees, std::vector<std::string>{"shop@b.c"});
  EXPECT_EQ(c->shops[1].allowed_payees,
            (std::vector<std::string>{"m@b.c", "seller-1@b.c", "seller-2@b.c"}));
  ExpectRejected(
      R"pb(shops { name: "web" pos_key_env: "KEY" payee: "a@b.c" allowed_payees: "nobody" })pb",
      "shops[0] (web).allowed_payees[0]");
}

TEST(ParseConfigTest, TheShopsCountrySetsHowLongADelayedCaptureMayWait) {
  absl::StatusOr<Config> hu =
      Parse(R"pb(shops { name: "web" pos_key_env: "KEY" payee: "a@b.c" country: "hu" })pb");
  ASSERT_TRUE(hu.ok()) << hu.status();
  EXPECT_EQ(hu->shops[0].max_delayed_capture, absl::Hours(24 * 21));
  absl::StatusOr<Config> other =
      Parse(R"pb(shops { name: "web" pos_key_env: "KEY" payee: "a@b.c" })pb");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->shops[0].max_delayed_capture, absl::Hours(24 * 7));
  absl::StatusOr<Config> explicit_max = Parse(R"pb(shops {
                                                     name: "web"
                                                     pos_key_env: "KEY"
                                                     payee: "a@b.c"
                                                     country: "DE"
                                                     max_delayed_capture_period { seconds: 172800 }
                                                   })pb");
  ASSERT_TRUE(explicit_max.ok());
  EXPECT_EQ(explicit_max->shops[0].max_delayed_capture, absl::Hours(48));
  ExpectRejected(R"pb(shops { name: "web" pos_key_env: "KEY" payee: "a@b.c" country: "HUN" })pb",
                 "shops[0] (web).country");
  ExpectRejected(R"pb(shops {
                        name: "web"
                        pos_key_env: "KEY"
                        payee: "a@b.c"
                        max_delayed_capture_period { seconds: 2592000 }
                      })pb",
                 "shops[0] (web).max_delayed_capture_period");
}

TEST(ParseConfigTest, RefusesTwoShopsWithOnePosKey) {
  const std::string guid = "7D3B9E51-C2A8-4F06-B1E5-D9A3C7F20E48";  // kKey, written otherwise
  absl::StatusOr<Config> c =
      ParseConfig(R"pb(
                    shops { name: "web" pos_key_env: "KEY" payee: "a@b.c" }
                    shops { name: "alias" pos_key_env: "SAME" payee: "x@b.c" })pb",
                  "gateway.textproto", ".", Env({{"KEY", kKey}, {"SAME", guid}}));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("\"web\" and \"alias\" have the same POSKey"),
            absl::string_view::npos)
      << c.status();
  EXPECT_EQ(c.status().message().find(kKey), absl::string_view::npos) << "secret leaked";
  EXPECT_EQ(c.status().message().find("7D3B9E51"), absl::string_view::npos) << "secret leaked";
}

TEST(ParseConfigTest, MetricsCanBeTurnedOff) {
  absl::StatusOr<Config> c = Parse(
      "shops { name: \"web\" pos_key_env: \"KEY\" payee: \"a@b.c\" } "
      "listen { disable_metrics: true admin_address: \"127.0.0.1:9100\" }");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_FALSE(c->metrics_enabled);
  EXPECT_EQ(c->admin_address, "127.0.0.1:9100");
}

TEST(ParseConfigTest, ReadsWalletsAndNamesTheBadOnes) {
  absl::StatusOr<Config> c = Parse(R"pb(
    shops { name: "web" pos_key_env: "KEY" payee: "a@b.c" }
    wallets { name: "treasury" api_key_env: "KEY" }
  )pb");
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->wallets.size(), 1u);
  EXPECT_EQ(c->wallets[0].name, "treasury");
  EXPECT_EQ(c->wallets[0].api_key, kKey);
  const std::string shop = "shops { name: \"web\" pos_key_env: \"KEY\" payee: \"a@b.c\" } ";
  ExpectRejected(shop + "wallets { name: \"Treasury\" api_key_env: \"KEY\" }", "wallets[0].name");
  ExpectRejected(shop + "wallets { name: \"t\" }", "api_key_env or api_key_file is required");
  ExpectRejected(shop + "wallets { name: \"t\" api_key_env: \"NOPE\" }",
                 "wallets[0] (t).api_key_env: the environment variable it names is not set");
  ExpectRejected(shop +
                     "wallets { name: \"t\" api_key_env: \"KEY\" } "
                     "wallets { name: \"t\" api_key_env: \"KEY\" }",
                 "wallets[1] (t).name: is used twice");
  absl::StatusOr<Config> short_key =
      ParseConfig(shop + "wallets { name: \"t\" api_key_env: \"SHORT\" }", "f", ".",
                  Env({{"KEY", kKey}, {"SHORT", "abc-def"}}));
  ASSERT_FALSE(short_key.ok());
  EXPECT_NE(short_key.status().message().find("must be 32 hex digits"), std::string::npos);
  EXPECT_EQ(short_key.status().message().find("abc-def"), std::string::npos) << "secret leaked";
}

TEST(ParseConfigTest, ReadsSubscriptionSettings) {
  absl::StatusOr<Config> c = Parse(R"pb(
    shops { name: "web" pos_key_env: "KEY" payee: "a@b.c" }
    subscriptions {
      heartbeat_interval { seconds: 2 }
      buffer_events: 64
      max_subscribers: 5
      write_timeout { seconds: 3 }
    }
  )pb");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->heartbeat_interval, absl::Seconds(2));
  EXPECT_EQ(c->subscriber_buffer_events, 64);
  EXPECT_EQ(c->max_subscribers, 5);
  EXPECT_EQ(c->subscriber_write_timeout, absl::Seconds(3));
}

TEST(ParseConfigTest, SelectsProduction) {
  absl::StatusOr<Config> c = Parse(R"pb(
    shops { name: "web" pos_key_env: "KEY" payee: "a@b.c" }
    barion { environment: BARION_ENVIRONMENT_PRODUCTION }
  )pb");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->barion_base_url, "https://api.barion.com");
}

TEST(ParseConfigTest, ReadsThePosKeyFromAFile) {
  const std::string dir = testing::TempDir();
  std::ofstream(dir + "/pos.key") << "  " << kKey << "\n";
  absl::StatusOr<Config> c = ParseConfig(
      R"pb(shops { name: "web" pos_key_file: "pos.key" payee: "a@b.c" })pb", "f", dir, Env({}));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->shops[0].pos_key, kKey);
}

TEST(ParseConfigTest, NamesTheBadSetting) {
  ExpectRejected("", "shops");
  ExpectRejected("shops { name: \"Web Shop\" pos_key_env: \"KEY\" payee: \"a@b.c\" }",
                 "shops[0].name");
  ExpectRejected("shops { name: \"web\" pos_key_env: \"MISSING\" payee: \"a@b.c\" }",
                 "shops[0] (web).pos_key_env: the environment variable it names is not set");
  ExpectRejected("shops { name: \"web\" payee: \"a@b.c\" }", "pos_key_env or pos_key_file");
  ExpectRejected("shops { name: \"web\" pos_key_env: \"KEY\" payee: \"nobody\" }", ".payee");
  ExpectRejected(
      "shops { name: \"web\" pos_key_env: \"KEY\" payee: \"a@b.c\" }"
      "shops { name: \"web\" pos_key_env: \"KEY\" payee: \"a@b.c\" }",
      "is used twice");
  ExpectRejected(
      "shops { name: \"web\" pos_key_env: \"KEY\" payee: \"a@b.c\" } "
      "barion { base_url: \"ftp://x\" }",
      "barion.base_url");
  ExpectRejected(
      "shops { name: \"web\" pos_key_env: \"KEY\" payee: \"a@b.c\" } "
      "listen { callback_allowed_sources: [\"20.223.214.216/32\", \"not-a-network\"] }",
      "listen.callback_allowed_sources: entry 1");
  ExpectRejected(
      "shops { name: \"web\" pos_key_env: \"KEY\" payee: \"a@b.c\" } "
      "listen { callback_trusted_proxies: \"10.0.0.0/40\" }",
      "listen.callback_trusted_proxies: entry 0");
  // POSKeys in clear: only to the local sandbox.
  ExpectRejected(
      "shops { name: \"web\" pos_key_env: \"KEY\" payee: \"a@b.c\" } "
      "barion { base_url: \"http://api.barion.com\" }",
      "barion.base_url");
  ExpectRejected(
      "shops { name: \"web\" pos_key_env: \"KEY\" payee: \"a@b.c\" } "
      "barion { base_url: \"http://127.corp.example:8080\" }",
      "barion.base_url");
  EXPECT_TRUE(Parse("shops { name: \"web\" pos_key_env: \"KEY\" payee: \"a@b.c\" } "
                    "barion { base_url: \"http://127.0.0.1:18080\" }")
                  .ok());
  ExpectRejected(
      "shops { name: \"web\" pos_key_env: \"KEY\" payee: \"a@b.c\" } "
      "barion { default_timeout { seconds: 3600 } }",
      "barion.default_timeout");
  ExpectRejected(
      "shops { name: \"web\" pos_key_env: \"KEY\" payee: \"a@b.c\" } "
      "listen { grpc_address: \"nowhere\" }",
      "listen.grpc_address");
  ExpectRejected(
      "shops { name: \"web\" pos_key_env: \"KEY\" payee: \"a@b.c\" } "
      "listen { tls_cert_file: \"c.pem\" }",
      "listen.tls_cert_file");
  ExpectRejected("shops { name: \"web\" pos_key_env: \"KEY\" payee: \"a@b.c\" } bogus: 1",
                 "line 1");
  ExpectRejected(
      "shops { name: \"web\" pos_key_env: \"KEY\" payee: \"a@b.c\" } "
      "listen { callback_address: \"8090\" }",
      "listen.callback_address");
  ExpectRejected(
      "shops { name: \"web\" pos_key_env: \"KEY\" payee: \"a@b.c\" } "
      "callback_public_base_url: \"pay.example.com\"",
      "callback_public_base_url");
  // Barion calls only https callback URLs: plain http is for loopback (a proxy on this machine).
  ExpectRejected(
      "shops { name: \"web\" pos_key_env: \"KEY\" payee: \"a@b.c\" } "
      "callback_public_base_url: \"http://pay.example.com\"",
      "callback_public_base_url");
  ExpectRejected(
      "shops { name: \"web\" pos_key_env: \"KEY\" payee: \"a@b.c\" "
      "defaults { callback_url: \"http://shop.example.com/cb\" } }",
      ".defaults.callback_url: must be https");
  const std::string shop = "shops { name: \"web\" pos_key_env: \"KEY\" payee: \"a@b.c\" } ";
  ExpectRejected(shop + "subscriptions { heartbeat_interval { nanos: 1000 } }",
                 "subscriptions.heartbeat_interval");
  ExpectRejected(shop + "subscriptions { buffer_events: 8 }", "subscriptions.buffer_events");
  ExpectRejected(shop + "subscriptions { max_subscribers: -1 }", "subscriptions.max_subscribers");
  ExpectRejected(shop + "subscriptions { write_timeout { seconds: 3600 } }",
                 "subscriptions.write_timeout");
}

TEST(ParseConfigTest, DescribesButNeverEchoesAMalformedKey) {
  absl::StatusOr<Config> c =
      ParseConfig(R"pb(shops { name: "web" pos_key_env: "KEY" payee: "a@b.c" })pb", "f", ".",
                  Env({{"KEY", "not a key but a secret"}}));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("must be a GUID"), absl::string_view::npos);
  EXPECT_EQ(c.status().message().find("secret"), absl::string_view::npos);
}

// An operator who pastes the secret itself where its variable's name or file's path belongs
// must not see it printed back: not for an unset variable, a name that is no variable name, an
// unreadable file, or an address.
TEST(ParseConfigTest, NeverEchoesASecretPastedIntoTheWrongSetting) {
  const std::string guid = "fc12c36f-3c1d-4b1e-9d7a-5f0e8b2a6c44";
  const std::string hex = "fc12c36f3c1d4b1e9d7a5f0e8b2a6c44";  // a valid variable name, too
  const std::string shop = "shops { name: \"web\" pos_key_env: \"KEY\" payee: \"a@b.c\" } ";
  struct Case {
    std::string text;
    std::string secret;
    std::string setting;
  };
  const Case cases[] = {
      {"shops { name: \"web\" pos_key_env: \"" + guid + "\" payee: \"a@b.c\" }", guid,
       "shops[0] (web).pos_key_env: is not an environment variable name"},
      {"shops { name: \"web\" pos_key_env: \"" + hex + "\" payee: \"a@b.c\" }", hex,
       "shops[0] (web).pos_key_env: the environment variable it names is not set"},
      {"shops { name: \"web\" pos_key_file: \"" + guid + "\" payee: \"a@b.c\" }", guid,
       "shops[0] (web).pos_key_file: the file it names cannot be read"},
      {shop + "wallets { name: \"t\" api_key_env: \"" + hex + "\" }", hex,
       "wallets[0] (t).api_key_env: the environment variable it names is not set"},
      {shop + "wallets { name: \"t\" api_key_file: \"" + hex + "\" }", hex,
       "wallets[0] (t).api_key_file: the file it names cannot be read"},
      {shop + "listen { grpc_address: \"" + guid + "\" }", guid, "listen.grpc_address"},
      {shop + "listen { callback_address: \"" + hex + "\" }", hex, "listen.callback_address"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<Config> parsed = ParseConfig(c.text, "f", ".", Env({{"KEY", kKey}}));
    ASSERT_FALSE(parsed.ok()) << c.setting;
    EXPECT_NE(parsed.status().message().find(c.setting), absl::string_view::npos)
        << parsed.status().message();
    EXPECT_EQ(parsed.status().message().find(c.secret.substr(0, 8)), absl::string_view::npos)
        << "secret echoed: " << c.setting;
  }
}

TEST(ParseConfigTest, ReadsAPostgresStoreWithItsPasswordFromTheEnvironment) {
  const std::string shop = "shops { name: \"web\" pos_key_env: \"KEY\" payee: \"a@b.c\" } ";
  absl::StatusOr<Config> sqlite = Parse(shop);
  ASSERT_TRUE(sqlite.ok());
  EXPECT_FALSE(sqlite->postgres.has_value()) << "SQLite is the default";
  const std::string password = "Pg-s3cret-4f0e8b2a6c44";
  absl::StatusOr<Config> c =
      ParseConfig(shop +
                      "store { postgres { dsn: \"host=db port=5432 dbname=gw sslmode=verify-full\" "
                      "password_env: \"DB_PASSWORD\" pool_size: 12 claim_lease { seconds: 5 } } }",
                  "f", ".", Env({{"KEY", kKey}, {"DB_PASSWORD", password}}));
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_TRUE(c->postgres.has_value());
  EXPECT_EQ(c->postgres->dsn, "host=db port=5432 dbname=gw sslmode=verify-full");
  EXPECT_EQ(c->postgres->password, password);
  EXPECT_EQ(c->postgres->pool_size, 12);
  EXPECT_EQ(c->postgres->claim_lease, absl::Seconds(5));
  c = ParseConfig(shop + "store { postgres { dsn_env: \"DB_DSN\" } }", "f", ".",
                  Env({{"KEY", kKey}, {"DB_DSN", "host=/run/postgresql dbname=gw"}}));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->postgres->dsn, "host=/run/postgresql dbname=gw");
  EXPECT_EQ(c->postgres->pool_size, 8);
  EXPECT_EQ(c->postgres->claim_lease, absl::Seconds(30));
  EXPECT_EQ(c->postgres->password, "");
}

// A password pasted into the DSN (in any of libpq's forms) is refused without being echoed.
TEST(ParseConfigTest, RefusesADsnHoldingAPasswordWithoutEchoingIt) {
  const std::string shop = "shops { name: \"web\" pos_key_env: \"KEY\" payee: \"a@b.c\" } ";
  const std::string secret = "Zq9s3cretXq";
  for (const std::string& dsn : {
           "host=db dbname=gw password=" + secret,
           "host=db password = '" + secret + "' dbname=gw",
           "postgresql://gw:" + secret + "@db:5432/gw",
           "postgres://db/gw?sslmode=require&password=" + secret,
       }) {
    absl::StatusOr<Config> c = ParseConfig(shop + "store { postgres { dsn: \"" + dsn + "\" } }",
                                           "f", ".", Env({{"KEY", kKey}}));
    ASSERT_FALSE(c.ok()) << "accepted a password in the DSN";
    EXPECT_NE(c.status().message().find("store.postgres.dsn: holds a password"),
              absl::string_view::npos)
        << c.status().message();
    EXPECT_EQ(c.status().message().find(secret), absl::string_view::npos) << "echoed";
  }
  // Not passwords: a user named like one, a passfile.
  for (const char* dsn : {"host=db user=password_admin dbname=gw",
                          "host=db passfile=/run/gw.pgpass dbname=gw", "postgresql://gw@db/gw"}) {
    EXPECT_TRUE(ParseConfig(shop + "store { postgres { dsn: \"" + dsn + "\" } }", "f", ".",
                            Env({{"KEY", kKey}}))
                    .ok())
        << dsn;
  }
  ExpectRejected(shop + "store { postgres { } }", "store.postgres.dsn: is required");
  ExpectRejected(shop + "store { postgres { dsn: \"host=db\" pool_size: 65 } }",
                 "store.postgres.pool_size");
  ExpectRejected(shop + "store { postgres { dsn: \"host=db\" claim_lease { seconds: 0 } } }",
                 "store.postgres.claim_lease");
  ExpectRejected(
      shop + "store { postgres { dsn: \"host=db\" password_env: \"" + std::string(kKey) + "\" } }",
      "store.postgres.password_env: is not an environment variable name");
}

TEST(ParseConfigTest, CallbackSecretsAreDerivedOrReadAndValidated) {
  const std::string secret = "fresh-secret-0123456789abcdef0123456789";
  const std::string old = "older-secret-0123456789abcdef0123456789";
  auto env = Env({{"KEY", kKey}, {"NEW", secret}, {"OLD", old}, {"SHORT", "abc"}});
  absl::StatusOr<Config> derived =
      ParseConfig(R"pb(shops { name: "web" pos_key_env: "KEY" payee: "a@b.c" })pb", "f", ".", env);
  ASSERT_TRUE(derived.ok()) << derived.status();
  EXPECT_EQ(derived->shops[0].callback_secrets,
            std::vector<std::string>{DerivedCallbackSecret(kKey, "web")});
  EXPECT_EQ(DerivedCallbackSecret(kKey, "web").size(), 64u);
  EXPECT_NE(DerivedCallbackSecret(kKey, "web"), DerivedCallbackSecret(kKey, "kiosk"));

  absl::StatusOr<Config> rotated = ParseConfig(
      R"pb(shops {
             name: "web"
             pos_key_env: "KEY"
             payee: "a@b.c"
             callback_secret_env: "NEW"
             previous_callback_secret_env: "OLD"
           })pb",
      "f", ".", env);
  ASSERT_TRUE(rotated.ok()) << rotated.status();
  EXPECT_EQ(rotated->shops[0].callback_secrets, (std::vector<std::string>{secret, old}));

  absl::StatusOr<Config> short_secret = ParseConfig(
      R"pb(shops { name: "web" pos_key_env: "KEY" payee: "a@b.c" callback_secret_env: "SHORT" })pb",
      "f", ".", env);
  ASSERT_FALSE(short_secret.ok());
  EXPECT_NE(short_secret.status().message().find("callback_secret: must be 32-128"),
            absl::string_view::npos);
  EXPECT_EQ(short_secret.status().message().find("abc"), absl::string_view::npos);

  ExpectRejected(R"pb(shops {
                        name: "web"
                        pos_key_env: "KEY"
                        payee: "a@b.c"
                        previous_callback_secret_env: "KEY"
                      })pb",
                 "needs callback_secret_env or callback_secret_file");
  const std::string shop = "shops { name: \"web\" pos_key_env: \"KEY\" payee: \"a@b.c\" } ";
  ExpectRejected(shop + "callbacks { unknown_payment_fetches_per_second: 1000 }",
                 "callbacks.unknown_payment_fetches_per_second");
  ExpectRejected(shop + "callbacks { inbox_retention { seconds: 60 } }",
                 "callbacks.inbox_retention");
  ExpectRejected(shop + "subscriptions { max_subscribers_per_client: -1 }",
                 "subscriptions.max_subscribers_per_client");
}

TEST(ParseConfigTest, EmbeddedDefaultsAndExampleFileParse) {
  absl::StatusOr<Config> c =
      ParseConfig(DefaultConfigText(), "defaults", ".", Env({{"BARION_POS_KEY", kKey}}));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->shops[0].name, "demo");
  EXPECT_EQ(c->barion_base_url, "https://127.0.0.1:18443");
  EXPECT_TRUE(c->callback_to_listener);
  EXPECT_EQ(c->callback_public_base_url, "");
  EXPECT_TRUE(c->wallets.empty());
  absl::StatusOr<Config> with_wallet =
      ParseConfig(DefaultConfigText(/*with_wallet=*/true), "defaults", ".",
                  Env({{"BARION_POS_KEY", kKey}, {"BARION_WALLET_API_KEY", kKey}}));
  ASSERT_TRUE(with_wallet.ok()) << with_wallet.status();
  ASSERT_EQ(with_wallet->wallets.size(), 1u);
  EXPECT_EQ(with_wallet->wallets[0].name, "demo");
  absl::StatusOr<Config> example =
      LoadConfigFile("server/gateway.example.textproto",
                     Env({{"BARION_POS_KEY_WEBSHOP", kKey},
                          {"BARION_POS_KEY_SUBSCRIPTIONS", "00112233445566778899aabbccddeeff"},
                          {"BARION_WALLET_API_KEY_TREASURY", kKey}}));
  ASSERT_TRUE(example.ok()) << example.status();
  EXPECT_EQ(example->shops.size(), 2u);
}

TEST(ValidateListenAddressTest, AcceptsPortZero) {
  EXPECT_TRUE(ValidateListenAddress("127.0.0.1:0", "x").ok());
  EXPECT_TRUE(ValidateListenAddress("[::1]:50051", "x").ok());
  EXPECT_FALSE(ValidateListenAddress("127.0.0.1:70000", "x").ok());
  EXPECT_FALSE(ValidateListenAddress(":80", "x").ok());
}

}  // namespace
}  // namespace barion_gateway::server
