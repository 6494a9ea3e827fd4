// WebhookServiceImpl: barion.v1.WebhookService, an adapter over WebhookAdmin (the operations
// layer), like WalletServiceImpl: every call authenticated, authorized, audited and logged.
#ifndef BARION_GATEWAY_SERVER_RPC_WEBHOOK_SERVICE_H_
#define BARION_GATEWAY_SERVER_RPC_WEBHOOK_SERVICE_H_

#include "barion/v1/webhook_service.grpc.pb.h"
#include "server/operations/webhook_admin.h"
#include "server/rpc/rpc_support.h"

namespace barion_gateway::server {

class WebhookServiceImpl final : public barion::v1::WebhookService::Service {
 public:
  // `admin` is not owned and must outlive the service.
  WebhookServiceImpl(const WebhookAdmin* admin, RpcEdge edge)
      : admin_(admin), edge_(std::move(edge)) {}

  grpc::Status ListWebhookEndpoints(grpc::ServerContext* context,
                                    const barion::v1::ListWebhookEndpointsRequest* request,
                                    barion::v1::ListWebhookEndpointsResponse* response) override;
  grpc::Status ListWebhookDeliveries(grpc::ServerContext* context,
                                     const barion::v1::ListWebhookDeliveriesRequest* request,
                                     barion::v1::ListWebhookDeliveriesResponse* response) override;
  grpc::Status RetryWebhookDelivery(grpc::ServerContext* context,
                                    const barion::v1::RetryWebhookDeliveryRequest* request,
                                    barion::v1::RetryWebhookDeliveryResponse* response) override;
  grpc::Status ReplayWebhookEndpoint(grpc::ServerContext* context,
                                     const barion::v1::ReplayWebhookEndpointRequest* request,
                                     barion::v1::ReplayWebhookEndpointResponse* response) override;
  grpc::Status SendTestWebhook(grpc::ServerContext* context,
                               const barion::v1::SendTestWebhookRequest* request,
                               barion::v1::SendTestWebhookResponse* response) override;

 private:
  const WebhookAdmin* const admin_;
  const RpcEdge edge_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_RPC_WEBHOOK_SERVICE_H_
