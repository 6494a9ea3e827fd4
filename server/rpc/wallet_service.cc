#include "server/rpc/wallet_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/barion/codec.h"
#include "server/common/errors.h"
#include "server/common/safe_text.h"
#include "server/operations/validation.h"
#include "server/rpc/rpc_support.h"

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
  return InvalidArgumentStatus({{"wallet", absl::StrCat("no wallet named \"", SafeText(name, 64),
                                                        "\" is configured in the gateway")}});
}

template <typename Request, typename Response>
absl::Status WalletServiceImpl::Call(const grpc::ServerContext& context, const Request& request,
                                     absl::Status (*validate)(const Request&), const Send& send,
                                     absl::Status (*decode)(const ParsedAnswer&, Response*),
                                     Response* response) const {
  absl::StatusOr<const WalletConfig*> wallet = ResolveWallet(request.wallet());
  if (!wallet.ok()) return wallet.status();
  if (validate != nullptr) {
    if (absl::Status s = validate(request); !s.ok()) return s;
  }
  absl::StatusOr<ParsedAnswer> answer =
      send((*wallet)->api_key, RpcDeadline(context, default_timeout_));
  if (!answer.ok()) return answer.status();
  return decode(*answer, response);
}

template <typename Request, typename Response>
absl::Status WalletServiceImpl::RunPost(const char* path, const grpc::ServerContext& context,
                                        const Request& request,
                                        absl::Status (*validate)(const Request&),
                                        std::string (*encode)(const Request&),
                                        absl::Status (*decode)(const ParsedAnswer&, Response*),
                                        Response* response) const {
  return Call(
      context, request, validate,
      [&](const std::string& key, absl::Time deadline) {
        return api_.Post(path, key, encode(request), deadline, KeyHeader::kApiKey);
      },
      decode, response);
}

template <typename Request, typename Response>
absl::Status WalletServiceImpl::RunGet(const grpc::ServerContext& context, const Request& request,
                                       absl::Status (*validate)(const Request&),
                                       std::string (*path)(const Request&),
                                       absl::Status (*decode)(const ParsedAnswer&, Response*),
                                       Response* response) const {
  return Call(
      context, request, validate,
      [&](const std::string& key, absl::Time deadline) {
        return api_.Get(path(request), key, deadline, KeyHeader::kApiKey);
      },
      decode, response);
}

grpc::Status WalletServiceImpl::GetAccounts(grpc::ServerContext* context,
                                            const v1::GetAccountsRequest* request,
                                            v1::GetAccountsResponse* response) {
  const absl::Time start = absl::Now();
  const absl::Status status = Call<v1::GetAccountsRequest>(
      *context, *request, nullptr,
      [&](const std::string& key, absl::Time deadline) {
        absl::StatusOr<ParsedAnswer> answer =
            api_.Get("/v2/Accounts/Get", key, deadline, KeyHeader::kApiKey);
        if (!answer.ok() && FirstErrorMetadata(answer.status(), "http_status") == "404") {
          answer = api_.Get("/v2/Accounts", key, deadline, KeyHeader::kApiKey);
        }
        return answer;
      },
      &DecodeAccounts, response);
  return FinishRpc("GetAccounts", absl::StrCat("wallet=", SafeText(request->wallet(), 64)), start,
                   status);
}

namespace {

std::string HistoryPath(const v1::GetHistoryRequest& r) {
  std::string path =
      absl::StrCat("/v3/UserHistory/GetHistory?Limit=", r.limit() == 0 ? 20 : r.limit());
  if (!r.last_visible_item_id().empty()) {
    absl::StrAppend(&path, "&LastVisibleItemId=", r.last_visible_item_id());
  }
  if (r.has_last_request_time()) {
    absl::StrAppend(&path, "&LastRequestTime=",
                    FormatBarionTime(absl::FromUnixSeconds(r.last_request_time().seconds()) +
                                     absl::Nanoseconds(r.last_request_time().nanos())));
  }
  if (r.currency() != v1::CURRENCY_UNSPECIFIED) {
    absl::StrAppend(&path, "&Currency=", CurrencyCode(r.currency()));
  }
  return path;
}

std::string PosPath(const v1::GetPosRequest& r) { return absl::StrCat("/v1/Pos/", r.public_key()); }

std::string HistoryItemPath(const v1::GetHistoryItemRequest& r) {
  return absl::StrCat("/v3/TransactionHistory/GetDetail?ItemId=", r.item_id());
}

}  // namespace

grpc::Status WalletServiceImpl::CreatePos(grpc::ServerContext* context,
                                          const v1::CreatePosRequest* request,
                                          v1::CreatePosResponse* response) {
  const absl::Time start = absl::Now();
  const absl::Status status = RunPost("/v1/Pos", *context, *request, &ValidateCreatePos,
                                      &EncodeCreatePos, &DecodeCreatePos, response);
  return FinishRpc("CreatePos",
                   absl::StrCat("wallet=", SafeText(request->wallet(), 64),
                                " public_key=", response->public_key()),
                   start, status);
}

