#include "server/rpc/payment_service.h"

#include "server/common/safe_text.h"
#include "server/rpc/rpc_support.h"

namespace barion_gateway::server {

namespace v1 = ::barion::v1;

// Each RPC: on the executor, the operation with the call's deadline and cancellation, then the
// shared epilogue with the subject of its log line. The lambdas hold the request and response
// pointers, which gRPC keeps valid until the call is finished.

grpc::ServerUnaryReactor* PaymentServiceImpl::StartPayment(grpc::CallbackServerContext* context,
                                                           const v1::StartPaymentRequest* request,
                                                           v1::StartPaymentResponse* response) {
  return RunOnExecutor(*executor_, edge_, Rpc::kStartPayment, context, [=] {
    return ServeUnary(
        edge_, Rpc::kStartPayment, *context,
        [&](const Call& call) { return payments_->StartPayment(*request, call); },
        [&](const v1::StartPaymentResponse& r) {
          LogFields subject = ShopSubject(request->shop(), r.payment_id());
          subject.push_back({"request_id", SafeText(request->payment_request_id(), 64)});
          return subject;
        },
        response, [&](const auto& r) { return AuditSubjectOf(*request, r.payment_id()); },
        Audited::kMovesMoney);
  });
}

grpc::ServerUnaryReactor* PaymentServiceImpl::GetPaymentState(
    grpc::CallbackServerContext* context, const v1::GetPaymentStateRequest* request,
    v1::GetPaymentStateResponse* response) {
  return RunOnExecutor(*executor_, edge_, Rpc::kGetPaymentState, context, [=] {
    return ServeUnary(
        edge_, Rpc::kGetPaymentState, *context,
        [&](const Call& call) { return payments_->GetPaymentState(*request, call); },
        [&](const v1::GetPaymentStateResponse&) {
          return ShopSubject(request->shop(), request->payment_id());
        },
        response, [&](const auto&) { return AuditSubjectOf(*request); });
  });
}

grpc::ServerUnaryReactor* PaymentServiceImpl::FinishReservation(
    grpc::CallbackServerContext* context, const v1::FinishReservationRequest* request,
    v1::FinishReservationResponse* response) {
  return RunOnExecutor(*executor_, edge_, Rpc::kFinishReservation, context, [=] {
    return ServeUnary(
        edge_, Rpc::kFinishReservation, *context,
        [&](const Call& call) { return payments_->FinishReservation(*request, call); },
        [&](const v1::FinishReservationResponse&) {
          return ShopSubject(request->shop(), request->payment_id());
        },
        response, [&](const auto&) { return AuditSubjectOf(*request); }, Audited::kMovesMoney);
  });
}

grpc::ServerUnaryReactor* PaymentServiceImpl::Capture(grpc::CallbackServerContext* context,
                                                      const v1::CaptureRequest* request,
                                                      v1::CaptureResponse* response) {
  return RunOnExecutor(*executor_, edge_, Rpc::kCapture, context, [=] {
    return ServeUnary(
        edge_, Rpc::kCapture, *context,
        [&](const Call& call) { return payments_->Capture(*request, call); },
        [&](const v1::CaptureResponse&) {
          return ShopSubject(request->shop(), request->payment_id());
        },
        response, [&](const auto&) { return AuditSubjectOf(*request); }, Audited::kMovesMoney);
  });
}

grpc::ServerUnaryReactor* PaymentServiceImpl::CancelAuthorization(
    grpc::CallbackServerContext* context, const v1::CancelAuthorizationRequest* request,
    v1::CancelAuthorizationResponse* response) {
  return RunOnExecutor(*executor_, edge_, Rpc::kCancelAuthorization, context, [=] {
    return ServeUnary(
        edge_, Rpc::kCancelAuthorization, *context,
        [&](const Call& call) { return payments_->CancelAuthorization(*request, call); },
        [&](const v1::CancelAuthorizationResponse&) {
          return ShopSubject(request->shop(), request->payment_id());
        },
        response, [&](const auto&) { return AuditSubjectOf(*request); }, Audited::kMovesMoney);
  });
}

grpc::ServerUnaryReactor* PaymentServiceImpl::Refund(grpc::CallbackServerContext* context,
                                                     const v1::RefundRequest* request,
                                                     v1::RefundResponse* response) {
  return RunOnExecutor(*executor_, edge_, Rpc::kRefund, context, [=] {
    return ServeUnary(
        edge_, Rpc::kRefund, *context,
        [&](const Call& call) { return payments_->Refund(*request, call); },
        [&](const v1::RefundResponse&) {
          return ShopSubject(request->shop(), request->payment_id());
        },
        response, [&](const auto&) { return AuditSubjectOf(*request); }, Audited::kMovesMoney);
  });
}

grpc::ServerUnaryReactor* PaymentServiceImpl::Complete(grpc::CallbackServerContext* context,
                                                       const v1::CompleteRequest* request,
                                                       v1::CompleteResponse* response) {
  return RunOnExecutor(*executor_, edge_, Rpc::kComplete, context, [=] {
    return ServeUnary(
        edge_, Rpc::kComplete, *context,
        [&](const Call& call) { return payments_->Complete(*request, call); },
        [&](const v1::CompleteResponse&) {
          return ShopSubject(request->shop(), request->payment_id());
        },
        response, [&](const auto&) { return AuditSubjectOf(*request); }, Audited::kMovesMoney);
  });
}

grpc::ServerUnaryReactor* PaymentServiceImpl::StartGooglePayPayment(
    grpc::CallbackServerContext* context, const v1::StartGooglePayPaymentRequest* request,
    v1::StartGooglePayPaymentResponse* response) {
  return RunOnExecutor(*executor_, edge_, Rpc::kStartGooglePayPayment, context, [=] {
    return ServeUnary(
        edge_, Rpc::kStartGooglePayPayment, *context,
        [&](const Call& call) { return payments_->StartGooglePayPayment(*request, call); },
        [&](const v1::StartGooglePayPaymentResponse& r) {
          return ShopSubject(request->payment().shop(), r.payment_id());
        },
        response, [&](const auto& r) { return AuditSubjectOf(request->payment(), r.payment_id()); },
        Audited::kMovesMoney);
  });
}

grpc::ServerUnaryReactor* PaymentServiceImpl::StartApplePayPayment(
    grpc::CallbackServerContext* context, const v1::StartApplePayPaymentRequest* request,
    v1::StartApplePayPaymentResponse* response) {
  return RunOnExecutor(*executor_, edge_, Rpc::kStartApplePayPayment, context, [=] {
    return ServeUnary(
        edge_, Rpc::kStartApplePayPayment, *context,
        [&](const Call& call) { return payments_->StartApplePayPayment(*request, call); },
        [&](const v1::StartApplePayPaymentResponse& r) {
          return ShopSubject(request->payment().shop(), r.payment_id());
        },
        response, [&](const auto& r) { return AuditSubjectOf(request->payment(), r.payment_id()); },
        Audited::kMovesMoney);
  });
}

grpc::ServerUnaryReactor* PaymentServiceImpl::ValidateApplePaySession(
    grpc::CallbackServerContext* context, const v1::ValidateApplePaySessionRequest* request,
    v1::ValidateApplePaySessionResponse* response) {
  return RunOnExecutor(*executor_, edge_, Rpc::kValidateApplePaySession, context, [=] {
    return ServeUnary(
        edge_, Rpc::kValidateApplePaySession, *context,
        [&](const Call& call) { return payments_->ValidateApplePaySession(*request, call); },
        [&](const v1::ValidateApplePaySessionResponse& r) {
          return ShopSubject(request->shop(), "");
        },
        response, [&](const auto&) { return AuditSubjectOf(*request); });
  });
}

grpc::ServerUnaryReactor* PaymentServiceImpl::GetPaymentQrCode(
    grpc::CallbackServerContext* context, const v1::GetPaymentQrCodeRequest* request,
    v1::GetPaymentQrCodeResponse* response) {
  return RunOnExecutor(*executor_, edge_, Rpc::kGetPaymentQrCode, context, [=] {
    return ServeUnary(
        edge_, Rpc::kGetPaymentQrCode, *context,
        [&](const Call& call) { return payments_->GetPaymentQrCode(*request, call); },
        [&](const v1::GetPaymentQrCodeResponse&) {
          return ShopSubject(request->shop(), request->payment_id());
        },
        response, [&](const auto&) { return AuditSubjectOf(*request); });
  });
}

}  // namespace barion_gateway::server
