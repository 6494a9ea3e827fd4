// The EventHub's flow control, limits and endings over a real gRPC server and a real SQLite store
// (the fixture in event_hub_fixture.h): slow and stalled subscribers, the subscriber limit,
// fan-out to 1,000 streams despite a stalled one, shutdown, and a store that cannot be read.
#include <atomic>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/server/events/event_hub_fixture.h"
#include "tests/support/status_details.h"

namespace barion_gateway::server {
namespace {

namespace v1 = ::barion::v1;
using testing_support::Metadata;
using testing_support::Reasons;

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
