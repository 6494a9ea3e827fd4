// BarionWallet: the wallet operations as the gateway performs them, with absl types only. Each
// call names a configured wallet; its API key goes to Barion as x-api-key and nowhere else.
// Resolve the wallet -> validate -> one Barion call -> decode. Nothing is retried. Thread-safe.
#ifndef BARION_GATEWAY_SERVER_OPERATIONS_WALLET_H_
#define BARION_GATEWAY_SERVER_OPERATIONS_WALLET_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "barion/v1/wallet_service.pb.h"
#include "server/barion/barion_api.h"
#include "server/barion/http_transport.h"
#include "server/config/config.h"
#include "server/operations/call.h"
#include "server/operations/catalog.h"

namespace barion_gateway::server {

class BarionWallet {
 public:
  // `transport` is not owned and must outlive this object.
  // `observer` (may be null) is told of every Barion call.
  BarionWallet(std::vector<WalletConfig> wallets, HttpTransport* transport,
               BarionCallObserver* observer = nullptr);

  // GET /v2/Accounts/Get; when Barion answers 404 there, GET /v2/Accounts (docs/BARION.md §9:
  // sources disagree on the path).
  absl::StatusOr<barion::v1::GetAccountsResponse> GetAccounts(
      const barion::v1::GetAccountsRequest& request, const Call& call) const;
  absl::StatusOr<barion::v1::SendMoneyByEmailResponse> SendMoneyByEmail(
      const barion::v1::SendMoneyByEmailRequest& request, const Call& call) const;
  absl::StatusOr<barion::v1::SendBankTransferResponse> SendBankTransfer(
      const barion::v1::SendBankTransferRequest& request, const Call& call) const;
  absl::StatusOr<barion::v1::GetHistoryResponse> GetHistory(
      const barion::v1::GetHistoryRequest& request, const Call& call) const;
  absl::StatusOr<barion::v1::CreatePosResponse> CreatePos(
      const barion::v1::CreatePosRequest& request, const Call& call) const;
  // NOT_FOUND (POS_NOT_FOUND) when Barion answers 404: no shop has this public key.
  absl::StatusOr<barion::v1::GetPosResponse> GetPos(const barion::v1::GetPosRequest& request,
                                                    const Call& call) const;
  absl::StatusOr<barion::v1::GetHistoryItemResponse> GetHistoryItem(
      const barion::v1::GetHistoryItemRequest& request, const Call& call) const;

  // Receives the statement's messages in order; false: the client is gone (stop).
  using StatementSink = std::function<bool(const barion::v1::DownloadStatementResponse&)>;
  // GET /v2/Statement/Download, relayed to `write` as it arrives, at most 64 KiB per message;
  // the first message also carries the content type, and an empty file is one message with
  // it. `bytes` receives the bytes written. CANCELLED when `write` returned false.
  absl::Status DownloadStatement(const barion::v1::DownloadStatementRequest& request,
                                 const Call& call, const StatementSink& write,
                                 int64_t* bytes) const;

  // A reload: each wallet of `wallets` named like one of ours gets its API key. Calls in flight
  // finish with the key they started with.
  void ReplaceApiKeys(const std::vector<WalletConfig>& wallets);

 private:
  // The wallet `name` names (the only one when empty), once `call`'s caller is authorized for
  // its method on it: the one authorization check of every wallet operation.
  absl::StatusOr<std::shared_ptr<const WalletConfig>> ResolveWallet(const std::string& name,
                                                                    const Call& call) const;
  // Resolve, validate, call, decode.
  template <typename Request, typename Response>
  absl::StatusOr<Response> Run(const Operation<Request, Response>& op, const Request& request,
                               const Call& call,
                               std::optional<UpstreamError>* error = nullptr) const;

  // Replaced whole by ReplaceApiKeys; a call keeps the snapshot it resolved its wallet from.
  mutable absl::Mutex wallets_mu_;
  std::shared_ptr<const std::vector<WalletConfig>> wallets_ ABSL_GUARDED_BY(wallets_mu_);
  const BarionApi api_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_OPERATIONS_WALLET_H_
