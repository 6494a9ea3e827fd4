// Cli: what every barionctl command works with: its flags, the gateway's clients, reading a
// request from --json, and printing (human rows or proto JSON with --output json).
#ifndef BARION_GATEWAY_CLIENT_CTL_CLI_H_
#define BARION_GATEWAY_CLIENT_CTL_CLI_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "barion/v1/types.pb.h"
#include "client/ctl/args.h"
#include "client/ctl/output.h"
#include "client/payment_client.h"
#include "google/protobuf/message.h"
#include "grpcpp/channel.h"

namespace barion_gateway::ctl {

// The channel to the gateway the global flags and the environment describe: --gateway, --tls,
// --ca, --cert, --key, --server-name, --token-file over BARION_GATEWAY_* (client/channel.h).
// A usage error when a file cannot be read or a token would travel in clear text.
absl::StatusOr<std::shared_ptr<grpc::Channel>> GatewayChannel(
    const Args& args, const std::function<std::optional<std::string>(const std::string&)>& getenv);

class Cli {
 public:
  // Uses `channel` (GatewayChannel's); --timeout bounds each call.
  Cli(Args args, std::shared_ptr<grpc::Channel> channel);

  const std::string& command() const { return args_.command; }
  // The command's flag `name`, or `fallback`.
  std::string Flag(const std::string& name, const std::string& fallback = "") const;
  // --currency (or `fallback`) as a Currency; nullopt when it is not one.
  std::optional<barion::v1::Currency> CurrencyFlag(const std::string& fallback) const;

  // Fills `request` from --json FILE|- when given; a usage error when it cannot.
  absl::Status FromJson(google::protobuf::Message* request) const;
  // Prints `m` as one line of proto JSON with --output json, else `human`.
  absl::Status Print(const google::protobuf::Message& m, const std::string& human) const;
  // Says where a file went: a summary row set (or JSON), or, when the file was stdout, one line
  // on stderr.
  absl::Status Wrote(const OutputFile& file, const std::string& content_type) const;

  client::PaymentClient& payments() { return *payments_; }
  client::WalletClient& wallets() { return *wallets_; }
  // The channel itself, for services the client library does not wrap (WebhookService).
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  const std::shared_ptr<client::Connection>& connection() const { return connection_; }
  const client::ClientOptions& options() const { return options_; }

 private:
  std::string Global(const std::string& name, const std::string& fallback) const;

  const Args args_;
  const std::shared_ptr<grpc::Channel> channel_;
  bool json_ = false;
  client::ClientOptions options_;
  std::shared_ptr<client::Connection> connection_;
  std::unique_ptr<client::PaymentClient> payments_;
  std::unique_ptr<client::WalletClient> wallets_;
};

}  // namespace barion_gateway::ctl

#endif  // BARION_GATEWAY_CLIENT_CTL_CLI_H_
