// The webhook endpoints (webhooks { endpoints { ... } }): docs/WEBHOOKS.md, docs/CONFIGURATION.md.
#include <fstream>
#include <set>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "barion/v1/types.pb.h"
#include "server/common/loopback.h"
#include "server/config/sections.h"

namespace barion_gateway::server::config_internal {
namespace {

namespace cfg = ::barion::gateway::config::v1;
namespace v1 = ::barion::v1;

// "whsec_" and the base64 of 24-64 bytes: the key bytes. The error never shows the text.
absl::StatusOr<std::string> DecodeSecret(const std::string& text, const std::string& source,
                                         const std::string& setting) {
  std::string key;
  if (!absl::StartsWith(text, "whsec_") || !absl::Base64Unescape(text.substr(6), &key) ||
      key.size() < 24 || key.size() > 64) {
    return Bad(source, setting,
               "must hold \"whsec_\" and the base64 of 24 to 64 random bytes (Standard Webhooks' "
               "form; e.g. echo whsec_$(head -c 32 /dev/urandom | base64))");
  }
  return key;
}

absl::Status ParseEndpoint(const cfg::WebhookEndpoint& e, const std::string& source,
                           const std::string& where, const std::string& base_dir,
                           const EnvLookup& env, const Config& config, WebhookEndpointConfig* out) {
  if (!ValidShopName(e.name())) return Bad(source, where + ".name", "must be 1-64 of [a-z0-9_-]");
  out->name = e.name();
  if (e.url().empty() || e.url().size() > 2000) {
    return Bad(source, where + ".url", "is required, at most 2000 characters");
  }
  if (!IsHttpsOrLoopbackUrl(e.url())) {
    return Bad(source, where + ".url",
               "must be https:// (its certificate is verified), or http:// only to a loopback "
               "host");
  }
  out->url = e.url();
  for (const std::string& shop : e.shops()) {
    const bool known = std::any_of(config.shops.begin(), config.shops.end(),
                                   [&](const ShopConfig& s) { return s.name == shop; });
    if (!known) return Bad(source, where + ".shops", "names a shop that is not configured");
    out->shops.push_back(shop);
  }
  for (const std::string& name : e.statuses()) {
    v1::PaymentStatus status;
    if (!v1::PaymentStatus_Parse(name, &status) || status == v1::PAYMENT_STATUS_UNSPECIFIED) {
      return Bad(source, where + ".statuses",
                 "must be PaymentStatus names such as PAYMENT_STATUS_SUCCEEDED");
    }
    out->statuses.push_back(status);
  }
  for (auto [what, env_name, file, required] :
       {std::make_tuple("secret", e.secret_env(), e.secret_file(), true),
        std::make_tuple("previous_secret", e.previous_secret_env(), e.previous_secret_file(),
                        false)}) {
    if (!required && env_name.empty() && file.empty()) continue;
    absl::StatusOr<std::string> text =
        ReadSecret(source, where, what, env_name, file, base_dir, env);
    if (!text.ok()) return text.status();
    absl::StatusOr<std::string> key = DecodeSecret(
        *text, source, absl::StrCat(where, ".", what, env_name.empty() ? "_file" : "_env"));
    if (!key.ok()) return key.status();
    out->keys.push_back(*std::move(key));
    out->secret_texts.push_back(*std::move(text));
  }
  absl::Status status =
      SetDuration(source, where + ".timeout", e.has_timeout(), e.timeout(), absl::Seconds(1),
                  absl::Seconds(60), "must be between 1s and 60s", &out->timeout);
  status.Update(SetNumber(source, where + ".max_in_flight", int64_t{e.max_in_flight()}, 1, 64,
                          "must be 1-64", &out->max_in_flight));
  if (!status.ok()) return status;
  if (!e.ca_file().empty()) {
    out->ca_file = Resolve(base_dir, e.ca_file());
    if (!std::ifstream(out->ca_file).good()) {
      return Bad(source, where + ".ca_file", "the file it names cannot be read");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ParseWebhooks(const GatewayConfigFile& file, const std::string& source,
                           const std::string& base_dir, const EnvLookup& env, Config* config) {
  const cfg::Webhooks& w = file.webhooks();
  std::set<std::string> names;
  for (int i = 0; i < w.endpoints_size(); ++i) {
    const std::string where = absl::StrCat("webhooks.endpoints[", i, "]");
    WebhookEndpointConfig endpoint;
    if (absl::Status s =
            ParseEndpoint(w.endpoints(i), source, where, base_dir, env, *config, &endpoint);
        !s.ok()) {
      return s;
    }
    if (!names.insert(endpoint.name).second) {
      return Bad(source, where + ".name", "names two endpoints");
    }
    config->webhooks.endpoints.push_back(std::move(endpoint));
  }
  if (w.retry_delays_size() > 0) {
    if (w.retry_delays_size() > 30) return Bad(source, "webhooks.retry_delays", "at most 30");
    config->webhooks.retry_delays.clear();
    for (const google::protobuf::Duration& d : w.retry_delays()) {
      const absl::Duration delay = DurationOf(d);
      if (delay < absl::Milliseconds(100) || delay > absl::Hours(24)) {
        return Bad(source, "webhooks.retry_delays", "each must be between 100ms and 24h");
      }
      config->webhooks.retry_delays.push_back(delay);
    }
  }
  return absl::OkStatus();
}

}  // namespace barion_gateway::server::config_internal
