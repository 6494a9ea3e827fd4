// The RPC metrics in Prometheus's text format, with go-grpc-prometheus's names and labels.
#include "server/metrics/rpc_metrics.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace barion_gateway::server {
namespace {

using testing::HasSubstr;

TEST(GatewayMetricsTest, CountsStartedAndHandledCallsAndTheirDurations) {
  GatewayMetrics metrics("1.2.3", "abc123");
  metrics.RpcStarted("unary", "barion.v1.PaymentService", "StartPayment");
  metrics.RpcStarted("unary", "barion.v1.PaymentService", "StartPayment");
  metrics.RpcHandled("unary", "barion.v1.PaymentService", "StartPayment", "OK",
                     absl::Milliseconds(3));
  metrics.RpcHandled("unary", "barion.v1.PaymentService", "StartPayment", "InvalidArgument",
                     absl::Microseconds(200));
  const std::string text = metrics.Exposition();
  EXPECT_THAT(text, HasSubstr("# TYPE grpc_server_started_total counter"));
  EXPECT_THAT(text, HasSubstr("grpc_server_started_total{grpc_method=\"StartPayment\","
                              "grpc_service=\"barion.v1.PaymentService\",grpc_type=\"unary\"} 2"));
  EXPECT_THAT(text, HasSubstr("grpc_server_handled_total{grpc_code=\"OK\",grpc_method="
                              "\"StartPayment\",grpc_service=\"barion.v1.PaymentService\","
                              "grpc_type=\"unary\"} 1"));
  EXPECT_THAT(text, HasSubstr("grpc_code=\"InvalidArgument\""));
  EXPECT_THAT(text, HasSubstr("grpc_server_handling_seconds_count{grpc_method=\"StartPayment\","
                              "grpc_service=\"barion.v1.PaymentService\",grpc_type=\"unary\"} 2"));
  // 3 ms falls in the 5 ms bucket, not in the 2.5 ms one.
  EXPECT_THAT(text, HasSubstr("grpc_type=\"unary\",le=\"0.0025\"} 1"));
  EXPECT_THAT(text, HasSubstr("grpc_type=\"unary\",le=\"0.005\"} 2"));
  EXPECT_THAT(text, HasSubstr("barion_gateway_build_info{commit=\"abc123\",version=\"1.2.3\"} 1"));
}

}  // namespace
}  // namespace barion_gateway::server
