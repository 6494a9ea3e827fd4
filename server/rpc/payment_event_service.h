// PaymentEventServiceImpl: barion.v1.PaymentEventService. ListPaymentEvents reads the EventLog
// (sync API) and logs like every unary RPC (rpc_support.h); SubscribePaymentEvents is a raw
// callback method served by the EventHub, so every event is serialized once for all streams.
#ifndef BARION_GATEWAY_SERVER_RPC_PAYMENT_EVENT_SERVICE_H_
#define BARION_GATEWAY_SERVER_RPC_PAYMENT_EVENT_SERVICE_H_

#include <utility>

#include "barion/v1/payment_event.grpc.pb.h"
#include "server/events/event_hub.h"
#include "server/operations/payment_events.h"
#include "server/rpc/rpc_support.h"

namespace barion_gateway::server {

class PaymentEventServiceImpl final
    : public barion::v1::PaymentEventService::WithRawCallbackMethod_SubscribePaymentEvents<
          barion::v1::PaymentEventService::Service> {
 public:
  // `events` (the reads, validated and scoped: server/operations/payment_events.h) and `hub` are
  // not owned and must outlive the service. `edge`: the policy in force, the default timeout,
  // audit and metrics. Both RPCs authenticate the caller; the operations restrict what it reads
  // to the shops it may see.
  PaymentEventServiceImpl(const PaymentEvents* events, EventHub* hub, RpcEdge edge)
      : events_(events), hub_(hub), edge_(std::move(edge)) {}

  // PaymentEvents::List's answer.
  grpc::Status ListPaymentEvents(grpc::ServerContext* context,
                                 const barion::v1::ListPaymentEventsRequest* request,
                                 barion::v1::ListPaymentEventsResponse* response) override;

  // INVALID_ARGUMENT for an unparsable request; PaymentEvents::Subscribe's refusals; otherwise
  // see EventHub::Subscribe.
  grpc::ServerWriteReactor<grpc::ByteBuffer>* SubscribePaymentEvents(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) override;

 private:
  const PaymentEvents* const events_;
  EventHub* const hub_;
  const RpcEdge edge_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_RPC_PAYMENT_EVENT_SERVICE_H_
