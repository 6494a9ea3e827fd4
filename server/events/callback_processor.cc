#include "server/events/callback_processor.h"

#include <algorithm>
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/time/clock.h"
#include "server/common/log.h"
#include "server/common/thread_name.h"
#include "server/events/state_recorder.h"

namespace barion_gateway::server {
namespace {
namespace v1 = ::barion::v1;
}  // namespace

CallbackProcessor::CallbackProcessor(EventStore* store, PaymentStateFetcher* fetcher,
                                     Options options, Doorbell* doorbell)
    : store_(store),
      fetcher_(fetcher),
      doorbell_(doorbell != nullptr ? doorbell : &own_doorbell_),
      options_(options) {}

CallbackProcessor::~CallbackProcessor() { Stop(); }

void CallbackProcessor::Start() {
  for (int i = 0; i < options_.fetch_concurrency; ++i) {
    fetchers_.push_back(NamedThread("cb-fetcher", [this] { FetcherLoop(); }));
  }
  thread_ = NamedThread("cb-processor", [this] { Loop(); });
}

void CallbackProcessor::FetcherLoop() {
  for (;;) {
    std::function<void()> job;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]()
                       ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_ || !jobs_.empty(); };
      mu_.Await(absl::Condition(&ready));
      if (jobs_.empty()) return;  // stopping
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

void CallbackProcessor::RunAll(std::vector<std::function<void()>>& jobs) {
  if (fetchers_.empty()) {
    for (auto& job : jobs) job();
    return;
  }
  absl::BlockingCounter done(static_cast<int>(jobs.size()));
  {
    absl::MutexLock lock(&mu_);
    for (auto& job : jobs) {
      jobs_.push_back([&job, &done] {
        job();
        done.DecrementCount();
      });
    }
  }
  done.Wait();
}

void CallbackProcessor::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  doorbell_->Ring();
  if (thread_.joinable()) thread_.join();
  for (std::thread& t : fetchers_) t.join();
  fetchers_.clear();
}

void CallbackProcessor::Loop() {
  while (true) {
    RunOnce();
    doorbell_->Wait(options_.idle_poll);
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
  }
}

void CallbackProcessor::RunOnce() {
  PruneIfDue(options_.clock());
  absl::StatusOr<std::vector<PendingCallback>> pending = store_->PendingCallbacks(options_.batch);
  if (!pending.ok()) {
    if (options_.metrics != nullptr) options_.metrics->StoreError(StoreOperation::kInbox);
    LogError(absl::StrCat("callback processor: ", pending.status().message()));
    return;
  }
  const std::vector<Group> groups = GroupByPayment(*pending);
  const std::vector<const Group*> due = WithinUnknownBudget(Due(groups));
  const size_t step = static_cast<size_t>(std::max(1, options_.fetch_concurrency));
  for (size_t begin = 0; begin < due.size(); begin += step) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
    }
    FetchAndRecord({due.begin() + begin, due.begin() + std::min(due.size(), begin + step)});
  }
}

std::vector<CallbackProcessor::Group> CallbackProcessor::GroupByPayment(
    const std::vector<PendingCallback>& pending) {
  std::vector<Group> groups;
  std::map<std::pair<std::string, std::string>, size_t> index;
  for (const PendingCallback& p : pending) {
    auto [it, inserted] = index.try_emplace(std::make_pair(p.shop, p.payment_id), groups.size());
    if (inserted) {
      groups.push_back(Group{it->first, {p.id}, p.source, p.received_at, p.trace_id});
    } else {
      Group& group = groups[it->second];
      group.ids.push_back(p.id);
      if (group.trace_id.empty()) group.trace_id = p.trace_id;
    }
  }
  return groups;
}

std::vector<const CallbackProcessor::Group*> CallbackProcessor::Due(
    const std::vector<Group>& groups) {
  std::vector<const Group*> due;
  absl::MutexLock lock(&mu_);
  if (stopping_) return due;
  const absl::Time now = options_.clock();
  for (const Group& group : groups) {
    auto it = retry_.find(group.key);
    if (it == retry_.end() || it->second.first <= now) due.push_back(&group);
  }
  return due;
}

std::vector<const CallbackProcessor::Group*> CallbackProcessor::WithinUnknownBudget(
    std::vector<const Group*> due) {
  const absl::Time now = options_.clock();
  std::vector<const Group*> kept;
  std::vector<int64_t> dropped;
  for (const Group* group : due) {
    const auto& [shop, payment_id] = group->key;
    if (group->source != v1::EVENT_SOURCE_CALLBACK) {
      kept.push_back(group);
      continue;
    }
    absl::StatusOr<bool> known = store_->KnowsPayment(shop, payment_id);
    if (!known.ok() || *known || TakeUnknownFetch(shop, now)) {
      kept.push_back(group);  // a store error: fetch as before rather than lose a callback
      continue;
    }
    LogLimited(
        LogLevel::kWarn, "unknown-payment callback over budget",
        absl::StrCat("callback for unseen payment dropped, shop=", shop,
                     " over its budget of unknown-payment fetches: payment_id=", payment_id));
    dropped.insert(dropped.end(), group->ids.begin(), group->ids.end());
    Count(CallbackOutcome::kOverBudget, group->ids.size());
  }
  if (absl::Status s = store_->CompleteCallbacks(dropped); !s.ok()) {
    LogError(absl::StrCat("event store: ", s.message()));
  }
  return kept;
}

