#include "server/events/callback_processor.h"

#include <deque>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "server/common/log.h"
#include "server/events/sqlite/sqlite_event_store.h"
#include "tests/server/events/function_fetcher.h"
#include "tests/support/exposition.h"
#include "tests/support/stderr_capture.h"

namespace barion_gateway::server {
namespace {

namespace v1 = ::barion::v1;

// Answers PaymentState fetches from a script, and counts them.
class ScriptedBarion {
 public:
  void Next(FetchedState answer) {
    absl::MutexLock lock(&mu_);
    answers_.push_back(std::move(answer));
  }
  int fetches() {
    absl::MutexLock lock(&mu_);
    return fetches_;
  }
  PaymentStateFetcher* Fetcher() { return &fetcher_; }

 private:
  FetchedState Fetch(const std::string& payment_id) {
    absl::MutexLock lock(&mu_);
    ++fetches_;
    if (answers_.empty()) {
      return FetchedState::Failed(absl::UnavailableError("no answer scripted"), false);
    }
    FetchedState a = answers_.front();
    answers_.pop_front();
    if (a.ok()) (*a).set_payment_id(payment_id);
    return a;
  }

  absl::Mutex mu_;
  std::deque<FetchedState> answers_ ABSL_GUARDED_BY(mu_);
  int fetches_ ABSL_GUARDED_BY(mu_) = 0;
  FunctionFetcher fetcher_{[this](const std::string&, const std::string& payment_id, absl::Time) {
    return Fetch(payment_id);
  }};
};

v1::GetPaymentStateResponse State(v1::PaymentStatus status, const std::string& total = "100") {
  v1::GetPaymentStateResponse s;
  s.set_status(status);
  s.set_total(total);
  return s;
}

class CallbackProcessorTest : public testing::Test {
 protected:
  // The processor's clock: real time, or a frozen time the test moves.
  absl::Time Clock() {
    absl::MutexLock lock(&clock_mu_);
    return frozen_.value_or(absl::Now());
  }
  void Freeze() {
    absl::MutexLock lock(&clock_mu_);
    frozen_ = absl::Now();
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&clock_mu_);
    *frozen_ += d;
  }
  absl::Mutex clock_mu_;
  std::optional<absl::Time> frozen_ ABSL_GUARDED_BY(clock_mu_);

  void SetUp() override {
    static int n = 0;
    store_ =
        *SqliteEventStore::Open(testing::TempDir() + "/processor-" + std::to_string(n++) + ".db");
    CallbackProcessor::Options options;
    options.initial_backoff = absl::Milliseconds(50);
    options.max_backoff = absl::Milliseconds(200);
    options.clock = [this] { return Clock(); };
    processor_ = std::make_unique<CallbackProcessor>(store_.get(), barion_.Fetcher(), options);
  }
  std::vector<v1::PaymentEvent> Events() { return *store_->ReadAfter(EventCursor(), {}, 100); }

  std::unique_ptr<SqliteEventStore> store_;
  ScriptedBarion barion_;
  std::unique_ptr<CallbackProcessor> processor_;
};

TEST_F(CallbackProcessorTest, TurnsACallbackIntoAnEventWithTheFullSnapshot) {
  ASSERT_TRUE(store_->RecordCallback("web", "p1", absl::Now()).ok());
  barion_.Next(State(v1::PAYMENT_STATUS_SUCCEEDED, "12990"));
  processor_->RunOnce();
  std::vector<v1::PaymentEvent> events = Events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].shop(), "web");
  EXPECT_EQ(events[0].payment_id(), "p1");
  EXPECT_EQ(events[0].snapshot().status(), v1::PAYMENT_STATUS_SUCCEEDED);
  EXPECT_EQ(events[0].snapshot().total(), "12990");
  EXPECT_EQ(events[0].source(), v1::EVENT_SOURCE_CALLBACK);
  EXPECT_TRUE(events[0].has_observed_at());
  EXPECT_TRUE(store_->PendingCallbacks(10)->empty());
}

