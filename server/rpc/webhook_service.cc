#include "server/rpc/webhook_service.h"

#include "server/common/safe_text.h"

namespace barion_gateway::server {
namespace {

namespace v1 = ::barion::v1;

LogFields EndpointSubject(const std::string& endpoint) {
  return {{"webhook_endpoint", SafeText(endpoint, 64)}};
}

AuditSubject EndpointAudit(const std::string& endpoint) {
  AuditSubject subject;
  subject.webhook_endpoint = SafeText(endpoint, 64);
  return subject;
}

}  // namespace

grpc::Status WebhookServiceImpl::ListWebhookEndpoints(
    grpc::ServerContext* context, const v1::ListWebhookEndpointsRequest* request,
    v1::ListWebhookEndpointsResponse* response) {
  return ServeUnary(
      edge_, Rpc::kListWebhookEndpoints, *context,
      [&](const Call& call) { return admin_->ListEndpoints(*request, call); },
      [&](const auto&) { return LogFields(); }, response,
      [&](const auto&) { return AuditSubject(); });
}

grpc::Status WebhookServiceImpl::ListWebhookDeliveries(
    grpc::ServerContext* context, const v1::ListWebhookDeliveriesRequest* request,
    v1::ListWebhookDeliveriesResponse* response) {
  return ServeUnary(
      edge_, Rpc::kListWebhookDeliveries, *context,
      [&](const Call& call) { return admin_->ListDeliveries(*request, call); },
      [&](const auto&) { return EndpointSubject(request->endpoint()); }, response,
      [&](const auto&) { return EndpointAudit(request->endpoint()); });
}

grpc::Status WebhookServiceImpl::RetryWebhookDelivery(
    grpc::ServerContext* context, const v1::RetryWebhookDeliveryRequest* request,
    v1::RetryWebhookDeliveryResponse* response) {
  return ServeUnary(
      edge_, Rpc::kRetryWebhookDelivery, *context,
      [&](const Call& call) { return admin_->RetryDelivery(*request, call); },
      [&](const auto&) { return EndpointSubject(request->endpoint()); }, response,
      [&](const auto&) { return EndpointAudit(request->endpoint()); });
}

grpc::Status WebhookServiceImpl::ReplayWebhookEndpoint(
    grpc::ServerContext* context, const v1::ReplayWebhookEndpointRequest* request,
    v1::ReplayWebhookEndpointResponse* response) {
  return ServeUnary(
      edge_, Rpc::kReplayWebhookEndpoint, *context,
      [&](const Call& call) { return admin_->Replay(*request, call); },
      [&](const auto&) { return EndpointSubject(request->endpoint()); }, response,
      [&](const auto&) { return EndpointAudit(request->endpoint()); });
}

grpc::Status WebhookServiceImpl::SendTestWebhook(grpc::ServerContext* context,
                                                 const v1::SendTestWebhookRequest* request,
                                                 v1::SendTestWebhookResponse* response) {
  return ServeUnary(
      edge_, Rpc::kSendTestWebhook, *context,
      [&](const Call& call) { return admin_->SendTest(*request, call); },
      [&](const auto&) { return EndpointSubject(request->endpoint()); }, response,
      [&](const auto&) { return EndpointAudit(request->endpoint()); });
}

}  // namespace barion_gateway::server
