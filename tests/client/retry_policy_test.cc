// The client's retry rules on their own: which RPC is which (read from the proto's
// idempotency_level), which failures are retried for each, and the backoff's bounds.
#include "client/retry_policy.h"

#include <set>
#include <string>

#include "barion/v1/payment_event.grpc.pb.h"
#include "barion/v1/payment_service.grpc.pb.h"
#include "barion/v1/wallet_service.grpc.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace barion_gateway::client {
namespace {

absl::Status WithOutcome(absl::StatusCode code, const std::string& outcome) {
  google::rpc::ErrorInfo info;
  info.set_domain("barion-grpc-gateway");
  info.set_reason("UPSTREAM_UNAVAILABLE");
  (*info.mutable_metadata())["outcome"] = outcome;
  google::rpc::Status details;
  details.set_code(static_cast<int>(code));
  details.add_details()->PackFrom(info);
  absl::Status status(code, "failed");
  status.SetPayload("type.googleapis.com/google.rpc.Status",
                    absl::Cord(details.SerializeAsString()));
  return status;
}

TEST(IdempotencyPolicyTest, ReadsDeduplicatedAndMutationsAreWhatTheProtoDeclares) {
  const IdempotencyPolicy policy;
  std::set<std::string> reads;
  std::set<std::string> deduplicated;
  int methods = 0;
  for (const char* name : {barion::v1::PaymentService::service_full_name(),
                           barion::v1::PaymentEventService::service_full_name(),
                           barion::v1::WalletService::service_full_name()}) {
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    ASSERT_NE(service, nullptr) << name;
    for (int m = 0; m < service->method_count(); ++m, ++methods) {
      const std::string rpc = service->method(m)->name();
      switch (policy.For(rpc)) {
        case Idempotency::kRead:
          reads.insert(rpc);
          break;
        case Idempotency::kDeduplicated:
          deduplicated.insert(rpc);
          break;
        case Idempotency::kMutation:
          break;
      }
    }
  }
  EXPECT_EQ(methods, 21);
  // The reads the client has always retried, now declared once in the proto.
  EXPECT_EQ(reads,
            (std::set<std::string>{"GetPaymentState", "ListPaymentEvents", "SubscribePaymentEvents",
                                   "GetPaymentQrCode", "ValidateApplePaySession", "GetAccounts",
                                   "GetHistory", "GetHistoryItem", "GetPos", "DownloadStatement"}));
  EXPECT_EQ(deduplicated, std::set<std::string>{"StartPayment"});
  for (const char* mutation : {"Capture", "Refund", "FinishReservation", "CancelAuthorization",
                               "Complete", "StartGooglePayPayment", "StartApplePayPayment",
                               "SendMoneyByEmail", "SendBankTransfer", "CreatePos"}) {
    EXPECT_EQ(policy.For(mutation), Idempotency::kMutation) << mutation;
  }
  EXPECT_EQ(policy.For("SomeFutureRpc"), Idempotency::kMutation);
  EXPECT_EQ(policy.For(""), Idempotency::kMutation);
}

TEST(RetryPolicyTest, EachKindIsRetriedOnlyWhereASecondSendIsSafe) {
  const RetryPolicy policy;
  for (absl::StatusCode code : {absl::StatusCode::kUnavailable, absl::StatusCode::kDeadlineExceeded,
                                absl::StatusCode::kResourceExhausted, absl::StatusCode::kAborted}) {
    const absl::Status status(code, "x");
    EXPECT_TRUE(policy.ShouldRetry(Idempotency::kRead, status)) << status;
    EXPECT_EQ(policy.ShouldRetry(Idempotency::kDeduplicated, status),
              code != absl::StatusCode::kAborted)
        << status;
    EXPECT_FALSE(policy.ShouldRetry(Idempotency::kMutation, status)) << status;
  }
  for (absl::StatusCode code : {absl::StatusCode::kInvalidArgument,
                                absl::StatusCode::kPermissionDenied, absl::StatusCode::kInternal}) {
    const absl::Status status(code, "x");
    EXPECT_FALSE(policy.ShouldRetry(Idempotency::kRead, status)) << status;
    EXPECT_FALSE(policy.ShouldRetry(Idempotency::kDeduplicated, status)) << status;
  }
  // "not_sent" makes any call safe to send again; "unknown" keeps a mutation from it.
  const absl::Status not_sent = WithOutcome(absl::StatusCode::kUnavailable, "not_sent");
  const absl::Status unknown = WithOutcome(absl::StatusCode::kUnavailable, "unknown");
  EXPECT_TRUE(policy.ShouldRetry(Idempotency::kMutation, not_sent));
  EXPECT_FALSE(policy.ShouldRetry(Idempotency::kMutation, unknown));
  EXPECT_TRUE(policy.ShouldRetry(Idempotency::kDeduplicated,
                                 WithOutcome(absl::StatusCode::kAborted, "not_sent")));
}

TEST(BackoffDelayTest, FullJitterUnderADoublingCap) {
  for (int attempt = 0; attempt < 8; ++attempt) {
    const absl::Duration cap = std::min(absl::Milliseconds(100) * (1 << attempt), absl::Seconds(2));
    for (int i = 0; i < 200; ++i) {
      const absl::Duration d = BackoffDelay(absl::Milliseconds(100), absl::Seconds(2), attempt);
      EXPECT_GE(d, absl::ZeroDuration());
      EXPECT_LE(d, cap) << "attempt " << attempt;
    }
  }
  EXPECT_EQ(BackoffDelay(absl::ZeroDuration(), absl::Seconds(1), 3), absl::ZeroDuration());
}

}  // namespace
}  // namespace barion_gateway::client