// A change made by an RPC carries the call's trace id to the log line of the event it causes,
// also when a callback for the same payment shares the fetch; the receipts are counted.
TEST_F(CallbackProcessorTest, AnRpcMadeChangeLogsItsEventWithTheCallsTraceId) {
  prometheus::Registry registry;
  PipelineMetrics metrics(registry);
  CallbackProcessor::Options options;
  options.metrics = &metrics;
  CallbackProcessor processor(store_.get(), barion_.Fetcher(), options);
  const std::string trace = "4bf92f3577b34da6a3ce929d0e0e4736";
  ASSERT_TRUE(store_->RecordCallback("web", "p1", absl::Now()).ok());
  ASSERT_TRUE(store_->RecordCallback("web", "p1", absl::Now(), v1::EVENT_SOURCE_RPC, trace).ok());
  EXPECT_EQ((*store_->PendingCallbacks(10))[1].trace_id, trace);
  barion_.Next(State(v1::PAYMENT_STATUS_SUCCEEDED));
  testing_support::StderrCapture capture;
  SetLogFormat(LogFormat::kJson);
  processor.RunOnce();
  SetLogFormat(LogFormat::kText);
  const std::string log = capture.Text();
  EXPECT_NE(log.find("\"msg\":\"event\""), std::string::npos) << log;
  EXPECT_NE(log.find("\"trace_id\":\"" + trace + "\""), std::string::npos) << log;
  ASSERT_EQ(Events().size(), 1u);
  std::ostringstream text;
  prometheus::TextSerializer().Serialize(text, registry.Collect());
  EXPECT_NE(text.str().find("barion_gateway_callbacks_processed_total{result=\"event\"} 2"),
            std::string::npos)
      << text.str();
  EXPECT_NE(text.str().find("barion_gateway_callback_to_event_seconds_count 1"), std::string::npos);
}

TEST_F(CallbackProcessorTest, DuplicateCallbacksShareOneFetchAndMakeOneEvent) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(store_->RecordCallback("web", "p1", absl::Now()).ok());
  barion_.Next(State(v1::PAYMENT_STATUS_SUCCEEDED));
  processor_->RunOnce();
  EXPECT_EQ(barion_.fetches(), 1);
  EXPECT_EQ(Events().size(), 1u);
  // A late duplicate: fetched again, same state, no new event.
  ASSERT_TRUE(store_->RecordCallback("web", "p1", absl::Now()).ok());
  barion_.Next(State(v1::PAYMENT_STATUS_SUCCEEDED));
  processor_->RunOnce();
  EXPECT_EQ(Events().size(), 1u);
  EXPECT_TRUE(store_->PendingCallbacks(10)->empty());
}

TEST_F(CallbackProcessorTest, RetriesTransientFailuresWithBackoffAndKeepsTheReceipt) {
  Freeze();  // the backoff measured by a clock the test moves, not by the machine's speed
  ASSERT_TRUE(store_->RecordCallback("web", "p1", absl::Now()).ok());
  barion_.Next(FetchedState::Failed(absl::UnavailableError("Barion is down"), false));
  processor_->RunOnce();
  EXPECT_TRUE(Events().empty());
  EXPECT_EQ(store_->PendingCallbacks(10)->size(), 1u) << "kept for a retry (and a restart)";
  Advance(absl::Milliseconds(40));
  processor_->RunOnce();  // within the backoff: no new fetch
  EXPECT_EQ(barion_.fetches(), 1);
  Advance(absl::Milliseconds(20));
  barion_.Next(State(v1::PAYMENT_STATUS_SUCCEEDED));
  processor_->RunOnce();
  EXPECT_EQ(barion_.fetches(), 2);
  EXPECT_EQ(Events().size(), 1u);
  EXPECT_TRUE(store_->PendingCallbacks(10)->empty());
}

TEST_F(CallbackProcessorTest, DropsCallbacksForPaymentsBarionDoesNotKnow) {
  ASSERT_TRUE(store_->RecordCallback("web", "forged", absl::Now()).ok());
  barion_.Next(FetchedState::Failed(absl::NotFoundError("NotExistingPaymentId"), true));
  processor_->RunOnce();
  EXPECT_TRUE(Events().empty());
  EXPECT_TRUE(store_->PendingCallbacks(10)->empty());
}

TEST_F(CallbackProcessorTest, ResumesReceiptsLeftBeforeARestartAndWakesOnNotify) {
  ASSERT_TRUE(store_->RecordCallback("web", "p1", absl::Now(), v1::EVENT_SOURCE_RPC).ok());
  barion_.Next(State(v1::PAYMENT_STATUS_CANCELED));
  barion_.Next(State(v1::PAYMENT_STATUS_SUCCEEDED));
  processor_->Start();
  for (int i = 0; i < 200 && Events().empty(); ++i) absl::SleepFor(absl::Milliseconds(5));
  ASSERT_EQ(Events().size(), 1u);
  EXPECT_EQ(Events()[0].source(), v1::EVENT_SOURCE_RPC);
  ASSERT_TRUE(store_->RecordCallback("web", "p2", absl::Now()).ok());
  processor_->Notify();
  for (int i = 0; i < 200 && Events().size() < 2; ++i) absl::SleepFor(absl::Milliseconds(5));
  EXPECT_EQ(Events().size(), 2u);
  processor_->Stop();
}

}  // namespace
}  // namespace barion_gateway::server

