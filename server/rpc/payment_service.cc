#include "server/rpc/payment_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "server/barion/codec.h"
#include "server/common/errors.h"
#include "server/common/log.h"
#include "server/common/safe_text.h"
#include "server/operations/validation.h"
#include "server/rpc/rpc_support.h"

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

// Barion echoes the callback URL (with its secret) in its answers; callers of the gateway
// never see the secret, nor do event subscribers (snapshots come from GetPaymentState).
void RedactCallbackSecret(const ShopConfig& shop, std::string* url) {
  for (const std::string& secret : shop.callback_secrets) {
    for (size_t at = url->find(secret); at != std::string::npos; at = url->find(secret, at)) {
      url->replace(at, secret.size(), "REDACTED");
    }
  }
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

}  // namespace

PaymentServiceImpl::PaymentServiceImpl(std::vector<ShopConfig> shops, HttpTransport* transport,
                                       absl::Duration default_timeout,
                                       std::string callback_base_url, ChangeListener on_change)
    : shops_(WithCallbackSecrets(std::move(shops))),
      api_(transport),
      default_timeout_(default_timeout),
      callback_base_url_(std::move(callback_base_url)),
      on_change_(std::move(on_change)) {}

void PaymentServiceImpl::Changed(const ShopConfig& shop, const std::string& payment_id,
                                 PaymentChange change) const {
  if (on_change_ && !payment_id.empty()) on_change_(shop.name, payment_id, change);
}

absl::StatusOr<const ShopConfig*> PaymentServiceImpl::ResolveShop(const std::string& name) const {
  if (name.empty()) {
    if (shops_.size() == 1) return &shops_.front();
    return InvalidArgumentStatus({{"shop", "is required: this gateway serves several shops"}});
  }
  for (const ShopConfig& shop : shops_) {
    if (shop.name == name) return &shop;
  }
  return InvalidArgumentStatus({{"shop", absl::StrCat("no shop named \"", SafeText(name, 64),
                                                      "\" is configured in the gateway")}});
}

absl::Time PaymentServiceImpl::DeadlineOf(const grpc::ServerContext* context) const {
  return RpcDeadline(*context, default_timeout_);
}

grpc::Status PaymentServiceImpl::Finish(const char* rpc, const std::string& shop,
                                        const std::string& payment_id, absl::Time start,
                                        const absl::Status& status) const {
  return FinishRpc(rpc,
                   absl::StrCat("shop=", shop.empty() ? "-" : SafeText(shop, 64), " payment_id=",
                                payment_id.empty() ? "-" : SafeText(payment_id, 64)),
                   start, status);
}

template <typename Request, typename Response>
absl::Status PaymentServiceImpl::RunPost(const char* path, const Request& request,
                                         absl::Time deadline,
                                         absl::Status (*validate)(const Request&),
                                         std::string (*encode)(const Request&),
                                         absl::Status (*decode)(const ParsedAnswer&, Response*),
                                         Response* response) const {
  absl::StatusOr<const ShopConfig*> shop = ResolveShop(request.shop());
  if (!shop.ok()) return shop.status();
  if (absl::Status s = validate(request); !s.ok()) return s;
  absl::StatusOr<ParsedAnswer> answer =
      api_.Post(path, (*shop)->pos_key, encode(request), deadline);
  if (!answer.ok()) return answer.status();
  if (absl::Status s = decode(*answer, response); !s.ok()) return s;
  Changed(**shop, request.payment_id(), PaymentChange::kChanged);
  return absl::OkStatus();
}