void CallbackProcessor::FetchAndRecord(const std::vector<const Group*>& chunk) {
  const absl::Time now = absl::Now();
  std::vector<FetchedState> states(chunk.size(),
                                   FetchedState::Failed(absl::UnknownError("not fetched"), false));
  std::vector<std::function<void()>> jobs;
  for (size_t k = 0; k < chunk.size(); ++k) {
    jobs.push_back([this, &states, &chunk, k, now] {
      const auto& [shop, payment_id] = chunk[k]->key;
      states[k] = fetcher_->FetchPaymentState(shop, payment_id, now + options_.fetch_timeout);
    });
  }
  RunAll(jobs);
  std::vector<int64_t> completed;
  std::vector<std::pair<std::string, std::string>> done_keys;
  for (size_t k = 0; k < chunk.size(); ++k) {
    const Group& group = *chunk[k];
    if (Record(group, std::move(states[k]), now)) {
      completed.insert(completed.end(), group.ids.begin(), group.ids.end());
      done_keys.push_back(group.key);
    }
  }
  // One transaction marks the chunk's receipts done. If it fails they stay pending and are
  // looked at again (their state is recorded, so that adds no event).
  absl::Status s = store_->CompleteCallbacks(completed);
  if (!s.ok()) {
    if (options_.metrics != nullptr) options_.metrics->StoreError(StoreOperation::kInbox);
    LogError(absl::StrCat("event store: ", s.message()));
  }
  absl::MutexLock lock(&mu_);
  for (const auto& key : done_keys) retry_.erase(key);
}

bool CallbackProcessor::TakeUnknownFetch(const std::string& shop, absl::Time now) {
  const double burst = std::max(1, options_.unknown_fetch_burst);
  auto [it, inserted] = unknown_budget_.try_emplace(shop, burst, now);
  auto& [tokens, refilled] = it->second;
  tokens = std::min(
      burst, tokens + absl::ToDoubleSeconds(now - refilled) * options_.unknown_fetches_per_second);
  refilled = now;
  if (tokens < 1) return false;
  tokens -= 1;
  return true;
}

void CallbackProcessor::PruneIfDue(absl::Time now) {
  if (now - last_prune_ < options_.prune_interval) return;
  last_prune_ = now;
  absl::StatusOr<int64_t> pruned = store_->PruneCallbacks(now - options_.inbox_retention);
  if (!pruned.ok()) {
    LogError(absl::StrCat("event store: pruning the callback inbox: ", pruned.status().message()));
  } else if (*pruned > 0 && CallLogging()) {
    LogInfo(
        absl::StrCat("callback inbox: ", *pruned, " processed receipts past retention deleted"));
  }
}

void CallbackProcessor::Count(CallbackOutcome outcome, size_t receipts) const {
  if (options_.metrics != nullptr) options_.metrics->Processed(outcome, static_cast<int>(receipts));
}

bool CallbackProcessor::Record(const Group& group, FetchedState state, absl::Time now) {
  const auto& key = group.key;
  const auto& [shop, payment_id] = key;
  bool done = false;
  if (state.ok()) {
    absl::StatusOr<RecordedState> recorded = RecordObservedState(
        *store_, *store_, shop, payment_id, std::move(*state), group.source, now, group.trace_id);
    if (recorded.ok()) {
      done = true;
      Count(recorded->appended ? CallbackOutcome::kEvent : CallbackOutcome::kDuplicate,
            group.ids.size());
      if (recorded->appended && group.source == v1::EVENT_SOURCE_CALLBACK &&
          options_.metrics != nullptr) {
        options_.metrics->CallbackBecameEvent(absl::Now() - group.first_received);
      }
    } else {
      Count(CallbackOutcome::kStoreError, group.ids.size());
      if (options_.metrics != nullptr) options_.metrics->StoreError(StoreOperation::kAppend);
      LogError(absl::StrCat("event store: ", recorded.status().message()));
    }
  } else if (state.unknown_payment()) {
    Count(CallbackOutcome::kUnknownPayment, group.ids.size());
    // Forged callbacks make these at will: limited.
    LogLimited(LogLevel::kWarn, "callback for unknown payment",
               absl::StrCat("callback for unknown payment dropped: shop=", shop,
                            " payment_id=", payment_id, ": ", state.status().message()));
    done = true;
  } else {
    Count(CallbackOutcome::kFetchFailed, group.ids.size());
    LogFields fields;
    if (!group.trace_id.empty()) fields.push_back({"trace_id", group.trace_id});
    LogWarning(absl::StrCat("payment state of shop=", shop, " payment_id=", payment_id,
                            " not fetched, will retry: ", state.status().message()),
               fields);
  }
  if (!done) {
    absl::MutexLock lock(&mu_);
    auto& [next, backoff] = retry_[key];
    backoff = backoff == absl::ZeroDuration() ? options_.initial_backoff
                                              : std::min(backoff * 2, options_.max_backoff);
    next = options_.clock() + backoff;
  }
  return done;
}

}  // namespace barion_gateway::server
