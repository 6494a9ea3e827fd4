// BarionPayments: the payment operations as the gateway performs them, with absl types only.
//
// Each operation: resolve the shop -> apply the shop's defaults (starts) -> validate -> check
// the caller still wants it -> (StartPayment) claim the start ledger -> one Barion call ->
// decode -> complete or release the ledger claim -> tell the
// PaymentObserver. Nothing is retried. Errors are the gateway's error model
// (server/common/errors.h); the RPC edge only converts them.
//
// It is also the event pipeline's PaymentStateFetcher. Thread-safe.
#ifndef BARION_GATEWAY_SERVER_OPERATIONS_PAYMENTS_H_
#define BARION_GATEWAY_SERVER_OPERATIONS_PAYMENTS_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "barion/v1/payment_service.pb.h"
#include "server/barion/barion_api.h"
#include "server/barion/call_observer.h"
#include "server/barion/http_transport.h"
#include "server/config/config.h"
#include "server/events/payment_state_fetcher.h"
#include "server/events/start_ledger.h"
#include "server/metrics/operation_metrics.h"
#include "server/operations/call.h"
#include "server/operations/catalog.h"
#include "server/operations/payment_observer.h"

namespace barion_gateway::server {

class BarionPayments final : public PaymentStateFetcher {
 public:
  struct Options {
    std::vector<ShopConfig> shops;
    // Gives StartPayment's CallbackUrl {base}/callback/{shop}/{secret} when the request and the
    // shop's defaults name none. May be empty.
    std::string callback_base_url;
    // Makes StartPayment idempotent per (shop, payment_request_id). Not owned; may be null
    // (then every StartPayment goes to Barion).
    StartLedger* start_ledger = nullptr;
    PaymentObserver* observer = nullptr;            // not owned; may be null
    BarionCallObserver* barion_observer = nullptr;  // told of every Barion call; may be null
    OperationMetrics* metrics = nullptr;  // counts the start ledger's answers; may be null
    // Whether the gateway knows payment (shop, 32 lower-case hex digits) as that shop's: it has
    // an event for it or watches it (CallbackInbox::KnowsPayment). GetPaymentQrCode asks it
    // first; unset, or not known, the shop's own GetPaymentState decides.
    std::function<absl::StatusOr<bool>(const std::string& shop, const std::string& payment_id)>
        knows_payment;
  };

  // `transport` is not owned; it and the options' pointers must outlive this object. Barion
  // echoes the callback URL with its secret: the gateway hands in a RedactingTransport, so that
  // no answer carries it.
  BarionPayments(Options options, HttpTransport* transport);

  absl::StatusOr<barion::v1::StartPaymentResponse> StartPayment(
      const barion::v1::StartPaymentRequest& request, const Call& call) const;
  absl::StatusOr<barion::v1::GetPaymentStateResponse> GetPaymentState(
      const barion::v1::GetPaymentStateRequest& request, const Call& call) const;
  absl::StatusOr<barion::v1::FinishReservationResponse> FinishReservation(
      const barion::v1::FinishReservationRequest& request, const Call& call) const;
  absl::StatusOr<barion::v1::CaptureResponse> Capture(const barion::v1::CaptureRequest& request,
                                                      const Call& call) const;
  absl::StatusOr<barion::v1::CancelAuthorizationResponse> CancelAuthorization(
      const barion::v1::CancelAuthorizationRequest& request, const Call& call) const;
  absl::StatusOr<barion::v1::RefundResponse> Refund(const barion::v1::RefundRequest& request,
                                                    const Call& call) const;
  absl::StatusOr<barion::v1::CompleteResponse> Complete(const barion::v1::CompleteRequest& request,
                                                        const Call& call) const;
  // A payment started with a wallet token: the shop's defaults, validation, the call, and the
  // observer, as for StartPayment (no start ledger).
  absl::StatusOr<barion::v1::StartGooglePayPaymentResponse> StartGooglePayPayment(
      const barion::v1::StartGooglePayPaymentRequest& request, const Call& call) const;
  absl::StatusOr<barion::v1::StartApplePayPaymentResponse> StartApplePayPayment(
      const barion::v1::StartApplePayPaymentRequest& request, const Call& call) const;
  // Barion's answer verbatim.
  absl::StatusOr<barion::v1::ValidateApplePaySessionResponse> ValidateApplePaySession(
      const barion::v1::ValidateApplePaySessionRequest& request, const Call& call) const;
  // GET /qr/generate (no key sent); the image, at most 1 MiB. Barion does not scope the QR
  // endpoint by shop (it takes no key), so the gateway answers only for payments of the
  // requested shop: known to it (knows_payment), or found by that shop's GetPaymentState;
  // otherwise that call's error (another shop's payment: NOT_FOUND, Barion's
  // NotExistingPaymentId) and the image is never fetched.
  absl::StatusOr<barion::v1::GetPaymentQrCodeResponse> GetPaymentQrCode(
      const barion::v1::GetPaymentQrCodeRequest& request, const Call& call) const;

  // A reload: each shop of `shops` named like one of ours gets its POSKey; nothing else of the
  // shop changes (its callback secrets stay: Barion holds callback URLs made with them). Calls
  // in flight finish with the key they started with.
  void ReplacePosKeys(const std::vector<ShopConfig>& shops);

  // PaymentStateFetcher: GetPaymentState for the callback processor and the reconciler, as the
  // gateway's own caller. The payment is unknown when the shop is not configured, the id is not
  // one Barion could issue, or Barion answers with an error whose code means "no such payment"
  // or "invalid request" (NotExistingPaymentId, ModelValidationError: docs/ERRORS.md), decided
  // on the typed UpstreamError.
  FetchedState FetchPaymentState(const std::string& shop, const std::string& payment_id,
                                 absl::Time deadline) override;

 private:
  // The shop `name` names (the only one when empty), once `call`'s caller is authorized for its
  // method on it: the one authorization check of every payment operation.
  absl::StatusOr<std::shared_ptr<const ShopConfig>> ResolveShop(const std::string& name,
                                                                const Call& call) const;
  // A payment-changing operation: resolve, validate, call, decode, tell the observer.
  template <typename Request, typename Response>
  absl::StatusOr<Response> Change(const Operation<Request, Response>& op, const Request& request,
                                  const Call& call) const;
  // A start with a wallet token.
  template <typename Request, typename Response>
  absl::StatusOr<Response> TokenStart(const Operation<Request, Response>& op,
                                      const Request& request, const Call& call) const;
  // OK when payment `payment_id` is `shop`'s (see GetPaymentQrCode), else the error of the
  // shop's GetPaymentState for it.
  absl::Status CheckPaymentOfShop(const ShopConfig& shop, const std::string& payment_id,
                                  const Call& call) const;
  // Barion's answer to a start, after the call: observers told.
  void Started(const ShopConfig& shop, const std::string& payment_id,
               barion::v1::PaymentStatus status, const Call& call) const;

  // Replaced whole by ReplacePosKeys; a call keeps the snapshot it resolved its shop from.
  mutable absl::Mutex shops_mu_;
  std::shared_ptr<const std::vector<ShopConfig>> shops_ ABSL_GUARDED_BY(shops_mu_);
  const std::string callback_base_url_;
  StartLedger* const ledger_;
  PaymentObserver* const observer_;
  const std::function<absl::StatusOr<bool>(const std::string&, const std::string&)> knows_payment_;
  void CountLedger(LedgerResult result) const;

  const BarionApi api_;
  OperationMetrics* const metrics_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_OPERATIONS_PAYMENTS_H_
