#include "server/events/reconciler.h"

#include "gtest/gtest.h"
#include "server/events/sqlite/sqlite_event_store.h"
#include "tests/server/events/function_fetcher.h"

namespace barion_gateway::server {
namespace {

namespace v1 = ::barion::v1;

class ReconcilerTest : public testing::Test {
 protected:
  void SetUp() override {
    static int n = 0;
    store_ =
        *SqliteEventStore::Open(testing::TempDir() + "/reconciler-" + std::to_string(n++) + ".db");
    Reconciler::Options options;
    options.first_check = absl::Seconds(60);
    options.max_interval = absl::Seconds(300);
    reconciler_ = std::make_unique<Reconciler>(store_.get(), store_.get(), &fetcher_, options);
  }
  FunctionFetcher fetcher_{[this](const std::string&, const std::string& payment_id, absl::Time) {
    ++fetches_;
    if (!next_.ok()) return next_;
    v1::GetPaymentStateResponse s = *next_;
    s.set_payment_id(payment_id);
    return FetchedState(s);
  }};
  static v1::GetPaymentStateResponse State(v1::PaymentStatus status) {
    v1::GetPaymentStateResponse s;
    s.set_status(status);
    return s;
  }
  std::vector<WatchedPayment> Watched() {
    return *store_->DueWatchedPayments(absl::InfiniteFuture(), 100);
  }

  std::unique_ptr<SqliteEventStore> store_;
  std::unique_ptr<Reconciler> reconciler_;
  FetchedState next_ = State(v1::PAYMENT_STATUS_PREPARED);
  int fetches_ = 0;
};

TEST_F(ReconcilerTest, ChecksOnlyWhenDueAndBacksOff) {
  reconciler_->Watch("web", "p1");
  reconciler_->RunOnce(absl::Now() + absl::Seconds(30));
  EXPECT_EQ(fetches_, 0) << "not due before first_check";
  reconciler_->RunOnce(absl::Now() + absl::Seconds(61));
  EXPECT_EQ(fetches_, 1);
  ASSERT_EQ(Watched().size(), 1u);
  EXPECT_EQ(Watched()[0].interval, absl::Seconds(120)) << "the gap doubles";
  // The first look records the state it found (the payment was Prepared): one event.
  auto events = *store_->ReadAfter(EventCursor(), {}, 10);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].source(), v1::EVENT_SOURCE_RECONCILIATION);
  // Rescheduled from now: not due again immediately.
  reconciler_->RunOnce(absl::Now() + absl::Seconds(61));
  EXPECT_EQ(fetches_, 1);
}

TEST_F(ReconcilerTest, CapsTheGapAtMaxInterval) {
  reconciler_->Watch("web", "p1");
  for (int i = 0; i < 5; ++i) reconciler_->RunOnce(absl::InfiniteFuture());
  EXPECT_EQ(Watched()[0].interval, absl::Seconds(300));
}

TEST_F(ReconcilerTest, FindsALostChangeAndStopsWatchingAFinalPayment) {
  reconciler_->Watch("web", "p1");
  next_ = State(v1::PAYMENT_STATUS_SUCCEEDED);
  reconciler_->RunOnce(absl::InfiniteFuture());
  auto events = *store_->ReadAfter(EventCursor(), {}, 10);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].snapshot().status(), v1::PAYMENT_STATUS_SUCCEEDED);
  EXPECT_TRUE(Watched().empty());
}

TEST_F(ReconcilerTest, KeepsWatchingWhenBarionFailsAndDropsUnknownPayments) {
  reconciler_->Watch("web", "p1");
  next_ = FetchedState::Failed(absl::UnavailableError("down"), false);
  reconciler_->RunOnce(absl::InfiniteFuture());
  ASSERT_EQ(Watched().size(), 1u);
  EXPECT_EQ(Watched()[0].interval, absl::Seconds(120));
  next_ = FetchedState::Failed(absl::NotFoundError("NotExistingPaymentId"), true);
  reconciler_->RunOnce(absl::InfiniteFuture());
  EXPECT_TRUE(Watched().empty());
}

TEST_F(ReconcilerTest, TheScheduleSurvivesARestart) {
  reconciler_->Watch("web", "p1");
  reconciler_.reset();
  EXPECT_EQ(Watched().size(), 1u);
}

}  // namespace
}  // namespace barion_gateway::server
