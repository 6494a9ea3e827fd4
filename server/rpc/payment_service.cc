#include "server/rpc/payment_service.h"

#include "server/common/safe_text.h"
#include "server/rpc/rpc_support.h"

namespace barion_gateway::server {

namespace v1 = ::barion::v1;

// Each RPC: the operation with the call's deadline and cancellation, then the shared epilogue
// with the subject of its log line.

grpc::Status PaymentServiceImpl::StartPayment(grpc::ServerContext* context,
                                              const v1::StartPaymentRequest* request,
                                              v1::StartPaymentResponse* response) {
  return ServeUnary(
      edge_, "StartPayment", *context,
      [&](const Call& call) { return payments_->StartPayment(*request, call); },
      [&](const v1::StartPaymentResponse& r) {
        LogFields subject = ShopSubject(request->shop(), r.payment_id());
        subject.push_back({"request_id", SafeText(request->payment_request_id(), 64)});
        return subject;
      },
      response, [&](const auto& r) { return AuditSubjectOf(*request, r.payment_id()); });
}

grpc::Status PaymentServiceImpl::GetPaymentState(grpc::ServerContext* context,
                                                 const v1::GetPaymentStateRequest* request,
                                                 v1::GetPaymentStateResponse* response) {
  return ServeUnary(
      edge_, "GetPaymentState", *context,
      [&](const Call& call) { return payments_->GetPaymentState(*request, call); },
      [&](const v1::GetPaymentStateResponse&) {
        return ShopSubject(request->shop(), request->payment_id());
      },
      response);
}

grpc::Status PaymentServiceImpl::FinishReservation(grpc::ServerContext* context,
                                                   const v1::FinishReservationRequest* request,
                                                   v1::FinishReservationResponse* response) {
  return ServeUnary(
      edge_, "FinishReservation", *context,
      [&](const Call& call) { return payments_->FinishReservation(*request, call); },
      [&](const v1::FinishReservationResponse&) {
        return ShopSubject(request->shop(), request->payment_id());
      },
      response, [&](const auto&) { return AuditSubjectOf(*request); });
}

grpc::Status PaymentServiceImpl::Capture(grpc::ServerContext* context,
                                         const v1::CaptureRequest* request,
                                         v1::CaptureResponse* response) {
  return ServeUnary(
      edge_, "Capture", *context,
      [&](const Call& call) { return payments_->Capture(*request, call); },
      [&](const v1::CaptureResponse&) {
        return ShopSubject(request->shop(), request->payment_id());
      },
      response, [&](const auto&) { return AuditSubjectOf(*request); });
}

grpc::Status PaymentServiceImpl::CancelAuthorization(grpc::ServerContext* context,
                                                     const v1::CancelAuthorizationRequest* request,
                                                     v1::CancelAuthorizationResponse* response) {
  return ServeUnary(
      edge_, "CancelAuthorization", *context,
      [&](const Call& call) { return payments_->CancelAuthorization(*request, call); },
      [&](const v1::CancelAuthorizationResponse&) {
        return ShopSubject(request->shop(), request->payment_id());
      },
      response, [&](const auto&) { return AuditSubjectOf(*request); });
}

grpc::Status PaymentServiceImpl::Refund(grpc::ServerContext* context,
                                        const v1::RefundRequest* request,
                                        v1::RefundResponse* response) {
  return ServeUnary(
      edge_, "Refund", *context,
      [&](const Call& call) { return payments_->Refund(*request, call); },
      [&](const v1::RefundResponse&) {
        return ShopSubject(request->shop(), request->payment_id());
      },
      response, [&](const auto&) { return AuditSubjectOf(*request); });
}

grpc::Status PaymentServiceImpl::Complete(grpc::ServerContext* context,
                                          const v1::CompleteRequest* request,
                                          v1::CompleteResponse* response) {
  return ServeUnary(
      edge_, "Complete", *context,
      [&](const Call& call) { return payments_->Complete(*request, call); },
      [&](const v1::CompleteResponse&) {
        return ShopSubject(request->shop(), request->payment_id());
      },
      response, [&](const auto&) { return AuditSubjectOf(*request); });
}

grpc::Status PaymentServiceImpl::StartGooglePayPayment(
    grpc::ServerContext* context, const v1::StartGooglePayPaymentRequest* request,
    v1::StartGooglePayPaymentResponse* response) {
  return ServeUnary(
      edge_, "StartGooglePayPayment", *context,
      [&](const Call& call) { return payments_->StartGooglePayPayment(*request, call); },
      [&](const v1::StartGooglePayPaymentResponse& r) {
        return ShopSubject(request->payment().shop(), r.payment_id());
      },
      response, [&](const auto& r) { return AuditSubjectOf(request->payment(), r.payment_id()); });
}

grpc::Status PaymentServiceImpl::StartApplePayPayment(
    grpc::ServerContext* context, const v1::StartApplePayPaymentRequest* request,
    v1::StartApplePayPaymentResponse* response) {
  return ServeUnary(
      edge_, "StartApplePayPayment", *context,
      [&](const Call& call) { return payments_->StartApplePayPayment(*request, call); },
      [&](const v1::StartApplePayPaymentResponse& r) {
        return ShopSubject(request->payment().shop(), r.payment_id());
      },
      response, [&](const auto& r) { return AuditSubjectOf(request->payment(), r.payment_id()); });
}

grpc::Status PaymentServiceImpl::ValidateApplePaySession(
    grpc::ServerContext* context, const v1::ValidateApplePaySessionRequest* request,
    v1::ValidateApplePaySessionResponse* response) {
  return ServeUnary(
      edge_, "ValidateApplePaySession", *context,
      [&](const Call& call) { return payments_->ValidateApplePaySession(*request, call); },
      [&](const v1::ValidateApplePaySessionResponse& r) {
        return ShopSubject(request->shop(), "");
      },
      response);
}

grpc::Status PaymentServiceImpl::GetPaymentQrCode(grpc::ServerContext* context,
                                                  const v1::GetPaymentQrCodeRequest* request,
                                                  v1::GetPaymentQrCodeResponse* response) {
  return ServeUnary(
      edge_, "GetPaymentQrCode", *context,
      [&](const Call& call) { return payments_->GetPaymentQrCode(*request, call); },
      [&](const v1::GetPaymentQrCodeResponse&) {
        return ShopSubject(request->shop(), request->payment_id());
      },
      response);
}

}  // namespace barion_gateway::server
