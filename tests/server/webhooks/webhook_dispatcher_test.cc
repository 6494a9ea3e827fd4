// Webhook delivery driven through the real SQLite event log and webhook store, with a sender that
// records what it is given and fails or hangs when told: each payment's events in log order,
// retries with the same webhook-id, dead letters and their retry, the in-flight bound, a
// failing endpoint that delays no other, restarts from the saved position, replays, filters.
// Real HTTP receivers (and independent signature checks) are in tests/integration/webhook_test
// and tests/polyglot/webhook_receivers_test.
#include "server/webhooks/webhook_dispatcher.h"

#include <sys/stat.h>

#include <atomic>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "server/events/sqlite/sqlite_event_store.h"
#include "server/webhooks/sqlite_webhook_store.h"

namespace barion_gateway::server {
namespace {

namespace v1 = ::barion::v1;

struct Received {
  bool failed = false;
  std::string id;
  std::string cursor;
  std::string shop;
  std::string payment_id;
};

// Records every attempt; fails while `down`, holds attempts while `hold` (until released).
class FakeSender final : public WebhookSender {
 public:
  WebhookAttempt Send(const WebhookDelivery& d) override {
    rapidjson::Document doc;
    doc.Parse(d.body.c_str());
    Received r;
    r.id = d.id;
    if (!doc.HasParseError() && doc.HasMember("data")) {
      const auto& data = doc["data"];
      if (data.HasMember("cursor")) r.cursor = data["cursor"].GetString();
      if (data.HasMember("shop")) r.shop = data["shop"].GetString();
      if (data.HasMember("paymentId")) r.payment_id = data["paymentId"].GetString();
    }
    absl::MutexLock lock(&mu_);
    ++concurrent_;
    max_concurrent_ = std::max(max_concurrent_, concurrent_);
    in_flight_payments_.insert(r.payment_id);
    auto released = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !hold_; };
    mu_.Await(absl::Condition(&released));
    --concurrent_;
    const bool fail = down_ || fail_payments_.count(r.payment_id) > 0;
    r.failed = fail;
    attempts_.push_back(r);
    if (!fail) delivered_.push_back(r);
    WebhookAttempt a;
    a.delivered = !fail;
    a.http_status = fail ? 503 : 200;
    if (fail) a.error = "HTTP 503";
    return a;
  }
  void SetDown(bool down) {
    absl::MutexLock lock(&mu_);
    down_ = down;
  }
  void FailPayment(const std::string& id, bool fail) {
    absl::MutexLock lock(&mu_);
    if (fail) {
      fail_payments_.insert(id);
    } else {
      fail_payments_.erase(id);
    }
  }
  void SetHold(bool hold) {
    absl::MutexLock lock(&mu_);
    hold_ = hold;
  }
  std::vector<Received> delivered() {
    absl::MutexLock lock(&mu_);
    return delivered_;
  }
  std::vector<Received> attempts() {
    absl::MutexLock lock(&mu_);
    return attempts_;
  }
  int concurrent() {
    absl::MutexLock lock(&mu_);
    return concurrent_;
  }
  int max_concurrent() {
    absl::MutexLock lock(&mu_);
    return max_concurrent_;
  }
  // Waits until `n` deliveries arrived (or 10 s passed); returns them.
  std::vector<Received> AwaitDelivered(size_t n) {
    absl::MutexLock lock(&mu_);
    auto enough = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return delivered_.size() >= n; };
    mu_.AwaitWithTimeout(absl::Condition(&enough), absl::Seconds(10));
    return delivered_;
  }
  void AwaitConcurrent(int n) {
    absl::MutexLock lock(&mu_);
    auto reached = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return concurrent_ >= n; };
    mu_.AwaitWithTimeout(absl::Condition(&reached), absl::Seconds(10));
  }

 private:
  absl::Mutex mu_;
  bool down_ ABSL_GUARDED_BY(mu_) = false;
  bool hold_ ABSL_GUARDED_BY(mu_) = false;
  std::set<std::string> fail_payments_ ABSL_GUARDED_BY(mu_);
  std::vector<Received> attempts_ ABSL_GUARDED_BY(mu_);
  std::vector<Received> delivered_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> in_flight_payments_ ABSL_GUARDED_BY(mu_);
  int concurrent_ ABSL_GUARDED_BY(mu_) = 0;
  int max_concurrent_ ABSL_GUARDED_BY(mu_) = 0;
};

WebhookEndpointConfig Endpoint(const std::string& name, int max_in_flight = 4) {
  WebhookEndpointConfig e;
  e.name = name;
  e.url = "http://127.0.0.1:1/hook";
  e.keys = {std::string(32, 'k')};
  e.max_in_flight = max_in_flight;
  return e;
}

