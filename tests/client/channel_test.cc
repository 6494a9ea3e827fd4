// client/channel.h: the connection options from flags and the environment, and what a channel
// refuses to do (a token in clear text to another machine, a certificate without its key).
#include "client/channel.h"

#include <fstream>
#include <map>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace barion_gateway::client {
namespace {

using testing::HasSubstr;
using testing::Not;

std::function<std::optional<std::string>(const std::string&)> Env(
    std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(ChannelOptionsTest, ReadsTheEnvironmentAndTheTokenFile) {
  const std::string file = testing::TempDir() + "/token";
  std::ofstream(file) << "  secret-token-0123456789\n";
  absl::StatusOr<ChannelOptions> options = ChannelOptionsFromEnvironment(
      ChannelOptions(), Env({{"BARION_GATEWAY_ADDRESS", "gw.internal:443"},
                             {"BARION_GATEWAY_CA", "/etc/ca.pem"},
                             {"BARION_GATEWAY_TLS", "1"},
                             {"BARION_GATEWAY_TOKEN_FILE", file}}));
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->address, "gw.internal:443");
  EXPECT_EQ(options->ca_file, "/etc/ca.pem");
  EXPECT_TRUE(options->tls);
  EXPECT_EQ(options->token, "secret-token-0123456789");

  EXPECT_EQ(ChannelOptionsFromEnvironment(ChannelOptions(), Env({}))->address, "127.0.0.1:50051");
  const std::string empty = testing::TempDir() + "/empty-token";
  std::ofstream(empty) << "\n";
  EXPECT_FALSE(
      ChannelOptionsFromEnvironment(ChannelOptions(), Env({{"BARION_GATEWAY_TOKEN_FILE", empty}}))
          .ok());
  EXPECT_FALSE(
      ChannelOptionsFromEnvironment(ChannelOptions(), Env({{"BARION_GATEWAY_TOKEN_FILE", "/nope"}}))
          .ok());
}

TEST(MakeChannelTest, RefusesATokenInClearTextToAnotherMachine) {
  ChannelOptions options;
  options.token = "secret-token-0123456789";
  options.address = "10.1.2.3:50051";
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = MakeChannel(options);
  EXPECT_EQ(channel.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(channel.status().message()), Not(HasSubstr("secret-token")));
  options.address = "127.0.0.1:50051";
  EXPECT_TRUE(MakeChannel(options).ok());  // loopback: the gateway's own machine
  options.address = "10.1.2.3:50051";
  options.tls = true;
  EXPECT_TRUE(MakeChannel(options).ok());
}

TEST(MakeChannelTest, NamesTheFileItCannotReadAndPairsCertWithKey) {
  ChannelOptions options;
  options.ca_file = "/no/such/ca.pem";
  EXPECT_THAT(std::string(MakeChannel(options).status().message()), HasSubstr("ca: cannot read"));
  options.ca_file.clear();
  options.cert_file = "/no/such/cert.pem";
  EXPECT_THAT(std::string(MakeChannel(options).status().message()),
              HasSubstr("cert and key go together"));
}

}  // namespace
}  // namespace barion_gateway::client
