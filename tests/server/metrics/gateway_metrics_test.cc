// The gateway's registry: build info, scrape hooks, the pipeline's and the operations' series.
#include "server/metrics/gateway_metrics.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/exposition.h"

namespace barion_gateway::server {
namespace {

using testing_support::SeriesValue;

TEST(GatewayMetricsTest, ExposesBuildInfoAndRunsScrapeHooksFirst) {
  GatewayMetrics metrics("1.2.3", "abc123", {"/v2/Payment/Start"});
  int scrapes = 0;
  metrics.AddScrapeHook([&] {
    ++scrapes;
    metrics.pipeline().SetInbox(scrapes * 10, absl::Seconds(30));
  });
  std::string text = metrics.Exposition();
  EXPECT_EQ(SeriesValue(text, "barion_gateway_build_info{commit=\"abc123\",version=\"1.2.3\"}"), 1);
  EXPECT_EQ(SeriesValue(text, "barion_gateway_callback_inbox_backlog"), 10);
  EXPECT_EQ(SeriesValue(text, "barion_gateway_callback_inbox_oldest_age_seconds"), 30);
  text = metrics.Exposition();
  EXPECT_EQ(SeriesValue(text, "barion_gateway_callback_inbox_backlog"), 20);
  EXPECT_THAT(text, testing::HasSubstr("# TYPE barion_gateway_callback_inbox_backlog gauge"));
}

TEST(GatewayMetricsTest, PipelineSeriesExistAtZeroAndCount) {
  GatewayMetrics metrics("1", "c", {});
  std::string text = metrics.Exposition();
  for (const char* result : {"accepted", "bad_request", "unknown_shop", "wrong_secret",
                             "method_not_allowed", "not_recorded"}) {
    EXPECT_EQ(SeriesValue(text, std::string("barion_gateway_callbacks_received_total{result=\"") +
                                    result + "\"}"),
              0)
        << result;
  }
  PipelineMetrics& p = metrics.pipeline();
  p.Received(CallbackReceipt::kWrongSecret);
  p.Processed(CallbackOutcome::kDuplicate, 3);
  p.Appended(barion::v1::EVENT_SOURCE_RECONCILIATION);
  p.SubscriberOpened();
  p.SubscriberOpened();
  p.SubscriberClosed();
  p.Delivered();
  p.SubscriberDropped();
  p.ReplayRead();
  p.StoreError(StoreOperation::kAppend);  // a typed operation: no name to misspell
  p.Checked(ReconcileOutcome::kFetchFailed);
  p.SetWatched(4, absl::Seconds(-3));  // not overdue: 0
  p.CallbackBecameEvent(absl::Milliseconds(40));
  metrics.operations().Ledger(LedgerResult::kRepeat);
  metrics.operations().Denied("SHOP_NOT_ALLOWED");
  metrics.operations().Denied("something else");
  text = metrics.Exposition();
  EXPECT_EQ(SeriesValue(text, "barion_gateway_callbacks_received_total{result=\"wrong_secret\"}"),
            1);
  EXPECT_EQ(SeriesValue(text, "barion_gateway_callbacks_processed_total{result=\"duplicate\"}"), 3);
  EXPECT_EQ(SeriesValue(text, "barion_gateway_events_appended_total{source=\"reconciliation\"}"),
            1);
  EXPECT_EQ(SeriesValue(text, "barion_gateway_event_subscribers"), 1);
  EXPECT_EQ(SeriesValue(text, "barion_gateway_event_messages_delivered_total"), 1);
  EXPECT_EQ(SeriesValue(text, "barion_gateway_event_subscribers_dropped_total"), 1);
  EXPECT_EQ(SeriesValue(text, "barion_gateway_event_replay_reads_total"), 1);
  EXPECT_EQ(SeriesValue(text, "barion_gateway_event_store_errors_total{operation=\"append\"}"), 1);
  EXPECT_EQ(SeriesValue(text, "barion_gateway_reconciler_checks_total{result=\"fetch_failed\"}"),
            1);
  EXPECT_EQ(SeriesValue(text, "barion_gateway_reconciler_watched_payments"), 4);
  EXPECT_EQ(SeriesValue(text, "barion_gateway_reconciler_oldest_overdue_seconds"), 0);
  EXPECT_EQ(SeriesValue(text, "barion_gateway_callback_to_event_seconds_count"), 1);
  EXPECT_EQ(SeriesValue(text, "barion_gateway_start_ledger_total{result=\"repeat\"}"), 1);
  EXPECT_EQ(SeriesValue(text, "barion_gateway_auth_denials_total{reason=\"SHOP_NOT_ALLOWED\"}"), 1);
  EXPECT_EQ(SeriesValue(text, "barion_gateway_auth_denials_total{reason=\"other\"}"), 1);
}

}  // namespace
}  // namespace barion_gateway::server
