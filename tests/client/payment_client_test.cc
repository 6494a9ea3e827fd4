// PaymentClient, WalletClient and EventSubscription against mock connections: retries only where
// safe, per-attempt deadlines, error decoding, statement downloads, resumption without duplicates.
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

namespace v1 = ::barion::v1;

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

// The retry rules are options: a caller may declare an RPC idempotent (here Capture, say
// because its own code deduplicates) or forbid retries altogether.
TEST(PaymentClientTest, IdempotencyAndRetryPoliciesAreOptions) {
  struct CaptureIsARead : IdempotencyPolicy {
    Idempotency For(absl::string_view rpc) const override {
      return rpc == "Capture" ? Idempotency::kRead : IdempotencyPolicy::For(rpc);
    }
  };
  struct Never : RetryPolicy {
    bool ShouldRetry(Idempotency, const absl::Status&) const override { return false; }
  };
  auto connection = std::make_shared<MockConnection>();
  EXPECT_CALL(*connection, Capture(_, _))
      .WillOnce(Return(absl::UnavailableError("?")))
      .WillOnce(Return(v1::CaptureResponse()));
  EXPECT_CALL(*connection, GetPaymentState(_, _))
      .Times(1)
      .WillOnce(Return(absl::UnavailableError("?")));
  std::vector<absl::Duration> sleeps;
  ClientOptions options = Options(&sleeps);
  options.idempotency = std::make_shared<CaptureIsARead>();
  EXPECT_TRUE(PaymentClient(connection, options).Capture({}).ok());
  options.retry = std::make_shared<Never>();
  EXPECT_EQ(PaymentClient(connection, options).GetPaymentState({}).status().code(),
            absl::StatusCode::kUnavailable);
  // The defaults are the rules above.
  EXPECT_EQ(DefaultIdempotencyPolicy()->For("Refund"), Idempotency::kMutation);
  EXPECT_EQ(DefaultIdempotencyPolicy()->For("SomeFutureRpc"), Idempotency::kMutation);
  EXPECT_EQ(DefaultIdempotencyPolicy()->For("StartPayment"), Idempotency::kDeduplicated);
  EXPECT_TRUE(DefaultRetryPolicy()->ShouldRetry(Idempotency::kRead, absl::AbortedError("")));
  EXPECT_FALSE(
      DefaultRetryPolicy()->ShouldRetry(Idempotency::kDeduplicated, absl::AbortedError("")));
  for (int attempt = 0; attempt < 10; ++attempt) {
    EXPECT_LE(BackoffDelay(absl::Milliseconds(100), absl::Seconds(1), attempt), absl::Seconds(1));
  }
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

// Google Pay and Apple Pay starts charge at once and nobody deduplicates them: unlike StartPayment
// they are sent again only when nothing was sent. The QR code and the Apple Pay session move no
// money and are retried like reads.
TEST(PaymentClientTest, WalletPayStartsAreMutationsAndQrAndSessionsAreReads) {
  auto connection = std::make_shared<MockConnection>();
  EXPECT_CALL(*connection, StartGooglePayPayment(_, _))
      .Times(1)
      .WillOnce(Return(absl::UnavailableError("connection reset")));
  v1::StartApplePayPaymentResponse paid;
  paid.set_status(v1::PAYMENT_STATUS_SUCCEEDED);
  EXPECT_CALL(*connection, StartApplePayPayment(_, _))
      .WillOnce(Return(GatewayStatus(absl::StatusCode::kUnavailable, "UPSTREAM_UNREACHABLE",
                                     {{"outcome", "not_sent"}})))
      .WillOnce(Return(paid));
  v1::GetPaymentQrCodeResponse qr;
  qr.set_image("\x89PNG");
  EXPECT_CALL(*connection, GetPaymentQrCode(_, _))
      .WillOnce(Return(absl::UnavailableError("down")))
      .WillOnce(Return(qr));
  v1::ValidateApplePaySessionResponse session;
  session.set_merchant_session_json("{}");
  EXPECT_CALL(*connection, ValidateApplePaySession(_, _))
      .WillOnce(Return(absl::DeadlineExceededError("slow")))
      .WillOnce(Return(session));
  std::vector<absl::Duration> sleeps;
  PaymentClient client(connection, Options(&sleeps));
  EXPECT_EQ(client.StartGooglePayPayment({}).status().code(), absl::StatusCode::kUnavailable);
  absl::StatusOr<v1::StartApplePayPaymentResponse> apple = client.StartApplePayPayment({});
  ASSERT_TRUE(apple.ok()) << apple.status();
  EXPECT_EQ(apple->status(), v1::PAYMENT_STATUS_SUCCEEDED);
  absl::StatusOr<v1::GetPaymentQrCodeResponse> image = client.GetPaymentQrCode({});
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(image->image(), "\x89PNG");
  ASSERT_TRUE(client.ValidateApplePaySession({}).ok());
  EXPECT_EQ(sleeps.size(), 3u);
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

TEST(WalletClientTest, ReadsAreRetriedOnTransientFailures) {
  auto connection = std::make_shared<MockWalletConnection>();
  v1::GetAccountsResponse accounts;
  accounts.add_accounts()->set_available_balance("1000000");
  EXPECT_CALL(*connection, GetAccounts(_, _))
      .WillOnce(Return(absl::UnavailableError("down")))
      .WillOnce(Return(accounts));
  v1::GetHistoryResponse history;
  history.add_items()->set_id("h1");
  EXPECT_CALL(*connection, GetHistory(_, _))
      .WillOnce(Return(absl::ResourceExhaustedError("busy")))
      .WillOnce(Return(history));
  EXPECT_CALL(*connection, GetHistoryItem(_, _))
      .Times(3)
      .WillRepeatedly(Return(absl::DeadlineExceededError("slow")));
  // NOT_FOUND is an answer, not a failure to get one.
  EXPECT_CALL(*connection, GetPos(_, _))
      .Times(1)
      .WillOnce(Return(GatewayStatus(absl::StatusCode::kNotFound, "POS_NOT_FOUND")));
  std::vector<absl::Duration> sleeps;
  WalletClient client(connection, Options(&sleeps));
  absl::StatusOr<v1::GetAccountsResponse> a = client.GetAccounts({});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->accounts(0).available_balance(), "1000000");
  absl::StatusOr<v1::GetHistoryResponse> h = client.GetHistory({});
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->items(0).id(), "h1");
  EXPECT_EQ(client.GetHistoryItem({}).status().code(), absl::StatusCode::kDeadlineExceeded);
  absl::Status pos = client.GetPos({}).status();
  EXPECT_EQ(DetailsOf(pos).reason(), "POS_NOT_FOUND");
  EXPECT_EQ(sleeps.size(), 4u);  // 1 + 1 + 2
}

