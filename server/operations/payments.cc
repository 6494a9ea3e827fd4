#include "server/operations/payments.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "server/auth/authorize.h"
#include "server/common/errors.h"
#include "server/common/log.h"
#include "server/common/safe_text.h"
#include "server/operations/shop_policy.h"
#include "server/operations/validation.h"

namespace barion_gateway::server {
namespace {

namespace v1 = ::barion::v1;

void ApplyShopDefaults(const ShopConfig& shop, const std::string& callback_base_url,
                       v1::StartPaymentRequest* r) {
  for (v1::PaymentTransaction& t : *r->mutable_transactions()) {
    if (t.payee().empty()) t.set_payee(shop.payee);
  }
  if (r->redirect_url().empty()) r->set_redirect_url(shop.default_redirect_url);
  if (r->callback_url().empty()) r->set_callback_url(shop.default_callback_url);
  if (r->callback_url().empty() && !callback_base_url.empty()) {
    // The secret segment is what the callback listener checks (docs/EVENTS.md).
    r->set_callback_url(absl::StrCat(callback_base_url, "/callback/", shop.name, "/",
                                     shop.callback_secrets.front()));
  }
  if (r->locale().empty()) r->set_locale(shop.default_locale);
}

// A message's deterministic serialization (stable field order), to compare requests.
std::string Deterministic(const google::protobuf::Message& message) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&out);
  }
  return bytes;
}

// What a StartLedger claim other than kNew answers.
LedgerResult LedgerResultOf(StartLedger::Claim claim) {
  switch (claim) {
    case StartLedger::Claim::kNew:
      return LedgerResult::kNew;
    case StartLedger::Claim::kDone:
      return LedgerResult::kRepeat;
    case StartLedger::Claim::kConflict:
      return LedgerResult::kConflict;
    case StartLedger::Claim::kPending:
      return LedgerResult::kPending;
  }
  return LedgerResult::kPending;
}

absl::StatusOr<v1::StartPaymentResponse> AnswerFromLedger(const StartLedger::ClaimResult& claim,
                                                          const std::string& request_id) {
  switch (claim.claim) {
    case StartLedger::Claim::kDone: {
      // A retry of a start that succeeded: the same answer, no second payment.
      v1::StartPaymentResponse response;
      if (!response.ParseFromString(claim.response)) {
        return absl::InternalError("the recorded StartPayment answer cannot be read");
      }
      return response;
    }
    case StartLedger::Claim::kConflict:
      return GatewayErrorStatus(
          absl::StatusCode::kAlreadyExists, "PAYMENT_REQUEST_ID_REUSED",
          "this shop already started a different payment with this payment_request_id",
          {{"payment_request_id", request_id}});
    case StartLedger::Claim::kPending:
    case StartLedger::Claim::kNew:
      break;
  }
  return GatewayErrorStatus(
      absl::StatusCode::kAborted, "START_OUTCOME_UNKNOWN",
      "a StartPayment with this payment_request_id is in progress, or its outcome is "
      "unknown (Barion may have created the payment): look for it (ListPaymentEvents, "
      "the payer's return) before starting again under a new payment_request_id",
      {{"payment_request_id", request_id}});
}

void LogLedgerError(const absl::Status& status) {
  if (!status.ok()) LogError(absl::StrCat("start ledger: ", status.message()));
}

}  // namespace

void BarionPayments::CountLedger(LedgerResult result) const {
  if (metrics_ != nullptr) metrics_->Ledger(result);
}

BarionPayments::BarionPayments(Options options, HttpTransport* transport)
    : shops_(std::make_shared<const std::vector<ShopConfig>>(
          WithCallbackSecrets(std::move(options.shops)))),
      callback_base_url_(std::move(options.callback_base_url)),
      ledger_(options.start_ledger),
      observer_(options.observer),
      knows_payment_(std::move(options.knows_payment)),
      api_(transport, options.barion_observer),
      metrics_(options.metrics) {}

void BarionPayments::ReplacePosKeys(const std::vector<ShopConfig>& shops) {
  absl::MutexLock lock(&shops_mu_);
  auto next = std::make_shared<std::vector<ShopConfig>>(*shops_);
  for (ShopConfig& mine : *next) {
    for (const ShopConfig& given : shops) {
      if (given.name == mine.name) mine.pos_key = given.pos_key;
    }
  }
  shops_ = std::move(next);
}

