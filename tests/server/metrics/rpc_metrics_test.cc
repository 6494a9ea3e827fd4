// The RPC metrics: go-grpc-prometheus's names and labels, resolved from the service descriptors.
#include "server/metrics/rpc_metrics.h"

#include "barion/v1/payment_event.grpc.pb.h"
#include "barion/v1/payment_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/exposition.h"

namespace barion_gateway::server {
namespace {

using testing_support::ExpositionOf;
using testing_support::SeriesValue;

TEST(RpcMetricsTest, CountsStartedAndHandledCallsByCodeWithTheirDurations) {
  prometheus::Registry registry;
  RpcMetrics metrics(registry);
  const RpcMethodMetrics* start = &metrics.For(Rpc::kStartPayment);
  start->Started();
  start->Started();
  start->Handled(absl::StatusCode::kOk, absl::Milliseconds(3));
  start->Handled(absl::StatusCode::kInvalidArgument, absl::Microseconds(200));
  const std::string text = ExpositionOf(registry);
  const std::string labels =
      "grpc_method=\"StartPayment\",grpc_service=\"barion.v1.PaymentService\","
      "grpc_type=\"unary\"";
  EXPECT_EQ(SeriesValue(text, "grpc_server_started_total{" + labels + "}"), 2);
  EXPECT_EQ(SeriesValue(text, "grpc_server_handled_total{grpc_code=\"OK\"," + labels + "}"), 1);
  EXPECT_EQ(
      SeriesValue(text, "grpc_server_handled_total{grpc_code=\"InvalidArgument\"," + labels + "}"),
      1);
  // Codes never seen have no series (they are made on first use).
  EXPECT_EQ(SeriesValue(text, "grpc_server_handled_total{grpc_code=\"Internal\"," + labels + "}"),
            std::nullopt);
  EXPECT_EQ(SeriesValue(text, "grpc_server_handling_seconds_count{" + labels + "}"), 2);
  // 3 ms falls in the 5 ms bucket, not in the 2.5 ms one.
  EXPECT_EQ(SeriesValue(text, "grpc_server_handling_seconds_bucket{" + labels + ",le=\"0.0025\"}"),
            1);
  EXPECT_EQ(SeriesValue(text, "grpc_server_handling_seconds_bucket{" + labels + ",le=\"0.005\"}"),
            2);
  // Every method of the service has its started series, at zero.
  EXPECT_EQ(SeriesValue(text,
                        "grpc_server_started_total{grpc_method=\"Refund\","
                        "grpc_service=\"barion.v1.PaymentService\",grpc_type=\"unary\"}"),
            0);
  // So has every RPC of the API, each its own series (no two share one).
  for (int i = 0; i < kRpcCount; ++i) {
    const RpcMethod& rpc = AllRpcMethods()[i];
    EXPECT_EQ(
        SeriesValue(text, "grpc_server_started_total{grpc_method=\"" + rpc.name +
                              "\",grpc_service=\"" + rpc.service + "\",grpc_type=\"" +
                              (rpc.descriptor->server_streaming() ? "server_stream" : "unary") +
                              "\"}"),
        rpc.rpc == Rpc::kStartPayment ? 2 : 0)
        << rpc.full_name;
    for (int j = 0; j < i; ++j)
      EXPECT_NE(&metrics.For(rpc.rpc), &metrics.For(AllRpcMethods()[j].rpc));
  }
}

TEST(RpcMetricsTest, StreamMethodsAreServerStreamsAndCountTheirMessages) {
  prometheus::Registry registry;
  RpcMetrics metrics(registry);
  const RpcMethodMetrics* subscribe = &metrics.For(Rpc::kSubscribePaymentEvents);
  subscribe->MessageSent();
  subscribe->MessageSent();
  subscribe->Handled(absl::StatusCode::kUnavailable, absl::Seconds(2));
  const std::string text = ExpositionOf(registry);
  const std::string labels =
      "grpc_method=\"SubscribePaymentEvents\",grpc_service=\"barion.v1.PaymentEventService\","
      "grpc_type=\"server_stream\"";
  EXPECT_EQ(SeriesValue(text, "grpc_server_msg_sent_total{" + labels + "}"), 2);
  EXPECT_EQ(
      SeriesValue(text, "grpc_server_handled_total{grpc_code=\"Unavailable\"," + labels + "}"), 1);
}

TEST(RpcMetricsTest, CodeNamesAreGoGrpcPrometheusNames) {
  EXPECT_EQ(GrpcCodeName(absl::StatusCode::kOk), "OK");
  EXPECT_EQ(GrpcCodeName(absl::StatusCode::kCancelled), "Canceled");
  EXPECT_EQ(GrpcCodeName(absl::StatusCode::kUnauthenticated), "Unauthenticated");
  EXPECT_EQ(GrpcCodeName(static_cast<absl::StatusCode>(99)), "Unknown");
}

}  // namespace
}  // namespace barion_gateway::server
