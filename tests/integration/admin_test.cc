// The admin listener of a running gateway: /healthz, /readyz, and /metrics counting the RPCs a
// client made, by method and code.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "tests/integration/harness.h"

namespace barion_gateway::testing_support {
namespace {

namespace v1 = ::barion::v1;
using testing::HasSubstr;

TEST(AdminTest, HealthReadinessAndRpcMetrics) {
  Harness h;
  httplib::Client admin("http://" + h.gateway().admin_address());
  auto healthz = admin.Get("/healthz");
  ASSERT_TRUE(healthz);
  EXPECT_EQ(healthz->status, 200);
  auto readyz = admin.Get("/readyz");
  ASSERT_TRUE(readyz);
  EXPECT_EQ(readyz->status, 200);
  EXPECT_EQ(admin.Get("/nothing")->status, 404);
  EXPECT_EQ(admin.Post("/metrics", "", "text/plain")->status, 405);

  v1::StartPaymentResponse started;
  ASSERT_TRUE(h.stub()
                  .StartPayment(Deadline(10).get(), Harness::CardPayment("1000", v1::CURRENCY_HUF),
                                &started)
                  .ok());
  v1::GetPaymentStateRequest bad;
  bad.set_payment_id("not-an-id");
  v1::GetPaymentStateResponse state;
  h.stub().GetPaymentState(Deadline(10).get(), bad, &state);

  auto metrics = admin.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_THAT(metrics->get_header_value("Content-Type"), HasSubstr("version=0.0.4"));
  EXPECT_THAT(metrics->body, HasSubstr("grpc_server_handled_total{grpc_code=\"OK\",grpc_method="
                                       "\"StartPayment\",grpc_service=\"barion.v1.PaymentService\""
                                       ",grpc_type=\"unary\"} 1"));
  EXPECT_THAT(metrics->body,
              HasSubstr("grpc_server_handled_total{grpc_code=\"InvalidArgument\",grpc_method="
                        "\"GetPaymentState\",grpc_service=\"barion.v1.PaymentService\","
                        "grpc_type=\"unary\"} 1"));
  EXPECT_THAT(metrics->body, HasSubstr("barion_gateway_build_info{"));
  EXPECT_THAT(metrics->body, testing::Not(HasSubstr(started.payment_id())));  // never a label
}

}  // namespace
}  // namespace barion_gateway::testing_support
