#include "server/events/reconciler.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/common/log.h"
#include "server/common/thread_name.h"
#include "server/events/state_recorder.h"

namespace barion_gateway::server {
namespace {
namespace v1 = ::barion::v1;
}  // namespace

Reconciler::Reconciler(ReconcileSchedule* schedule, EventLog* log, PaymentStateFetcher* fetcher,
                       Options options)
    : schedule_(schedule), log_(log), fetcher_(fetcher), options_(options) {}

Reconciler::~Reconciler() { Stop(); }

void WatchNewPayment(ReconcileSchedule& schedule, const std::string& shop,
                     const std::string& payment_id, absl::Duration first_check) {
  if (absl::Status s =
          schedule.WatchPayment(shop, payment_id, absl::Now() + first_check, first_check);
      !s.ok()) {
    LogError(absl::StrCat("reconciler: cannot watch ", payment_id, ": ", s.message()));
  }
}

void Reconciler::Watch(const std::string& shop, const std::string& payment_id) {
  WatchNewPayment(*schedule_, shop, payment_id, options_.first_check);
}

void Reconciler::Start() {
  thread_ = NamedThread("reconciler", [this] {
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

void Reconciler::Count(ReconcileOutcome outcome) const {
  if (options_.metrics != nullptr) options_.metrics->Checked(outcome);
}

void Reconciler::RunOnce(absl::Time now) {
  absl::StatusOr<std::vector<WatchedPayment>> due =
      schedule_->DueWatchedPayments(now, options_.batch);
  if (!due.ok()) {
    if (options_.metrics != nullptr) options_.metrics->StoreError(StoreOperation::kSchedule);
    LogError(absl::StrCat("reconciler: ", due.status().message()));
    return;
  }
  for (const WatchedPayment& w : *due) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
    }
    FetchedState state =
        fetcher_->FetchPaymentState(w.shop, w.payment_id, absl::Now() + options_.fetch_timeout);
    if (!state.ok() && state.unknown_payment()) {
      Count(ReconcileOutcome::kUnknownPayment);
      LogWarning(
          absl::StrCat("reconciler: Barion does not know ", w.payment_id, "; no longer watched"));
      schedule_->UnwatchPayment(w.shop, w.payment_id).IgnoreError();
      continue;
    }
    if (state.ok()) {
      absl::StatusOr<RecordedState> recorded =
          RecordObservedState(*log_, *schedule_, w.shop, w.payment_id, std::move(*state),
                              v1::EVENT_SOURCE_RECONCILIATION, absl::Now());
      if (!recorded.ok()) {
        Count(ReconcileOutcome::kStoreError);
        if (options_.metrics != nullptr) options_.metrics->StoreError(StoreOperation::kAppend);
        LogError(absl::StrCat("event store: ", recorded.status().message()));
      } else {
        Count(recorded->appended ? ReconcileOutcome::kChanged : ReconcileOutcome::kUnchanged);
        if (recorded->final_state) continue;  // no longer watched
      }
    } else {
      Count(ReconcileOutcome::kFetchFailed);
      LogWarning(absl::StrCat("reconciler: state of ", w.payment_id,
                              " not fetched: ", state.status().message()));
    }
    const absl::Duration next = std::min(w.interval * 2, options_.max_interval);
    schedule_->RescheduleWatch(w.shop, w.payment_id, absl::Now() + next, next).IgnoreError();
  }
}

}  // namespace barion_gateway::server
