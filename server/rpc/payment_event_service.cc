#include "server/rpc/payment_event_service.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "server/auth/authorize.h"
#include "server/common/errors.h"
#include "server/common/safe_text.h"
#include "server/rpc/rpc_support.h"

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
      violations.push_back({"statuses[" + std::to_string(i) + "]", "is not a payment status"});
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

// A subscription refused before it reached the hub: logged like a failed unary call.
grpc::ServerWriteReactor<grpc::ByteBuffer>* Refused(absl::string_view caller,
                                                    absl::string_view trace_id, absl::Time start,
                                                    const absl::Status& status) {
  FinishRpc(Rpc::kSubscribePaymentEvents, caller, trace_id, {}, start, status);
  return FinishedStream(status);
}

// Restricts `filter` to the shops `call`'s caller may read: the request's `shop` when it names
// one (PERMISSION_DENIED when the caller may not see it), else every shop the caller may see.
// A caller may never receive an event of a shop it may not use, whatever it asks for.
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

grpc::Status PaymentEventServiceImpl::ListPaymentEvents(grpc::ServerContext* context,
                                                        const v1::ListPaymentEventsRequest* request,
                                                        v1::ListPaymentEventsResponse* response) {
  const absl::Time start = absl::Now();
  CountRpcStarted(edge_, Rpc::kListPaymentEvents);
  const std::string trace_id = StartTrace(*context);
  const absl::StatusOr<Call> call = CallOf(*context, edge_, Rpc::kListPaymentEvents, trace_id);
  const absl::Status status = call.ok() ? List(*call, request, response) : call.status();
  CountRpcHandled(edge_, Rpc::kListPaymentEvents, start, status);
  AuditSubject subject;
  subject.shop = request->shop();
  AuditCall(edge_, AuditRecordOf(edge_, Rpc::kListPaymentEvents, *context, trace_id, call, subject),
            status, Audited::kRead);
  return FinishRpc(Rpc::kListPaymentEvents, CallerName(call), trace_id,
                   {{"shop", request->shop().empty() ? "-" : SafeText(request->shop(), 64)},
                    {"events", absl::StrCat(response->events_size())}},
                   start, status);
}

absl::Status PaymentEventServiceImpl::List(const Call& call,
                                           const v1::ListPaymentEventsRequest* request,
                                           v1::ListPaymentEventsResponse* response) const {
  EventFilter filter;
  if (absl::Status s = ScopeToCaller(call, request->shop(), filter); !s.ok()) return s;
  std::vector<FieldViolation> violations;
  const std::optional<EventCursor> after = ParseCursor(request->after_cursor(), *log_, violations);
  if (request->page_size() < 0 || request->page_size() > 1000) {
    violations.push_back({"page_size", "must be between 0 and 1000"});
  }
  ParseFilter(*request, filter, violations);
  if (!violations.empty()) return InvalidArgumentStatus(violations);

  const int limit = request->page_size() == 0 ? 100 : request->page_size();
  absl::StatusOr<std::vector<v1::PaymentEvent>> events =
      log_->ReadAfter(after.value_or(EventCursor()), filter, limit);
  if (!events.ok()) return events.status();
  response->set_next_cursor(events->empty()
                                ? (request->after_cursor().empty() ? "0" : request->after_cursor())
                                : events->back().cursor());
  for (v1::PaymentEvent& e : *events) *response->add_events() = std::move(e);
  return absl::OkStatus();
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* PaymentEventServiceImpl::SubscribePaymentEvents(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw_request) {
  // Started and refused here; once the hub has it, the hub counts its messages and its end.
  const absl::Time start = absl::Now();
  CountRpcStarted(edge_, Rpc::kSubscribePaymentEvents);
  const std::string trace_id = StartTrace(*context);
  const absl::StatusOr<Call> call = CallOf(*context, edge_, Rpc::kSubscribePaymentEvents, trace_id);
  // The stream's audit record: who, from where, and (once known) its scope and start.
  AuditRecord record =
      AuditRecordOf(edge_, Rpc::kSubscribePaymentEvents, *context, trace_id, call, {});
  record.phase = "stream";
  auto refused = [&](absl::string_view caller, const absl::Status& status) {
    CountRpcHandled(edge_, Rpc::kSubscribePaymentEvents, start, status);
    AuditCall(edge_, record, status, Audited::kRead);
    return Refused(caller, trace_id, start, status);
  };
  if (!call.ok()) return refused("-", call.status());
  v1::SubscribePaymentEventsRequest request;
  grpc::ByteBuffer copy(*raw_request);
  if (!grpc::SerializationTraits<v1::SubscribePaymentEventsRequest>::Deserialize(&copy, &request)
           .ok()) {
    return refused(
        CallerName(call),
        absl::InvalidArgumentError("the request is not a barion.v1.SubscribePaymentEventsRequest"));
  }
  EventHub::Subscription subscription;
  if (absl::Status s = ScopeToCaller(*call, request.shop(), subscription.filter); !s.ok()) {
    return refused(CallerName(call), s);
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
  if (!violations.empty()) return refused(CallerName(call), InvalidArgumentStatus(violations));
  if (request.after_cursor().empty() && request.start() == v1::SUBSCRIPTION_START_BEGINNING) {
    subscription.after_cursor = EventCursor();
  }
  if (!subscription.filter.shops.empty() && !subscription.after_cursor.has_value()) {
    // A stream limited to shops says where it starts with its own shops' newest event, not
    // with the log's head (docs/EVENTS.md, "Positions of a scoped stream").
    absl::StatusOr<EventCursor> start_at =
        log_->LastCursorOf(subscription.filter.shops, hub_->ObservedThrough());
    if (!start_at.ok()) {
      return refused(CallerName(call),
                     GatewayErrorStatus(absl::StatusCode::kUnavailable, "EVENT_STORE_UNAVAILABLE",
                                        "the event store could not be read", {}));
    }
    subscription.scoped_start = *start_at;
  }
  record.shop = request.shop();
  record.scope =
      subscription.filter.shops.empty() ? std::vector<std::string>{"*"} : subscription.filter.shops;
  record.start = subscription.after_cursor.has_value()
                     ? absl::StrCat("after:", subscription.after_cursor->ToText())
                     : "now";
  subscription.on_end = [edge = edge_, record, start](const absl::Status& status,
                                                      int64_t events) mutable {
    record.events = events;
    record.duration = absl::Now() - start;
    AuditCall(edge, std::move(record), status, Audited::kRead);
  };
  subscription.credential = call->caller->credential;
  // A reload between the authentication above and the registration must not be missed.
  subscription.still_allowed = [auth = edge_.auth, credential = call->caller->credential,
                                method = call->method, shops = subscription.filter.shops] {
    return MayStillRead(*auth->Current(), credential, method, shops);
  };
  subscription.rpc_metrics = MethodMetrics(edge_, Rpc::kSubscribePaymentEvents);
  subscription.started = start;
  return hub_->Subscribe(context, std::move(subscription));
}

}  // namespace barion_gateway::server
