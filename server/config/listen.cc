// The listen section (the gRPC, callback and admin listeners' addresses and bounds, the callback
// listener's TLS), data_dir, and where Barion's callbacks are sent (callback_public_base_url).
#include <tuple>

#include "absl/strings/str_cat.h"
#include "server/common/loopback.h"
#include "server/common/network_list.h"
#include "server/config/sections.h"

namespace barion_gateway::server::config_internal {
namespace {

namespace cfg = ::barion::gateway::config::v1;

absl::Status CheckAddress(const std::string& source, const std::string& address,
                          const std::string& setting) {
  if (absl::Status s = ValidateListenAddress(address, setting); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": ", s.message()));
  }
  return absl::OkStatus();
}

absl::Status ParseFiles(const cfg::Listen& l, const std::string& source,
                        const std::string& base_dir, Config* config) {
  if (l.tls_cert_file().empty() != l.tls_key_file().empty()) {
    return Bad(source, "listen.tls_cert_file", "tls_cert_file and tls_key_file go together");
  }
  config->tls_cert_file = Resolve(base_dir, l.tls_cert_file());
  config->tls_key_file = Resolve(base_dir, l.tls_key_file());
  config->callback_tls_cert_file = Resolve(base_dir, l.callback_tls_cert_file());
  config->callback_tls_key_file = Resolve(base_dir, l.callback_tls_key_file());
  if (config->callback_tls_cert_file.empty() != config->callback_tls_key_file.empty()) {
    return Bad(source,
               config->callback_tls_cert_file.empty() ? "listen.callback_tls_cert_file"
                                                      : "listen.callback_tls_key_file",
               "needs listen.callback_tls_cert_file and listen.callback_tls_key_file together");
  }
  return absl::OkStatus();
}

absl::Status ParseCallbackBase(const std::string& text, const std::string& source, Config* config) {
  config->callback_public_base_url = text;
  while (!config->callback_public_base_url.empty() &&
         config->callback_public_base_url.back() == '/') {
    config->callback_public_base_url.pop_back();
  }
  if (config->callback_public_base_url == "listener") {
    config->callback_to_listener = true;
    config->callback_public_base_url.clear();
  }
  if (!config->callback_public_base_url.empty() && !ValidUrl(config->callback_public_base_url)) {
    return Bad(source, "callback_public_base_url",
               "must be an absolute http(s) URL, or \"listener\"");
  }
  if (!config->callback_public_base_url.empty() &&
      !IsHttpsOrLoopbackUrl(config->callback_public_base_url)) {
    return Bad(source, "callback_public_base_url", kCallbacksNeedHttps);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ParseListen(const GatewayConfigFile& file, const std::string& source,
                         const std::string& base_dir, Config* config) {
  const cfg::Listen& l = file.listen();
  if (!l.grpc_address().empty()) config->grpc_address = l.grpc_address();
  absl::Status status = CheckAddress(source, config->grpc_address, "listen.grpc_address");
  status.Update(SetNumber(source, "listen.max_concurrent_calls", int64_t{l.max_concurrent_calls()},
                          4, 4096, "must be 4-4096", &config->max_concurrent_calls));
  status.Update(ParseFiles(l, source, base_dir, config));
  if (!file.data_dir().empty()) config->data_dir = Resolve(base_dir, file.data_dir());
  if (!l.callback_address().empty()) config->callback_address = l.callback_address();
  status.Update(CheckAddress(source, config->callback_address, "listen.callback_address"));
  if (!l.admin_address().empty()) config->admin_address = l.admin_address();
  if (l.disable_metrics()) config->metrics_enabled = false;
  status.Update(SetDuration(source, "listen.max_connection_age", l.has_max_connection_age(),
                            l.max_connection_age(), absl::Minutes(1), absl::Hours(24),
                            "must be between 1m and 24h", &config->max_connection_age));
  status.Update(SetDuration(source, "listen.max_connection_age_grace",
                            l.has_max_connection_age_grace(), l.max_connection_age_grace(),
                            absl::Seconds(1), absl::Hours(24), "must be between 1s and 24h",
                            &config->max_connection_age_grace));
  for (auto [field, values, out] :
       {std::tuple{"listen.callback_allowed_sources", &l.callback_allowed_sources(),
                   &config->callback_allowed_sources},
        std::tuple{"listen.callback_trusted_proxies", &l.callback_trusted_proxies(),
                   &config->callback_trusted_proxies}}) {
    out->assign(values->begin(), values->end());
    if (absl::StatusOr<NetworkList> parsed = NetworkList::Parse(*out); !parsed.ok()) {
      status.Update(Bad(source, field, std::string(parsed.status().message())));
    }
  }
  status.Update(SetNumber(source, "listen.max_streams_per_connection",
                          int64_t{l.max_streams_per_connection()}, 1, 10000, "must be 1-10000",
                          &config->max_streams_per_connection));
  status.Update(CheckAddress(source, config->admin_address, "listen.admin_address"));
  status.Update(ParseCallbackBase(file.callback_public_base_url(), source, config));
  return status;
}

}  // namespace barion_gateway::server::config_internal
