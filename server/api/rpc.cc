#include "server/api/rpc.h"

#include <array>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "barion/v1/payment_event.pb.h"
#include "barion/v1/payment_service.pb.h"
#include "barion/v1/wallet_service.pb.h"
#include "barion/v1/webhook_service.pb.h"
#include "google/protobuf/descriptor.pb.h"

namespace barion_gateway::server {
namespace {

struct Entry {
  Rpc rpc;
  const char* service;
  const char* method;
};

// The one place a method's name is written; in the order of Rpc.
constexpr Entry kEntries[] = {
    {Rpc::kStartPayment, "barion.v1.PaymentService", "StartPayment"},
    {Rpc::kGetPaymentState, "barion.v1.PaymentService", "GetPaymentState"},
    {Rpc::kFinishReservation, "barion.v1.PaymentService", "FinishReservation"},
    {Rpc::kCapture, "barion.v1.PaymentService", "Capture"},
    {Rpc::kCancelAuthorization, "barion.v1.PaymentService", "CancelAuthorization"},
    {Rpc::kRefund, "barion.v1.PaymentService", "Refund"},
    {Rpc::kComplete, "barion.v1.PaymentService", "Complete"},
    {Rpc::kGetPaymentQrCode, "barion.v1.PaymentService", "GetPaymentQrCode"},
    {Rpc::kStartGooglePayPayment, "barion.v1.PaymentService", "StartGooglePayPayment"},
    {Rpc::kValidateApplePaySession, "barion.v1.PaymentService", "ValidateApplePaySession"},
    {Rpc::kStartApplePayPayment, "barion.v1.PaymentService", "StartApplePayPayment"},
    {Rpc::kListPaymentEvents, "barion.v1.PaymentEventService", "ListPaymentEvents"},
    {Rpc::kSubscribePaymentEvents, "barion.v1.PaymentEventService", "SubscribePaymentEvents"},
    {Rpc::kGetAccounts, "barion.v1.WalletService", "GetAccounts"},
    {Rpc::kSendMoneyByEmail, "barion.v1.WalletService", "SendMoneyByEmail"},
    {Rpc::kSendBankTransfer, "barion.v1.WalletService", "SendBankTransfer"},
    {Rpc::kDownloadStatement, "barion.v1.WalletService", "DownloadStatement"},
    {Rpc::kGetHistory, "barion.v1.WalletService", "GetHistory"},
    {Rpc::kGetHistoryItem, "barion.v1.WalletService", "GetHistoryItem"},
    {Rpc::kCreatePos, "barion.v1.WalletService", "CreatePos"},
    {Rpc::kGetPos, "barion.v1.WalletService", "GetPos"},
    {Rpc::kListWebhookEndpoints, "barion.v1.WebhookService", "ListWebhookEndpoints"},
    {Rpc::kListWebhookDeliveries, "barion.v1.WebhookService", "ListWebhookDeliveries"},
    {Rpc::kRetryWebhookDelivery, "barion.v1.WebhookService", "RetryWebhookDelivery"},
    {Rpc::kReplayWebhookEndpoint, "barion.v1.WebhookService", "ReplayWebhookEndpoint"},
    {Rpc::kSendTestWebhook, "barion.v1.WebhookService", "SendTestWebhook"},
};
static_assert(sizeof(kEntries) / sizeof(kEntries[0]) == kRpcCount, "one entry per Rpc");

[[noreturn]] void Abort(const std::string& why) {
  std::fprintf(stderr, "barion_gateway: %s\n", why.c_str());
  std::abort();
}

RpcIdempotency IdempotencyOf(const google::protobuf::MethodDescriptor& method) {
  switch (method.options().idempotency_level()) {
    case google::protobuf::MethodOptions::NO_SIDE_EFFECTS:
      return RpcIdempotency::kNoSideEffects;
    case google::protobuf::MethodOptions::IDEMPOTENT:
      return RpcIdempotency::kIdempotent;
    default:
      return RpcIdempotency::kUnknown;
  }
}

const std::array<RpcMethod, kRpcCount>& Methods() {
  static const std::array<RpcMethod, kRpcCount>* methods = [] {
    // Referencing a message of each file links its descriptor into the generated pool.
    (void)barion::v1::StartPaymentRequest::descriptor();
    (void)barion::v1::ListPaymentEventsRequest::descriptor();
    (void)barion::v1::GetAccountsRequest::descriptor();
    (void)barion::v1::ListWebhookEndpointsRequest::descriptor();
    auto* all = new std::array<RpcMethod, kRpcCount>();
    const google::protobuf::DescriptorPool* pool =
        google::protobuf::DescriptorPool::generated_pool();
    for (int i = 0; i < kRpcCount; ++i) {
      const Entry& entry = kEntries[i];
      if (static_cast<int>(entry.rpc) != i) Abort("the Rpc table is out of order");
      const google::protobuf::ServiceDescriptor* service = pool->FindServiceByName(entry.service);
      const google::protobuf::MethodDescriptor* method =
          service == nullptr ? nullptr : service->FindMethodByName(entry.method);
      if (method == nullptr) {
        Abort(absl::StrCat("the API has no method ", entry.service, "/", entry.method));
      }
      (*all)[i] = RpcMethod{entry.rpc,
                            method,
                            method->name(),
                            service->full_name(),
                            absl::StrCat("/", service->full_name(), "/", method->name()),
                            IdempotencyOf(*method)};
    }
    return all;
  }();
  return *methods;
}

}  // namespace

const RpcMethod& MethodOf(Rpc rpc) { return Methods()[static_cast<int>(rpc)]; }

const RpcMethod* AllRpcMethods() { return Methods().data(); }

}  // namespace barion_gateway::server
