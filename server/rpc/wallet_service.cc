#include "server/rpc/wallet_service.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/common/safe_text.h"
#include "server/rpc/rpc_support.h"

namespace barion_gateway::server {
namespace {

namespace v1 = ::barion::v1;

// The wallet, and `key` = `value` when a key is given.
LogFields WalletSubject(const std::string& wallet, const char* key = nullptr,
                        std::string value = "") {
  LogFields fields = {{"wallet", SafeText(wallet, 64)}};
  if (key != nullptr) fields.push_back({key, std::move(value)});
  return fields;
}

}  // namespace

// Each RPC: the operation with the call's deadline and cancellation, then the shared epilogue
// with the subject of its log line.

grpc::Status WalletServiceImpl::GetAccounts(grpc::ServerContext* context,
                                            const v1::GetAccountsRequest* request,
                                            v1::GetAccountsResponse* response) {
  return ServeUnary(
      edge_, Rpc::kGetAccounts, *context,
      [&](const Call& call) { return wallet_->GetAccounts(*request, call); },
      [&](const v1::GetAccountsResponse&) { return WalletSubject(request->wallet()); }, response,
      [&](const auto&) { return AuditSubjectOf(*request); });
}

grpc::Status WalletServiceImpl::SendMoneyByEmail(grpc::ServerContext* context,
                                                 const v1::SendMoneyByEmailRequest* request,
                                                 v1::SendMoneyByEmailResponse* response) {
  return ServeUnary(
      edge_, Rpc::kSendMoneyByEmail, *context,
      [&](const Call& call) { return wallet_->SendMoneyByEmail(*request, call); },
      [&](const v1::SendMoneyByEmailResponse&) { return WalletSubject(request->wallet()); },
      response, [&](const auto&) { return AuditSubjectOf(*request); }, Audited::kMovesMoney);
}

grpc::Status WalletServiceImpl::SendBankTransfer(grpc::ServerContext* context,
                                                 const v1::SendBankTransferRequest* request,
                                                 v1::SendBankTransferResponse* response) {
  return ServeUnary(
      edge_, Rpc::kSendBankTransfer, *context,
      [&](const Call& call) { return wallet_->SendBankTransfer(*request, call); },
      [&](const v1::SendBankTransferResponse& r) {
        return WalletSubject(request->wallet(), "transaction_id", r.transaction_id());
      },
      response, [&](const auto&) { return AuditSubjectOf(*request); }, Audited::kMovesMoney);
}

grpc::Status WalletServiceImpl::GetHistory(grpc::ServerContext* context,
                                           const v1::GetHistoryRequest* request,
                                           v1::GetHistoryResponse* response) {
  return ServeUnary(
      edge_, Rpc::kGetHistory, *context,
      [&](const Call& call) { return wallet_->GetHistory(*request, call); },
      [&](const v1::GetHistoryResponse&) { return WalletSubject(request->wallet()); }, response,
      [&](const auto&) { return AuditSubjectOf(*request); });
}

grpc::Status WalletServiceImpl::CreatePos(grpc::ServerContext* context,
                                          const v1::CreatePosRequest* request,
                                          v1::CreatePosResponse* response) {
  return ServeUnary(
      edge_, Rpc::kCreatePos, *context,
      [&](const Call& call) { return wallet_->CreatePos(*request, call); },
      [&](const v1::CreatePosResponse& r) {
        return WalletSubject(request->wallet(), "public_key", r.public_key());
      },
      response, [&](const auto&) { return AuditSubjectOf(*request); }, Audited::kMovesMoney);
}

grpc::Status WalletServiceImpl::GetPos(grpc::ServerContext* context,
                                       const v1::GetPosRequest* request,
                                       v1::GetPosResponse* response) {
  return ServeUnary(
      edge_, Rpc::kGetPos, *context,
      [&](const Call& call) { return wallet_->GetPos(*request, call); },
      [&](const v1::GetPosResponse&) {
        return WalletSubject(request->wallet(), "public_key", SafeText(request->public_key(), 64));
      },
      response, [&](const auto&) { return AuditSubjectOf(*request); });
}

grpc::Status WalletServiceImpl::GetHistoryItem(grpc::ServerContext* context,
                                               const v1::GetHistoryItemRequest* request,
                                               v1::GetHistoryItemResponse* response) {
  return ServeUnary(
      edge_, Rpc::kGetHistoryItem, *context,
      [&](const Call& call) { return wallet_->GetHistoryItem(*request, call); },
      [&](const v1::GetHistoryItemResponse&) {
        return WalletSubject(request->wallet(), "item_id", SafeText(request->item_id(), 64));
      },
      response, [&](const auto&) { return AuditSubjectOf(*request); });
}

grpc::Status WalletServiceImpl::DownloadStatement(
    grpc::ServerContext* context, const v1::DownloadStatementRequest* request,
    grpc::ServerWriter<v1::DownloadStatementResponse>* writer) {
  const absl::Time start = absl::Now();
  int64_t bytes = 0;
  CountRpcStarted(edge_, Rpc::kDownloadStatement);
  const RpcMethodMetrics* metrics = MethodMetrics(edge_, Rpc::kDownloadStatement);
  const std::string trace_id = StartTrace(*context);
  const absl::StatusOr<Call> call = CallOf(*context, edge_, Rpc::kDownloadStatement, trace_id);
  const absl::Status status =
      call.ok() ? wallet_->DownloadStatement(
                      *request, *call,
                      [writer, metrics](const v1::DownloadStatementResponse& message) {
                        if (metrics != nullptr) metrics->MessageSent();
                        return writer->Write(message);
                      },
                      &bytes)
                : call.status();
  AuditCall(edge_,
            AuditRecordOf(edge_, Rpc::kDownloadStatement, *context, trace_id, call,
                          AuditSubjectOf(*request)),
            status, Audited::kRead);
  CountRpcHandled(edge_, Rpc::kDownloadStatement, start, status);
  return FinishRpc(Rpc::kDownloadStatement, CallerName(call), trace_id,
                   WalletSubject(request->wallet(), "bytes", absl::StrCat(bytes)), start, status);
}

}  // namespace barion_gateway::server
