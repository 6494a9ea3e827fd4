#include "client/retry_policy.h"

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>

#include "barion/v1/payment_event.grpc.pb.h"
#include "barion/v1/payment_service.grpc.pb.h"
#include "barion/v1/wallet_service.grpc.pb.h"
#include "client/error_details.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"

namespace barion_gateway::client {
namespace {

bool Transient(absl::StatusCode code) {
  return code == absl::StatusCode::kUnavailable || code == absl::StatusCode::kDeadlineExceeded ||
         code == absl::StatusCode::kResourceExhausted || code == absl::StatusCode::kAborted;
}

}  // namespace

Idempotency IdempotencyPolicy::For(absl::string_view rpc) const {
  // What the proto declares (idempotency_level), the same for every generated client.
  const std::string name(rpc);
  for (const char* service_name : {barion::v1::PaymentService::service_full_name(),
                                   barion::v1::PaymentEventService::service_full_name(),
                                   barion::v1::WalletService::service_full_name()}) {
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service_name);
    const google::protobuf::MethodDescriptor* method =
        service == nullptr ? nullptr : service->FindMethodByName(name);
    if (method == nullptr) continue;
    switch (method->options().idempotency_level()) {
      case google::protobuf::MethodOptions::NO_SIDE_EFFECTS:
        return Idempotency::kRead;
      case google::protobuf::MethodOptions::IDEMPOTENT:
        return Idempotency::kDeduplicated;
      default:
        return Idempotency::kMutation;
    }
  }
  return Idempotency::kMutation;
}

bool RetryPolicy::ShouldRetry(Idempotency idempotency, const absl::Status& status) const {
  const absl::StatusCode code = status.code();
  switch (idempotency) {
    case Idempotency::kRead:
      return Transient(code);
    case Idempotency::kDeduplicated:
      return NotSent(status) || (Transient(code) && code != absl::StatusCode::kAborted);
    case Idempotency::kMutation:
      return NotSent(status);
  }
  return false;
}

absl::Duration BackoffDelay(absl::Duration initial, absl::Duration max, int attempt) {
  static thread_local std::mt19937_64 random(std::random_device{}());
  absl::Duration cap = initial;
  for (int i = 0; i < attempt && cap < max; ++i) cap *= 2;
  cap = std::min(cap, max);
  std::uniform_int_distribution<int64_t> pick(0, absl::ToInt64Microseconds(cap));
  return absl::Microseconds(pick(random));
}

std::shared_ptr<const IdempotencyPolicy> DefaultIdempotencyPolicy() {
  static const auto* policy =
      new std::shared_ptr<const IdempotencyPolicy>(std::make_shared<const IdempotencyPolicy>());
  return *policy;
}

std::shared_ptr<const RetryPolicy> DefaultRetryPolicy() {
  static const auto* policy =
      new std::shared_ptr<const RetryPolicy>(std::make_shared<const RetryPolicy>());
  return *policy;
}

}  // namespace barion_gateway::client
