#include "client/ctl/cli.h"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "client/channel.h"
#include "client/currency.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace barion_gateway::ctl {

absl::StatusOr<std::shared_ptr<grpc::Channel>> GatewayChannel(
    const Args& args, const std::function<std::optional<std::string>(const std::string&)>& getenv) {
  absl::StatusOr<client::ChannelOptions> options =
      client::ChannelOptionsFromEnvironment(client::ChannelOptions(), getenv);
  if (!options.ok()) return UsageError(std::string(options.status().message()));
  auto flag = [&](const char* name, std::string* field) {
    auto it = args.global.find(name);
    if (it != args.global.end()) *field = it->second;
  };
  flag("gateway", &options->address);
  flag("ca", &options->ca_file);
  flag("cert", &options->cert_file);
  flag("key", &options->key_file);
  flag("server-name", &options->server_name);
  if (args.global.count("tls") > 0) options->tls = true;
  if (auto it = args.global.find("token-file"); it != args.global.end()) {
    absl::StatusOr<std::string> token = client::ReadTokenFile(it->second, "--token-file");
    if (!token.ok()) return UsageError(std::string(token.status().message()));
    options->token = *std::move(token);
  }
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = client::MakeChannel(*options);
  if (!channel.ok()) return UsageError(std::string(channel.status().message()));
  return channel;
}

Cli::Cli(Args args, std::shared_ptr<grpc::Channel> channel)
    : args_(std::move(args)), channel_(channel) {
  json_ = Global("output", "human") == "json";
  double seconds = 30;
  absl::SimpleAtod(Global("timeout", "30"), &seconds);
  options_.timeout = absl::Seconds(seconds);
  connection_ = client::MakeGrpcConnection(channel);
  payments_ = std::make_unique<client::PaymentClient>(connection_, options_);
  wallets_ =
      std::make_unique<client::WalletClient>(client::MakeGrpcWalletConnection(channel), options_);
}

std::string Cli::Global(const std::string& name, const std::string& fallback) const {
  auto it = args_.global.find(name);
  return it == args_.global.end() ? fallback : it->second;
}

std::string Cli::Flag(const std::string& name, const std::string& fallback) const {
  auto it = args_.flags.find(name);
  return it == args_.flags.end() ? fallback : it->second;
}

std::optional<barion::v1::Currency> Cli::CurrencyFlag(const std::string& fallback) const {
  return client::ParseCurrency(Flag("currency", fallback));
}

absl::Status Cli::FromJson(google::protobuf::Message* request) const {
  const std::string source = Flag("json");
  if (source.empty()) return absl::OkStatus();
  std::string text;
  if (source == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), {});
  } else {
    std::ifstream in(source);
    if (!in) return UsageError("cannot read " + source);
    std::stringstream s;
    s << in.rdbuf();
    text = s.str();
  }
  const auto status = google::protobuf::util::JsonStringToMessage(text, request);
  if (!status.ok()) {
    return UsageError(absl::StrCat("--json: not a ", request->GetDescriptor()->full_name(), ": ",
                                   status.ToString()));
  }
  return absl::OkStatus();
}

absl::Status Cli::Print(const google::protobuf::Message& m, const std::string& human) const {
  if (json_) {
    std::string out;
    google::protobuf::util::JsonPrintOptions options;
    (void)google::protobuf::util::MessageToJsonString(m, &out, options);
    std::printf("%s\n", out.c_str());
  } else {
    std::printf("%s", human.c_str());
  }
  return absl::OkStatus();
}

absl::Status Cli::Wrote(const OutputFile& file, const std::string& content_type) const {
  if (file.to_stdout()) {
    std::fprintf(stderr, "wrote %lld bytes (%s)\n", static_cast<long long>(file.bytes()),
                 content_type.c_str());
    return absl::OkStatus();
  }
  google::protobuf::Struct summary;
  auto& fields = *summary.mutable_fields();
  fields["file"].set_string_value(file.path());
  fields["bytes"].set_number_value(static_cast<double>(file.bytes()));
  fields["contentType"].set_string_value(content_type);
  return Print(summary, Row("wrote", file.path()) + Row("bytes", absl::StrCat(file.bytes())) +
                            Row("content type", content_type));
}

}  // namespace barion_gateway::ctl
