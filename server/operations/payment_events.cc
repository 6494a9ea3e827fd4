#include "server/operations/payment_events.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/auth/authorize.h"
#include "server/common/errors.h"

namespace barion_gateway::server {

namespace v1 = ::barion::v1;

namespace {

// Bounds of a filter (docs/EVENTS.md): each is one indexed look-up in the store's read.
constexpr int kMaxFilterPaymentIds = 100;
constexpr int kMaxFilterStatuses = 16;

// Fills `filter` from the request's filter fields, adding a violation per bad one.
template <typename Request>
void ParseFilter(const Request& request, EventFilter& filter,
                 std::vector<FieldViolation>& violations) {
  if (request.payment_ids_size() > kMaxFilterPaymentIds) {
    violations.push_back({"payment_ids", absl::StrCat("at most ", kMaxFilterPaymentIds,
                                                      " payment ids per request")});
    return;
  }
  if (request.statuses_size() > kMaxFilterStatuses) {
    violations.push_back(
        {"statuses", absl::StrCat("at most ", kMaxFilterStatuses, " statuses per request")});
    return;
  }
  for (int i = 0; i < request.payment_ids_size(); ++i) {
    if (request.payment_ids(i).size() > 64) {
      violations.push_back({absl::StrCat("payment_ids[", i, "]"), "is longer than 64 bytes"});
    }
  }
  filter.payment_ids.assign(request.payment_ids().begin(), request.payment_ids().end());
  for (int i = 0; i < request.statuses_size(); ++i) {
    const int status = request.statuses(i);
    if (status == v1::PAYMENT_STATUS_UNSPECIFIED || !v1::PaymentStatus_IsValid(status)) {
      violations.push_back({absl::StrCat("statuses[", i, "]"), "is not a payment status"});
    }
    filter.statuses.push_back(static_cast<v1::PaymentStatus>(status));
  }
}

// A cursor of this gateway's log: empty (nullopt) or one that `log` handed out.
std::optional<EventCursor> ParseCursor(const std::string& text, const EventLog& log,
                                       std::vector<FieldViolation>& violations) {
  if (text.empty()) return std::nullopt;
  absl::StatusOr<EventCursor> cursor = EventCursor::FromText(text);
  if (!cursor.ok()) {
    violations.push_back({"after_cursor", "is not a cursor of this gateway"});
    return std::nullopt;
  }
  if (!log.Owns(*cursor)) {
    violations.push_back(
        {"after_cursor",
         "is a cursor of another event store (this gateway's store was replaced or created "
         "anew): events after it cannot be told apart; subscribe again deliberately, with "
         "start BEGINNING or NOW"});
    return std::nullopt;
  }
  return *cursor;
}

// Restricts `filter` to the shops `call`'s caller may read: the request's `shop` when it names
// one (PERMISSION_DENIED when the caller may not see it), else every shop the caller may see.
absl::Status ScopeToCaller(const Call& call, const std::string& shop, EventFilter& filter) {
  if (!shop.empty()) {
    if (absl::Status s = AuthorizeShop(call.caller.get(), call.method, shop); !s.ok()) return s;
    filter.shops = {shop};
    return absl::OkStatus();
  }
  if (absl::Status s = AuthorizeMethod(call.caller.get(), call.method); !s.ok()) return s;
  std::optional<std::vector<std::string>> visible = VisibleShops(*call.caller);
  if (!visible) return absl::OkStatus();  // every shop
  if (visible->empty()) {
    // The caller may use no shop: it may read no event (an empty filter would mean all).
    return AuthorizeShop(call.caller.get(), call.method, "*");
  }
  filter.shops = *std::move(visible);
  return absl::OkStatus();
}

}  // namespace

std::vector<std::string> ScopedSubscription::scope() const {
  return filter.shops.empty() ? std::vector<std::string>{"*"} : filter.shops;
}

std::string ScopedSubscription::start() const {
  return after_cursor.has_value() ? absl::StrCat("after:", after_cursor->ToText()) : "now";
}

PaymentEvents::PaymentEvents(EventLog* log, std::set<std::string> shops,
                             const AuthenticatorHolder* auth)
    : log_(log), shops_(std::move(shops)), auth_(auth) {}

absl::StatusOr<v1::ListPaymentEventsResponse> PaymentEvents::List(
    const v1::ListPaymentEventsRequest& request, const Call& call) const {
  EventFilter filter;
  if (absl::Status s = ScopeToCaller(call, request.shop(), filter); !s.ok()) return s;
  std::vector<FieldViolation> violations;
  const std::optional<EventCursor> after = ParseCursor(request.after_cursor(), *log_, violations);
  if (request.page_size() < 0 || request.page_size() > 1000) {
    violations.push_back({"page_size", "must be between 0 and 1000"});
  }
  ParseFilter(request, filter, violations);
  if (!violations.empty()) return InvalidArgumentStatus(violations);

  const int limit = request.page_size() == 0 ? 100 : request.page_size();
  absl::StatusOr<std::vector<v1::PaymentEvent>> events =
      log_->ReadAfter(after.value_or(EventCursor()), filter, limit);
  if (!events.ok()) return events.status();
  v1::ListPaymentEventsResponse response;
  response.set_next_cursor(events->empty()
                               ? (request.after_cursor().empty() ? "0" : request.after_cursor())
                               : events->back().cursor());
  for (v1::PaymentEvent& e : *events) *response.add_events() = std::move(e);
  return response;
}

absl::StatusOr<ScopedSubscription> PaymentEvents::Subscribe(
    const v1::SubscribePaymentEventsRequest& request, const Call& call,
    const EventCursor& observed_through) const {
  ScopedSubscription subscription;
  if (absl::Status s = ScopeToCaller(call, request.shop(), subscription.filter); !s.ok()) {
    return s;
  }
  std::vector<FieldViolation> violations;
  ParseFilter(request, subscription.filter, violations);
  if (!request.shop().empty() && shops_.count(request.shop()) == 0) {
    violations.push_back({"shop", "is not a shop of this gateway's configuration"});
  }
  subscription.after_cursor = ParseCursor(request.after_cursor(), *log_, violations);
  if (!v1::SubscriptionStart_IsValid(request.start())) {
    violations.push_back({"start", "is not a SubscriptionStart"});
  }
  if (!violations.empty()) return InvalidArgumentStatus(violations);
  if (request.after_cursor().empty() && request.start() == v1::SUBSCRIPTION_START_BEGINNING) {
    subscription.after_cursor = EventCursor();
  }
  if (!subscription.filter.shops.empty() && !subscription.after_cursor.has_value()) {
    absl::StatusOr<EventCursor> start_at =
        log_->LastCursorOf(subscription.filter.shops, observed_through);
    if (!start_at.ok()) {
      return GatewayErrorStatus(absl::StatusCode::kUnavailable, "EVENT_STORE_UNAVAILABLE",
                                "the event store could not be read", {});
    }
    subscription.scoped_start = *start_at;
  }
  // A reload between the caller's authentication and the stream's registration in the hub must
  // not be missed: the hub asks this under its lock.
  subscription.still_allowed = [auth = auth_, credential = call.caller->credential,
                                method = call.method, shops = subscription.filter.shops] {
    return MayStillRead(*auth->Current(), credential, method, shops);
  };
  return subscription;
}

}  // namespace barion_gateway::server
