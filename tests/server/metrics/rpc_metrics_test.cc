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

const google::protobuf::ServiceDescriptor& Service(const std::string& name) {
  return *google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
}

TEST(RpcMetricsTest, CountsStartedAndHandledCallsByCodeWithTheirDurations) {
  prometheus::Registry registry;
  RpcMetrics metrics(registry);
  const RpcServiceMetrics* service = metrics.ForService(Service("barion.v1.PaymentService"));
  const RpcMethodMetrics* start = service->Find("StartPayment");
  ASSERT_NE(start, nullptr);
  EXPECT_EQ(service->Find("NoSuchMethod"), nullptr);
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
}

TEST(RpcMetricsTest, StreamMethodsAreServerStreamsAndCountTheirMessages) {
  prometheus::Registry registry;
  RpcMetrics metrics(registry);
  const RpcServiceMetrics* service = metrics.ForService(Service("barion.v1.PaymentEventService"));
  const RpcMethodMetrics* subscribe = service->Find("SubscribePaymentEvents");
  ASSERT_NE(subscribe, nullptr);
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
