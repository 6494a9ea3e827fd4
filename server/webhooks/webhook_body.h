// The JSON body of a webhook delivery (docs/WEBHOOKS.md, "What a delivery looks like"), and an
// event shared by every endpoint that delivers it, its body made once.
#ifndef BARION_GATEWAY_SERVER_WEBHOOKS_WEBHOOK_BODY_H_
#define BARION_GATEWAY_SERVER_WEBHOOKS_WEBHOOK_BODY_H_

#include <mutex>
#include <string>

#include "absl/strings/string_view.h"
#include "barion/v1/payment_event.pb.h"

namespace barion_gateway::server {

// {"type": TYPE, "timestamp": the event's observed_at (RFC 3339), "data": the PaymentEvent in the
// proto's JSON mapping, cursor included}.
std::string WebhookBody(const barion::v1::PaymentEvent& event, absl::string_view type);

// An event of the log as webhook delivery holds it: read-only, its body (type "payment.event")
// made on first use and then shared by every endpoint and attempt. Thread-safe.
class SharedEvent {
 public:
  explicit SharedEvent(barion::v1::PaymentEvent event) : event_(std::move(event)) {}
  const barion::v1::PaymentEvent& event() const { return event_; }
  const std::string& body() const {
    std::call_once(once_, [this] { body_ = WebhookBody(event_, "payment.event"); });
    return body_;
  }

 private:
  const barion::v1::PaymentEvent event_;
  mutable std::once_flag once_;
  mutable std::string body_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_WEBHOOKS_WEBHOOK_BODY_H_
