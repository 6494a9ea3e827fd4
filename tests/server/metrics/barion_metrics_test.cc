// The Barion call metrics: endpoint templates instead of paths with ids, outcomes, status
// classes, Barion's error codes within a bound, and the transport's gauges.
#include "server/metrics/barion_metrics.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/exposition.h"

namespace barion_gateway::server {
namespace {

using testing_support::ExpositionOf;
using testing_support::SeriesValue;

const std::vector<std::string> kEndpoints = {
    "/v2/Payment/Start", "/v4/Payment/{PaymentId}/PaymentState", "/v1/Pos", "/v1/Pos/{PublicKey}"};

TEST(BarionMetricsTest, PathsWithIdsCountUnderTheirTemplate) {
  prometheus::Registry registry;
  BarionMetrics metrics(registry, kEndpoints);
  EXPECT_EQ(metrics.EndpointOf("/v4/Payment/0123abcd/PaymentState"),
            "/v4/Payment/{PaymentId}/PaymentState");
  EXPECT_EQ(metrics.EndpointOf("/v1/Pos/key?x=1"), "/v1/Pos/{PublicKey}");
  EXPECT_EQ(metrics.EndpointOf("/v1/Pos"), "/v1/Pos");
  EXPECT_EQ(metrics.EndpointOf("/v2/Payment/Start?a=b"), "/v2/Payment/Start");
  EXPECT_EQ(metrics.EndpointOf("/v4/Payment//PaymentState"), "other");
  EXPECT_EQ(metrics.EndpointOf("/v9/Whatever/secret-id"), "other");
  BarionCall call;
  call.path = "/v4/Payment/0123abcd/PaymentState?x=1";
  call.http_status = 200;
  call.took = absl::Milliseconds(20);
  metrics.BarionCalled(call);
  call.path = "/v4/Payment/ffff/PaymentState";
  metrics.BarionCalled(call);
  const std::string text = ExpositionOf(registry);
  const std::string endpoint = "endpoint=\"/v4/Payment/{PaymentId}/PaymentState\"";
  EXPECT_EQ(
      SeriesValue(text, "barion_gateway_barion_requests_total{" + endpoint + ",outcome=\"ok\"}"),
      2);
  EXPECT_EQ(SeriesValue(text, "barion_gateway_barion_responses_total{" + endpoint +
                                  ",status_class=\"2xx\"}"),
            2);
  EXPECT_EQ(
      SeriesValue(text, "barion_gateway_barion_request_duration_seconds_count{" + endpoint + "}"),
      2);
  EXPECT_THAT(text, testing::Not(testing::HasSubstr("0123abcd")));
}

TEST(BarionMetricsTest, FailuresCountByOutcomeAndBarionErrorsByCode) {
  prometheus::Registry registry;
  BarionMetrics metrics(registry, kEndpoints);
  BarionCall timeout;
  timeout.path = "/v2/Payment/Start";
  timeout.failure = UpstreamFailure::kTimeout;
  metrics.BarionCalled(timeout);
  BarionCall limited;
  limited.path = "/v2/Payment/Start";
  limited.http_status = 429;
  limited.failure = UpstreamFailure::kRateLimited;
  metrics.BarionCalled(limited);
  std::vector<BarionError> errors(2);
  errors[0].error_code = "InvalidCurrency";
  errors[1].error_code = "bad code with \"quotes\"";
  BarionCall refused;
  refused.path = "/v2/Payment/Start";
  refused.http_status = 400;
  refused.failure = UpstreamFailure::kBarionError;
  refused.errors = &errors;
  metrics.BarionCalled(refused);
  const std::string text = ExpositionOf(registry);
  const std::string start = "endpoint=\"/v2/Payment/Start\"";
  EXPECT_EQ(
      SeriesValue(text, "barion_gateway_barion_requests_total{" + start + ",outcome=\"timeout\"}"),
      1);
  EXPECT_EQ(SeriesValue(text, "barion_gateway_barion_requests_total{" + start +
                                  ",outcome=\"rate_limited\"}"),
            1);
  EXPECT_EQ(SeriesValue(text, "barion_gateway_barion_requests_total{" + start +
                                  ",outcome=\"barion_error\"}"),
            1);
  EXPECT_EQ(SeriesValue(
                text, "barion_gateway_barion_responses_total{" + start + ",status_class=\"4xx\"}"),
            2);
  EXPECT_EQ(SeriesValue(text, "barion_gateway_barion_errors_total{" + start +
                                  ",error_code=\"InvalidCurrency\"}"),
            1);
  // A code that is not plain text is "other", never echoed into a label.
  EXPECT_EQ(
      SeriesValue(text, "barion_gateway_barion_errors_total{" + start + ",error_code=\"other\"}"),
      1);
  EXPECT_THAT(text, testing::Not(testing::HasSubstr("quotes")));
}

TEST(BarionMetricsTest, DistinctErrorCodesAreBounded) {
  prometheus::Registry registry;
  BarionMetrics metrics(registry, kEndpoints);
  std::vector<BarionError> errors(1);
  BarionCall refused;
  refused.path = "/v2/Payment/Start";
  refused.failure = UpstreamFailure::kBarionError;
  refused.errors = &errors;
  for (int i = 0; i < BarionMetrics::kMaxErrorSeries + 50; ++i) {
    errors[0].error_code = "Code" + std::to_string(i);
    metrics.BarionCalled(refused);
  }
  const std::string text = ExpositionOf(registry);
  int series = 0;
  for (size_t at = text.find("barion_gateway_barion_errors_total{"); at != std::string::npos;
       at = text.find("barion_gateway_barion_errors_total{", at + 1)) {
    ++series;
  }
  EXPECT_EQ(series, BarionMetrics::kMaxErrorSeries + 1);  // and "other"
  EXPECT_EQ(SeriesValue(text,
                        "barion_gateway_barion_errors_total{endpoint=\"/v2/Payment/Start\","
                        "error_code=\"other\"}"),
            50);
}

TEST(BarionMetricsTest, TransportStatsSetTheGaugesAndTheHandshakeCounter) {
  prometheus::Registry registry;
  BarionMetrics metrics(registry, kEndpoints);
  TransportStats stats;
  stats.connections_in_use = 3;
  stats.connections_idle = 5;
  stats.waiting = 2;
  stats.in_flight = 4;
  stats.tls_handshakes = 7;
  metrics.SetTransportStats(stats);
  stats.tls_handshakes = 9;
  metrics.SetTransportStats(stats);
  const std::string text = ExpositionOf(registry);
  EXPECT_EQ(SeriesValue(text, "barion_gateway_barion_connections{state=\"in_use\"}"), 3);
  EXPECT_EQ(SeriesValue(text, "barion_gateway_barion_connections{state=\"idle\"}"), 5);
  EXPECT_EQ(SeriesValue(text, "barion_gateway_barion_waiting_calls"), 2);
  EXPECT_EQ(SeriesValue(text, "barion_gateway_barion_calls_in_flight"), 4);
  EXPECT_EQ(SeriesValue(text, "barion_gateway_barion_tls_handshakes_total"), 9);
}

}  // namespace
}  // namespace barion_gateway::server