grpc::Status PaymentServiceImpl::StartPayment(grpc::ServerContext* context,
                                              const v1::StartPaymentRequest* request,
                                              v1::StartPaymentResponse* response) {
  const absl::Time start = absl::Now();
  absl::Status status = [&]() -> absl::Status {
    absl::StatusOr<const ShopConfig*> shop = ResolveShop(request->shop());
    if (!shop.ok()) return shop.status();
    v1::StartPaymentRequest effective = *request;
    ApplyShopDefaults(**shop, callback_base_url_, &effective);
    if (absl::Status s = ValidateStartPayment(effective); !s.ok()) return s;
    if (absl::Status s = CallStillWanted(*context); !s.ok()) return s;
    const std::string& request_id = effective.payment_request_id();
    if (ledger_ != nullptr) {
      absl::StatusOr<StartLedger::ClaimResult> claim =
          // What the caller sent, not `effective`: a retry after the shop's defaults or the
          // callback URL changed is still the same request.
          ledger_->ClaimStart((*shop)->name, request_id, Deterministic(*request));
      if (!claim.ok()) return claim.status();
      switch (claim->claim) {
        case StartLedger::Claim::kDone:
          // A retry of a start that succeeded: the same answer, no second payment.
          if (!response->ParseFromString(claim->response)) {
            return absl::InternalError("the recorded StartPayment answer cannot be read");
          }
          return absl::OkStatus();
        case StartLedger::Claim::kConflict:
          return GatewayErrorStatus(
              absl::StatusCode::kAlreadyExists, "PAYMENT_REQUEST_ID_REUSED",
              "this shop already started a different payment with this payment_request_id",
              {{"payment_request_id", request_id}});
        case StartLedger::Claim::kPending:
          return GatewayErrorStatus(
              absl::StatusCode::kAborted, "START_OUTCOME_UNKNOWN",
              "a StartPayment with this payment_request_id is in progress, or its outcome is "
              "unknown (Barion may have created the payment): look for it (ListPaymentEvents, "
              "the payer's return) before starting again under a new payment_request_id",
              {{"payment_request_id", request_id}});
        case StartLedger::Claim::kNew:
          break;
      }
    }
    absl::StatusOr<ParsedAnswer> answer = api_.Post(
        "/v2/Payment/Start", (*shop)->pos_key, EncodeStartPayment(effective), DeadlineOf(context));
    if (!answer.ok()) {
      // Nothing happened at Barion (not sent, refused): a retry may start it.
      const std::string outcome = FirstErrorMetadata(answer.status(), "outcome");
      if (ledger_ != nullptr && (outcome == "not_sent" || outcome == "rejected" ||
                                 (outcome.empty() && !ErrorReasons(answer.status()).empty()))) {
        if (absl::Status s = ledger_->ReleaseStart((*shop)->name, request_id); !s.ok()) {
          LogError(absl::StrCat("start ledger: ", s.message()));
        }
      }
      return answer.status();
    }
    if (absl::Status s = DecodeStartPayment(*answer, response); !s.ok()) return s;
    RedactCallbackSecret(**shop, response->mutable_callback_url());
    if (ledger_ != nullptr) {
      if (absl::Status s =
              ledger_->CompleteStart((*shop)->name, request_id, Deterministic(*response));
          !s.ok()) {
        LogError(absl::StrCat("start ledger: ", s.message()));
      }
    }
    // A synchronous token charge settles within the call: that is a change to report.
    Changed(**shop, response->payment_id(), PaymentChange::kStarted);
    if (response->status() != v1::PAYMENT_STATUS_PREPARED) {
      Changed(**shop, response->payment_id(), PaymentChange::kChanged);
    }
    return absl::OkStatus();
  }();
  return Finish("StartPayment", request->shop(), response->payment_id(), start, status);
}

template <typename Request, typename Response>
absl::Status PaymentServiceImpl::RunTokenStart(
    const char* path, const grpc::ServerContext& context, const Request& request,
    absl::Status (*validate)(const Request&), std::string (*encode)(const Request&),
    absl::Status (*decode)(const ParsedAnswer&, Response*), Response* response) const {
  absl::StatusOr<const ShopConfig*> shop = ResolveShop(request.payment().shop());
  if (!shop.ok()) return shop.status();
  Request effective = request;
  ApplyShopDefaults(**shop, callback_base_url_, effective.mutable_payment());
  if (absl::Status s = validate(effective); !s.ok()) return s;
  if (absl::Status s = CallStillWanted(context); !s.ok()) return s;
  absl::StatusOr<ParsedAnswer> answer =
      api_.Post(path, (*shop)->pos_key, encode(effective), DeadlineOf(&context));
  if (!answer.ok()) return answer.status();
  if (absl::Status s = decode(*answer, response); !s.ok()) return s;
  // Like StartPayment: watched until final, and the charge (settled in the call) is a change.
  Changed(**shop, response->payment_id(), PaymentChange::kStarted);
  if (response->status() != v1::PAYMENT_STATUS_PREPARED) {
    Changed(**shop, response->payment_id(), PaymentChange::kChanged);
  }
  return absl::OkStatus();
}

