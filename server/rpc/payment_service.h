// PaymentServiceImpl: barion.v1.PaymentService, an adapter over BarionPayments (the operations
// layer): each RPC gives the operation the call's deadline and cancellation and finishes with
// the shared epilogue (rpc_support.h). Uses gRPC's callback API; the handlers, which wait on
// Barion, run on a CallExecutor (docs/adr/0002-sync-unary-rpcs.md), which bounds them.
#ifndef BARION_GATEWAY_SERVER_RPC_PAYMENT_SERVICE_H_
#define BARION_GATEWAY_SERVER_RPC_PAYMENT_SERVICE_H_

#include "absl/time/time.h"
#include "barion/v1/payment_service.grpc.pb.h"
#include "server/operations/payments.h"
#include "server/rpc/call_executor.h"
#include "server/rpc/rpc_support.h"

namespace barion_gateway::server {

class PaymentServiceImpl final : public barion::v1::PaymentService::CallbackService {
 public:
  // `payments` and `executor` are not owned and must outlive the service (the executor runs the
  // calls' handlers). `edge`: the service's name, the policy in force and the default timeout.
  PaymentServiceImpl(const BarionPayments* payments, CallExecutor* executor, RpcEdge edge)
      : payments_(payments), executor_(executor), edge_(std::move(edge)) {}

  grpc::ServerUnaryReactor* StartPayment(grpc::CallbackServerContext* context,
                                         const barion::v1::StartPaymentRequest* request,
                                         barion::v1::StartPaymentResponse* response) override;
  grpc::ServerUnaryReactor* GetPaymentState(grpc::CallbackServerContext* context,
                                            const barion::v1::GetPaymentStateRequest* request,
                                            barion::v1::GetPaymentStateResponse* response) override;
  grpc::ServerUnaryReactor* FinishReservation(
      grpc::CallbackServerContext* context, const barion::v1::FinishReservationRequest* request,
      barion::v1::FinishReservationResponse* response) override;
  grpc::ServerUnaryReactor* Capture(grpc::CallbackServerContext* context,
                                    const barion::v1::CaptureRequest* request,
                                    barion::v1::CaptureResponse* response) override;
  grpc::ServerUnaryReactor* CancelAuthorization(
      grpc::CallbackServerContext* context, const barion::v1::CancelAuthorizationRequest* request,
      barion::v1::CancelAuthorizationResponse* response) override;
  grpc::ServerUnaryReactor* Refund(grpc::CallbackServerContext* context,
                                   const barion::v1::RefundRequest* request,
                                   barion::v1::RefundResponse* response) override;
  grpc::ServerUnaryReactor* Complete(grpc::CallbackServerContext* context,
                                     const barion::v1::CompleteRequest* request,
                                     barion::v1::CompleteResponse* response) override;
  grpc::ServerUnaryReactor* StartGooglePayPayment(
      grpc::CallbackServerContext* context, const barion::v1::StartGooglePayPaymentRequest* request,
      barion::v1::StartGooglePayPaymentResponse* response) override;
  grpc::ServerUnaryReactor* StartApplePayPayment(
      grpc::CallbackServerContext* context, const barion::v1::StartApplePayPaymentRequest* request,
      barion::v1::StartApplePayPaymentResponse* response) override;
  grpc::ServerUnaryReactor* ValidateApplePaySession(
      grpc::CallbackServerContext* context,
      const barion::v1::ValidateApplePaySessionRequest* request,
      barion::v1::ValidateApplePaySessionResponse* response) override;
  grpc::ServerUnaryReactor* GetPaymentQrCode(
      grpc::CallbackServerContext* context, const barion::v1::GetPaymentQrCodeRequest* request,
      barion::v1::GetPaymentQrCodeResponse* response) override;

 private:
  const BarionPayments* const payments_;
  CallExecutor* const executor_;
  const RpcEdge edge_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_RPC_PAYMENT_SERVICE_H_