class WebhookDispatcherTest : public testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> n{0};
    dir_ = absl::StrCat(testing::TempDir(), "/webhooks-", n++);
    mkdir(dir_.c_str(), 0700);
    OpenStores();
  }
  void TearDown() override {
    for (auto& [name, sender] : senders_) sender->SetHold(false);
    if (dispatcher_ != nullptr) dispatcher_->Stop();
    if (log_ != nullptr) log_->SetObserver(nullptr);
  }
  void OpenStores() {
    auto log = SqliteEventStore::Open(dir_ + "/events.db");
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = *std::move(log);
    auto store = SqliteWebhookStore::Open(dir_ + "/webhooks.db");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }
  FakeSender& Sender(const std::string& endpoint) {
    auto& s = senders_[endpoint];
    if (s == nullptr) s = std::make_shared<FakeSender>();
    return *s;
  }
  void StartDispatcher(WebhooksConfig config) {
    for (const auto& e : config.endpoints) Sender(e.name);
    WebhookDispatcher::Options options;
    options.tick = absl::Milliseconds(20);
    options.make_sender =
        [this](const WebhookEndpointConfig& e) -> absl::StatusOr<std::shared_ptr<WebhookSender>> {
      return senders_.at(e.name);
    };
    dispatcher_ = std::make_unique<WebhookDispatcher>(log_.get(), store_.get(), options);
    log_->SetObserver(dispatcher_.get());
    ASSERT_TRUE(dispatcher_->Start(config).ok());
  }
  // Appends the payment's n-th change (its total is n, its status as given).
  std::string Append(const std::string& shop, const std::string& payment, int n,
                     v1::PaymentStatus status = v1::PAYMENT_STATUS_PREPARED) {
    v1::PaymentEvent e;
    e.set_shop(shop);
    e.set_payment_id(payment);
    e.set_source(v1::EVENT_SOURCE_CALLBACK);
    e.mutable_observed_at()->set_seconds(absl::ToUnixSeconds(absl::Now()));
    e.mutable_snapshot()->set_payment_id(payment);
    e.mutable_snapshot()->set_status(status);
    e.mutable_snapshot()->set_total(absl::StrCat(n));
    auto appended = log_->AppendIfChanged(e);
    EXPECT_TRUE(appended.ok() && appended->has_value());
    return appended.ok() && appended->has_value() ? (**appended).cursor() : "";
  }
  static WebhooksConfig Config(std::vector<WebhookEndpointConfig> endpoints,
                               std::vector<absl::Duration> delays = {absl::Milliseconds(20)}) {
    WebhooksConfig c;
    c.endpoints = std::move(endpoints);
    c.retry_delays = std::move(delays);
    return c;
  }
  std::string SavedPosition(const std::string& endpoint) {
    auto p = store_->Position(endpoint);
    return p.ok() && p->has_value() ? **p : "";
  }
  void AwaitPosition(const std::string& endpoint, const std::string& cursor) {
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (SavedPosition(endpoint) != cursor && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    EXPECT_EQ(SavedPosition(endpoint), cursor);
  }

  std::string dir_;
  std::unique_ptr<SqliteEventStore> log_;
  std::unique_ptr<SqliteWebhookStore> store_;
  std::map<std::string, std::shared_ptr<FakeSender>> senders_;
  std::unique_ptr<WebhookDispatcher> dispatcher_;
};

// Per payment, the cursors received are in log order.
void ExpectInOrderPerPayment(const std::vector<Received>& got) {
  std::map<std::string, int64_t> last;
  for (const Received& r : got) {
    const int64_t cursor = std::stoll(r.cursor);
    EXPECT_LT(last[r.payment_id], cursor) << r.payment_id << " out of order";
    last[r.payment_id] = cursor;
  }
}

TEST_F(WebhookDispatcherTest, DeliversEveryEventOnceEachPaymentInLogOrder) {
  StartDispatcher(Config({Endpoint("shop")}));
  std::string last;
  for (int n = 1; n <= 10; ++n) {
    for (const char* p : {"p1", "p2", "p3"}) last = Append("web", p, n);
  }
  const std::vector<Received> got = Sender("shop").AwaitDelivered(30);
  ASSERT_EQ(got.size(), 30u);
  ExpectInOrderPerPayment(got);
  std::set<std::string> ids;
  for (const Received& r : got) ids.insert(r.id);
  EXPECT_EQ(ids.size(), 30u);  // one id per event
  AwaitPosition("shop", last);
  EXPECT_EQ(Sender("shop").attempts().size(), 30u);  // nothing twice
}