absl::StatusOr<std::shared_ptr<const ShopConfig>> BarionPayments::ResolveShop(
    const std::string& name, const Call& call) const {
  std::shared_ptr<const std::vector<ShopConfig>> shops;
  {
    absl::MutexLock lock(&shops_mu_);
    shops = shops_;
  }
  // Each result shares the snapshot's ownership, so a reload cannot free it under a call.
  auto at = [&shops](const ShopConfig& shop) {
    return std::shared_ptr<const ShopConfig>(shops, &shop);
  };
  if (name.empty()) {
    if (shops->size() == 1) {
      if (absl::Status s = AuthorizeShop(call.caller.get(), call.method, shops->front().name);
          !s.ok()) {
        return s;
      }
      return at(shops->front());
    }
    if (absl::Status s = AuthorizeMethod(call.caller.get(), call.method); !s.ok()) return s;
    return InvalidArgumentStatus({{"shop", "is required: this gateway serves several shops"}});
  }
  // Before the lookup: a caller learns nothing of shops it may not use.
  if (absl::Status s = AuthorizeShop(call.caller.get(), call.method, name); !s.ok()) return s;
  for (const ShopConfig& shop : *shops) {
    if (shop.name == name) return at(shop);
  }
  return InvalidArgumentStatus({{"shop", absl::StrCat("no shop named \"", SafeText(name, 64),
                                                      "\" is configured in the gateway")}});
}

void BarionPayments::Started(const ShopConfig& shop, const std::string& payment_id,
                             v1::PaymentStatus status, const Call& call) const {
  if (observer_ == nullptr || payment_id.empty()) return;
  observer_->PaymentStarted(shop.name, payment_id);
  // A synchronous token charge settles within the call: that is a change to report.
  if (status != v1::PAYMENT_STATUS_PREPARED) {
    observer_->PaymentChanged(shop.name, payment_id, call.trace_id);
  }
}

absl::StatusOr<v1::StartPaymentResponse> BarionPayments::StartPayment(
    const v1::StartPaymentRequest& request, const Call& call) const {
  const Operation<v1::StartPaymentRequest, v1::StartPaymentResponse>& op = catalog::kStartPayment;
  absl::StatusOr<std::shared_ptr<const ShopConfig>> shop = ResolveShop(request.shop(), call);
  if (!shop.ok()) return shop.status();
  v1::StartPaymentRequest effective = request;
  ApplyShopDefaults(**shop, callback_base_url_, &effective);
  if (absl::Status s = op.validate(effective); !s.ok()) return s;
  if (absl::Status s = CheckPayees(**shop, effective); !s.ok()) return s;
  if (absl::Status s = CheckDelayedCapture(**shop, effective); !s.ok()) return s;
  if (absl::Status s = ReadyToSend(call); !s.ok()) return s;
  const std::string& request_id = effective.payment_request_id();
  if (ledger_ != nullptr) {
    // What the caller sent, not `effective`: a retry after the shop's defaults or the callback
    // URL changed is still the same request.
    absl::StatusOr<StartLedger::ClaimResult> claim =
        ledger_->ClaimStart((*shop)->name, request_id, Deterministic(request));
    if (!claim.ok()) return claim.status();
    CountLedger(LedgerResultOf(claim->claim));
    if (claim->claim != StartLedger::Claim::kNew) return AnswerFromLedger(*claim, request_id);
  }
  std::optional<UpstreamError> error;
  absl::StatusOr<v1::StartPaymentResponse> response =
      Perform(api_, op, effective, (*shop)->pos_key, call.deadline, &error);
  if (!response.ok()) {
    // Nothing happened at Barion (not sent, or refused): a retry may start it.
    if (ledger_ != nullptr && error.has_value() &&
        (error->outcome() == UpstreamOutcome::kNotSent ||
         error->outcome() == UpstreamOutcome::kRejected)) {
      LogLedgerError(ledger_->ReleaseStart((*shop)->name, request_id));
    } else if (ledger_ != nullptr && error.has_value() &&
               error->outcome() == UpstreamOutcome::kUnknown) {
      CountLedger(LedgerResult::kUnknownOutcome);  // stays pending: a retry will not start it
    }
    return response.status();
  }
  if (ledger_ != nullptr) {
    LogLedgerError(ledger_->CompleteStart((*shop)->name, request_id, Deterministic(*response)));
  }
  Started(**shop, response->payment_id(), response->status(), call);
  return response;
}

