// Every RPC of the gateway's API as a type: one Rpc value per method of PaymentService,
// PaymentEventService, WalletService and WebhookService, and its RpcMethod resolved from the
// service descriptor the proto generates. Handlers, metrics, authorization and the audit trail
// name an RPC by its value, so a misspelt method does not build instead of silently losing its
// metrics; the table below is the one place a method's name is written, and MethodOf aborts at
// its first use if a name is not in the API (tests/server/api/rpc_test runs it for every value
// and checks that no method of the four services is missing).
#ifndef BARION_GATEWAY_SERVER_API_RPC_H_
#define BARION_GATEWAY_SERVER_API_RPC_H_

#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace barion_gateway::server {

enum class Rpc {
  // barion.v1.PaymentService
  kStartPayment,
  kGetPaymentState,
  kFinishReservation,
  kCapture,
  kCancelAuthorization,
  kRefund,
  kComplete,
  kGetPaymentQrCode,
  kStartGooglePayPayment,
  kValidateApplePaySession,
  kStartApplePayPayment,
  // barion.v1.PaymentEventService
  kListPaymentEvents,
  kSubscribePaymentEvents,
  // barion.v1.WalletService
  kGetAccounts,
  kSendMoneyByEmail,
  kSendBankTransfer,
  kDownloadStatement,
  kGetHistory,
  kGetHistoryItem,
  kCreatePos,
  kGetPos,
  // barion.v1.WebhookService
  kListWebhookEndpoints,
  kListWebhookDeliveries,
  kRetryWebhookDelivery,
  kReplayWebhookEndpoint,
  kSendTestWebhook,
};
inline constexpr int kRpcCount = static_cast<int>(Rpc::kSendTestWebhook) + 1;

// What sending a call again can do, as the proto declares it (idempotency_level).
enum class RpcIdempotency {
  kNoSideEffects,  // a read: moves no money
  kIdempotent,     // a repeat has the effect of one call (StartPayment, by payment_request_id)
  kUnknown,        // moves money once per send
};

// One RPC as its service descriptor declares it.
struct RpcMethod {
  Rpc rpc;
  const google::protobuf::MethodDescriptor* descriptor;
  std::string name;       // "Capture": the log's rpc field
  std::string service;    // "barion.v1.PaymentService"
  std::string full_name;  // "/barion.v1.PaymentService/Capture": what authorization checks
  RpcIdempotency idempotency;
};

// The RPC `rpc`, resolved once. Thread-safe.
const RpcMethod& MethodOf(Rpc rpc);

// The RPCs of the four services, in the order of Rpc.
const RpcMethod* AllRpcMethods();

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_API_RPC_H_
