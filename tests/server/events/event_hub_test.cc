// SubscribePaymentEvents over a real gRPC server, a real SQLite store and the EventHub: replay
// then live without gap or duplicate, start points, filters, heartbeats, slow and stalled
// subscribers, fan-out to 1,000 streams, shutdown.
#include "server/events/event_hub.h"

#include <sys/stat.h>

#include <atomic>
#include <iostream>
#include <set>
#include <thread>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "barion/v1/payment_event.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "server/events/sqlite/sqlite_event_store.h"
#include "server/rpc/payment_event_service.h"
#include "tests/server/auth/test_policy.h"
#include "tests/support/status_details.h"

namespace barion_gateway::server {
namespace {

namespace v1 = ::barion::v1;
using testing_support::BadFields;
using testing_support::Metadata;
using testing_support::Reasons;

int64_t Cursor(const std::string& text) {
  int64_t c = -1;
  EXPECT_TRUE(absl::SimpleAtoi(text, &c)) << text;
  return c;
}

class EventHubTest : public ::testing::Test {
 protected:
  void Start(EventHub::Options options) {
    static std::atomic<int> n{0};
    dir_ = absl::StrCat(::testing::TempDir(), "/hub-", ::getpid(), "-", n++);
    ::mkdir(dir_.c_str(), 0700);
    auto store = SqliteEventStore::Open(dir_ + "/events.db");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    hub_ = std::make_unique<EventHub>(store_.get(), options);
    ASSERT_TRUE(hub_->Start().ok());
    store_->SetObserver(hub_.get());
    events_ =
        std::make_unique<PaymentEvents>(store_.get(), std::set<std::string>{"web", "kiosk"}, auth_);
    service_ = std::make_unique<PaymentEventServiceImpl>(events_.get(), hub_.get(),
                                                         TestEdge(absl::Seconds(30), auth_));
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(port, 0);
    address_ = absl::StrCat("127.0.0.1:", port);
    stub_ = v1::PaymentEventService::NewStub(
        grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    if (server_ == nullptr) return;
    hub_->FinishAll();
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    server_->Wait();
    hub_->Stop();
  }

  // Appends a new state of `payment_id` (a different total each time) and returns its cursor.
  int64_t Append(const std::string& payment_id,
                 v1::PaymentStatus status = v1::PAYMENT_STATUS_PREPARED,
                 const std::string& shop = "web") {
    v1::PaymentEvent e;
    e.set_shop(shop);
    e.set_payment_id(payment_id);
    e.set_source(v1::EVENT_SOURCE_CALLBACK);
    e.mutable_snapshot()->set_payment_id(payment_id);
    e.mutable_snapshot()->set_status(status);
    e.mutable_snapshot()->set_total(absl::StrCat(++version_));
    e.mutable_snapshot()->set_order_number(std::string(padding_, 'x'));
    auto appended = store_->AppendIfChanged(e);
    EXPECT_TRUE(appended.ok() && appended->has_value());
    return Cursor((*appended)->cursor());
  }

  // A synchronous subscriber.
  struct Sub {
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientReader<v1::SubscribePaymentEventsResponse>> reader;
    v1::SubscribePaymentEventsResponse message;
    bool Read() { return reader->Read(&message); }
    // The next event, skipping heartbeats; nullopt at the end of the stream.
    std::optional<v1::PaymentEvent> NextEvent() {
      while (Read()) {
        if (message.has_event()) return message.event();
      }
      return std::nullopt;
    }
  };

  std::unique_ptr<Sub> Subscribe(const v1::SubscribePaymentEventsRequest& request,
                                 v1::PaymentEventService::Stub* stub = nullptr) {
    auto sub = std::make_unique<Sub>();
    sub->context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
    sub->reader = (stub ? stub : stub_.get())->SubscribePaymentEvents(&sub->context, request);
    return sub;
  }

  // Subscribes and reads the first message, which must be the start heartbeat.
  std::unique_ptr<Sub> SubscribeAndConfirm(const v1::SubscribePaymentEventsRequest& request,
                                           int64_t expected_start,
                                           v1::PaymentEventService::Stub* stub = nullptr) {
    auto sub = Subscribe(request, stub);
    EXPECT_TRUE(sub->Read());
    EXPECT_TRUE(sub->message.has_heartbeat());
    EXPECT_EQ(sub->message.heartbeat().cursor(), absl::StrCat(expected_start));
    return sub;
  }

  // A stub on its own connection that does not grow its flow-control windows (BDP probing off),
  // so a stream whose client stops reading stalls after about 64 KiB.
  std::unique_ptr<v1::PaymentEventService::Stub> SmallWindowStub() {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
    args.SetInt("barion.test.connection", ++connections_);
    return v1::PaymentEventService::NewStub(
        grpc::CreateCustomChannel(address_, grpc::InsecureChannelCredentials(), args));
  }

  std::string dir_;
  int version_ = 0;
  int padding_ = 0;  // bytes added to each snapshot
  int connections_ = 0;
  std::unique_ptr<SqliteEventStore> store_;
  std::unique_ptr<EventHub> hub_;
  std::unique_ptr<PaymentEvents> events_;
  std::unique_ptr<PaymentEventServiceImpl> service_;
  const AuthenticatorHolder* auth_ = OpenPolicy();  // set before Start() to use another
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  std::unique_ptr<v1::PaymentEventService::Stub> stub_;
};

// The ring holds few events and the store is read in small batches, so a subscriber from the
// beginning replays from the store, then from the ring, then goes live, while events keep
// arriving. It must see every event once, in order.
TEST_F(EventHubTest, ReplaysThenGoesLiveWithoutGapOrDuplicate) {
  EventHub::Options options;
  options.ring_events = 16;
  options.read_batch = 7;
  Start(options);
  std::vector<int64_t> appended;
  for (int i = 0; i < 100; ++i) appended.push_back(Append(absl::StrCat("p", i % 10)));

  v1::SubscribePaymentEventsRequest request;
  request.set_start(v1::SUBSCRIPTION_START_BEGINNING);
  auto sub = SubscribeAndConfirm(request, 0);
  std::thread writer([&] {
    for (int i = 0; i < 300; ++i) {
      appended.push_back(Append(absl::StrCat("p", i % 10)));
      if (i % 50 == 0) absl::SleepFor(absl::Milliseconds(5));
    }
  });
  std::vector<int64_t> received;
  bool ended = false;
  while (received.size() < 400 && !ended) {
    std::optional<v1::PaymentEvent> e = sub->NextEvent();
    ended = !e.has_value();
    if (!ended) received.push_back(Cursor(e->cursor()));
  }
  // Joined on every path: a failure below must not leave a joinable thread (that aborts the
  // whole test binary).
  writer.join();
  EXPECT_FALSE(ended) << "stream ended after " << received.size();
  EXPECT_EQ(received, appended);
}

TEST_F(EventHubTest, StartsNowOrAfterACursorAndFilters) {
  Start(EventHub::Options());
  const int64_t first = Append("a");
  const int64_t second = Append("b", v1::PAYMENT_STATUS_SUCCEEDED);
  const int64_t third = Append("c", v1::PAYMENT_STATUS_PREPARED, "kiosk");

  // NOW (the default): only what comes after subscribing.
  v1::SubscribePaymentEventsRequest now;
  auto live = SubscribeAndConfirm(now, third);
  // After a cursor: the rest, then live.
  v1::SubscribePaymentEventsRequest after;
  after.set_after_cursor(absl::StrCat(first));
  auto resumed = SubscribeAndConfirm(after, first);
  // Filters: one payment; one status; one shop.
  v1::SubscribePaymentEventsRequest by_payment;
  by_payment.set_start(v1::SUBSCRIPTION_START_BEGINNING);
  by_payment.add_payment_ids("b");
  auto only_b = SubscribeAndConfirm(by_payment, 0);
  v1::SubscribePaymentEventsRequest by_status;
  by_status.set_start(v1::SUBSCRIPTION_START_BEGINNING);
  by_status.add_statuses(v1::PAYMENT_STATUS_SUCCEEDED);
  auto succeeded = SubscribeAndConfirm(by_status, 0);
  v1::SubscribePaymentEventsRequest by_shop;
  by_shop.set_start(v1::SUBSCRIPTION_START_BEGINNING);
  by_shop.set_shop("kiosk");
  auto kiosk = SubscribeAndConfirm(by_shop, 0);

  const int64_t fourth = Append("b", v1::PAYMENT_STATUS_SUCCEEDED);
  const int64_t fifth = Append("d", v1::PAYMENT_STATUS_SUCCEEDED, "kiosk");

  EXPECT_EQ(live->NextEvent()->cursor(), absl::StrCat(fourth));
  EXPECT_EQ(live->NextEvent()->cursor(), absl::StrCat(fifth));
  EXPECT_EQ(resumed->NextEvent()->cursor(), absl::StrCat(second));
  EXPECT_EQ(resumed->NextEvent()->payment_id(), "c");
  EXPECT_EQ(resumed->NextEvent()->cursor(), absl::StrCat(fourth));
  EXPECT_EQ(only_b->NextEvent()->cursor(), absl::StrCat(second));
  EXPECT_EQ(only_b->NextEvent()->cursor(), absl::StrCat(fourth));
  EXPECT_EQ(succeeded->NextEvent()->payment_id(), "b");
  EXPECT_EQ(succeeded->NextEvent()->payment_id(), "b");
  EXPECT_EQ(succeeded->NextEvent()->payment_id(), "d");
  std::optional<v1::PaymentEvent> k = kiosk->NextEvent();
  EXPECT_EQ(k->payment_id(), "c");
  EXPECT_EQ(k->shop(), "kiosk");
  EXPECT_EQ(k->snapshot().status(), v1::PAYMENT_STATUS_PREPARED);
  EXPECT_EQ(k->snapshot().payment_id(), "c");
  EXPECT_EQ(kiosk->NextEvent()->payment_id(), "d");
}

// A caller allowed only the shop "web" never receives an event of "kiosk", whatever it asks for:
// without a shop filter it sees web's events only, live and replayed; naming kiosk is
// PERMISSION_DENIED (not an empty stream); ListPaymentEvents is filtered the same way.
TEST_F(EventHubTest, ACallerSeesOnlyTheShopsItMayUse) {
  constexpr char kWebToken[] = "token-of-the-web-subscriber-0123456789";
  const AuthenticatorHolder holder(std::make_shared<const Authenticator>(std::vector<CallerPolicy>{
      TokenCaller("web-watcher", kWebToken, {"/barion.v1.PaymentEventService/*"}, {"web"})}));
  auth_ = &holder;
  Start(EventHub::Options());
  Append("w1");
  Append("k1", v1::PAYMENT_STATUS_PREPARED, "kiosk");

  v1::SubscribePaymentEventsRequest everything;
  everything.set_start(v1::SUBSCRIPTION_START_BEGINNING);
  auto sub = std::make_unique<Sub>();
  sub->context.AddMetadata("authorization", absl::StrCat("Bearer ", kWebToken));
  sub->context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  sub->reader = stub_->SubscribePaymentEvents(&sub->context, everything);
  ASSERT_TRUE(sub->Read());  // the start heartbeat
  for (int i = 0; i < 5; ++i) {
    Append(absl::StrCat("k", i + 2), v1::PAYMENT_STATUS_PREPARED, "kiosk");
    Append(absl::StrCat("w", i + 2));
  }
  std::vector<std::string> seen;
  while (seen.size() < 6) {
    std::optional<v1::PaymentEvent> e = sub->NextEvent();
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->shop(), "web") << e->payment_id();
    seen.push_back(e->payment_id());
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"w1", "w2", "w3", "w4", "w5", "w6"}));

