// PaymentServiceImpl: barion.v1.PaymentService, an adapter over BarionPayments (the operations
// layer): each RPC gives the operation the call's deadline and cancellation and finishes with
// the shared epilogue (rpc_support.h). Uses gRPC's synchronous API: a call's thread waits on
// Barion (docs/adr/0002-sync-unary-rpcs.md); the server bounds the threads.
#ifndef BARION_GATEWAY_SERVER_RPC_PAYMENT_SERVICE_H_
#define BARION_GATEWAY_SERVER_RPC_PAYMENT_SERVICE_H_

#include "absl/time/time.h"
#include "barion/v1/payment_service.grpc.pb.h"
#include "server/operations/payments.h"
#include "server/rpc/rpc_support.h"

namespace barion_gateway::server {

class PaymentServiceImpl final : public barion::v1::PaymentService::Service {
 public:
  // `payments` is not owned and must outlive the service. `edge`: the service's name, the
  // policy in force and the default timeout.
  PaymentServiceImpl(const BarionPayments* payments, RpcEdge edge)
      : payments_(payments), edge_(std::move(edge)) {}

  grpc::Status StartPayment(grpc::ServerContext* context,
                            const barion::v1::StartPaymentRequest* request,
                            barion::v1::StartPaymentResponse* response) override;
  grpc::Status GetPaymentState(grpc::ServerContext* context,
                               const barion::v1::GetPaymentStateRequest* request,
                               barion::v1::GetPaymentStateResponse* response) override;
  grpc::Status FinishReservation(grpc::ServerContext* context,
                                 const barion::v1::FinishReservationRequest* request,
                                 barion::v1::FinishReservationResponse* response) override;
  grpc::Status Capture(grpc::ServerContext* context, const barion::v1::CaptureRequest* request,
                       barion::v1::CaptureResponse* response) override;
  grpc::Status CancelAuthorization(grpc::ServerContext* context,
                                   const barion::v1::CancelAuthorizationRequest* request,
                                   barion::v1::CancelAuthorizationResponse* response) override;
  grpc::Status Refund(grpc::ServerContext* context, const barion::v1::RefundRequest* request,
                      barion::v1::RefundResponse* response) override;
  grpc::Status Complete(grpc::ServerContext* context, const barion::v1::CompleteRequest* request,
                        barion::v1::CompleteResponse* response) override;
  grpc::Status StartGooglePayPayment(grpc::ServerContext* context,
                                     const barion::v1::StartGooglePayPaymentRequest* request,
                                     barion::v1::StartGooglePayPaymentResponse* response) override;
  grpc::Status StartApplePayPayment(grpc::ServerContext* context,
                                    const barion::v1::StartApplePayPaymentRequest* request,
                                    barion::v1::StartApplePayPaymentResponse* response) override;
  grpc::Status ValidateApplePaySession(
      grpc::ServerContext* context, const barion::v1::ValidateApplePaySessionRequest* request,
      barion::v1::ValidateApplePaySessionResponse* response) override;
  grpc::Status GetPaymentQrCode(grpc::ServerContext* context,
                                const barion::v1::GetPaymentQrCodeRequest* request,
                                barion::v1::GetPaymentQrCodeResponse* response) override;

 private:
  const BarionPayments* const payments_;
  const RpcEdge edge_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_RPC_PAYMENT_SERVICE_H_
