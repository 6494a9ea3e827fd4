// The typed RPCs: every value names a method of the API, every method of the four services has
// exactly one value, and each carries the idempotency its proto declares.
#include "server/api/rpc.h"

#include <set>
#include <string>

#include "barion/v1/payment_event.pb.h"
#include "barion/v1/payment_service.pb.h"
#include "barion/v1/wallet_service.pb.h"
#include "barion/v1/webhook_service.pb.h"
#include "gtest/gtest.h"

namespace barion_gateway::server {
namespace {

TEST(RpcTest, EveryValueIsAMethodOfTheApiNamedOnce) {
  std::set<std::string> full_names;
  for (int i = 0; i < kRpcCount; ++i) {
    const RpcMethod& method = AllRpcMethods()[i];
    EXPECT_EQ(static_cast<int>(method.rpc), i);
    EXPECT_EQ(&MethodOf(method.rpc), &method);
    ASSERT_NE(method.descriptor, nullptr);
    EXPECT_EQ(method.name, method.descriptor->name());
    EXPECT_EQ(method.service, method.descriptor->service()->full_name());
    EXPECT_EQ(method.full_name, "/" + method.service + "/" + method.name);
    EXPECT_TRUE(full_names.insert(method.full_name).second) << method.full_name;
  }
  EXPECT_EQ(MethodOf(Rpc::kGetPaymentState).full_name, "/barion.v1.PaymentService/GetPaymentState");
  EXPECT_EQ(MethodOf(Rpc::kSubscribePaymentEvents).full_name,
            "/barion.v1.PaymentEventService/SubscribePaymentEvents");
  EXPECT_EQ(MethodOf(Rpc::kSendTestWebhook).name, "SendTestWebhook");
}

TEST(RpcTest, EveryMethodOfTheFourServicesHasAValue) {
  std::set<std::string> typed;
  for (int i = 0; i < kRpcCount; ++i) typed.insert(AllRpcMethods()[i].full_name);
  int methods = 0;
  for (const google::protobuf::FileDescriptor* file :
       {barion::v1::StartPaymentRequest::descriptor()->file(),
        barion::v1::ListPaymentEventsRequest::descriptor()->file(),
        barion::v1::GetAccountsRequest::descriptor()->file(),
        barion::v1::ListWebhookEndpointsRequest::descriptor()->file()}) {
    ASSERT_EQ(file->service_count(), 1) << file->name();
    const google::protobuf::ServiceDescriptor* service = file->service(0);
    for (int m = 0; m < service->method_count(); ++m, ++methods) {
      const std::string full = "/" + service->full_name() + "/" + service->method(m)->name();
      EXPECT_EQ(typed.count(full), 1u) << full << " has no Rpc value";
    }
  }
  EXPECT_EQ(methods, kRpcCount);
}

TEST(RpcTest, IdempotencyIsWhatTheProtoDeclares) {
  std::set<Rpc> reads;
  for (int i = 0; i < kRpcCount; ++i) {
    const RpcMethod& method = AllRpcMethods()[i];
    if (method.idempotency == RpcIdempotency::kNoSideEffects) reads.insert(method.rpc);
  }
  EXPECT_EQ(reads, (std::set<Rpc>{
                       Rpc::kGetPaymentState, Rpc::kGetPaymentQrCode, Rpc::kValidateApplePaySession,
                       Rpc::kListPaymentEvents, Rpc::kSubscribePaymentEvents, Rpc::kGetAccounts,
                       Rpc::kDownloadStatement, Rpc::kGetHistory, Rpc::kGetHistoryItem,
                       Rpc::kGetPos, Rpc::kListWebhookEndpoints, Rpc::kListWebhookDeliveries}));
  EXPECT_EQ(MethodOf(Rpc::kStartPayment).idempotency, RpcIdempotency::kIdempotent);
  for (Rpc mutation :
       {Rpc::kCapture, Rpc::kRefund, Rpc::kFinishReservation, Rpc::kCancelAuthorization,
        Rpc::kComplete, Rpc::kStartGooglePayPayment, Rpc::kStartApplePayPayment,
        Rpc::kSendMoneyByEmail, Rpc::kSendBankTransfer, Rpc::kCreatePos, Rpc::kRetryWebhookDelivery,
        Rpc::kReplayWebhookEndpoint, Rpc::kSendTestWebhook}) {
    EXPECT_EQ(MethodOf(mutation).idempotency, RpcIdempotency::kUnknown) << MethodOf(mutation).name;
  }
}

}  // namespace
}  // namespace barion_gateway::server