template <typename Request, typename Response>
absl::StatusOr<Response> BarionPayments::TokenStart(const Operation<Request, Response>& op,
                                                    const Request& request,
                                                    const Call& call) const {
  absl::StatusOr<std::shared_ptr<const ShopConfig>> shop =
      ResolveShop(request.payment().shop(), call);
  if (!shop.ok()) return shop.status();
  Request effective = request;
  ApplyShopDefaults(**shop, callback_base_url_, effective.mutable_payment());
  if (absl::Status s = op.validate(effective); !s.ok()) return s;
  if (absl::Status s = CheckPayees(**shop, effective.payment(), "payment."); !s.ok()) return s;
  if (absl::Status s = CheckDelayedCapture(**shop, effective.payment(), "payment."); !s.ok()) {
    return s;
  }
  if (absl::Status s = ReadyToSend(call); !s.ok()) return s;
  absl::StatusOr<Response> response = Perform(api_, op, effective, (*shop)->pos_key, call.deadline);
  if (!response.ok()) return response.status();
  // Like StartPayment: watched until final, and the charge (settled in the call) is a change.
  Started(**shop, response->payment_id(), response->status(), call);
  return response;
}

absl::StatusOr<v1::StartGooglePayPaymentResponse> BarionPayments::StartGooglePayPayment(
    const v1::StartGooglePayPaymentRequest& request, const Call& call) const {
  return TokenStart(catalog::kStartGooglePayPayment, request, call);
}

absl::StatusOr<v1::StartApplePayPaymentResponse> BarionPayments::StartApplePayPayment(
    const v1::StartApplePayPaymentRequest& request, const Call& call) const {
  return TokenStart(catalog::kStartApplePayPayment, request, call);
}

template <typename Request, typename Response>
absl::StatusOr<Response> BarionPayments::Change(const Operation<Request, Response>& op,
                                                const Request& request, const Call& call) const {
  absl::StatusOr<std::shared_ptr<const ShopConfig>> shop = ResolveShop(request.shop(), call);
  if (!shop.ok()) return shop.status();
  if (absl::Status s = op.validate(request); !s.ok()) return s;
  if (absl::Status s = ReadyToSend(call); !s.ok()) return s;
  absl::StatusOr<Response> response = Perform(api_, op, request, (*shop)->pos_key, call.deadline);
  if (response.ok() && observer_ != nullptr && !request.payment_id().empty()) {
    observer_->PaymentChanged((*shop)->name, request.payment_id(), call.trace_id);
  }
  return response;
}

absl::StatusOr<v1::FinishReservationResponse> BarionPayments::FinishReservation(
    const v1::FinishReservationRequest& request, const Call& call) const {
  return Change(catalog::kFinishReservation, request, call);
}

absl::StatusOr<v1::CaptureResponse> BarionPayments::Capture(const v1::CaptureRequest& request,
                                                            const Call& call) const {
  return Change(catalog::kCapture, request, call);
}

absl::StatusOr<v1::CancelAuthorizationResponse> BarionPayments::CancelAuthorization(
    const v1::CancelAuthorizationRequest& request, const Call& call) const {
  return Change(catalog::kCancelAuthorization, request, call);
}

absl::StatusOr<v1::RefundResponse> BarionPayments::Refund(const v1::RefundRequest& request,
                                                          const Call& call) const {
  return Change(catalog::kRefund, request, call);
}

absl::StatusOr<v1::CompleteResponse> BarionPayments::Complete(const v1::CompleteRequest& request,
                                                              const Call& call) const {
  return Change(catalog::kComplete, request, call);
}

