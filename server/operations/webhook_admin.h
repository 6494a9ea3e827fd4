// WebhookAdmin: barion.v1.WebhookService's operations over the WebhookDispatcher (docs/WEBHOOKS.md,
// "Operating it"). Every call is authorized for its method; a call about one endpoint also needs
// the caller to see every shop the endpoint delivers: an endpoint limited to shops needs those
// (PERMISSION_DENIED SHOP_NOT_ALLOWED otherwise), one of every shop a caller of every shop.
// ListWebhookEndpoints lists only the endpoints the caller may act on. Unknown endpoints are
// NOT_FOUND naming the field; bad cursors INVALID_ARGUMENT naming it.
#ifndef BARION_GATEWAY_SERVER_OPERATIONS_WEBHOOK_ADMIN_H_
#define BARION_GATEWAY_SERVER_OPERATIONS_WEBHOOK_ADMIN_H_

#include "absl/status/statusor.h"
#include "barion/v1/webhook_service.pb.h"
#include "server/operations/call.h"
#include "server/webhooks/webhook_dispatcher.h"

namespace barion_gateway::server {

class WebhookAdmin {
 public:
  // `dispatcher` is not owned and must outlive this object.
  explicit WebhookAdmin(WebhookDispatcher* dispatcher) : dispatcher_(dispatcher) {}

  absl::StatusOr<barion::v1::ListWebhookEndpointsResponse> ListEndpoints(
      const barion::v1::ListWebhookEndpointsRequest& request, const Call& call) const;
  absl::StatusOr<barion::v1::ListWebhookDeliveriesResponse> ListDeliveries(
      const barion::v1::ListWebhookDeliveriesRequest& request, const Call& call) const;
  absl::StatusOr<barion::v1::RetryWebhookDeliveryResponse> RetryDelivery(
      const barion::v1::RetryWebhookDeliveryRequest& request, const Call& call) const;
  absl::StatusOr<barion::v1::ReplayWebhookEndpointResponse> Replay(
      const barion::v1::ReplayWebhookEndpointRequest& request, const Call& call) const;
  absl::StatusOr<barion::v1::SendTestWebhookResponse> SendTest(
      const barion::v1::SendTestWebhookRequest& request, const Call& call) const;

 private:
  // OK when the call's caller may act on `endpoint` (it exists, and its shops are visible).
  absl::Status Authorize(const Call& call, const std::string& endpoint) const;
  WebhookDispatcher* const dispatcher_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_OPERATIONS_WEBHOOK_ADMIN_H_
