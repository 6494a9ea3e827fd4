// The checks every configuration section shares: the error's form, names, secrets from the
// environment or a file (never echoed), and optional settings with a range.
#include "server/config/checks.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace barion_gateway::server::config_internal {
namespace {

google::protobuf::Duration Proto(int64_t seconds, int32_t nanos = 0) {
  google::protobuf::Duration d;
  d.set_seconds(seconds);
  d.set_nanos(nanos);
  return d;
}

EnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(ConfigChecksTest, BadNamesTheSourceAndTheSetting) {
  absl::Status s = Bad("gw.textproto", "shops[0].payee", "must be an e-mail");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "gw.textproto: shops[0].payee: must be an e-mail");
}

TEST(ConfigChecksTest, ResolveKeepsAbsolutePathsAndJoinsRelativeOnes) {
  EXPECT_EQ(Resolve("/etc/gw", "keys/pos"), "/etc/gw/keys/pos");
  EXPECT_EQ(Resolve("/etc/gw", "/abs/pos"), "/abs/pos");
  EXPECT_EQ(Resolve(".", "pos"), "pos");
  EXPECT_EQ(Resolve("/etc/gw", ""), "");
}

TEST(ConfigChecksTest, NamesAndUrls) {
  EXPECT_TRUE(ValidShopName("shop-1_a"));
  EXPECT_FALSE(ValidShopName(""));
  EXPECT_FALSE(ValidShopName("Shop"));
  EXPECT_FALSE(ValidShopName(std::string(65, 'a')));
  EXPECT_TRUE(ValidShopName(std::string(64, 'a')));
  EXPECT_TRUE(ValidEnvName("_POS_KEY1"));
  EXPECT_FALSE(ValidEnvName("1KEY"));
  EXPECT_FALSE(ValidEnvName("KEY-1"));
  EXPECT_FALSE(ValidEnvName(std::string(129, 'A')));
  EXPECT_TRUE(ValidUrl("https://x"));
  EXPECT_TRUE(ValidUrl("http://127.0.0.1"));
  EXPECT_FALSE(ValidUrl("ftp://x"));
}

TEST(ConfigChecksTest, SecretFromTheEnvironmentOrAFileNeverEchoed) {
  const std::string secret = "0123456789abcdef0123456789abcdef";
  EnvLookup env = Env({{"POS", secret}});
  absl::StatusOr<std::string> got = ReadSecret("src", "shops[0]", "pos_key", "POS", "", "", env);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, secret);

  // The secret pasted where the variable's name belongs: refused, and not echoed.
  got = ReadSecret("src", "shops[0]", "pos_key", secret + "-x", "", "", env);
  ASSERT_FALSE(got.ok());
  EXPECT_TRUE(absl::StrContains(got.status().message(), "shops[0].pos_key_env"));
  EXPECT_FALSE(absl::StrContains(got.status().message(), secret));

  got = ReadSecret("src", "shops[0]", "pos_key", "UNSET", "", "", env);
  EXPECT_TRUE(absl::StrContains(got.status().message(), "is not set"));
  got = ReadSecret("src", "shops[0]", "pos_key", "POS", "f", "", env);
  EXPECT_TRUE(absl::StrContains(got.status().message(), "not both"));
  got = ReadSecret("src", "shops[0]", "pos_key", "", "", "", env);
  EXPECT_TRUE(absl::StrContains(got.status().message(), "pos_key_env or pos_key_file is required"));

  const std::string dir = ::testing::TempDir();
  std::ofstream(dir + "/key") << "  " << secret << "\n";
  got = ReadSecret("src", "shops[0]", "pos_key", "", "key", dir, env);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, secret);  // whitespace around it stripped
  got = ReadSecret("src", "shops[0]", "pos_key", "", secret, dir, env);
  ASSERT_FALSE(got.ok());
  EXPECT_TRUE(absl::StrContains(got.status().message(), "shops[0].pos_key_file"));
  EXPECT_FALSE(absl::StrContains(got.status().message(), secret));
  std::ofstream(dir + "/empty") << "\n";
  got = ReadSecret("src", "shops[0]", "pos_key", "", "empty", dir, env);
  EXPECT_TRUE(absl::StrContains(got.status().message(), "is empty"));
}

TEST(ConfigChecksTest, NamedEntriesAreValidAndUnique) {
  std::set<std::string> names;
  absl::StatusOr<std::string> first = NamedEntry("src", "shops", 0, "web", names);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, "shops[0] (web)");
  EXPECT_EQ(NamedEntry("src", "shops", 1, "web", names).status().message(),
            "src: shops[1] (web).name: is used twice");
  EXPECT_EQ(NamedEntry("src", "wallets", 2, "Bad Name", names).status().message(),
            "src: wallets[2].name: must be 1-64 characters of [a-z0-9_-]");
}

TEST(ConfigChecksTest, TrimmedFilesOrNothing) {
  const std::string path = ::testing::TempDir() + "/trimmed";
  std::ofstream(path) << "\n  token \t\n";
  EXPECT_EQ(ReadTrimmedFile(path), "token");
  EXPECT_EQ(ReadTrimmedFile(path + ".missing"), std::nullopt);
}

TEST(ConfigChecksTest, OptionalDurationKeepsItsDefaultAndChecksItsBoundsInclusively) {
  absl::Duration value = absl::Seconds(7);
  const auto set = [&](bool has, google::protobuf::Duration d) {
    return SetDuration("src", "x.timeout", has, d, absl::Seconds(1), absl::Minutes(1),
                       "must be between 1s and 1m", &value);
  };
  EXPECT_TRUE(set(false, Proto(999)).ok());
  EXPECT_EQ(value, absl::Seconds(7));
  EXPECT_TRUE(set(true, Proto(1)).ok());
  EXPECT_EQ(value, absl::Seconds(1));
  EXPECT_TRUE(set(true, Proto(60)).ok());
  EXPECT_TRUE(set(true, Proto(0, 500000000)).code() == absl::StatusCode::kInvalidArgument);
  absl::Status over = set(true, Proto(60, 1));
  EXPECT_EQ(over.message(), "src: x.timeout: must be between 1s and 1m");
}

TEST(ConfigChecksTest, OptionalNumberTreatsZeroAsUnsetAndRefusesOutOfRange) {
  int n = 32;
  EXPECT_TRUE(SetNumber("src", "n", int64_t{0}, 1, 10, "must be 1-10", &n).ok());
  EXPECT_EQ(n, 32);
  EXPECT_TRUE(SetNumber("src", "n", int64_t{10}, 1, 10, "must be 1-10", &n).ok());
  EXPECT_EQ(n, 10);
  EXPECT_EQ(SetNumber("src", "n", int64_t{11}, 1, 10, "must be 1-10", &n).message(),
            "src: n: must be 1-10");
  EXPECT_FALSE(SetNumber("src", "n", int64_t{-1}, 1, 10, "must be 1-10", &n).ok());
  EXPECT_EQ(n, 10);  // an error leaves the value as it was

  double rate = 2;
  EXPECT_TRUE(SetNumber("src", "r", 0.1, 0.1, 100.0, "p", &rate).ok());
  EXPECT_DOUBLE_EQ(rate, 0.1);
  EXPECT_FALSE(SetNumber("src", "r", std::nan(""), 0.1, 100.0, "p", &rate).ok());
  EXPECT_FALSE(SetNumber("src", "r", 100.5, 0.1, 100.0, "p", &rate).ok());
}

}  // namespace
}  // namespace barion_gateway::server::config_internal