absl::StatusOr<v1::ValidateApplePaySessionResponse> BarionPayments::ValidateApplePaySession(
    const v1::ValidateApplePaySessionRequest& request, const Call& call) const {
  const auto& op = catalog::kValidateApplePaySession;
  absl::StatusOr<std::shared_ptr<const ShopConfig>> shop = ResolveShop(request.shop(), call);
  if (!shop.ok()) return shop.status();
  if (absl::Status s = op.validate(request); !s.ok()) return s;
  return Perform(api_, op, request, (*shop)->pos_key, call.deadline);
}

absl::StatusOr<v1::GetPaymentStateResponse> BarionPayments::GetPaymentState(
    const v1::GetPaymentStateRequest& request, const Call& call) const {
  const auto& op = catalog::kGetPaymentState;
  absl::StatusOr<std::shared_ptr<const ShopConfig>> shop = ResolveShop(request.shop(), call);
  if (!shop.ok()) return shop.status();
  if (absl::Status s = op.validate(request); !s.ok()) return s;
  return Perform(api_, op, request, (*shop)->pos_key, call.deadline);
}

FetchedState BarionPayments::FetchPaymentState(const std::string& shop,
                                               const std::string& payment_id, absl::Time deadline) {
  const auto& op = catalog::kGetPaymentState;
  v1::GetPaymentStateRequest request;
  request.set_shop(shop);
  request.set_payment_id(payment_id);
  Call call;
  call.deadline = deadline;
  call.caller = GatewayCaller();
  call.method = MethodOf(op.rpc).full_name;
  absl::StatusOr<std::shared_ptr<const ShopConfig>> resolved = ResolveShop(shop, call);
  if (!resolved.ok()) return FetchedState::Failed(resolved.status(), /*unknown_payment=*/true);
  if (absl::Status s = op.validate(request); !s.ok()) {
    return FetchedState::Failed(s, /*unknown_payment=*/true);
  }
  std::optional<UpstreamError> error;
  absl::StatusOr<v1::GetPaymentStateResponse> state =
      Perform(api_, op, request, (*resolved)->pos_key, deadline, &error);
  if (state.ok()) return *std::move(state);
  const bool unknown = error.has_value() && error->failure == UpstreamFailure::kBarionError &&
                       (error->code() == absl::StatusCode::kNotFound ||
                        error->code() == absl::StatusCode::kInvalidArgument);
  return FetchedState::Failed(state.status(), unknown);
}

absl::Status BarionPayments::CheckPaymentOfShop(const ShopConfig& shop,
                                                const std::string& payment_id,
                                                const Call& call) const {
  std::string id = absl::AsciiStrToLower(payment_id);
  id.erase(std::remove(id.begin(), id.end(), '-'), id.end());
  if (knows_payment_) {
    absl::StatusOr<bool> known = knows_payment_(shop.name, id);
    if (known.ok() && *known) return absl::OkStatus();
    // Unknown here, or the store could not say: Barion decides.
  }
  // Barion answers PaymentState only for the payments of the shop whose POSKey asks.
  v1::GetPaymentStateRequest state;
  state.set_shop(shop.name);
  state.set_payment_id(payment_id);
  // Another shop's payment: Barion's NotExistingPaymentId, NOT_FOUND.
  return Perform(api_, catalog::kGetPaymentState, state, shop.pos_key, call.deadline).status();
}

absl::StatusOr<v1::GetPaymentQrCodeResponse> BarionPayments::GetPaymentQrCode(
    const v1::GetPaymentQrCodeRequest& request, const Call& call) const {
  absl::StatusOr<std::shared_ptr<const ShopConfig>> shop = ResolveShop(request.shop(), call);
  if (!shop.ok()) return shop.status();
  if (absl::Status s = ValidateGetPaymentQrCode(request); !s.ok()) return s;
  if (absl::Status s = CheckPaymentOfShop(**shop, request.payment_id(), call); !s.ok()) return s;
  constexpr size_t kMaxImage = 1 << 20;
  v1::GetPaymentQrCodeResponse response;
  std::string* image = response.mutable_image();
  std::optional<UpstreamError> error = api_.GetFile(
      QrCodePath(request), "", call.deadline, KeyHeader::kNone,
      [image](const std::string&, const char* data, size_t n) {
        if (image->size() + n > kMaxImage) return false;
        image->append(data, n);
        return true;
      },
      response.mutable_content_type());
  if (error.has_value()) return error->ToStatus();
  return response;
}

}  // namespace barion_gateway::server
