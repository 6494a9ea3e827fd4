#include "server/rpc/payment_event_service.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "server/common/errors.h"
#include "server/common/safe_text.h"
#include "server/rpc/rpc_support.h"

namespace barion_gateway::server {

namespace v1 = ::barion::v1;

namespace {

// A subscription refused before it reached the hub: logged like a failed unary call.
grpc::ServerWriteReactor<grpc::ByteBuffer>* Refused(absl::string_view caller,
                                                    absl::string_view trace_id, absl::Time start,
                                                    const absl::Status& status) {
  FinishRpc(Rpc::kSubscribePaymentEvents, caller, trace_id, {}, start, status);
  return FinishedStream(status);
}

}  // namespace

grpc::Status PaymentEventServiceImpl::ListPaymentEvents(grpc::ServerContext* context,
                                                        const v1::ListPaymentEventsRequest* request,
                                                        v1::ListPaymentEventsResponse* response) {
  const absl::Time start = absl::Now();
  CountRpcStarted(edge_, Rpc::kListPaymentEvents);
  const std::string trace_id = StartTrace(*context);
  const absl::StatusOr<Call> call = CallOf(*context, edge_, Rpc::kListPaymentEvents, trace_id);
  absl::StatusOr<v1::ListPaymentEventsResponse> page =
      call.ok() ? events_->List(*request, *call) : call.status();
  if (page.ok()) *response = *std::move(page);
  const absl::Status status = page.status();
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
  absl::StatusOr<ScopedSubscription> scoped =
      events_->Subscribe(request, *call, hub_->ObservedThrough());
  if (!scoped.ok()) return refused(CallerName(call), scoped.status());
  record.shop = request.shop();
  record.scope = scoped->scope();
  record.start = scoped->start();
  EventHub::Subscription subscription;
  subscription.filter = std::move(scoped->filter);
  subscription.after_cursor = scoped->after_cursor;
  subscription.scoped_start = scoped->scoped_start;
  subscription.still_allowed = std::move(scoped->still_allowed);
  subscription.on_end = [edge = edge_, record, start](const absl::Status& status,
                                                      int64_t events) mutable {
    record.events = events;
    record.duration = absl::Now() - start;
    AuditCall(edge, std::move(record), status, Audited::kRead);
  };
  subscription.credential = call->caller->credential;
  subscription.rpc_metrics = MethodMetrics(edge_, Rpc::kSubscribePaymentEvents);
  subscription.started = start;
  return hub_->Subscribe(context, std::move(subscription));
}

}  // namespace barion_gateway::server
