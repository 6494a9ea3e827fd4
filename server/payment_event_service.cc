#include "server/payment_event_service.h"

#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "server/errors.h"

namespace barion_gateway::server {

namespace v1 = ::barion::v1;

grpc::Status PaymentEventServiceImpl::ListPaymentEvents(grpc::ServerContext*,
                                                        const v1::ListPaymentEventsRequest* request,
                                                        v1::ListPaymentEventsResponse* response) {
  std::vector<FieldViolation> violations;
  int64_t cursor = 0;
  if (!request->after_cursor().empty() &&
      (!absl::SimpleAtoi(request->after_cursor(), &cursor) || cursor < 0)) {
    violations.push_back({"after_cursor", "is not a cursor of this gateway"});
  }
  if (request->page_size() < 0 || request->page_size() > 1000) {
    violations.push_back({"page_size", "must be between 0 and 1000"});
  }
  EventFilter filter;
  filter.shop = request->shop();
  filter.payment_ids.assign(request->payment_ids().begin(), request->payment_ids().end());
  for (int i = 0; i < request->statuses_size(); ++i) {
    const int status = request->statuses(i);
    if (status == v1::PAYMENT_STATUS_UNSPECIFIED || !v1::PaymentStatus_IsValid(status)) {
      violations.push_back({"statuses[" + std::to_string(i) + "]", "is not a payment status"});
    }
    filter.statuses.push_back(static_cast<v1::PaymentStatus>(status));
  }
  if (!violations.empty()) return ToGrpcStatus(InvalidArgumentStatus(violations));

  const int limit = request->page_size() == 0 ? 100 : request->page_size();
  absl::StatusOr<std::vector<v1::PaymentEvent>> events =
      store_->ReadAfter(request->after_cursor(), filter, limit);
  if (!events.ok()) return ToGrpcStatus(events.status());
  response->set_next_cursor(events->empty()
                                ? (request->after_cursor().empty() ? "0" : request->after_cursor())
                                : events->back().cursor());
  for (v1::PaymentEvent& e : *events) *response->add_events() = std::move(e);
  return grpc::Status::OK;
}

}  // namespace barion_gateway::server