grpc::Status PaymentServiceImpl::StartGooglePayPayment(
    grpc::ServerContext* context, const v1::StartGooglePayPaymentRequest* request,
    v1::StartGooglePayPaymentResponse* response) {
  const absl::Time start = absl::Now();
  const absl::Status status = RunTokenStart(
      "/v3/Payment/StartPaymentWithGoogleToken", *context, *request, &ValidateStartGooglePayPayment,
      &EncodeStartGooglePayPayment, &DecodeStartGooglePayPayment, response);
  return Finish("StartGooglePayPayment", request->payment().shop(), response->payment_id(), start,
                status);
}

grpc::Status PaymentServiceImpl::StartApplePayPayment(
    grpc::ServerContext* context, const v1::StartApplePayPaymentRequest* request,
    v1::StartApplePayPaymentResponse* response) {
  const absl::Time start = absl::Now();
  const absl::Status status = RunTokenStart(
      "/v2/ApplePay/StartPaymentWithAppleToken", *context, *request, &ValidateStartApplePayPayment,
      &EncodeStartApplePayPayment, &DecodeStartApplePayPayment, response);
  return Finish("StartApplePayPayment", request->payment().shop(), response->payment_id(), start,
                status);
}

grpc::Status PaymentServiceImpl::ValidateApplePaySession(
    grpc::ServerContext* context, const v1::ValidateApplePaySessionRequest* request,
    v1::ValidateApplePaySessionResponse* response) {
  const absl::Time start = absl::Now();
  absl::Status status = [&]() -> absl::Status {
    absl::StatusOr<const ShopConfig*> shop = ResolveShop(request->shop());
    if (!shop.ok()) return shop.status();
    if (absl::Status s = ValidateValidateApplePaySession(*request); !s.ok()) return s;
    absl::StatusOr<ParsedAnswer> answer =
        api_.Post("/v2/ApplePay/ValidateSession", (*shop)->pos_key,
                  EncodeValidateApplePaySession(*request), DeadlineOf(context));
    if (!answer.ok()) return answer.status();
    return DecodeValidateApplePaySession(*answer, response);
  }();
  return Finish("ValidateApplePaySession", request->shop(), "", start, status);
}

grpc::Status PaymentServiceImpl::GetPaymentQrCode(grpc::ServerContext* context,
                                                  const v1::GetPaymentQrCodeRequest* request,
                                                  v1::GetPaymentQrCodeResponse* response) {
  const absl::Time start = absl::Now();
  absl::Status status = [&]() -> absl::Status {
    absl::StatusOr<const ShopConfig*> shop = ResolveShop(request->shop());
    if (!shop.ok()) return shop.status();
    if (absl::Status s = ValidateGetPaymentQrCode(*request); !s.ok()) return s;
    const char* size = "Large";
    if (request->size() == v1::QR_CODE_SIZE_SMALL) size = "Small";
    if (request->size() == v1::QR_CODE_SIZE_NORMAL) size = "Normal";
    constexpr size_t kMaxImage = 1 << 20;
    std::string* image = response->mutable_image();
    absl::Status s = api_.GetFile(
        absl::StrCat("/qr/generate?paymentId=", HyphenatedGuid(request->payment_id()),
                     "&size=", size),
        "", DeadlineOf(context), KeyHeader::kNone,
        [image](const std::string&, const char* data, size_t n) {
          if (image->size() + n > kMaxImage) return false;
          image->append(data, n);
          return true;
        },
        response->mutable_content_type());
    if (!s.ok()) response->Clear();
    return s;
  }();
  return Finish("GetPaymentQrCode", request->shop(), request->payment_id(), start, status);
}

