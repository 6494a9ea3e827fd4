#include "server/callback_listener.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "httplib.h"
#include "server/sqlite_event_store.h"

namespace barion_gateway::server {
namespace {

constexpr char kId[] = "4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6";

// A store whose writes fail, as a full disk would.
class BrokenStore final : public EventStore {
 public:
  absl::StatusOr<int64_t> RecordCallback(const std::string&, const std::string&, absl::Time,
                                         barion::v1::EventSource) override {
    return absl::UnavailableError("disk full");
  }
  absl::StatusOr<std::vector<PendingCallback>> PendingCallbacks(int) override {
    return std::vector<PendingCallback>();
  }
  absl::Status CompleteCallbacks(const std::vector<int64_t>&) override { return absl::OkStatus(); }
  absl::StatusOr<std::optional<barion::v1::PaymentEvent>> AppendIfChanged(
      barion::v1::PaymentEvent) override {
    return std::nullopt;
  }
  absl::StatusOr<std::vector<barion::v1::PaymentEvent>> ReadAfter(const std::string&,
                                                                  const EventFilter&,
                                                                  int) override {
    return std::vector<barion::v1::PaymentEvent>();
  }
  absl::StatusOr<std::string> LastCursor() override { return std::string("0"); }
  absl::Status WatchPayment(const std::string&, const std::string&, absl::Time,
                            absl::Duration) override {
    return absl::UnavailableError("disk full");
  }
  absl::StatusOr<std::vector<WatchedPayment>> DueWatchedPayments(absl::Time, int) override {
    return std::vector<WatchedPayment>();
  }
  absl::Status RescheduleWatch(const std::string&, const std::string&, absl::Time,
                               absl::Duration) override {
    return absl::UnavailableError("disk full");
  }
  absl::Status UnwatchPayment(const std::string&, const std::string&) override {
    return absl::UnavailableError("disk full");
  }
};

class CallbackListenerTest : public testing::Test {
 protected:
  void SetUp() override {
    static int n = 0;
    auto store =
        SqliteEventStore::Open(testing::TempDir() + "/listener-" + std::to_string(n++) + ".db");
    ASSERT_TRUE(store.ok());
    store_ = *std::move(store);
    Start(store_.get());
  }
  void Start(EventStore* store) {
    CallbackListener::Options options;
    options.shops = {"web"};
    options.max_body_bytes = 256;
    options.io_timeout = absl::Milliseconds(300);
    auto listener = CallbackListener::Start(options, store, [this] { ++notified_; });
    ASSERT_TRUE(listener.ok()) << listener.status();
    listener_ = *std::move(listener);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", listener_->port());
  }
  std::vector<PendingCallback> Pending() { return *store_->PendingCallbacks(100); }

  std::unique_ptr<SqliteEventStore> store_;
  std::unique_ptr<CallbackListener> listener_;
  std::unique_ptr<httplib::Client> client_;
  std::atomic<int> notified_{0};
};

// A burst of callbacks on new connections (Barion opens one per callback) is answered at
// once: none waits for a dropped SYN to be retried a second later (httplib's own backlog is 5).
TEST_F(CallbackListenerTest, AnswersABurstOfNewConnectionsWithoutStalling) {
  constexpr int kClients = 128;
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  std::atomic<int64_t> slowest_ms{0};
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&] {
      httplib::Client c("127.0.0.1", listener_->port());
      c.set_connection_timeout(5);
      const absl::Time start = absl::Now();
      auto res = c.Post((std::string("/callback/web?paymentId=") + kId).c_str(), "", "");
      const int64_t ms = absl::ToInt64Milliseconds(absl::Now() - start);
      int64_t prev = slowest_ms.load();
      while (ms > prev && !slowest_ms.compare_exchange_weak(prev, ms)) {
      }
      if (res && res->status == 200) ++ok;
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), kClients);
  EXPECT_LT(slowest_ms.load(), 900) << "a connection waited for a SYN retransmission";
  EXPECT_EQ(store_->PendingCallbacks(1000)->size(), static_cast<size_t>(kClients));
}

TEST_F(CallbackListenerTest, RecordsTheQueryPaymentIdBeforeAnswering200) {
  auto res = client_->Post((std::string("/callback/web?paymentId=") + kId).c_str(), "", "");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  // Durable before the answer: the receipt is in the store as soon as the 200 arrives.
  ASSERT_EQ(Pending().size(), 1u);
  EXPECT_EQ(Pending()[0].payment_id, kId);
  EXPECT_EQ(Pending()[0].shop, "web");
  EXPECT_EQ(Pending()[0].source, barion::v1::EVENT_SOURCE_CALLBACK);
  EXPECT_EQ(notified_.load(), 1);
}

TEST_F(CallbackListenerTest, ReadsTheBodyAndMatchesTheNameCaseInsensitively) {
  auto res = client_->Post("/callback/web", "PaymentID=4F1D2C3B-5A6E-47C8-B9D0-E1F2A3B4C5D6",
                           "application/x-www-form-urlencoded");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  ASSERT_EQ(Pending().size(), 1u);
  EXPECT_EQ(Pending()[0].payment_id, kId) << "normalised: lower case, no hyphens";
  auto get = client_->Get((std::string("/callback/web?paymentid=") + kId).c_str());
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 200);
}

TEST_F(CallbackListenerTest, RejectsBadInputWithTheRightStatus) {
  auto status = [](const httplib::Result& r) { return r ? r->status : -1; };
  EXPECT_EQ(
      status(client_->Post((std::string("/callback/other?paymentId=") + kId).c_str(), "", "")),
      404);
  EXPECT_EQ(status(client_->Post("/callback/web", "", "")), 400);
  EXPECT_EQ(status(client_->Post("/callback/web?paymentId=1%20OR%201=1", "", "")), 400);
  EXPECT_EQ(status(client_->Post("/somewhere-else", "", "")), 404);
  EXPECT_EQ(status(client_->Put((std::string("/callback/web?paymentId=") + kId).c_str(), "", "")),
            405);
  EXPECT_EQ(status(client_->Delete("/callback/web")), 405);
  EXPECT_EQ(status(client_->Post("/callback/web", std::string(1000, 'x'), "text/plain")), 413);
  EXPECT_TRUE(Pending().empty()) << "nothing bad was recorded";
}

TEST_F(CallbackListenerTest, CutsOffSlowClients) {
  httplib::Client slow("127.0.0.1", listener_->port());
  slow.set_read_timeout(2, 0);
  // Headers promise a body that never comes.
  httplib::Headers headers{{"Content-Length", "50"}};
  const absl::Time start = absl::Now();
  auto res = slow.Post("/callback/web", headers, "", "application/x-www-form-urlencoded");
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  EXPECT_TRUE(Pending().empty());
}

TEST(CallbackListenerFailureTest, AnswersUnavailableWhenTheStoreCannotRecord) {
  BrokenStore broken;
  CallbackListener::Options options;
  options.shops = {"web"};
  auto listener = CallbackListener::Start(options, &broken, nullptr);
  ASSERT_TRUE(listener.ok());
  httplib::Client client("127.0.0.1", (*listener)->port());
  auto res = client.Post((std::string("/callback/web?paymentId=") + kId).c_str(), "", "");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503) << "Barion retries on anything but 200";
}

}  // namespace
}  // namespace barion_gateway::server