  auto finish = [&](const v1::SubscribePaymentEventsRequest& request, const char* token) {
    auto other = std::make_unique<Sub>();
    if (token != nullptr)
      other->context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
    // A stream that should have been refused but was not ends at the deadline: the test fails
    // instead of hanging.
    other->context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    other->reader = stub_->SubscribePaymentEvents(&other->context, request);
    while (other->Read()) {
    }
    return other->reader->Finish();
  };
  v1::SubscribePaymentEventsRequest kiosk = everything;
  kiosk.set_shop("kiosk");
  grpc::Status denied = finish(kiosk, kWebToken);
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(Reasons(denied), testing::ElementsAre("SHOP_NOT_ALLOWED"));
  grpc::Status anonymous = finish(everything, nullptr);
  EXPECT_EQ(anonymous.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(Reasons(anonymous), testing::ElementsAre("NO_CREDENTIALS"));

  grpc::ClientContext list_context;
  list_context.AddMetadata("authorization", absl::StrCat("Bearer ", kWebToken));
  v1::ListPaymentEventsRequest list;
  v1::ListPaymentEventsResponse listed;
  ASSERT_TRUE(stub_->ListPaymentEvents(&list_context, list, &listed).ok());
  EXPECT_EQ(listed.events_size(), 6);
  for (const v1::PaymentEvent& e : listed.events()) EXPECT_EQ(e.shop(), "web");
}

TEST_F(EventHubTest, RejectsBadRequestsNamingTheField) {
  Start(EventHub::Options());
  Append("a");
  auto status_of = [&](const v1::SubscribePaymentEventsRequest& request) {
    auto sub = Subscribe(request);
    while (sub->Read()) {
    }
    return sub->reader->Finish();
  };
  v1::SubscribePaymentEventsRequest request;
  request.set_shop("nope");
  request.set_after_cursor("x1");
  request.add_statuses(static_cast<v1::PaymentStatus>(999));
  grpc::Status s = status_of(request);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadFields(s), (std::vector<std::string>{"statuses[0]", "shop", "after_cursor"}));