absl::StatusOr<v1::GetPaymentStateResponse> PaymentServiceImpl::GetPaymentStateUntil(
    const v1::GetPaymentStateRequest& request, absl::Time deadline) const {
  absl::StatusOr<const ShopConfig*> shop = ResolveShop(request.shop());
  if (!shop.ok()) return shop.status();
  if (absl::Status s = ValidateGetPaymentState(request); !s.ok()) return s;
  absl::StatusOr<ParsedAnswer> answer =
      api_.Get(absl::StrCat("/v4/Payment/", request.payment_id(), "/PaymentState"),
               (*shop)->pos_key, deadline);
  if (!answer.ok()) return answer.status();
  v1::GetPaymentStateResponse response;
  if (absl::Status s = DecodePaymentState(*answer, &response); !s.ok()) return s;
  RedactCallbackSecret(**shop, response.mutable_callback_url());
  return response;
}

grpc::Status PaymentServiceImpl::GetPaymentState(grpc::ServerContext* context,
                                                 const v1::GetPaymentStateRequest* request,
                                                 v1::GetPaymentStateResponse* response) {
  const absl::Time start = absl::Now();
  absl::StatusOr<v1::GetPaymentStateResponse> result =
      GetPaymentStateUntil(*request, DeadlineOf(context));
  if (result.ok()) *response = *std::move(result);
  return Finish("GetPaymentState", request->shop(), request->payment_id(), start, result.status());
}

grpc::Status PaymentServiceImpl::FinishReservation(grpc::ServerContext* context,
                                                   const v1::FinishReservationRequest* request,
                                                   v1::FinishReservationResponse* response) {
  const absl::Time start = absl::Now();
  absl::Status status = RunPost("/v2/Payment/FinishReservation", *request, DeadlineOf(context),
                                &ValidateFinishReservation, &EncodeFinishReservation,
                                &DecodeFinishReservation, response);
  return Finish("FinishReservation", request->shop(), request->payment_id(), start, status);
}

grpc::Status PaymentServiceImpl::Capture(grpc::ServerContext* context,
                                         const v1::CaptureRequest* request,
                                         v1::CaptureResponse* response) {
  const absl::Time start = absl::Now();
  absl::Status status = RunPost("/v2/Payment/Capture", *request, DeadlineOf(context),
                                &ValidateCapture, &EncodeCapture, &DecodeCapture, response);
  return Finish("Capture", request->shop(), request->payment_id(), start, status);
}

grpc::Status PaymentServiceImpl::CancelAuthorization(grpc::ServerContext* context,
                                                     const v1::CancelAuthorizationRequest* request,
                                                     v1::CancelAuthorizationResponse* response) {
  const absl::Time start = absl::Now();
  absl::Status status = RunPost("/v2/Payment/CancelAuthorization", *request, DeadlineOf(context),
                                &ValidateCancelAuthorization, &EncodeCancelAuthorization,
                                &DecodeCancelAuthorization, response);
  return Finish("CancelAuthorization", request->shop(), request->payment_id(), start, status);
}

grpc::Status PaymentServiceImpl::Refund(grpc::ServerContext* context,
                                        const v1::RefundRequest* request,
                                        v1::RefundResponse* response) {
  const absl::Time start = absl::Now();
  absl::Status status = RunPost("/v2/Payment/Refund", *request, DeadlineOf(context),
                                &ValidateRefund, &EncodeRefund, &DecodeRefund, response);
  return Finish("Refund", request->shop(), request->payment_id(), start, status);
}

grpc::Status PaymentServiceImpl::Complete(grpc::ServerContext* context,
                                          const v1::CompleteRequest* request,
                                          v1::CompleteResponse* response) {
  const absl::Time start = absl::Now();
  absl::Status status = RunPost("/v2/Payment/Complete", *request, DeadlineOf(context),
                                &ValidateComplete, &EncodeComplete, &DecodeComplete, response);
  return Finish("Complete", request->shop(), request->payment_id(), start, status);
}

}  // namespace barion_gateway::server
