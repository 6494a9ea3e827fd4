// PaymentEventServiceImpl: barion.v1.PaymentEventService over the EventStore.
#ifndef BARION_GATEWAY_SERVER_PAYMENT_EVENT_SERVICE_H_
#define BARION_GATEWAY_SERVER_PAYMENT_EVENT_SERVICE_H_

#include "barion/v1/payment_event.grpc.pb.h"
#include "server/event_store.h"

namespace barion_gateway::server {

class PaymentEventServiceImpl final : public barion::v1::PaymentEventService::Service {
 public:
  // `store` is not owned and must outlive the service.
  explicit PaymentEventServiceImpl(EventStore* store) : store_(store) {}

  // INVALID_ARGUMENT (BadRequest) for a foreign cursor, a page size outside 0-1000 or an unknown
  // status; UNAVAILABLE when the store fails.
  grpc::Status ListPaymentEvents(grpc::ServerContext* context,
                                 const barion::v1::ListPaymentEventsRequest* request,
                                 barion::v1::ListPaymentEventsResponse* response) override;

 private:
  EventStore* const store_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_PAYMENT_EVENT_SERVICE_H_