namespace barion_gateway::server {
namespace {

// Different payments are fetched at the same time: the fetcher waits until four fetches are in
// flight together, which a one-at-a-time processor never reaches. Events keep receipt order.
TEST(CallbackProcessorConcurrencyTest, FetchesDifferentPaymentsConcurrently) {
  auto store = *SqliteEventStore::Open(testing::TempDir() + "/processor-concurrent.db");
  absl::Mutex mu;
  int in_flight = 0, most = 0;
  auto fetch = [&](const std::string&, const std::string& payment_id, absl::Time) {
    absl::MutexLock lock(&mu);
    most = std::max(most, ++in_flight);
    auto four = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) { return most >= 4; };
    mu.AwaitWithTimeout(absl::Condition(&four), absl::Seconds(5));
    --in_flight;
    v1::GetPaymentStateResponse s = State(v1::PAYMENT_STATUS_SUCCEEDED);
    s.set_payment_id(payment_id);
    return FetchedState(s);
  };
  CallbackProcessor::Options options;
  options.fetch_concurrency = 4;
  FunctionFetcher fetcher(fetch);
  CallbackProcessor processor(store.get(), &fetcher, options);
  for (int i = 0; i < 8; ++i) {
    ASSERT_TRUE(store->RecordCallback("web", "p" + std::to_string(i), absl::Now()).ok());
  }
  const absl::Time start = absl::Now();
  processor.Start();
  processor.Notify();
  std::vector<v1::PaymentEvent> events;
  while (events.size() < 8 && absl::Now() - start < absl::Seconds(20)) {
    absl::SleepFor(absl::Milliseconds(10));
    events = *store->ReadAfter(EventCursor(), {}, 100);
  }
  processor.Stop();
  {
    absl::MutexLock lock(&mu);
    EXPECT_EQ(most, 4);
  }
  EXPECT_LT(absl::Now() - start, absl::Seconds(4)) << "fetches waited for each other";
  ASSERT_EQ(events.size(), 8u);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(events[i].payment_id(), "p" + std::to_string(i));
}

// Callbacks for payments never seen here cost a Barion call each: within the shop's budget they
// are fetched, beyond it dropped; payments the gateway knows are always fetched.
TEST(CallbackProcessorBudgetTest, UnknownPaymentsAreFetchedOnlyWithinTheShopsBudget) {
  auto store = *SqliteEventStore::Open(testing::TempDir() + "/processor-budget.db");
  ScriptedBarion barion;
  CallbackProcessor::Options options;
  options.unknown_fetches_per_second = 0.001;  // no refill during the test
  options.unknown_fetch_burst = 3;
  CallbackProcessor processor(store.get(), barion.Fetcher(), options);
  ASSERT_TRUE(
      store->WatchPayment("web", "known", absl::Now() + absl::Hours(1), absl::Hours(1)).ok());
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(store->RecordCallback("web", absl::StrCat("forged", i), absl::Now()).ok());
  }
  ASSERT_TRUE(store->RecordCallback("web", "known", absl::Now()).ok());
  ASSERT_TRUE(store->RecordCallback("other", "forged-elsewhere", absl::Now()).ok());
  for (int i = 0; i < 60; ++i)
    barion.Next(FetchedState::Failed(absl::NotFoundError("unknown payment"), true));
  processor.RunOnce();
  // 3 for shop web, 1 for shop other (its own budget), and the known payment.
  EXPECT_EQ(barion.fetches(), 5);
  EXPECT_TRUE(store->PendingCallbacks(100)->empty()) << "dropped receipts are done";
}

// Processed receipts past the retention are deleted; unprocessed ones never are.
TEST(CallbackProcessorBudgetTest, PrunesProcessedReceiptsPastTheRetention) {
  auto store = *SqliteEventStore::Open(testing::TempDir() + "/processor-prune.db");
  ScriptedBarion barion;
  CallbackProcessor::Options options;
  options.inbox_retention = absl::Hours(1);
  const absl::Time old = absl::Now() - absl::Hours(2);
  auto done = store->RecordCallback("web", "p1", old);
  auto pending = store->RecordCallback("web", "p2", old);
  ASSERT_TRUE(done.ok() && pending.ok());
  ASSERT_TRUE(store->CompleteCallbacks({*done}).ok());
  EXPECT_EQ(*store->PruneCallbacks(absl::Now() - absl::Hours(1)), 1);
  EXPECT_EQ(*store->PruneCallbacks(absl::Now() - absl::Hours(1)), 0);
  ASSERT_EQ(store->PendingCallbacks(10)->size(), 1u);
  // The processor prunes by itself.
  auto later = store->RecordCallback("web", "p3", old);
  ASSERT_TRUE(store->CompleteCallbacks({*later}).ok());
  CallbackProcessor processor(store.get(), barion.Fetcher(), options);
  processor.RunOnce();
  EXPECT_EQ(*store->PruneCallbacks(absl::Now() - absl::Hours(1)), 0) << "already pruned";
}

}  // namespace
}  // namespace barion_gateway::server
