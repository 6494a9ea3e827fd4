// PaymentServiceImpl: barion.v1.PaymentService over Barion's REST API.
//
// Each RPC: resolve the shop -> apply the shop's defaults -> validate -> encode -> one Barion
// call (BarionApi) -> decode -> grpc::Status at the edge (ToGrpcStatus). Nothing is retried.
// Uses gRPC's synchronous API: a call's thread waits on Barion (docs/adr/0002-sync-unary-rpcs.md);
// the server bounds the threads.
#ifndef BARION_GATEWAY_SERVER_RPC_PAYMENT_SERVICE_H_
#define BARION_GATEWAY_SERVER_RPC_PAYMENT_SERVICE_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "barion/v1/payment_service.grpc.pb.h"
#include "server/barion/barion_api.h"
#include "server/barion/http_transport.h"
#include "server/config.h"
#include "server/events/start_ledger.h"

namespace barion_gateway::server {

class PaymentServiceImpl final : public barion::v1::PaymentService::Service {
 public:
  // What an RPC did to a payment at Barion.
  enum class PaymentChange {
    kStarted,  // StartPayment created it
    kChanged,  // finish, capture, cancel, refund, complete, or a synchronous token charge
  };
  // Told after such an RPC succeeded. Must not block for long.
  using ChangeListener = std::function<void(const std::string& shop, const std::string& payment_id,
                                            PaymentChange change)>;

  // `transport` is not owned and must outlive the service. `default_timeout` bounds the
  // upstream call when the caller set no gRPC deadline. `callback_base_url` (may be empty)
  // gives StartPayment's CallbackUrl {base}/callback/{shop} when the request and the shop's
  // defaults name none.
  PaymentServiceImpl(std::vector<ShopConfig> shops, HttpTransport* transport,
                     absl::Duration default_timeout, std::string callback_base_url = "",
                     ChangeListener on_change = nullptr);

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
  // POST /v3/Payment/StartPaymentWithGoogleToken, with the shop's defaults applied as for
  // StartPayment; the reconciler watches the payment and the charge becomes an event.
  grpc::Status StartGooglePayPayment(grpc::ServerContext* context,
                                     const barion::v1::StartGooglePayPaymentRequest* request,
                                     barion::v1::StartGooglePayPaymentResponse* response) override;
  // POST /v2/ApplePay/StartPaymentWithAppleToken, like StartGooglePayPayment.
  grpc::Status StartApplePayPayment(grpc::ServerContext* context,
                                    const barion::v1::StartApplePayPaymentRequest* request,
                                    barion::v1::StartApplePayPaymentResponse* response) override;
  // POST /v2/ApplePay/ValidateSession; Barion's answer verbatim.
  grpc::Status ValidateApplePaySession(
      grpc::ServerContext* context, const barion::v1::ValidateApplePaySessionRequest* request,
      barion::v1::ValidateApplePaySessionResponse* response) override;
  // GET /qr/generate (no key sent); the image, at most 1 MiB.
  grpc::Status GetPaymentQrCode(grpc::ServerContext* context,
                                const barion::v1::GetPaymentQrCodeRequest* request,
                                barion::v1::GetPaymentQrCodeResponse* response) override;

  // Makes StartPayment idempotent per (shop, payment_request_id) with `ledger` (not owned; must
  // outlive the service). Without one, every StartPayment goes to Barion.
  void set_start_ledger(StartLedger* ledger) { ledger_ = ledger; }

  // The same operations with absl types, for in-process callers (the callback worker, tests).
  absl::StatusOr<barion::v1::GetPaymentStateResponse> GetPaymentStateUntil(
      const barion::v1::GetPaymentStateRequest& request, absl::Time deadline) const;

 private:
  absl::StatusOr<const ShopConfig*> ResolveShop(const std::string& name) const;
  absl::Time DeadlineOf(const grpc::ServerContext* context) const;

  // Runs one POST operation: validate, encode, call, decode.
  template <typename Request, typename Response>
  absl::Status RunPost(const char* path, const Request& request, absl::Time deadline,
                       absl::Status (*validate)(const Request&),
                       std::string (*encode)(const Request&),
                       absl::Status (*decode)(const ParsedAnswer&, Response*),
                       Response* response) const;

  // A payment started with a wallet token (Google Pay, Apple Pay): the shop's defaults,
  // validation, the call, and the change notifications of StartPayment.
  template <typename Request, typename Response>
  absl::Status RunTokenStart(const char* path, const grpc::ServerContext& context,
                             const Request& request, absl::Status (*validate)(const Request&),
                             std::string (*encode)(const Request&),
                             absl::Status (*decode)(const ParsedAnswer&, Response*),
                             Response* response) const;

  grpc::Status Finish(const char* rpc, const std::string& shop, const std::string& payment_id,
                      absl::Time start, const absl::Status& status) const;

  void Changed(const ShopConfig& shop, const std::string& payment_id, PaymentChange change) const;

  const std::vector<ShopConfig> shops_;
  StartLedger* ledger_ = nullptr;
  const BarionApi api_;
  const absl::Duration default_timeout_;
  const std::string callback_base_url_;
  const ChangeListener on_change_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_RPC_PAYMENT_SERVICE_H_
