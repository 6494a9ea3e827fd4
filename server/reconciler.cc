#include "server/reconciler.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"
#include "server/log.h"

namespace barion_gateway::server {
namespace {
namespace v1 = ::barion::v1;
}  // namespace

Reconciler::Reconciler(EventStore* store, CallbackProcessor::StateFetcher fetch, Options options)
    : store_(store), fetch_(std::move(fetch)), options_(options) {}

Reconciler::~Reconciler() { Stop(); }

void Reconciler::Watch(const std::string& shop, const std::string& payment_id) {
  if (absl::Status s = store_->WatchPayment(shop, payment_id, absl::Now() + options_.first_check,
                                            options_.first_check);
      !s.ok()) {
    LogError(absl::StrCat("reconciler: cannot watch ", payment_id, ": ", s.message()));
  }
}

void Reconciler::Start() {
  thread_ = std::thread([this] {
    while (true) {
      RunOnce(absl::Now());
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(absl::Condition(&stopping_), options_.tick);
      if (stopping_) return;
    }
  });
}

void Reconciler::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void Reconciler::RunOnce(absl::Time now) {
  absl::StatusOr<std::vector<WatchedPayment>> due = store_->DueWatchedPayments(now, options_.batch);
  if (!due.ok()) {
    LogError(absl::StrCat("reconciler: ", due.status().message()));
    return;
  }
  for (const WatchedPayment& w : *due) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
    }
    absl::StatusOr<v1::GetPaymentStateResponse> state =
        fetch_(w.shop, w.payment_id, absl::Now() + options_.fetch_timeout);
    if (!state.ok() && (state.status().code() == absl::StatusCode::kNotFound ||
                        state.status().code() == absl::StatusCode::kInvalidArgument)) {
      LogWarning(
          absl::StrCat("reconciler: Barion does not know ", w.payment_id, "; no longer watched"));
      store_->UnwatchPayment(w.shop, w.payment_id).IgnoreError();
      continue;
    }
    if (state.ok()) {
      const bool final_state = IsFinalStatus(state->status());
      v1::PaymentEvent event;
      event.set_shop(w.shop);
      event.set_payment_id(w.payment_id);
      *event.mutable_snapshot() = *std::move(state);
      event.set_source(v1::EVENT_SOURCE_RECONCILIATION);
      *event.mutable_observed_at() =
          google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(absl::Now()));
      absl::StatusOr<std::optional<v1::PaymentEvent>> appended =
          store_->AppendIfChanged(std::move(event));
      if (!appended.ok()) {
        LogError(absl::StrCat("event store: ", appended.status().message()));
      } else {
        if (appended->has_value()) {
          LogInfo(absl::StrCat("reconciler found a change: event cursor=", (**appended).cursor(),
                               " payment_id=", w.payment_id,
                               " status=", (**appended).snapshot().status_raw()));
        }
        if (final_state) {
          store_->UnwatchPayment(w.shop, w.payment_id).IgnoreError();
          continue;
        }
      }
    } else {
      LogWarning(absl::StrCat("reconciler: state of ", w.payment_id,
                              " not fetched: ", state.status().message()));
    }
    const absl::Duration next = std::min(w.interval * 2, options_.max_interval);
    store_->RescheduleWatch(w.shop, w.payment_id, absl::Now() + next, next).IgnoreError();
  }
}

}  // namespace barion_gateway::server
