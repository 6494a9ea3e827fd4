// PaymentClient and EventSubscription against a mock connection: retries only where safe,
// per-attempt deadlines, error decoding, resumption without duplicates.
#include "client/payment_client.h"

#include <deque>
#include <vector>

#include "absl/time/clock.h"
#include "client/mock_connection.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace barion_gateway::client {
namespace {

using testing::_;
using testing::Return;

// A status as the gateway sends it: code, message and google.rpc details.
absl::Status GatewayStatus(absl::StatusCode code, const std::string& reason,
                           std::map<std::string, std::string> metadata = {},
                           std::vector<std::string> bad_fields = {}) {
  google::rpc::Status details;
  details.set_code(static_cast<int>(code));
  if (!reason.empty()) {
    google::rpc::ErrorInfo info;
    info.set_reason(reason);
    info.set_domain("barion-grpc-gateway");
    for (const auto& [k, v] : metadata) (*info.mutable_metadata())[k] = v;
    details.add_details()->PackFrom(info);
  }
  if (!bad_fields.empty()) {
    google::rpc::BadRequest bad;
    for (const std::string& f : bad_fields) {
      auto* v = bad.add_field_violations();
      v->set_field(f);
      v->set_description("is wrong");
    }
    details.add_details()->PackFrom(bad);
  }
  absl::Status s(code, "failed");
  s.SetPayload("type.googleapis.com/google.rpc.Status", absl::Cord(details.SerializeAsString()));
  return s;
}

ClientOptions Options(std::vector<absl::Duration>* sleeps) {
  ClientOptions o;
  o.timeout = absl::Seconds(7);
  o.max_attempts = 3;
  o.sleep = [sleeps](absl::Duration d) { sleeps->push_back(d); };
  return o;
}

TEST(PaymentClientTest, ReadsAreRetriedWithBoundedJitteredBackoff) {
  auto connection = std::make_shared<MockConnection>();
  v1::GetPaymentStateResponse state;
  state.set_status(v1::PAYMENT_STATUS_SUCCEEDED);
  EXPECT_CALL(*connection, GetPaymentState(_, _))
      .WillOnce(Return(absl::UnavailableError("down")))
      .WillOnce(Return(absl::DeadlineExceededError("slow")))
      .WillOnce(Return(state));
  std::vector<absl::Duration> sleeps;
  PaymentClient client(connection, Options(&sleeps));
  absl::StatusOr<v1::GetPaymentStateResponse> got = client.GetPaymentState({});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->status(), v1::PAYMENT_STATUS_SUCCEEDED);
  ASSERT_EQ(sleeps.size(), 2u);
  EXPECT_LE(sleeps[0], absl::Milliseconds(100));
  EXPECT_LE(sleeps[1], absl::Milliseconds(200));
}

TEST(PaymentClientTest, ReadsGiveUpAfterMaxAttemptsAndNeverRetryACallersMistake) {
  auto connection = std::make_shared<MockConnection>();
  EXPECT_CALL(*connection, ListPaymentEvents(_, _))
      .Times(3)
      .WillRepeatedly(Return(absl::UnavailableError("down")));
  EXPECT_CALL(*connection, GetPaymentState(_, _))
      .Times(1)
      .WillOnce(Return(GatewayStatus(absl::StatusCode::kInvalidArgument, "", {}, {"payment_id"})));
  std::vector<absl::Duration> sleeps;
  PaymentClient client(connection, Options(&sleeps));
  EXPECT_EQ(client.ListPaymentEvents({}).status().code(), absl::StatusCode::kUnavailable);
  absl::Status bad = client.GetPaymentState({}).status();
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(DetailsOf(bad).violations.size(), 1u);
  EXPECT_EQ(DetailsOf(bad).violations[0].field, "payment_id");
}