  v1::SubscribePaymentEventsRequest future;
  future.set_after_cursor("1000");
  s = status_of(future);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadFields(s), std::vector<std::string>{"after_cursor"});
}

TEST_F(EventHubTest, IdleStreamsGetHeartbeatsWithTheirPosition) {
  EventHub::Options options;
  options.heartbeat_interval = absl::Milliseconds(200);
  Start(options);
  Append("a");
  const int64_t last = Append("b");
  v1::SubscribePaymentEventsRequest request;
  request.add_payment_ids("a");
  request.set_start(v1::SUBSCRIPTION_START_BEGINNING);
  auto sub = SubscribeAndConfirm(request, 0);
  ASSERT_TRUE(sub->Read());
  ASSERT_TRUE(sub->message.has_event());
  const absl::Time start = absl::Now();
  ASSERT_TRUE(sub->Read());
  ASSERT_TRUE(sub->message.has_heartbeat());
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(100));
  // The heartbeat's cursor passes the event of "b" that the filter skipped.
  EXPECT_EQ(sub->message.heartbeat().cursor(), absl::StrCat(last));
  ASSERT_TRUE(sub->Read());
  EXPECT_TRUE(sub->message.has_heartbeat());
}

// A heartbeat's sent_at is when it was sent, to the microsecond: a subscriber measures its lag
// with it (protobuf 3.21's TimeUtil::GetCurrentTime drops the fraction of a second).
TEST_F(EventHubTest, HeartbeatsCarryTheTimeTheyWereSent) {
  EventHub::Options options;
  options.heartbeat_interval = absl::Milliseconds(50);
  Start(options);
  auto sub = Subscribe(v1::SubscribePaymentEventsRequest());
  for (int i = 0; i < 3; ++i) {
    const absl::Time before = absl::Now() - absl::Microseconds(1);
    ASSERT_TRUE(sub->Read());
    const absl::Time after = absl::Now();
    ASSERT_TRUE(sub->message.has_heartbeat());
    const absl::Time sent =
        absl::FromUnixNanos(google::protobuf::util::TimeUtil::TimestampToNanoseconds(
            sub->message.heartbeat().sent_at()));
    // The start heartbeat is sent before the first Read; later ones within the heartbeat
    // interval before theirs.
    EXPECT_GE(sent, before - (i == 0 ? absl::Seconds(1) : absl::Milliseconds(100)))
        << absl::FormatTime(sent) << " " << absl::FormatTime(before);
    EXPECT_LE(sent, after) << absl::FormatTime(sent) << " " << absl::FormatTime(after);
    EXPECT_NE(sub->message.heartbeat().sent_at().nanos(), 0);
  }
}