TEST_F(WebhookDispatcherTest, ANewEndpointStartsWithTheEventsAfterIt) {
  Append("web", "before", 1);
  StartDispatcher(Config({Endpoint("shop")}));
  Append("web", "after", 1);
  const std::vector<Received> got = Sender("shop").AwaitDelivered(1);
  absl::SleepFor(absl::Milliseconds(100));
  ASSERT_EQ(Sender("shop").delivered().size(), 1u);
  EXPECT_EQ(got[0].payment_id, "after");
}

TEST_F(WebhookDispatcherTest, AReceiverThatWasDownGetsEverythingInOrderWithTheSameIds) {
  StartDispatcher(
      Config({Endpoint("shop")}, std::vector<absl::Duration>(8, absl::Milliseconds(30))));
  Sender("shop").SetDown(true);
  for (int n = 1; n <= 5; ++n) {
    for (const char* p : {"p1", "p2"}) Append("web", p, n);
  }
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (Sender("shop").attempts().size() < 6 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  Sender("shop").SetDown(false);
  const std::vector<Received> got = Sender("shop").AwaitDelivered(10);
  ASSERT_EQ(got.size(), 10u);
  ExpectInOrderPerPayment(got);
  // A retried event keeps its webhook-id.
  std::map<std::string, std::string> id_of;
  for (const Received& r : Sender("shop").attempts()) {
    auto [it, inserted] = id_of.emplace(r.cursor, r.id);
    EXPECT_EQ(it->second, r.id) << r.cursor;
  }
  // While it was down, only the first event of each payment was tried: a later one waits for it.
  std::map<std::string, std::string> first;  // payment -> its first event's cursor
  for (const Received& r : got) first.emplace(r.payment_id, r.cursor);
  for (const Received& r : Sender("shop").attempts()) {
    if (r.failed) {
      EXPECT_EQ(r.cursor, first[r.payment_id]);
    }
  }
}

TEST_F(WebhookDispatcherTest, TheLastFailureMakesADeadLetterAndTheEndpointGoesOn) {
  StartDispatcher(Config({Endpoint("shop")}, {absl::Milliseconds(10), absl::Milliseconds(10)}));
  Sender("shop").FailPayment("bad", true);
  const std::string bad = Append("web", "bad", 1);
  const std::string last = Append("web", "good", 1);
  ASSERT_EQ(Sender("shop").AwaitDelivered(1).size(), 1u);
  AwaitPosition("shop", last);  // the position passed the dead letter
  auto letters = dispatcher_->DeadLetters("shop", 10);
  ASSERT_TRUE(letters.ok());
  ASSERT_EQ(letters->size(), 1u);
  EXPECT_EQ((*letters)[0].cursor, bad);
  EXPECT_EQ((*letters)[0].attempts, 3);  // the first and two retries
  EXPECT_EQ((*letters)[0].last_error, "HTTP 503");
  int bad_attempts = 0;
  for (const Received& r : Sender("shop").attempts()) bad_attempts += r.payment_id == "bad";
  EXPECT_EQ(bad_attempts, 3);

  // An operator retries it once the receiver is fixed: delivered with the same id, removed.
  auto still = dispatcher_->RetryDeadLetter("shop", bad);
  ASSERT_TRUE(still.ok());
  EXPECT_FALSE(still->delivered);
  EXPECT_EQ((*dispatcher_->DeadLetters("shop", 10))[0].attempts, 4);
  Sender("shop").FailPayment("bad", false);
  auto retried = dispatcher_->RetryDeadLetter("shop", bad);
  ASSERT_TRUE(retried.ok());
  EXPECT_TRUE(retried->delivered);
  EXPECT_TRUE(dispatcher_->DeadLetters("shop", 10)->empty());
  EXPECT_EQ(Sender("shop").delivered().back().cursor, bad);
  // The same id as its first attempt (found by cursor: the good event's attempt may have been
  // made first, both being in flight at once).
  std::string first_id;
  for (const Received& r : Sender("shop").attempts()) {
    if (r.cursor == bad) {
      first_id = r.id;
      break;
    }
  }
  EXPECT_EQ(Sender("shop").delivered().back().id, first_id);
  EXPECT_EQ(dispatcher_->RetryDeadLetter("shop", bad).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(WebhookDispatcherTest, AtMostMaxInFlightAtOnceAndNeverTwoOfOnePayment) {
  StartDispatcher(Config({Endpoint("shop", /*max_in_flight=*/3)}));
  Sender("shop").SetHold(true);
  for (int n = 1; n <= 3; ++n) {
    for (const char* p : {"a", "b", "c", "d", "e"}) Append("web", p, n);
  }
  Sender("shop").AwaitConcurrent(3);
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_EQ(Sender("shop").concurrent(), 3);
  Sender("shop").SetHold(false);
  const std::vector<Received> got = Sender("shop").AwaitDelivered(15);
  EXPECT_EQ(got.size(), 15u);
  EXPECT_EQ(Sender("shop").max_concurrent(), 3);
  ExpectInOrderPerPayment(got);
}

TEST_F(WebhookDispatcherTest, AHangingEndpointDelaysNoOther) {
  StartDispatcher(Config({Endpoint("stuck", 2), Endpoint("fine", 2)}));
  Sender("stuck").SetHold(true);
  for (int n = 1; n <= 20; ++n) Append("web", absl::StrCat("p", n % 4), n);
  const std::vector<Received> got = Sender("fine").AwaitDelivered(20);
  EXPECT_EQ(got.size(), 20u);
  EXPECT_EQ(Sender("stuck").delivered().size(), 0u);
  EXPECT_EQ(Sender("stuck").concurrent(), 2);  // its own threads only
  Sender("stuck").SetHold(false);
  EXPECT_EQ(Sender("stuck").AwaitDelivered(20).size(), 20u);
}

TEST_F(WebhookDispatcherTest, ARestartResumesAfterTheSavedPositionWithoutSkipping) {
  StartDispatcher(Config({Endpoint("shop")}));
  for (int n = 1; n <= 5; ++n) Append("web", "p", n);
  ASSERT_EQ(Sender("shop").AwaitDelivered(5).size(), 5u);
  dispatcher_->Stop();  // saves the position
  log_->SetObserver(nullptr);
  dispatcher_.reset();
  std::vector<std::string> missed;
  for (int n = 6; n <= 8; ++n) missed.push_back(Append("web", "p", n));
  senders_.clear();
  StartDispatcher(Config({Endpoint("shop")}));
  const std::vector<Received> got = Sender("shop").AwaitDelivered(3);
  ASSERT_EQ(got.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(got[i].cursor, missed[i]);
}

TEST_F(WebhookDispatcherTest, AReplayDeliversAgainFromTheCursorWithTheSameIds) {
  StartDispatcher(Config({Endpoint("shop")}));
  std::vector<std::string> cursors;
  for (int n = 1; n <= 4; ++n) cursors.push_back(Append("web", "p", n));
  const std::vector<Received> first = Sender("shop").AwaitDelivered(4);
  ASSERT_EQ(first.size(), 4u);
  ASSERT_TRUE(dispatcher_->Replay("shop", cursors[1]).ok());
  const std::vector<Received> all = Sender("shop").AwaitDelivered(6);
  ASSERT_EQ(all.size(), 6u);
  EXPECT_EQ(all[4].cursor, cursors[2]);
  EXPECT_EQ(all[4].id, first[2].id);
  EXPECT_EQ(all[5].cursor, cursors[3]);
  EXPECT_EQ(dispatcher_->Replay("shop", "999999999999").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(dispatcher_->Replay("nobody", cursors[0]).code(), absl::StatusCode::kNotFound);
}

TEST_F(WebhookDispatcherTest, AnEndpointGetsOnlyItsShopsAndStatuses) {
  WebhookEndpointConfig paid = Endpoint("paid");
  paid.shops = {"web"};
  paid.statuses = {v1::PAYMENT_STATUS_SUCCEEDED};
  StartDispatcher(Config({paid, Endpoint("all")}));
  Append("web", "p1", 1);
  Append("outlet", "p2", 1, v1::PAYMENT_STATUS_SUCCEEDED);
  const std::string wanted = Append("web", "p1", 2, v1::PAYMENT_STATUS_SUCCEEDED);
  const std::string last = Append("outlet", "p3", 1);
  ASSERT_EQ(Sender("all").AwaitDelivered(4).size(), 4u);
  const std::vector<Received> got = Sender("paid").AwaitDelivered(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].cursor, wanted);
  AwaitPosition("paid", last);  // its position moves past what it does not take
}

TEST_F(WebhookDispatcherTest, AReloadAddsAndRemovesEndpoints) {
  StartDispatcher(Config({Endpoint("old")}));
  Append("web", "p", 1);
  ASSERT_EQ(Sender("old").AwaitDelivered(1).size(), 1u);
  Sender("new");
  ASSERT_TRUE(dispatcher_->Reload(Config({Endpoint("new")})).ok());
  Append("web", "p", 2);
  EXPECT_EQ(Sender("new").AwaitDelivered(1).size(), 1u);
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_EQ(Sender("old").delivered().size(), 1u);
  std::vector<WebhookEndpointStatus> endpoints = dispatcher_->Endpoints();
  ASSERT_EQ(endpoints.size(), 1u);
  EXPECT_EQ(endpoints[0].name, "new");
  EXPECT_TRUE(endpoints[0].delivering_here);
}

}  // namespace
}  // namespace barion_gateway::server