TEST(PaymentClientTest, MutationsAreRetriedOnlyWhenNothingWasSent) {
  auto connection = std::make_shared<MockConnection>();
  v1::StartPaymentResponse started;
  started.set_payment_id("p1");
  EXPECT_CALL(*connection, StartPayment(_, _))
      .WillOnce(Return(GatewayStatus(absl::StatusCode::kUnavailable, "UPSTREAM_UNREACHABLE",
                                     {{"outcome", "not_sent"}})))
      .WillOnce(Return(started));
  // An unknown outcome (a timeout after sending) is the caller's to check: no retry.
  EXPECT_CALL(*connection, Refund(_, _))
      .Times(1)
      .WillOnce(Return(
          GatewayStatus(absl::StatusCode::kUnknown, "UPSTREAM_TIMEOUT", {{"outcome", "unknown"}})));
  // A plain UNAVAILABLE from gRPC (did the gateway get it?) is not retried for a mutation.
  EXPECT_CALL(*connection, Capture(_, _)).Times(1).WillOnce(Return(absl::UnavailableError("?")));
  std::vector<absl::Duration> sleeps;
  PaymentClient client(connection, Options(&sleeps));
  absl::StatusOr<v1::StartPaymentResponse> s = client.StartPayment({});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->payment_id(), "p1");
  absl::Status refund = client.Refund({}).status();
  EXPECT_EQ(DetailsOf(refund).reason(), "UPSTREAM_TIMEOUT");
  EXPECT_EQ(DetailsOf(refund).metadata("outcome"), "unknown");
  EXPECT_FALSE(NotSent(refund));
  EXPECT_EQ(client.Capture({}).status().code(), absl::StatusCode::kUnavailable);
}

// The gateway deduplicates StartPayment by payment_request_id, so a transport failure may be
// retried; its "in flight or unknown" answer (ABORTED) may not.
TEST(PaymentClientTest, StartPaymentIsRetriedOnTransportFailuresButNotWhenAborted) {
  auto connection = std::make_shared<MockConnection>();
  v1::StartPaymentResponse started;
  started.set_payment_id("p1");
  EXPECT_CALL(*connection, StartPayment(_, _))
      .WillOnce(Return(absl::UnavailableError("connection reset")))
      .WillOnce(Return(started))
      .WillOnce(Return(GatewayStatus(absl::StatusCode::kAborted, "START_OUTCOME_UNKNOWN")));
  std::vector<absl::Duration> sleeps;
  PaymentClient client(connection, Options(&sleeps));
  ASSERT_TRUE(client.StartPayment({}).ok());
  absl::Status aborted = client.StartPayment({}).status();
  EXPECT_EQ(DetailsOf(aborted).reason(), "START_OUTCOME_UNKNOWN");
  EXPECT_EQ(sleeps.size(), 1u);
}

TEST(PaymentClientTest, EachAttemptCarriesTheConfiguredDeadline) {
  auto connection = std::make_shared<MockConnection>();
  std::vector<absl::Time> deadlines;
  EXPECT_CALL(*connection, GetPaymentState(_, _))
      .Times(2)
      .WillRepeatedly([&](const v1::GetPaymentStateRequest&, absl::Time deadline) {
        deadlines.push_back(deadline);
        return absl::StatusOr<v1::GetPaymentStateResponse>(absl::UnavailableError("down"));
      });
  std::vector<absl::Duration> sleeps;
  ClientOptions options = Options(&sleeps);
  options.max_attempts = 2;
  PaymentClient client(connection, options);
  const absl::Time before = absl::Now();
  client.GetPaymentState({}).IgnoreError();
  ASSERT_EQ(deadlines.size(), 2u);
  for (absl::Time d : deadlines) {
    EXPECT_GE(d, before + absl::Seconds(7));
    EXPECT_LE(d, absl::Now() + absl::Seconds(7));
  }
}

v1::SubscribePaymentEventsResponse Event(int cursor) {
  v1::SubscribePaymentEventsResponse m;
  m.mutable_event()->set_cursor(std::to_string(cursor));
  m.mutable_event()->set_payment_id("p" + std::to_string(cursor));
  return m;
}

v1::SubscribePaymentEventsResponse Beat(int cursor) {
  v1::SubscribePaymentEventsResponse m;
  m.mutable_heartbeat()->set_cursor(std::to_string(cursor));
  return m;
}

