// WalletServiceImpl: barion.v1.WalletService, an adapter over BarionWallet (the operations
// layer), like PaymentServiceImpl (sync API, ADR 0002).
#ifndef BARION_GATEWAY_SERVER_RPC_WALLET_SERVICE_H_
#define BARION_GATEWAY_SERVER_RPC_WALLET_SERVICE_H_

#include "absl/time/time.h"
#include "barion/v1/wallet_service.grpc.pb.h"
#include "server/operations/wallet.h"
#include "server/rpc/rpc_support.h"

namespace barion_gateway::server {

class WalletServiceImpl final : public barion::v1::WalletService::Service {
 public:
  // `wallet` is not owned and must outlive the service.
  WalletServiceImpl(const BarionWallet* wallet, RpcEdge edge)
      : wallet_(wallet), edge_(std::move(edge)) {}

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
  const BarionWallet* const wallet_;
  const RpcEdge edge_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_RPC_WALLET_SERVICE_H_
