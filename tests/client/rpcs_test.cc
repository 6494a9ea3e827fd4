// The client's one list of RPCs (client/rpcs.h) covers every unary method of the services it
// serves, and a Connection that overrides nothing answers each with UNIMPLEMENTED naming it.
#include "client/rpcs.h"

#include <set>
#include <string>

#include "absl/strings/match.h"
#include "client/payment_client.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"

namespace barion_gateway::client {
namespace {

namespace v1 = ::barion::v1;

std::set<std::string> UnaryMethodsOf(std::initializer_list<const char*> services) {
  std::set<std::string> names;
  for (const char* name : services) {
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    EXPECT_NE(service, nullptr) << name;
    if (service == nullptr) continue;
    for (int m = 0; m < service->method_count(); ++m) {
      if (!service->method(m)->server_streaming()) names.insert(service->method(m)->name());
    }
  }
  return names;
}

#define NAME_OF(Stub, Method, Request, Response) #Method,

TEST(ClientRpcsTest, TheListsHoldEveryUnaryMethodOfTheServices) {
  const std::set<std::string> payments = {BARION_CLIENT_PAYMENT_RPCS(NAME_OF)};
  const std::set<std::string> wallets = {BARION_CLIENT_WALLET_RPCS(NAME_OF)};
  EXPECT_EQ(payments, UnaryMethodsOf({v1::PaymentService::service_full_name(),
                                      v1::PaymentEventService::service_full_name()}));
  EXPECT_EQ(wallets, UnaryMethodsOf({v1::WalletService::service_full_name()}));
}

#undef NAME_OF

TEST(ClientRpcsTest, AConnectionThatOverridesNothingAnswersUnimplementedNamingTheRpc) {
  Connection payments;
  WalletConnection wallets;
  const absl::Time deadline = absl::Now() + absl::Seconds(1);
  int checked = 0;
  auto check = [&](const char* method, const absl::Status& status) {
    EXPECT_EQ(status.code(), absl::StatusCode::kUnimplemented) << method;
    EXPECT_TRUE(absl::StrContains(status.message(), method)) << status.message();
    ++checked;
  };
#define CALL_PAYMENTS(Stub, Method, Request, Response) \
  check(#Method, payments.Method(v1::Request(), deadline).status());
#define CALL_WALLETS(Stub, Method, Request, Response) \
  check(#Method, wallets.Method(v1::Request(), deadline).status());
  BARION_CLIENT_PAYMENT_RPCS(CALL_PAYMENTS)
  BARION_CLIENT_WALLET_RPCS(CALL_WALLETS)
#undef CALL_PAYMENTS
#undef CALL_WALLETS
  EXPECT_EQ(checked, 19);
  auto stream = payments.SubscribePaymentEvents(v1::SubscribePaymentEventsRequest());
  v1::SubscribePaymentEventsResponse message;
  EXPECT_FALSE(stream->Read(&message));
  EXPECT_EQ(stream->Finish().code(), absl::StatusCode::kUnimplemented);
}

}  // namespace
}  // namespace barion_gateway::client
