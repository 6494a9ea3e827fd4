// The fixture of the EventHub tests: a real gRPC server with PaymentEventServiceImpl, a real
// SQLite store in a fresh folder and the EventHub between them, with helpers to append events and
// to subscribe (every subscription has a deadline, so a broken test fails instead of hanging).
#ifndef BARION_GATEWAY_TESTS_SERVER_EVENTS_EVENT_HUB_FIXTURE_H_
#define BARION_GATEWAY_TESTS_SERVER_EVENTS_EVENT_HUB_FIXTURE_H_

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "barion/v1/payment_event.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "server/events/event_hub.h"
#include "server/events/sqlite/sqlite_event_store.h"
#include "server/rpc/payment_event_service.h"
#include "tests/server/auth/test_policy.h"

namespace barion_gateway::server {

inline int64_t Cursor(const std::string& text) {
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
    stub_ = ::barion::v1::PaymentEventService::NewStub(
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
                 ::barion::v1::PaymentStatus status = ::barion::v1::PAYMENT_STATUS_PREPARED,
                 const std::string& shop = "web") {
    ::barion::v1::PaymentEvent e;
    e.set_shop(shop);
    e.set_payment_id(payment_id);
    e.set_source(::barion::v1::EVENT_SOURCE_CALLBACK);
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
    std::unique_ptr<grpc::ClientReader<::barion::v1::SubscribePaymentEventsResponse>> reader;
    ::barion::v1::SubscribePaymentEventsResponse message;
    bool Read() { return reader->Read(&message); }
    // The next event, skipping heartbeats; nullopt at the end of the stream.
    std::optional<::barion::v1::PaymentEvent> NextEvent() {
      while (Read()) {
        if (message.has_event()) return message.event();
      }
      return std::nullopt;
    }
  };

  std::unique_ptr<Sub> Subscribe(const ::barion::v1::SubscribePaymentEventsRequest& request,
                                 ::barion::v1::PaymentEventService::Stub* stub = nullptr) {
    auto sub = std::make_unique<Sub>();
    sub->context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
    sub->reader = (stub ? stub : stub_.get())->SubscribePaymentEvents(&sub->context, request);
    return sub;
  }

  // Subscribes and reads the first message, which must be the start heartbeat.
  std::unique_ptr<Sub> SubscribeAndConfirm(
      const ::barion::v1::SubscribePaymentEventsRequest& request, int64_t expected_start,
      ::barion::v1::PaymentEventService::Stub* stub = nullptr) {
    auto sub = Subscribe(request, stub);
    EXPECT_TRUE(sub->Read());
    EXPECT_TRUE(sub->message.has_heartbeat());
    EXPECT_EQ(sub->message.heartbeat().cursor(), absl::StrCat(expected_start));
    return sub;
  }

  // A stub on its own connection that does not grow its flow-control windows (BDP probing off),
  // so a stream whose client stops reading stalls after about 64 KiB.
  std::unique_ptr<::barion::v1::PaymentEventService::Stub> SmallWindowStub() {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
    args.SetInt("barion.test.connection", ++connections_);
    return ::barion::v1::PaymentEventService::NewStub(
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
  std::unique_ptr<::barion::v1::PaymentEventService::Stub> stub_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_TESTS_SERVER_EVENTS_EVENT_HUB_FIXTURE_H_
