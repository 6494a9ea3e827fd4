// WalletServiceImpl: barion.v1.WalletService (sync API, like PaymentService, ADR 0002). Each call
// names a configured wallet; its API key goes to Barion as x-api-key and nowhere else.
#ifndef BARION_GATEWAY_SERVER_RPC_WALLET_SERVICE_H_
#define BARION_GATEWAY_SERVER_RPC_WALLET_SERVICE_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "barion/v1/wallet_service.grpc.pb.h"
#include "server/barion/barion_api.h"
#include "server/barion/http_transport.h"
#include "server/config.h"

namespace barion_gateway::server {

class WalletServiceImpl final : public barion::v1::WalletService::Service {
 public:
  // `transport` is not owned and must outlive the service.
  WalletServiceImpl(std::vector<WalletConfig> wallets, HttpTransport* transport,
                    absl::Duration default_timeout);

  // GET /v2/Accounts/Get; when Barion answers 404 there, GET /v2/Accounts (docs/BARION.md §9:
  // sources disagree on the path).
  grpc::Status GetAccounts(grpc::ServerContext* context,
                           const barion::v1::GetAccountsRequest* request,
                           barion::v1::GetAccountsResponse* response) override;
  // POST /v2/Transfer/Email after validation; never retried.
  grpc::Status SendMoneyByEmail(grpc::ServerContext* context,
                                const barion::v1::SendMoneyByEmailRequest* request,
                                barion::v1::SendMoneyByEmailResponse* response) override;
  // POST /v3/Withdraw/BankTransfer after validation; never retried.
  grpc::Status SendBankTransfer(grpc::ServerContext* context,
                                const barion::v1::SendBankTransferRequest* request,
                                barion::v1::SendBankTransferResponse* response) override;
  // GET /v2/Statement/Download, relayed chunk by chunk (at most 64 KiB per message) as it
  // arrives; gRPC flow control slows the download down to what the client reads.
  grpc::Status DownloadStatement(
      grpc::ServerContext* context, const barion::v1::DownloadStatementRequest* request,
      grpc::ServerWriter<barion::v1::DownloadStatementResponse>* writer) override;
  // GET /v3/UserHistory/GetHistory.
  grpc::Status GetHistory(grpc::ServerContext* context,
                          const barion::v1::GetHistoryRequest* request,
                          barion::v1::GetHistoryResponse* response) override;
  // POST /v1/Pos after validation; never retried.
  grpc::Status CreatePos(grpc::ServerContext* context, const barion::v1::CreatePosRequest* request,
                         barion::v1::CreatePosResponse* response) override;
  // GET /v1/Pos/{PublicKey}.
  grpc::Status GetPos(grpc::ServerContext* context, const barion::v1::GetPosRequest* request,
                      barion::v1::GetPosResponse* response) override;
  // GET /v3/TransactionHistory/GetDetail.
  grpc::Status GetHistoryItem(grpc::ServerContext* context,
                              const barion::v1::GetHistoryItemRequest* request,
                              barion::v1::GetHistoryItemResponse* response) override;

 private:
  absl::StatusOr<const WalletConfig*> ResolveWallet(const std::string& name) const;
  // One call of Barion with the wallet's key: resolve the wallet, validate (when `validate` is
  // not null), `send`, decode.
  using Send =
      std::function<absl::StatusOr<ParsedAnswer>(const std::string& api_key, absl::Time deadline)>;
  template <typename Request, typename Response>
  absl::Status Call(const grpc::ServerContext& context, const Request& request,
                    absl::Status (*validate)(const Request&), const Send& send,
                    absl::Status (*decode)(const ParsedAnswer&, Response*),
                    Response* response) const;
  // Validates, GETs `path(request)` with the wallet's API key, decodes.
  template <typename Request, typename Response>
  absl::Status RunGet(const grpc::ServerContext& context, const Request& request,
                      absl::Status (*validate)(const Request&), std::string (*path)(const Request&),
                      absl::Status (*decode)(const ParsedAnswer&, Response*),
                      Response* response) const;
  // Validates, encodes, POSTs to `path` with the wallet's API key, decodes.
  template <typename Request, typename Response>
  absl::Status RunPost(const char* path, const grpc::ServerContext& context, const Request& request,
                       absl::Status (*validate)(const Request&),
                       std::string (*encode)(const Request&),
                       absl::Status (*decode)(const ParsedAnswer&, Response*),
                       Response* response) const;

  const std::vector<WalletConfig> wallets_;
  const BarionApi api_;
  const absl::Duration default_timeout_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_RPC_WALLET_SERVICE_H_
