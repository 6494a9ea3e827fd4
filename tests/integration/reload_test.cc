// Reloading the policy and the keys in a running gateway (what SIGHUP does): access granted and
// revoked without a restart, open streams of a caller that lost access ended with
// PERMISSION_DENIED while others stay open, new keys used for the next calls, and a reload the
// running gateway cannot apply refused with the old configuration still in force.
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/harness.h"
#include "tests/server/auth/test_policy.h"

namespace barion_gateway::testing_support {
namespace {

namespace v1 = ::barion::v1;
using server::CallerPolicy;
using server::TokenCaller;
using testing::ElementsAre;

constexpr char kOldToken[] = "token-of-the-old-shop-app-0123456789abcdef";
constexpr char kNewToken[] = "token-of-the-new-shop-app-0123456789abcdef";
constexpr char kWatcherToken[] = "token-of-the-event-watcher-0123456789abcd";

CallerPolicy Watcher() {
  return TokenCaller("watcher", kWatcherToken, {"/barion.v1.PaymentEventService/*"}, {"demo"});
}

HarnessOptions Options() {
  HarnessOptions options;
  options.callers = {TokenCaller("shop-app", kOldToken, {"*"}, {"demo"}), Watcher()};
  return options;
}

grpc::Status Start(Harness& h, const char* token) {
  v1::StartPaymentResponse response;
  return h.stub().StartPayment(WithToken(token).get(),
                               Harness::CardPayment("1000", v1::CURRENCY_HUF), &response);
}

struct Stream {
  std::unique_ptr<grpc::ClientContext> context;
  std::unique_ptr<grpc::ClientReader<v1::SubscribePaymentEventsResponse>> reader;
};

Stream Subscribe(Harness& h, const char* token) {
  Stream s;
  s.context = WithToken(token);
  s.context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  s.reader = h.events().SubscribePaymentEvents(s.context.get(), {});
  v1::SubscribePaymentEventsResponse first;
  EXPECT_TRUE(s.reader->Read(&first) && first.has_heartbeat());
  return s;
}

TEST(ReloadTest, GrantsAndRevokesAccessWithoutARestart) {
  Harness h(Options());
  ASSERT_TRUE(Start(h, kOldToken).ok());
  Stream revoked = Subscribe(h, kOldToken);  // shop-app may read events too ("*")
  Stream kept = Subscribe(h, kWatcherToken);

  server::Config next = h.config();
  next.callers = {TokenCaller("shop-app", kNewToken, {"*"}, {"demo"}), Watcher()};
  ASSERT_TRUE(h.gateway().Reload(next).ok());

  // The old token's stream ends, resumably; the watcher's stays open.
  v1::SubscribePaymentEventsResponse message;
  while (revoked.reader->Read(&message)) {
  }
  grpc::Status ended = revoked.reader->Finish();
  EXPECT_EQ(ended.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(Reasons(ended), ElementsAre("ACCESS_REVOKED"));
  EXPECT_FALSE(Metadata(ended, "resume_after_cursor").empty());
  // The hub lets go of a stream when gRPC ends the call (OnDone), which may come just after the
  // client has read the status.
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (h.gateway().event_hub()->subscribers() > 1 && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  EXPECT_EQ(h.gateway().event_hub()->subscribers(), 1);

  EXPECT_EQ(Start(h, kOldToken).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(Start(h, kNewToken).ok());
  kept.context->TryCancel();
}

TEST(ReloadTest, NewKeysAreUsedForTheNextCalls) {
  Harness h(Options());
  server::Config next = h.config();
  next.shops[0].pos_key = "ffffffffffffffffffffffffffffffff";  // a key Barion does not know
  ASSERT_TRUE(h.gateway().Reload(next).ok());
  grpc::Status wrong_key = Start(h, kOldToken);
  EXPECT_EQ(wrong_key.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(Reasons(wrong_key), ElementsAre("AuthenticationFailed"));
  ASSERT_TRUE(h.gateway().Reload(h.config()).ok());  // the right key again
  EXPECT_TRUE(Start(h, kOldToken).ok());
}

TEST(ReloadTest, AReloadItCannotApplyKeepsTheRunningConfiguration) {
  Harness h(Options());
  server::Config more_shops = h.config();
  more_shops.shops.push_back(more_shops.shops[0]);
  more_shops.shops.back().name = "second";
  more_shops.callers = {};
  EXPECT_EQ(h.gateway().Reload(more_shops).code(), absl::StatusCode::kFailedPrecondition);

  server::Config exposed = h.config();
  exposed.callers = {};                // fine on loopback...
  exposed.grpc_address = "0.0.0.0:1";  // ...but the listener is what runs, not what the file says
  EXPECT_TRUE(h.gateway().Reload(exposed).ok());
  EXPECT_TRUE(Start(h, kOldToken).ok());  // authentication is off now: any call passes
  ASSERT_TRUE(h.gateway().Reload(h.config()).ok());
  EXPECT_EQ(Start(h, "no-such-token-0123456789abcdef0123456789").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace barion_gateway::testing_support

namespace barion_gateway::testing_support {
namespace {

// A subscriber that authenticated just before a reload took its credential away, and reaches
// the hub only after the reload's sweep, is refused as it registers: it does not stream on.
TEST(ReloadRaceTest, ASubscriptionAuthenticatedBeforeAReloadThatRevokedItIsRefused) {
  Harness h(Options());
  server::Config next = h.config();
  next.callers = {TokenCaller("shop-app", kNewToken, {"*"}, {"demo"})};  // the watcher is gone
  absl::Status reloaded = absl::UnknownError("the hook did not run");
  h.gateway().event_hub()->SetBeforeRegisterForTesting([&] {
    // Authenticated already, not yet registered: the reload replaces the policy and sweeps.
    reloaded = h.gateway().Reload(next);
  });
  auto context = WithToken(kWatcherToken);
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  auto reader = h.events().SubscribePaymentEvents(context.get(), {});
  v1::SubscribePaymentEventsResponse message;
  EXPECT_FALSE(reader->Read(&message)) << "a revoked subscriber received a message";
  const grpc::Status s = reader->Finish();
  h.gateway().event_hub()->SetBeforeRegisterForTesting(nullptr);
  ASSERT_TRUE(reloaded.ok()) << reloaded;
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  EXPECT_THAT(Reasons(s), ElementsAre("ACCESS_REVOKED"));
}

}  // namespace
}  // namespace barion_gateway::testing_support