grpc::Status WalletServiceImpl::GetPos(grpc::ServerContext* context,
                                       const v1::GetPosRequest* request,
                                       v1::GetPosResponse* response) {
  const absl::Time start = absl::Now();
  absl::Status status =
      RunGet(*context, *request, &ValidateGetPos, &PosPath, &DecodeGetPos, response);
  if (!status.ok() && FirstErrorMetadata(status, "http_status") == "404") {
    status =
        GatewayErrorStatus(absl::StatusCode::kNotFound, "POS_NOT_FOUND",
                           "Barion knows no shop with this public key", {{"http_status", "404"}});
  }
  return FinishRpc("GetPos",
                   absl::StrCat("wallet=", SafeText(request->wallet(), 64),
                                " public_key=", SafeText(request->public_key(), 64)),
                   start, status);
}

grpc::Status WalletServiceImpl::GetHistory(grpc::ServerContext* context,
                                           const v1::GetHistoryRequest* request,
                                           v1::GetHistoryResponse* response) {
  const absl::Time start = absl::Now();
  const absl::Status status =
      RunGet(*context, *request, &ValidateGetHistory, &HistoryPath, &DecodeHistory, response);
  return FinishRpc("GetHistory", absl::StrCat("wallet=", SafeText(request->wallet(), 64)), start,
                   status);
}

grpc::Status WalletServiceImpl::GetHistoryItem(grpc::ServerContext* context,
                                               const v1::GetHistoryItemRequest* request,
                                               v1::GetHistoryItemResponse* response) {
  const absl::Time start = absl::Now();
  const absl::Status status = RunGet(*context, *request, &ValidateGetHistoryItem, &HistoryItemPath,
                                     &DecodeHistoryItem, response);
  return FinishRpc("GetHistoryItem",
                   absl::StrCat("wallet=", SafeText(request->wallet(), 64),
                                " item_id=", SafeText(request->item_id(), 64)),
                   start, status);
}

grpc::Status WalletServiceImpl::SendMoneyByEmail(grpc::ServerContext* context,
                                                 const v1::SendMoneyByEmailRequest* request,
                                                 v1::SendMoneyByEmailResponse* response) {
  const absl::Time start = absl::Now();
  const absl::Status status =
      RunPost("/v2/Transfer/Email", *context, *request, &ValidateSendMoneyByEmail,
              &EncodeSendMoneyByEmail, &DecodeSendMoneyByEmail, response);
  return FinishRpc("SendMoneyByEmail", absl::StrCat("wallet=", SafeText(request->wallet(), 64)),
                   start, status);
}

grpc::Status WalletServiceImpl::SendBankTransfer(grpc::ServerContext* context,
                                                 const v1::SendBankTransferRequest* request,
                                                 v1::SendBankTransferResponse* response) {
  const absl::Time start = absl::Now();
  const absl::Status status =
      RunPost("/v3/Withdraw/BankTransfer", *context, *request, &ValidateSendBankTransfer,
              &EncodeSendBankTransfer, &DecodeSendBankTransfer, response);
  return FinishRpc("SendBankTransfer",
                   absl::StrCat("wallet=", SafeText(request->wallet(), 64),
                                " transaction_id=", response->transaction_id()),
                   start, status);
}

grpc::Status WalletServiceImpl::DownloadStatement(
    grpc::ServerContext* context, const v1::DownloadStatementRequest* request,
    grpc::ServerWriter<v1::DownloadStatementResponse>* writer) {
  const absl::Time start = absl::Now();
  int64_t bytes = 0;
  absl::Status status = [&]() -> absl::Status {
    absl::StatusOr<const WalletConfig*> wallet = ResolveWallet(request->wallet());
    if (!wallet.ok()) return wallet.status();
    if (absl::Status s = ValidateDownloadStatement(*request); !s.ok()) return s;
    std::string path =
        absl::StrCat("/v2/Statement/Download?Year=", request->year(), "&Month=", request->month());
    if (request->day() != 0) absl::StrAppend(&path, "&Day=", request->day());
    absl::StrAppend(&path, "&Currency=", CurrencyCode(request->currency()));
    // Chunks are written as they come (each Write waits for the client's flow control); the
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
        if (!writer->Write(message)) {
          client_gone = true;
          return false;
        }
        bytes += static_cast<int64_t>(message.data().size());
      }
      return true;
    };
    absl::Status s = api_.GetFile(path, (*wallet)->api_key, RpcDeadline(*context, default_timeout_),
                                  KeyHeader::kApiKey, on_chunk, &content_type);
    if (client_gone) return absl::CancelledError("the client stopped reading the statement");
    if (!s.ok()) return s;
    if (first) {  // an empty file: still one message, with its type
      v1::DownloadStatementResponse message;
      message.set_content_type(content_type);
      writer->Write(message);
    }
    return absl::OkStatus();
  }();
  return FinishRpc("DownloadStatement",
                   absl::StrCat("wallet=", SafeText(request->wallet(), 64), " bytes=", bytes),
                   start, status);
}

}  // namespace barion_gateway::server
