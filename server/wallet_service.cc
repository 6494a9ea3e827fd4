#include "server/wallet_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/codec.h"
#include "server/errors.h"
#include "server/rpc_support.h"
#include "server/validation.h"

namespace barion_gateway::server {

namespace v1 = ::barion::v1;

WalletServiceImpl::WalletServiceImpl(std::vector<WalletConfig> wallets, HttpTransport* transport,
                                     absl::Duration default_timeout)
    : wallets_(std::move(wallets)), api_(transport), default_timeout_(default_timeout) {}

absl::StatusOr<const WalletConfig*> WalletServiceImpl::ResolveWallet(
    const std::string& name) const {
  if (name.empty()) {
    if (wallets_.size() == 1) return &wallets_.front();
    return InvalidArgumentStatus(
        {{"wallet", wallets_.empty() ? "no wallet is configured in the gateway"
                                     : "is required: this gateway has several"}});
  }
  for (const WalletConfig& wallet : wallets_) {
    if (wallet.name == name) return &wallet;
  }
  return InvalidArgumentStatus(
      {{"wallet", absl::StrCat("no wallet named \"", name, "\" is configured in the gateway")}});
}

grpc::Status WalletServiceImpl::GetAccounts(grpc::ServerContext* context,
                                            const v1::GetAccountsRequest* request,
                                            v1::GetAccountsResponse* response) {
  const absl::Time start = absl::Now();
  absl::Status status = [&]() -> absl::Status {
    absl::StatusOr<const WalletConfig*> wallet = ResolveWallet(request->wallet());
    if (!wallet.ok()) return wallet.status();
    const absl::Time deadline = RpcDeadline(*context, default_timeout_);
    absl::StatusOr<ParsedAnswer> answer =
        api_.Get("/v2/Accounts/Get", (*wallet)->api_key, deadline, KeyHeader::kApiKey);
    if (!answer.ok() && FirstErrorMetadata(answer.status(), "http_status") == "404") {
      answer = api_.Get("/v2/Accounts", (*wallet)->api_key, deadline, KeyHeader::kApiKey);
    }
    if (!answer.ok()) return answer.status();
    return DecodeAccounts(*answer, response);
  }();
  return FinishRpc("GetAccounts", absl::StrCat("wallet=", request->wallet()), start, status);
}

template <typename Request, typename Response>
absl::Status WalletServiceImpl::RunPost(const char* path, const grpc::ServerContext& context,
                                        const Request& request,
                                        absl::Status (*validate)(const Request&),
                                        std::string (*encode)(const Request&),
                                        absl::Status (*decode)(const ParsedAnswer&, Response*),
                                        Response* response) const {
  absl::StatusOr<const WalletConfig*> wallet = ResolveWallet(request.wallet());
  if (!wallet.ok()) return wallet.status();
  if (absl::Status s = validate(request); !s.ok()) return s;
  absl::StatusOr<ParsedAnswer> answer =
      api_.Post(path, (*wallet)->api_key, encode(request), RpcDeadline(context, default_timeout_),
                KeyHeader::kApiKey);
  if (!answer.ok()) return answer.status();
  return decode(*answer, response);
}

grpc::Status WalletServiceImpl::SendMoneyByEmail(grpc::ServerContext* context,
                                                 const v1::SendMoneyByEmailRequest* request,
                                                 v1::SendMoneyByEmailResponse* response) {
  const absl::Time start = absl::Now();
  const absl::Status status =
      RunPost("/v2/Transfer/Email", *context, *request, &ValidateSendMoneyByEmail,
              &EncodeSendMoneyByEmail, &DecodeSendMoneyByEmail, response);
  return FinishRpc("SendMoneyByEmail", absl::StrCat("wallet=", request->wallet()), start, status);
}

grpc::Status WalletServiceImpl::SendBankTransfer(grpc::ServerContext* context,
                                                 const v1::SendBankTransferRequest* request,
                                                 v1::SendBankTransferResponse* response) {
  const absl::Time start = absl::Now();
  const absl::Status status =
      RunPost("/v3/Withdraw/BankTransfer", *context, *request, &ValidateSendBankTransfer,
              &EncodeSendBankTransfer, &DecodeSendBankTransfer, response);
  return FinishRpc(
      "SendBankTransfer",
      absl::StrCat("wallet=", request->wallet(), " transaction_id=", response->transaction_id()),
      start, status);
}

}  // namespace barion_gateway::server