TEST(EventSubscriptionTest, ResumesAfterItsCursorAndNeverRepeatsAnEvent) {
  auto connection = std::make_shared<MockConnection>();
  std::vector<std::string> after;
  int call = 0;
  EXPECT_CALL(*connection, SubscribePaymentEvents(_))
      .Times(3)
      .WillRepeatedly([&](const v1::SubscribePaymentEventsRequest& r)
                          -> std::unique_ptr<Connection::EventStream> {
        after.push_back(r.after_cursor());
        switch (call++) {
          case 0:  // two events, then the gateway restarts
            return std::make_unique<ScriptedEventStream>(
                std::deque{Beat(0), Event(1), Event(2)},
                GatewayStatus(absl::StatusCode::kUnavailable, "GATEWAY_SHUTTING_DOWN",
                              {{"resume_after_cursor", "2"}}));
          case 1:  // a connection that fails at once
            return std::make_unique<ScriptedEventStream>(
                std::deque<v1::SubscribePaymentEventsResponse>{},
                absl::UnavailableError("connection refused"));
          default:  // at-least-once: the gateway sends 2 again, then 3, a heartbeat, 4
            return std::make_unique<ScriptedEventStream>(
                std::deque{Beat(2), Event(2), Event(3), Beat(3), Event(4)},
                absl::UnavailableError("end of script"));
        }
      });
  std::vector<absl::Duration> sleeps;
  v1::SubscribePaymentEventsRequest from_start;
  from_start.set_start(v1::SUBSCRIPTION_START_BEGINNING);
  EventSubscription subscription(connection, from_start, Options(&sleeps));
  std::vector<std::string> got;
  for (int i = 0; i < 4; ++i) {
    absl::StatusOr<v1::PaymentEvent> e = subscription.Next();
    ASSERT_TRUE(e.ok()) << e.status();
    got.push_back(e->cursor());
  }
  EXPECT_EQ(got, (std::vector<std::string>{"1", "2", "3", "4"}));
  EXPECT_EQ(after, (std::vector<std::string>{"", "2", "2"}));
  EXPECT_EQ(subscription.cursor(), "4");
  EXPECT_EQ(sleeps.size(), 2u);  // one backoff per failed stream
}

TEST(EventSubscriptionTest, ARefusedSubscriptionIsReturnedNotRetried) {
  auto connection = std::make_shared<MockConnection>();
  EXPECT_CALL(*connection, SubscribePaymentEvents(_))
      .Times(1)
      .WillOnce([](const v1::SubscribePaymentEventsRequest&) {
        return std::make_unique<ScriptedEventStream>(
            std::deque<v1::SubscribePaymentEventsResponse>{},
            GatewayStatus(absl::StatusCode::kInvalidArgument, "", {}, {"shop"}));
      });
  std::vector<absl::Duration> sleeps;
  v1::SubscribePaymentEventsRequest from_start;
  from_start.set_start(v1::SUBSCRIPTION_START_BEGINNING);
  EventSubscription subscription(connection, from_start, Options(&sleeps));
  absl::StatusOr<v1::PaymentEvent> e = subscription.Next();
  EXPECT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DetailsOf(e.status()).violations[0].field, "shop");
}

// With NOW, the position is pinned at construction: a reconnection resumes from there.
TEST(EventSubscriptionTest, NowIsPinnedWhenTheSubscriptionIsCreated) {
  auto connection = std::make_shared<MockConnection>();
  std::vector<std::string> after;
  int call = 0;
  EXPECT_CALL(*connection, SubscribePaymentEvents(_))
      .Times(2)
      .WillRepeatedly([&](const v1::SubscribePaymentEventsRequest& r)
                          -> std::unique_ptr<Connection::EventStream> {
        after.push_back(r.after_cursor());
        if (call++ == 0) {
          return std::make_unique<ScriptedEventStream>(std::deque{Beat(41)},
                                                       absl::UnavailableError("dropped"));
        }
        return std::make_unique<ScriptedEventStream>(std::deque{Beat(41), Event(42)},
                                                     absl::UnavailableError("end"));
      });
  std::vector<absl::Duration> sleeps;
  EventSubscription subscription(connection, {}, Options(&sleeps));
  EXPECT_EQ(subscription.cursor(), "41");
  absl::StatusOr<v1::PaymentEvent> e = subscription.Next();
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->cursor(), "42");
  EXPECT_EQ(after, (std::vector<std::string>{"", "41"}));
}

}  // namespace
}  // namespace barion_gateway::client
