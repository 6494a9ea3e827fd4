// The C++ client library against the real gateway and sandbox.
#include <thread>

#include "absl/strings/str_cat.h"
#include "client/payment_client.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "tests/integration/harness.h"

namespace barion_gateway::testing_support {
namespace {

TEST(ClientLibraryTest, TakesAPaymentAndSeesItsEvent) {
  Harness h;
  auto connection = client::MakeGrpcConnection(
      grpc::CreateChannel(h.gateway().grpc_address(), grpc::InsecureChannelCredentials()));
  client::PaymentClient payments(connection);
  // Subscribe before the payment exists, from the current end of the log.
  barion::v1::SubscribePaymentEventsRequest request;
  client::EventSubscription events(connection, request);

  absl::StatusOr<barion::v1::StartPaymentResponse> started =
      payments.StartPayment(Harness::CardPayment("1200", barion::v1::CURRENCY_HUF));
  ASSERT_TRUE(started.ok()) << started.status();
  ASSERT_EQ(h.Control(absl::StrCat("payments/", started->payment_id(), "/pay"), "{}"), 200);

  absl::StatusOr<barion::v1::PaymentEvent> event = events.Next();
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->payment_id(), started->payment_id());
  EXPECT_EQ(event->snapshot().status(), barion::v1::PAYMENT_STATUS_SUCCEEDED);
  EXPECT_EQ(events.cursor(), event->cursor());

  barion::v1::GetPaymentStateRequest unknown;
  unknown.set_payment_id("0123456789abcdef0123456789abcdef");
  absl::Status s = payments.GetPaymentState(unknown).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(client::DetailsOf(s).reason(), "NotExistingPaymentId");
  events.Stop();
}

}  // namespace
}  // namespace barion_gateway::testing_support
