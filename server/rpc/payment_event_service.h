// PaymentEventServiceImpl: barion.v1.PaymentEventService. ListPaymentEvents reads the EventLog
// (sync API) and logs like every unary RPC (rpc_support.h); SubscribePaymentEvents is a raw
// callback method served by the EventHub, so every event is serialized once for all streams.
#ifndef BARION_GATEWAY_SERVER_RPC_PAYMENT_EVENT_SERVICE_H_
#define BARION_GATEWAY_SERVER_RPC_PAYMENT_EVENT_SERVICE_H_

#include <set>
#include <string>

#include "barion/v1/payment_event.grpc.pb.h"
#include "server/events/event_hub.h"
#include "server/events/event_log.h"
#include "server/rpc/rpc_support.h"

namespace barion_gateway::server {

class PaymentEventServiceImpl final
    : public barion::v1::PaymentEventService::WithRawCallbackMethod_SubscribePaymentEvents<
          barion::v1::PaymentEventService::Service> {
 public:
  // `log` and `hub` are not owned and must outlive the service. `shops`: the configured shop
  // names, which a subscription's `shop` filter must name. `edge`: the service's name, the
  // policy in force and the default timeout. Both RPCs authenticate the caller and restrict
  // what it reads to the shops it may see (PERMISSION_DENIED for a `shop` it may not).
  PaymentEventServiceImpl(EventLog* log, EventHub* hub, std::set<std::string> shops, RpcEdge edge)
      : log_(log), hub_(hub), shops_(std::move(shops)), edge_(std::move(edge)) {}

  // INVALID_ARGUMENT (BadRequest) for a foreign cursor, a page size outside 0-1000 or an unknown
  // status; UNAVAILABLE when the store fails.
  grpc::Status ListPaymentEvents(grpc::ServerContext* context,
                                 const barion::v1::ListPaymentEventsRequest* request,
                                 barion::v1::ListPaymentEventsResponse* response) override;

  // INVALID_ARGUMENT (BadRequest) for an unparsable request, a foreign cursor, an unknown shop,
  // status or start; otherwise see EventHub::Subscribe.
  grpc::ServerWriteReactor<grpc::ByteBuffer>* SubscribePaymentEvents(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) override;

 private:
  absl::Status List(const Call& call, const barion::v1::ListPaymentEventsRequest* request,
                    barion::v1::ListPaymentEventsResponse* response) const;

  EventLog* const log_;
  EventHub* const hub_;
  const std::set<std::string> shops_;
  const RpcEdge edge_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_RPC_PAYMENT_EVENT_SERVICE_H_
