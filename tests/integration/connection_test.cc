// Client connections are bounded: they age out (so a revoked certificate or CA stops working on
// connections already open, and the streams on them end and resume), and each carries at most
// listen.max_streams_per_connection calls at once.
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "health/v1/health.grpc.pb.h"
#include "tests/integration/harness.h"

namespace barion_gateway::testing_support {
namespace {

namespace v1 = ::barion::v1;

TEST(ConnectionTest, AnAgedConnectionIsClosedAndItsStreamsEnd) {
  HarnessOptions options;
  options.max_connection_age = absl::Seconds(1);
  options.max_connection_age_grace = absl::Seconds(1);
  Harness h(options);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  auto stream = h.events().SubscribePaymentEvents(&context, {});
  v1::SubscribePaymentEventsResponse message;
  ASSERT_TRUE(stream->Read(&message));  // the start heartbeat
  const absl::Time opened = absl::Now();
  while (stream->Read(&message)) {
  }
  const grpc::Status ended = stream->Finish();
  const absl::Duration lived = absl::Now() - opened;
  EXPECT_EQ(ended.error_code(), grpc::StatusCode::UNAVAILABLE) << ended.error_message();
  EXPECT_LT(lived, absl::Seconds(10)) << "the stream outlived its connection's age and grace";
  // The client reconnects by itself.
  v1::GetPaymentStateRequest request;
  request.set_payment_id("0123456789abcdef0123456789abcdef");
  v1::GetPaymentStateResponse state;
  grpc::Status s = h.stub().GetPaymentState(Deadline(10).get(), request, &state);
  EXPECT_NE(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
}

TEST(ConnectionTest, OneConnectionCarriesAtMostTheConfiguredStreams) {
  HarnessOptions options;
  options.max_streams_per_connection = 2;
  Harness h(options);
  auto channel = h.NewChannel(grpc::InsecureChannelCredentials());
  auto events = v1::PaymentEventService::NewStub(channel);
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::thread> readers;
  std::atomic<int> started{0};
  std::atomic<int> first_started{-1};
  for (int i = 0; i < 3; ++i) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    contexts.back()->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    readers.emplace_back([&, i, context = contexts.back().get()] {
      auto stream = events->SubscribePaymentEvents(context, {});
      v1::SubscribePaymentEventsResponse message;
      if (stream->Read(&message)) {
        int none = -1;
        first_started.compare_exchange_strong(none, i);
        started.fetch_add(1);
      }
      while (stream->Read(&message)) {
      }
      stream->Finish();
    });
  }
  absl::SleepFor(absl::Seconds(2));
  EXPECT_EQ(started.load(), 2) << "a third stream ran on a connection limited to two";
  ASSERT_GE(first_started.load(), 0);
  contexts[first_started.load()]->TryCancel();  // one ends: the waiting one may start
  const absl::Time until = absl::Now() + absl::Seconds(10);
  while (started.load() < 3 && absl::Now() < until) absl::SleepFor(absl::Milliseconds(20));
  EXPECT_EQ(started.load(), 3);
  for (auto& context : contexts) context->TryCancel();
  for (std::thread& t : readers) t.join();
}

// grpc.health.v1 needs no credentials, so its Watch streams are bounded per client and in all.
TEST(ConnectionTest, HealthWatchStreamsAreBoundedPerClient) {
  Harness h;
  auto health = grpc::health::v1::Health::NewStub(h.channel());
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::ClientReader<grpc::health::v1::HealthCheckResponse>>> watches;
  grpc::health::v1::HealthCheckRequest request;
  for (int i = 0; i < 4; ++i) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    contexts.back()->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    watches.push_back(health->Watch(contexts.back().get(), request));
    grpc::health::v1::HealthCheckResponse first;
    ASSERT_TRUE(watches.back()->Read(&first));
    EXPECT_EQ(first.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  }
  grpc::ClientContext fifth;
  fifth.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  auto refused = health->Watch(&fifth, request);
  grpc::health::v1::HealthCheckResponse none;
  EXPECT_FALSE(refused->Read(&none));
  const grpc::Status s = refused->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(Reasons(s), std::vector<std::string>{"WATCHES_EXHAUSTED"});
  // Check is unaffected, and so is a service's own status.
  grpc::ClientContext check;
  grpc::health::v1::HealthCheckResponse status;
  request.set_service("barion.v1.PaymentService");
  ASSERT_TRUE(health->Check(&check, request, &status).ok());
  EXPECT_EQ(status.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  grpc::ClientContext unknown;
  request.set_service("no.such.Service");
  EXPECT_EQ(health->Check(&unknown, request, &status).error_code(), grpc::StatusCode::NOT_FOUND);
  // One ends: there is room again.
  contexts[0]->TryCancel();
  watches[0]->Finish();
  request.clear_service();
  grpc::health::v1::HealthCheckResponse first;
  for (absl::Time until = absl::Now() + absl::Seconds(5); absl::Now() < until;) {
    grpc::ClientContext again;
    again.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
    auto watch = health->Watch(&again, request);
    if (watch->Read(&first)) break;
    watch->Finish();
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_EQ(first.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  // At shutdown the watchers hear NOT_SERVING.
  h.gateway().Shutdown(absl::Seconds(1));
  grpc::health::v1::HealthCheckResponse last;
  bool not_serving = false;
  while (watches[1]->Read(&last)) {
    not_serving |= last.status() == grpc::health::v1::HealthCheckResponse::NOT_SERVING;
  }
  EXPECT_TRUE(not_serving);
  for (auto& context : contexts) context->TryCancel();
}

}  // namespace
}  // namespace barion_gateway::testing_support