// A subscriber that stops reading: its writes stall once the HTTP/2 windows are full, its
// buffer fills, and it is finished with RESOURCE_EXHAUSTED; a reading subscriber meanwhile gets
// every event at once. When the slow one reads again it gets what was sent, in order, then the
// status; resuming from its last cursor gives the rest: nothing lost, nothing twice.
// "Fast" and "slow" by construction, not by the machine's speed: the slow subscriber never reads
// (its connection's flow-control window is tiny), and the writer appends an event only when the
// fast one has read all but 8 of those before, so the fast one never has more waiting than its
// buffer (16) however loaded the machine is.
TEST_F(EventHubTest, SlowSubscriberIsFinishedResumablyAndDoesNotDelayOthers) {
  EventHub::Options options;
  options.buffer_events = 16;
  Start(options);
  padding_ = 2000;
  auto slow_stub = SmallWindowStub();
  v1::SubscribePaymentEventsRequest request;
  auto slow = SubscribeAndConfirm(request, 0, slow_stub.get());
  auto fast = SubscribeAndConfirm(request, 0);

  constexpr int kEvents = 1000;
  constexpr int kAhead = 8;
  absl::Mutex mu;
  int fast_read = 0;
  bool stop = false;
  std::vector<int64_t> appended;
  std::thread writer([&] {
    for (int i = 0; i < kEvents; ++i) {
      {
        absl::MutexLock lock(&mu);
        auto may_append = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
          return stop || fast_read >= i - kAhead;
        };
        mu.Await(absl::Condition(&may_append));
        if (stop) return;
      }
      appended.push_back(Append(absl::StrCat("p", i % 50)));
    }
  });
  // Joined on every path: a failed assertion below returns from the test.
  auto join = absl::MakeCleanup([&] {
    {
      absl::MutexLock lock(&mu);
      stop = true;
    }
    writer.join();
  });
  std::vector<int64_t> fast_got;
  while (static_cast<int>(fast_got.size()) < kEvents) {
    std::optional<v1::PaymentEvent> e = fast->NextEvent();
    ASSERT_TRUE(e.has_value()) << fast->reader->Finish().error_message();
    fast_got.push_back(Cursor(e->cursor()));
    absl::MutexLock lock(&mu);
    ++fast_read;
  }
  std::move(join).Invoke();
  EXPECT_EQ(fast_got, appended);

  std::vector<int64_t> slow_got;
  while (std::optional<v1::PaymentEvent> e = slow->NextEvent()) {
    slow_got.push_back(Cursor(e->cursor()));
  }
  grpc::Status end = slow->reader->Finish();
  ASSERT_EQ(end.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << end.error_message();
  EXPECT_EQ(Reasons(end), std::vector<std::string>{"SUBSCRIBER_TOO_SLOW"});
  ASSERT_LT(slow_got.size(), appended.size());
  ASSERT_FALSE(slow_got.empty());
  EXPECT_EQ(Metadata(end, "resume_after_cursor"), absl::StrCat(slow_got.back()));

  v1::SubscribePaymentEventsRequest resume;
  resume.set_after_cursor(absl::StrCat(slow_got.back()));
  auto again = SubscribeAndConfirm(resume, slow_got.back());
  while (slow_got.size() < appended.size()) {
    std::optional<v1::PaymentEvent> e = again->NextEvent();
    ASSERT_TRUE(e.has_value());
    slow_got.push_back(Cursor(e->cursor()));
  }
  EXPECT_EQ(slow_got, appended);
}

