// GatewayServer::Reload: a new policy and new keys without a restart (docs/SECURITY.md).
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "server/auth/authorize.h"
#include "server/common/log.h"
#include "server/gateway.h"

namespace barion_gateway::server {
namespace {

template <typename Named>
std::set<std::string> Names(const std::vector<Named>& items) {
  std::set<std::string> names;
  for (const Named& item : items) names.insert(item.name);
  return names;
}

}  // namespace

absl::Status GatewayServer::Reload(const Config& next) {
  if (Names(next.shops) != Names(config_.shops) || Names(next.wallets) != Names(config_.wallets)) {
    return absl::FailedPreconditionError(
        "shops or wallets were added or removed: that takes a restart; nothing was reloaded");
  }
  if (absl::Status s = CheckNoShopAliases(next.shops); !s.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(s.message(), "; nothing was reloaded"));
  }
  // The listener is not reloaded: the new policy must suit the one that is running.
  Config check = next;
  check.grpc_address = config_.grpc_address;
  check.tls_cert_file = config_.tls_cert_file;
  check.allow_unauthenticated_insecure = config_.allow_unauthenticated_insecure;
  if (absl::Status s = ValidateExposure(check); !s.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(s.message(), "; nothing was reloaded"));
  }
  redactor_.Add(SecretsOf(next));  // before the new keys are used
  if (absl::Status s = webhooks_->Reload(next.webhooks); !s.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(s.message(), "; nothing was reloaded"));
  }
  auto authenticator = std::make_shared<const Authenticator>(next.callers);
  auth_->Replace(authenticator);
  payments_->ReplacePosKeys(next.shops);
  if (wallet_ != nullptr) wallet_->ReplaceApiKeys(next.wallets);
  const int ended = hub_->FinishIf([&](const std::string& credential, const EventFilter& filter) {
    return !MayStillRead(*authenticator, credential,
                         "/barion.v1.PaymentEventService/SubscribePaymentEvents", filter.shops);
  });
  LogInfo(absl::StrCat("configuration reloaded: ", next.callers.size(),
                       " callers; POSKeys and API keys re-read; ", next.webhooks.endpoints.size(),
                       " webhook endpoints; ", ended,
                       " event streams ended whose caller lost access"));
  return absl::OkStatus();
}

void GatewayServer::ReopenAuditLog() {
  if (absl::Status s = audit_->Reopen(); !s.ok()) {
    LogError(absl::StrCat("the audit log could not be reopened; it continues in the old file: ",
                          s.message()));
  }
}

}  // namespace barion_gateway::server