// Transfers and new shops are not deduplicated by anyone: sent again only when nothing was sent.
TEST(WalletClientTest, TransfersAndNewShopsAreRetriedOnlyWhenNothingWasSent) {
  auto connection = std::make_shared<MockWalletConnection>();
  v1::SendMoneyByEmailResponse sent;
  sent.set_transfer_successful(true);
  EXPECT_CALL(*connection, SendMoneyByEmail(_, _))
      .WillOnce(Return(GatewayStatus(absl::StatusCode::kUnavailable, "UPSTREAM_UNREACHABLE",
                                     {{"outcome", "not_sent"}})))
      .WillOnce(Return(sent))
      .WillOnce(Return(GatewayStatus(absl::StatusCode::kDeadlineExceeded, "UPSTREAM_TIMEOUT",
                                     {{"outcome", "unknown"}})));
  EXPECT_CALL(*connection, SendBankTransfer(_, _))
      .Times(1)
      .WillOnce(Return(absl::UnavailableError("connection reset")));
  EXPECT_CALL(*connection, CreatePos(_, _))
      .Times(1)
      .WillOnce(Return(absl::DeadlineExceededError("slow")));
  std::vector<absl::Duration> sleeps;
  WalletClient client(connection, Options(&sleeps));
  absl::StatusOr<v1::SendMoneyByEmailResponse> first = client.SendMoneyByEmail({});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(first->transfer_successful());
  absl::Status unknown = client.SendMoneyByEmail({}).status();
  EXPECT_EQ(DetailsOf(unknown).metadata("outcome"), "unknown");
  EXPECT_EQ(client.SendBankTransfer({}).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(client.CreatePos({}).status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(sleeps.size(), 1u);
}

TEST(WalletClientTest, WalletCallsCarryTheConfiguredDeadline) {
  auto connection = std::make_shared<MockWalletConnection>();
  absl::Time unary = absl::InfinitePast(), stream = absl::InfinitePast();
  EXPECT_CALL(*connection, SendBankTransfer(_, _))
      .WillOnce([&](const v1::SendBankTransferRequest&, absl::Time deadline) {
        unary = deadline;
        return v1::SendBankTransferResponse();
      });
  EXPECT_CALL(*connection, DownloadStatement(_, _))
      .WillOnce([&](const v1::DownloadStatementRequest&, absl::Time deadline) {
        stream = deadline;
        return std::make_unique<ScriptedStatementStream>(
            std::deque<v1::DownloadStatementResponse>{}, absl::OkStatus());
      });
  std::vector<absl::Duration> sleeps;
  WalletClient client(connection, Options(&sleeps));
  const absl::Time before = absl::Now();
  ASSERT_TRUE(client.SendBankTransfer({}).ok());
  ASSERT_TRUE(
      client.DownloadStatement({}, [](absl::string_view) { return absl::OkStatus(); }).ok());
  for (absl::Time d : {unary, stream}) {
    EXPECT_GE(d, before + absl::Seconds(7));
    EXPECT_LE(d, absl::Now() + absl::Seconds(7));
  }
}

v1::DownloadStatementResponse Chunk(const std::string& data, const std::string& type = "") {
  v1::DownloadStatementResponse c;
  c.set_content_type(type);
  c.set_data(data);
  return c;
}

TEST(WalletClientTest, StatementBytesReachTheSinkInOrderAndEarlyFailuresAreRetried) {
  auto connection = std::make_shared<MockWalletConnection>();
  EXPECT_CALL(*connection, DownloadStatement(_, _))
      .WillOnce([](const v1::DownloadStatementRequest&, absl::Time) {
        // The header came but no byte of the file: nothing reached the sink, safe to retry.
        return std::make_unique<ScriptedStatementStream>(std::deque{Chunk("", "application/pdf")},
                                                         absl::UnavailableError("reset"));
      })
      .WillOnce([](const v1::DownloadStatementRequest& r, absl::Time) {
        EXPECT_EQ(r.month(), 3);
        return std::make_unique<ScriptedStatementStream>(
            std::deque{Chunk("%PDF-", "application/pdf"), Chunk("1.4 "), Chunk("body")},
            absl::OkStatus());
      });
  std::vector<absl::Duration> sleeps;
  WalletClient client(connection, Options(&sleeps));
  v1::DownloadStatementRequest request;
  request.set_month(3);
  std::string file;
  absl::StatusOr<std::string> type = client.DownloadStatement(request, [&](absl::string_view d) {
    file.append(d.data(), d.size());
    return absl::OkStatus();
  });
  ASSERT_TRUE(type.ok()) << type.status();
  EXPECT_EQ(*type, "application/pdf");
  EXPECT_EQ(file, "%PDF-1.4 body");
  EXPECT_EQ(sleeps.size(), 1u);
}

TEST(WalletClientTest, AStatementFailingMidwayOrRefusedIsNotRetried) {
  auto connection = std::make_shared<MockWalletConnection>();
  EXPECT_CALL(*connection, DownloadStatement(_, _))
      .WillOnce([](const v1::DownloadStatementRequest&, absl::Time) {
        return std::make_unique<ScriptedStatementStream>(
            std::deque{Chunk("%PDF-", "application/pdf")}, absl::UnavailableError("reset"));
      })
      .WillOnce([](const v1::DownloadStatementRequest&, absl::Time) {
        return std::make_unique<ScriptedStatementStream>(
            std::deque<v1::DownloadStatementResponse>{},
            GatewayStatus(absl::StatusCode::kNotFound, "StatementNotFound"));
      });
  std::vector<absl::Duration> sleeps;
  WalletClient client(connection, Options(&sleeps));
  std::string file;
  auto keep = [&](absl::string_view d) {
    file.append(d.data(), d.size());
    return absl::OkStatus();
  };
  EXPECT_EQ(client.DownloadStatement({}, keep).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(file, "%PDF-");  // the caller discards it, as documented
  absl::Status missing = client.DownloadStatement({}, keep).status();
  EXPECT_EQ(DetailsOf(missing).reason(), "StatementNotFound");
  EXPECT_TRUE(sleeps.empty());
}

TEST(WalletClientTest, ASinkErrorCancelsTheDownloadAndIsReturned) {
  auto connection = std::make_shared<MockWalletConnection>();
  EXPECT_CALL(*connection, DownloadStatement(_, _))
      .Times(1)
      .WillOnce([](const v1::DownloadStatementRequest&, absl::Time) {
        return std::make_unique<ScriptedStatementStream>(
            std::deque{Chunk("a", "application/pdf"), Chunk("b"), Chunk("c")}, absl::OkStatus());
      });
  std::vector<absl::Duration> sleeps;
  WalletClient client(connection, Options(&sleeps));
  int calls = 0;
  absl::Status full = client
                          .DownloadStatement({},
                                             [&](absl::string_view) {
                                               ++calls;
                                               return absl::ResourceExhaustedError("disk full");
                                             })
                          .status();
  EXPECT_EQ(full.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(full.message(), "disk full");
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(sleeps.empty());
}

v1::SubscribePaymentEventsResponse EventAt(const std::string& cursor) {
  v1::SubscribePaymentEventsResponse m;
  m.mutable_event()->set_cursor(cursor);
  m.mutable_event()->set_payment_id("p" + cursor);
  return m;
}

v1::SubscribePaymentEventsResponse Event(int cursor) { return EventAt(std::to_string(cursor)); }

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

// Cursors are opaque: one that is not an integer (a log position that is a pair) is handed back
// as it came, and an event sent again after a resumption is still not returned twice.
TEST(EventSubscriptionTest, TreatsCursorsAsOpaqueText) {
  auto connection = std::make_shared<MockConnection>();
  std::vector<std::string> after;
  int call = 0;
  EXPECT_CALL(*connection, SubscribePaymentEvents(_))
      .Times(2)
      .WillRepeatedly([&](const v1::SubscribePaymentEventsRequest& r)
                          -> std::unique_ptr<Connection::EventStream> {
        after.push_back(r.after_cursor());
        if (call++ == 0) {
          return std::make_unique<ScriptedEventStream>(
              std::deque{EventAt("812.3"), EventAt("812.10")}, absl::UnavailableError("dropped"));
        }
        return std::make_unique<ScriptedEventStream>(
            std::deque{EventAt("812.3"), EventAt("812.10"), EventAt("813.1")},
            absl::UnavailableError("end"));
      });
  std::vector<absl::Duration> sleeps;
  v1::SubscribePaymentEventsRequest from_start;
  from_start.set_start(v1::SUBSCRIPTION_START_BEGINNING);
  EventSubscription subscription(connection, from_start, Options(&sleeps));
  std::vector<std::string> got;
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<v1::PaymentEvent> e = subscription.Next();
    ASSERT_TRUE(e.ok()) << e.status();
    got.push_back(e->cursor());
  }
  EXPECT_EQ(got, (std::vector<std::string>{"812.3", "812.10", "813.1"}));
  EXPECT_EQ(after, (std::vector<std::string>{"", "812.10"}));
  EXPECT_EQ(subscription.cursor(), "813.1");
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

// A Connection written before an RPC existed still compiles and answers UNIMPLEMENTED for it:
// every method has a default, so adding one breaks no user's Connection or mock.
TEST(ConnectionDefaultsTest, MethodsNotOverriddenAreUnimplemented) {
  class OnlyState final : public Connection {
   public:
    absl::StatusOr<v1::GetPaymentStateResponse> GetPaymentState(const v1::GetPaymentStateRequest&,
                                                                absl::Time) override {
      return v1::GetPaymentStateResponse();
    }
  } connection;
  const absl::Time deadline = absl::Now() + absl::Seconds(1);
  EXPECT_TRUE(connection.GetPaymentState({}, deadline).ok());
  EXPECT_EQ(connection.StartPayment({}, deadline).status().code(),
            absl::StatusCode::kUnimplemented);
  EXPECT_EQ(connection.Refund({}, deadline).status().code(), absl::StatusCode::kUnimplemented);
  auto stream = connection.SubscribePaymentEvents({});
  v1::SubscribePaymentEventsResponse message;
  EXPECT_FALSE(stream->Read(&message));
  EXPECT_EQ(stream->Finish().code(), absl::StatusCode::kUnimplemented);

  class NoWallet final : public WalletConnection {
  } wallet;
  EXPECT_EQ(wallet.GetAccounts({}, deadline).status().code(), absl::StatusCode::kUnimplemented);
  auto statement = wallet.DownloadStatement({}, deadline);
  v1::DownloadStatementResponse chunk;
  EXPECT_FALSE(statement->Read(&chunk));
  EXPECT_EQ(statement->Finish().code(), absl::StatusCode::kUnimplemented);
}

}  // namespace
}  // namespace barion_gateway::client