// A client that never reads again: after write_timeout its stream is finished, then cancelled,
// and the hub forgets it.
TEST_F(EventHubTest, StalledSubscriberIsDroppedAfterTheWriteTimeout) {
  EventHub::Options options;
  options.write_timeout = absl::Milliseconds(300);
  options.buffer_events = 100000;
  Start(options);
  padding_ = 2000;
  auto stalled_stub = SmallWindowStub();
  v1::SubscribePaymentEventsRequest request;
  auto stalled = SubscribeAndConfirm(request, 0, stalled_stub.get());
  EXPECT_EQ(hub_->subscribers(), 1);
  for (int i = 0; i < 1000; ++i) Append(absl::StrCat("p", i % 50));
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (hub_->subscribers() > 0 && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(hub_->subscribers(), 0);
}

TEST_F(EventHubTest, ShutdownFinishesStreamsResumablyAndRefusesNewOnes) {
  Start(EventHub::Options());
  const int64_t cursor = Append("a");
  v1::SubscribePaymentEventsRequest request;
  request.set_start(v1::SUBSCRIPTION_START_BEGINNING);
  auto sub = SubscribeAndConfirm(request, 0);
  ASSERT_EQ(sub->NextEvent()->cursor(), absl::StrCat(cursor));
  hub_->FinishAll();
  EXPECT_FALSE(sub->NextEvent().has_value());
  grpc::Status end = sub->reader->Finish();
  EXPECT_EQ(end.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Reasons(end), std::vector<std::string>{"GATEWAY_SHUTTING_DOWN"});
  EXPECT_EQ(Metadata(end, "resume_after_cursor"), absl::StrCat(cursor));

  auto late = Subscribe(request);
  EXPECT_FALSE(late->Read());
  EXPECT_EQ(late->reader->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
}

// A shared log that cannot be read (PostgreSQL down): open streams end resumably, new ones are
// still taken (they are served once the log reads again).
TEST_F(EventHubTest, AnUnreadableSharedLogEndsStreamsResumablyButTakesNewOnes) {
  Start(EventHub::Options());
  const int64_t cursor = Append("a");
  EXPECT_EQ(hub_->ObservedThrough(), EventCursor::At(0, cursor));
  v1::SubscribePaymentEventsRequest request;
  request.set_start(v1::SUBSCRIPTION_START_BEGINNING);
  auto sub = SubscribeAndConfirm(request, 0);
  ASSERT_EQ(sub->NextEvent()->cursor(), absl::StrCat(cursor));
  hub_->LogUnavailable();
  EXPECT_FALSE(sub->NextEvent().has_value());
  grpc::Status end = sub->reader->Finish();
  EXPECT_EQ(end.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Reasons(end), std::vector<std::string>{"EVENT_STORE_UNAVAILABLE"});
  EXPECT_EQ(Metadata(end, "resume_after_cursor"), absl::StrCat(cursor));

  v1::SubscribePaymentEventsRequest resume;
  resume.set_after_cursor(absl::StrCat(cursor));
  auto resumed = SubscribeAndConfirm(resume, cursor);
  const int64_t next = Append("b");
  auto got = resumed->NextEvent();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->cursor(), absl::StrCat(next));
}

TEST_F(EventHubTest, RefusesSubscribersBeyondTheLimit) {
  EventHub::Options options;
  options.max_subscribers = 2;
  Start(options);
  v1::SubscribePaymentEventsRequest request;
  auto one = SubscribeAndConfirm(request, 0);
  auto two = SubscribeAndConfirm(request, 0);
  auto three = Subscribe(request);
  EXPECT_FALSE(three->Read());
  grpc::Status s = three->reader->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(Reasons(s), std::vector<std::string>{"TOO_MANY_SUBSCRIBERS"});
}

// A callback-API client stream that counts what it receives.
class CountingReader final : public grpc::ClientReadReactor<v1::SubscribePaymentEventsResponse> {
 public:
  CountingReader(v1::PaymentEventService::Stub* stub, bool reads, std::atomic<int>* ready,
                 std::atomic<int>* events)
      : ready_(ready), events_(events) {
    stub->async()->SubscribePaymentEvents(&context_, &request_, this);
    if (reads) StartRead(&message_);
    StartCall();
  }
  void OnReadDone(bool ok) override {
    if (!ok) return;
    if (message_.has_heartbeat() && !confirmed_) {
      confirmed_ = true;
      ready_->fetch_add(1);
    } else if (message_.has_event()) {
      int64_t cursor = -1;
      if (!absl::SimpleAtoi(message_.event().cursor(), &cursor) || cursor <= last_cursor_) {
        out_of_order_.fetch_add(1);
      }
      last_cursor_ = cursor;
      events_->fetch_add(1);
    }
    StartRead(&message_);
  }
  void OnDone(const grpc::Status&) override {
    absl::MutexLock lock(&mu_);
    done_ = true;
  }
  void CancelAndWait() {
    context_.TryCancel();
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&done_));
  }
  // Events whose cursor was not after the previous one's.
  int out_of_order() const { return out_of_order_.load(); }

 private:
  grpc::ClientContext context_;
  v1::SubscribePaymentEventsRequest request_;
  v1::SubscribePaymentEventsResponse message_;
  std::atomic<int>* ready_;
  std::atomic<int>* events_;
  bool confirmed_ = false;
  int64_t last_cursor_ = -1;  // only OnReadDone touches it, one read at a time
  std::atomic<int> out_of_order_{0};
  absl::Mutex mu_;
  bool done_ = false;
};

