#include "server/operations/wallet.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/auth/authorize.h"
#include "server/common/errors.h"
#include "server/common/safe_text.h"
#include "server/operations/validation.h"

namespace barion_gateway::server {

namespace v1 = ::barion::v1;

BarionWallet::BarionWallet(std::vector<WalletConfig> wallets, HttpTransport* transport,
                           BarionCallObserver* observer)
    : wallets_(std::make_shared<const std::vector<WalletConfig>>(std::move(wallets))),
      api_(transport, observer) {}

void BarionWallet::ReplaceApiKeys(const std::vector<WalletConfig>& wallets) {
  absl::MutexLock lock(&wallets_mu_);
  auto next = std::make_shared<std::vector<WalletConfig>>(*wallets_);
  for (WalletConfig& mine : *next) {
    for (const WalletConfig& given : wallets) {
      if (given.name == mine.name) mine.api_key = given.api_key;
    }
  }
  wallets_ = std::move(next);
}

absl::StatusOr<std::shared_ptr<const WalletConfig>> BarionWallet::ResolveWallet(
    const std::string& name, const Call& call) const {
  std::shared_ptr<const std::vector<WalletConfig>> wallets;
  {
    absl::MutexLock lock(&wallets_mu_);
    wallets = wallets_;
  }
  // Each result shares the snapshot's ownership, so a reload cannot free it under a call.
  auto at = [&wallets](const WalletConfig& wallet) {
    return std::shared_ptr<const WalletConfig>(wallets, &wallet);
  };
  if (name.empty()) {
    if (wallets->size() == 1) {
      if (absl::Status s = AuthorizeWallet(call.caller.get(), call.method, wallets->front().name);
          !s.ok()) {
        return s;
      }
      return at(wallets->front());
    }
    if (absl::Status s = AuthorizeMethod(call.caller.get(), call.method); !s.ok()) return s;
    return InvalidArgumentStatus(
        {{"wallet", wallets->empty() ? "no wallet is configured in the gateway"
                                     : "is required: this gateway has several"}});
  }
  // Before the lookup: a caller learns nothing of wallets it may not use.
  if (absl::Status s = AuthorizeWallet(call.caller.get(), call.method, name); !s.ok()) return s;
  for (const WalletConfig& wallet : *wallets) {
    if (wallet.name == name) return at(wallet);
  }
  return InvalidArgumentStatus({{"wallet", absl::StrCat("no wallet named \"", SafeText(name, 64),
                                                        "\" is configured in the gateway")}});
}

template <typename Request, typename Response>
absl::StatusOr<Response> BarionWallet::Run(const Operation<Request, Response>& op,
                                           const Request& request, const Call& call,
                                           std::optional<UpstreamError>* error) const {
  absl::StatusOr<std::shared_ptr<const WalletConfig>> wallet =
      ResolveWallet(request.wallet(), call);
  if (!wallet.ok()) return wallet.status();
  if (op.validate != nullptr) {
    if (absl::Status s = op.validate(request); !s.ok()) return s;
  }
  if (op.method == Method::kPost) {
    if (absl::Status s = ReadyToSend(call); !s.ok()) return s;
  }
  return Perform(api_, op, request, (*wallet)->api_key, call.deadline, error);
}

absl::StatusOr<v1::GetAccountsResponse> BarionWallet::GetAccounts(
    const v1::GetAccountsRequest& request, const Call& call) const {
  std::optional<UpstreamError> error;
  absl::StatusOr<v1::GetAccountsResponse> response =
      Run(catalog::kGetAccounts, request, call, &error);
  if (response.ok() || !error.has_value() || error->http_status != 404) return response;
  return Run(catalog::kGetAccountsFallback, request, call);
}

absl::StatusOr<v1::SendMoneyByEmailResponse> BarionWallet::SendMoneyByEmail(
    const v1::SendMoneyByEmailRequest& request, const Call& call) const {
  return Run(catalog::kSendMoneyByEmail, request, call);
}

absl::StatusOr<v1::SendBankTransferResponse> BarionWallet::SendBankTransfer(
    const v1::SendBankTransferRequest& request, const Call& call) const {
  return Run(catalog::kSendBankTransfer, request, call);
}

absl::StatusOr<v1::GetHistoryResponse> BarionWallet::GetHistory(
    const v1::GetHistoryRequest& request, const Call& call) const {
  return Run(catalog::kGetHistory, request, call);
}

absl::StatusOr<v1::CreatePosResponse> BarionWallet::CreatePos(const v1::CreatePosRequest& request,
                                                              const Call& call) const {
  return Run(catalog::kCreatePos, request, call);
}

absl::StatusOr<v1::GetPosResponse> BarionWallet::GetPos(const v1::GetPosRequest& request,
                                                        const Call& call) const {
  std::optional<UpstreamError> error;
  absl::StatusOr<v1::GetPosResponse> response = Run(catalog::kGetPos, request, call, &error);
  if (!response.ok() && error.has_value() && error->http_status == 404) {
    return GatewayErrorStatus(absl::StatusCode::kNotFound, "POS_NOT_FOUND",
                              "Barion knows no shop with this public key",
                              {{"http_status", "404"}});
  }
  return response;
}

absl::StatusOr<v1::GetHistoryItemResponse> BarionWallet::GetHistoryItem(
    const v1::GetHistoryItemRequest& request, const Call& call) const {
  return Run(catalog::kGetHistoryItem, request, call);
}

absl::Status BarionWallet::DownloadStatement(const v1::DownloadStatementRequest& request,
                                             const Call& call, const StatementSink& write,
                                             int64_t* bytes) const {
  *bytes = 0;
  absl::StatusOr<std::shared_ptr<const WalletConfig>> wallet =
      ResolveWallet(request.wallet(), call);
  if (!wallet.ok()) return wallet.status();
  if (absl::Status s = ValidateDownloadStatement(request); !s.ok()) return s;
  const std::string path = StatementPath(request);
  // Chunks are passed on as they come (each write waits for the client's flow control); the
  // first one also carries the content type.
  std::string content_type;
  bool first = true;
  bool client_gone = false;
  auto on_chunk = [&](const std::string& type, const char* data, size_t size) {
    constexpr size_t kMaxMessage = 64 * 1024;
    for (size_t at = 0; at < size; at += kMaxMessage) {
      v1::DownloadStatementResponse message;
      message.set_data(data + at, std::min(kMaxMessage, size - at));
      if (first) message.set_content_type(type);
      first = false;
      if (!write(message)) {
        client_gone = true;
        return false;
      }
      *bytes += static_cast<int64_t>(message.data().size());
    }
    return true;
  };
  std::optional<UpstreamError> error = api_.GetFile(path, (*wallet)->api_key, call.deadline,
                                                    KeyHeader::kApiKey, on_chunk, &content_type);
  if (client_gone) return absl::CancelledError("the client stopped reading the statement");
  if (error.has_value()) return error->ToStatus();
  if (first) {  // an empty file: still one message, with its type
    v1::DownloadStatementResponse message;
    message.set_content_type(content_type);
    write(message);
  }
  return absl::OkStatus();
}

}  // namespace barion_gateway::server
