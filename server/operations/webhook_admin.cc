#include "server/operations/webhook_admin.h"

#include "server/auth/authorize.h"
#include "server/common/errors.h"
#include "server/webhooks/signature.h"

namespace barion_gateway::server {
namespace {

namespace v1 = ::barion::v1;

void SetTime(absl::Time t, google::protobuf::Timestamp* out) {
  out->set_seconds(absl::ToUnixSeconds(t));
  out->set_nanos(static_cast<int32_t>((t - absl::FromUnixSeconds(absl::ToUnixSeconds(t))) /
                                      absl::Nanoseconds(1)));
}

absl::Status Required(const std::string& value, const char* field) {
  if (!value.empty()) return absl::OkStatus();
  return InvalidArgumentStatus({{field, "is required"}});
}

// NOT_FOUND naming the field, for an endpoint that is not configured.
absl::Status Unknown(const absl::Status& status) {
  if (status.code() != absl::StatusCode::kNotFound) return status;
  return GatewayErrorStatus(absl::StatusCode::kNotFound, "WEBHOOK_ENDPOINT_NOT_FOUND",
                            "endpoint: no webhook endpoint of that name is configured", {});
}

}  // namespace

absl::Status WebhookAdmin::Authorize(const Call& call, const std::string& endpoint) const {
  if (absl::Status s = AuthorizeMethod(call.caller.get(), call.method); !s.ok()) return s;
  absl::StatusOr<WebhookEndpointConfig> config = dispatcher_->EndpointConfig(endpoint);
  if (!config.ok()) return Unknown(config.status());
  // An endpoint of every shop carries every shop's events: only a caller of every shop ("*").
  if (config->shops.empty()) return AuthorizeShop(call.caller.get(), call.method, "*");
  for (const std::string& shop : config->shops) {
    if (absl::Status s = AuthorizeShop(call.caller.get(), call.method, shop); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::ListWebhookEndpointsResponse> WebhookAdmin::ListEndpoints(
    const v1::ListWebhookEndpointsRequest&, const Call& call) const {
  if (absl::Status s = AuthorizeMethod(call.caller.get(), call.method); !s.ok()) return s;
  v1::ListWebhookEndpointsResponse response;
  for (const WebhookEndpointStatus& e : dispatcher_->Endpoints()) {
    if (!Authorize(call, e.name).ok()) continue;  // not the caller's to see
    v1::WebhookEndpoint* out = response.add_endpoints();
    out->set_name(e.name);
    out->set_url(e.url);
    out->set_delivering_here(e.delivering_here);
    out->set_position(e.position);
    out->set_backlog(e.state.backlog);
    if (e.state.last_success != absl::InfinitePast()) {
      SetTime(e.state.last_success, out->mutable_last_success());
    }
    if (e.state.last_failure != absl::InfinitePast()) {
      SetTime(e.state.last_failure, out->mutable_last_failure());
    }
    out->set_last_error(e.state.last_error);
    out->set_dead_letters(e.dead_letters);
  }
  return response;
}

absl::StatusOr<v1::ListWebhookDeliveriesResponse> WebhookAdmin::ListDeliveries(
    const v1::ListWebhookDeliveriesRequest& request, const Call& call) const {
  if (absl::Status s = Required(request.endpoint(), "endpoint"); !s.ok()) return s;
  if (request.limit() < 0 || request.limit() > 1000) {
    return InvalidArgumentStatus({{"limit", "must be 1-1000 (0: 100)"}});
  }
  if (absl::Status s = Authorize(call, request.endpoint()); !s.ok()) return s;
  const int limit = request.limit() == 0 ? 100 : request.limit();
  absl::StatusOr<std::vector<DeadLetter>> letters =
      dispatcher_->DeadLetters(request.endpoint(), limit);
  if (!letters.ok()) return Unknown(letters.status());
  v1::ListWebhookDeliveriesResponse response;
  for (const DeadLetter& l : *letters) {
    v1::WebhookDelivery* d = response.add_deliveries();
    d->set_state(v1::WEBHOOK_DELIVERY_STATE_FAILED);
    d->set_cursor(l.cursor);
    d->set_webhook_id(WebhookMessageId(request.endpoint(), l.cursor));
    d->set_payment_id(l.payment_id);
    d->set_attempts(l.attempts);
    d->set_last_error(l.last_error);
    SetTime(l.failed_at, d->mutable_at());
    (void)d->mutable_event()->ParseFromString(l.event);
  }
  const size_t room = static_cast<size_t>(limit) - letters->size();
  absl::StatusOr<std::vector<EndpointRunner::Retrying>> retrying =
      dispatcher_->Retrying(request.endpoint(), room);
  if (!retrying.ok()) return Unknown(retrying.status());
  for (const EndpointRunner::Retrying& r : *retrying) {
    v1::WebhookDelivery* d = response.add_deliveries();
    d->set_state(v1::WEBHOOK_DELIVERY_STATE_RETRYING);
    d->set_cursor(r.cursor);
    d->set_webhook_id(WebhookMessageId(request.endpoint(), r.cursor));
    d->set_payment_id(r.payment_id);
    d->set_attempts(r.attempts);
    d->set_last_error(r.last_error);
    SetTime(r.next_attempt, d->mutable_at());
  }
  return response;
}

absl::StatusOr<v1::RetryWebhookDeliveryResponse> WebhookAdmin::RetryDelivery(
    const v1::RetryWebhookDeliveryRequest& request, const Call& call) const {
  if (absl::Status s = Required(request.endpoint(), "endpoint"); !s.ok()) return s;
  if (absl::Status s = Required(request.cursor(), "cursor"); !s.ok()) return s;
  if (absl::Status s = Authorize(call, request.endpoint()); !s.ok()) return s;
  if (absl::Status s = CallStillWanted(call); !s.ok()) return s;
  absl::StatusOr<WebhookAttempt> attempt =
      dispatcher_->RetryDeadLetter(request.endpoint(), request.cursor());
  if (!attempt.ok()) {
    if (attempt.status().code() == absl::StatusCode::kNotFound) {
      return GatewayErrorStatus(absl::StatusCode::kNotFound, "WEBHOOK_DELIVERY_NOT_FOUND",
                                "cursor: no failed delivery of that endpoint at that cursor", {});
    }
    return attempt.status();
  }
  v1::RetryWebhookDeliveryResponse response;
  response.set_delivered(attempt->delivered);
  response.set_http_status(attempt->http_status);
  response.set_error(attempt->error);
  return response;
}

absl::StatusOr<v1::ReplayWebhookEndpointResponse> WebhookAdmin::Replay(
    const v1::ReplayWebhookEndpointRequest& request, const Call& call) const {
  if (absl::Status s = Required(request.endpoint(), "endpoint"); !s.ok()) return s;
  if (absl::Status s = Required(request.after_cursor(), "after_cursor"); !s.ok()) return s;
  if (absl::Status s = Authorize(call, request.endpoint()); !s.ok()) return s;
  absl::Status s = dispatcher_->Replay(request.endpoint(), request.after_cursor());
  if (s.code() == absl::StatusCode::kInvalidArgument) {
    return InvalidArgumentStatus({{"after_cursor", "is not a cursor of this gateway's event log"}});
  }
  if (s.code() == absl::StatusCode::kOutOfRange) {
    return GatewayErrorStatus(absl::StatusCode::kOutOfRange, "CURSOR_AFTER_HEAD",
                              "after_cursor: after the newest event", {});
  }
  if (!s.ok()) return Unknown(s);
  return v1::ReplayWebhookEndpointResponse();
}

absl::StatusOr<v1::SendTestWebhookResponse> WebhookAdmin::SendTest(
    const v1::SendTestWebhookRequest& request, const Call& call) const {
  if (absl::Status s = Required(request.endpoint(), "endpoint"); !s.ok()) return s;
  if (absl::Status s = Authorize(call, request.endpoint()); !s.ok()) return s;
  if (absl::Status s = CallStillWanted(call); !s.ok()) return s;
  std::string id;
  absl::StatusOr<WebhookAttempt> attempt = dispatcher_->SendTest(request.endpoint(), &id);
  if (!attempt.ok()) return Unknown(attempt.status());
  v1::SendTestWebhookResponse response;
  response.set_delivered(attempt->delivered);
  response.set_http_status(attempt->http_status);
  response.set_error(attempt->error);
  response.set_webhook_id(id);
  return response;
}

}  // namespace barion_gateway::server