// A thousand subscribers on four connections and one that never reads: each event is serialized
// once and reaches every reader, in order, with several threads starting the writes.
TEST_F(EventHubTest, FansOutToAThousandSubscribersDespiteAStalledOne) {
  Start(EventHub::Options());
  constexpr int kSubscribers = 1000;
  // Several connections, as several client processes would have.
  std::vector<std::unique_ptr<v1::PaymentEventService::Stub>> stubs;
  for (int i = 0; i < 4; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("barion.test.connection", i);
    stubs.push_back(v1::PaymentEventService::NewStub(
        grpc::CreateCustomChannel(address_, grpc::InsecureChannelCredentials(), args)));
  }
  std::atomic<int> ready{0}, events{0}, stalled_ready{0}, stalled_events{0};
  auto stalled = std::make_unique<CountingReader>(stubs[0].get(), /*reads=*/false, &stalled_ready,
                                                  &stalled_events);
  std::vector<std::unique_ptr<CountingReader>> readers;
  for (int i = 0; i < kSubscribers; ++i) {
    readers.push_back(
        std::make_unique<CountingReader>(stubs[i % 4].get(), /*reads=*/true, &ready, &events));
  }
  absl::Time give_up = absl::Now() + absl::Seconds(30);
  while (ready.load() < kSubscribers && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  ASSERT_EQ(ready.load(), kSubscribers);
  EXPECT_EQ(hub_->subscribers(), kSubscribers + 1);

  const int64_t serialized = hub_->event_serializations();
  const int64_t shared_batches = hub_->shared_write_batches();
  const absl::Time sent = absl::Now();
  Append("p1", v1::PAYMENT_STATUS_SUCCEEDED);
  give_up = absl::Now() + absl::Seconds(30);
  while (events.load() < kSubscribers && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  const absl::Duration took = absl::Now() - sent;
  EXPECT_EQ(events.load(), kSubscribers);
  EXPECT_EQ(hub_->event_serializations() - serialized, 1) << "serialized once, not per stream";
  EXPECT_LT(took, absl::Seconds(5));
  std::cout << "1 event to " << kSubscribers << " subscribers in " << took << "\n";
  // The writes were started by the writer threads too (so that writes to one connection meet
  // in gRPC's queue and leave together).
  EXPECT_GT(hub_->shared_write_batches(), shared_batches);

  // Events in quick succession, each fanned out by several threads at once: every reader gets
  // every one, in order, and nothing stalls.
  constexpr int kMore = 20;
  for (int i = 0; i < kMore; ++i) Append(absl::StrCat("q", i));
  give_up = absl::Now() + absl::Seconds(60);
  while (events.load() < kSubscribers * (1 + kMore) && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_EQ(events.load(), kSubscribers * (1 + kMore));
  int out_of_order = 0;
  for (auto& r : readers) out_of_order += r->out_of_order();
  EXPECT_EQ(out_of_order, 0);

  for (auto& r : readers) r->CancelAndWait();
  stalled->CancelAndWait();
}

}  // namespace
}  // namespace barion_gateway::server

namespace barion_gateway::server {
namespace {

// A log whose reads fail, as a disk error would.
class FailingReads final : public EventLog {
 public:
  explicit FailingReads(EventLog* inner) : inner_(inner) {}
  void SetObserver(EventLogObserver* observer) override { inner_->SetObserver(observer); }
  absl::StatusOr<std::optional<barion::v1::PaymentEvent>> AppendIfChanged(
      barion::v1::PaymentEvent e) override {
    return inner_->AppendIfChanged(std::move(e));
  }
  absl::StatusOr<std::vector<barion::v1::PaymentEvent>> ReadAfter(const EventCursor&,
                                                                  const EventFilter&,
                                                                  int) override {
    return absl::UnavailableError("disk error");
  }
  absl::StatusOr<EventCursor> LastCursor() override { return inner_->LastCursor(); }
  absl::StatusOr<EventCursor> LastCursorOf(const std::vector<std::string>& shops,
                                           const EventCursor& at_most) override {
    return inner_->LastCursorOf(shops, at_most);
  }
  bool Owns(const EventCursor& cursor) const override { return inner_->Owns(cursor); }

 private:
  EventLog* inner_;
};

// A replay that cannot read the store ends resumably instead of hanging or skipping events.
TEST(EventHubStoreFailureTest, AReplayThatCannotReadEndsWithEventStoreUnavailable) {
  const std::string dir = absl::StrCat(::testing::TempDir(), "/hub-fail-", ::getpid());
  ::mkdir(dir.c_str(), 0700);
  auto sqlite = *SqliteEventStore::Open(dir + "/events.db");
  for (int i = 0; i < 3; ++i) {
    barion::v1::PaymentEvent e;
    e.set_shop("web");
    e.set_payment_id(absl::StrCat("p", i));
    e.mutable_snapshot()->set_payment_id(absl::StrCat("p", i));
    ASSERT_TRUE(sqlite->AppendIfChanged(e).ok());
  }
  FailingReads failing(sqlite.get());
  EventHub hub(&failing, EventHub::Options());
  ASSERT_TRUE(hub.Start().ok());
  PaymentEvents reads(&failing, {"web"}, OpenPolicy());
  PaymentEventServiceImpl service(&reads, &hub, TestEdge());
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  auto stub = barion::v1::PaymentEventService::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  barion::v1::SubscribePaymentEventsRequest request;
  request.set_start(barion::v1::SUBSCRIPTION_START_BEGINNING);
  auto reader = stub->SubscribePaymentEvents(&context, request);
  barion::v1::SubscribePaymentEventsResponse message;
  int events = 0;
  while (reader->Read(&message)) events += message.has_event() ? 1 : 0;
  grpc::Status end = reader->Finish();
  EXPECT_EQ(events, 0);
  EXPECT_EQ(end.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Reasons(end), std::vector<std::string>{"EVENT_STORE_UNAVAILABLE"});
  EXPECT_EQ(Metadata(end, "resume_after_cursor"), "0");
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  server->Wait();
  hub.Stop();
}

}  // namespace
}  // namespace barion_gateway::server
