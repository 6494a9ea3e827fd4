#include "server/webhooks/endpoint_runner.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/common/log.h"
#include "server/common/thread_name.h"
#include "server/webhooks/signature.h"

namespace barion_gateway::server {
namespace {

namespace v1 = ::barion::v1;

// Events looked at per RecentEvents read (matching or not).
constexpr size_t kRecentBatch = 1024;

}  // namespace

EndpointRunner::EndpointRunner(WebhookEndpointConfig config, std::shared_ptr<WebhookSender> sender,
                               Deps deps)
    : config_(std::move(config)),
      sender_(std::move(sender)),
      deps_(std::move(deps)),
      window_(std::min<size_t>(256, 32 * static_cast<size_t>(std::max(1, config_.max_in_flight)))),
      random_(std::random_device{}()) {
  filter_.shops = config_.shops;
  filter_.statuses = config_.statuses;
  if (deps_.metrics != nullptr) series_ = deps_.metrics->SeriesOf(config_.name);
}

EndpointRunner::~EndpointRunner() { Stop(/*save=*/false); }

bool EndpointRunner::Matches(const v1::PaymentEvent& event) const {
  if (!filter_.shops.empty() &&
      std::find(filter_.shops.begin(), filter_.shops.end(), event.shop()) == filter_.shops.end()) {
    return false;
  }
  return filter_.statuses.empty() || std::find(filter_.statuses.begin(), filter_.statuses.end(),
                                               event.snapshot().status()) != filter_.statuses.end();
}

void EndpointRunner::Start(const EventCursor& position) {
  {
    absl::MutexLock lock(&mu_);
    if (running_) return;
    running_ = true;
    Clear();
    position_ = saved_ = read_through_ = position;
    dirty_ = false;
    caught_up_ = false;
    ++epoch_;
  }
  for (int i = 0; i < std::max(1, config_.max_in_flight); ++i) {
    threads_.push_back(NamedThread("webhook", [this] { Work(); }));
  }
}

void EndpointRunner::Stop(bool save) {
  {
    absl::MutexLock lock(&mu_);
    if (!running_) return;
    running_ = false;
    cv_.SignalAll();
  }
  for (std::thread& t : threads_) t.join();
  threads_.clear();
  if (save) {
    absl::Status s = SavePosition();
    if (!s.ok()) {
      LogWarning("webhook position not saved at stop; deliveries since the last save repeat",
                 {{"endpoint", config_.name}, {"error", std::string(s.message())}});
    }
  }
}

bool EndpointRunner::running() const {
  absl::MutexLock lock(&mu_);
  return running_;
}

void EndpointRunner::Wake() {
  absl::MutexLock lock(&mu_);
  caught_up_ = false;
  cv_.Signal();  // one thread reads what is new, and wakes others for what it found
}

void EndpointRunner::Clear() {
  slots_.clear();
  ready_.clear();
  turns_.clear();
}

absl::Status EndpointRunner::SavePosition() {
  EventCursor position;
  {
    absl::MutexLock lock(&mu_);
    if (!dirty_) return absl::OkStatus();
    position = position_;
    dirty_ = false;
  }
  absl::Status s = deps_.store->SavePosition(config_.name, position.ToText());
  absl::MutexLock lock(&mu_);
  if (!s.ok()) {
    dirty_ = true;  // tried again next time
  } else {
    saved_ = position;
  }
  return s;
}

void EndpointRunner::Rewind(const EventCursor& position) {
  absl::MutexLock lock(&mu_);
  ++epoch_;
  Clear();
  position_ = read_through_ = position;
  dirty_ = true;
  caught_up_ = false;
  cv_.SignalAll();
}

EndpointRunner::State EndpointRunner::state() const {
  absl::MutexLock lock(&mu_);
  State s;
  s.position = position_;
  s.backlog = EventsBetween(position_, std::max(deps_.recent->head(), read_through_));
  for (const Slot& slot : slots_) {
    if (!slot.done) {
      s.backlog = std::max<int64_t>(s.backlog, 1);
      const google::protobuf::Timestamp& t = slot.event->event().observed_at();
      s.oldest_age =
          std::max(absl::ZeroDuration(),
                   absl::Now() - absl::FromUnixSeconds(t.seconds()) - absl::Nanoseconds(t.nanos()));
      break;
    }
  }
  s.in_flight = in_flight_;
  s.last_success = last_success_;
  s.last_failure = last_failure_;
  s.last_error = last_error_;
  return s;
}

std::vector<EndpointRunner::Retrying> EndpointRunner::retrying(size_t limit) const {
  absl::MutexLock lock(&mu_);
  std::vector<Retrying> out;
  for (const Slot& s : slots_) {
    if (out.size() == limit) break;
    if (s.done || s.attempts == 0) continue;
    out.push_back(
        {s.cursor.ToText(), s.event->event().payment_id(), s.attempts, s.not_before, s.last_error});
  }
  return out;
}

void EndpointRunner::Work() {
  absl::MutexLock lock(&mu_);
  while (running_) {
    const absl::Time now = absl::Now();
    if (!filling_ && !caught_up_ && slots_.size() < window_ && now >= fill_not_before_) {
      Fill();
      continue;
    }
    if (Slot* slot = Pick(now); slot != nullptr) {
      Attempt(slot);
      continue;
    }
    absl::Time wake = now + absl::Seconds(1);
    if (!ready_.empty()) wake = std::min(wake, ready_.begin()->first);
    if (!caught_up_) wake = std::min(wake, fill_not_before_);
    cv_.WaitWithDeadline(&mu_, std::max(wake, now + absl::Milliseconds(1)));
  }
}

void EndpointRunner::Fill() {
  filling_ = true;
  const uint64_t epoch = epoch_;
  const EventCursor after = read_through_;
  const size_t room = window_ - slots_.size();
  std::vector<std::shared_ptr<const SharedEvent>> matching;
  std::vector<EventCursor> cursors;
  EventCursor through = after;
  bool at_head = false;
  absl::Status error;
  mu_.Unlock();
  std::vector<RecentEvent> recent;
  EventCursor head;
  if (deps_.recent->After(after, kRecentBatch, &recent, &head)) {
    for (const RecentEvent& e : recent) {
      if (matching.size() == room) break;
      through = e.cursor;
      if (Matches(e.event->event())) {
        matching.push_back(e.event);
        cursors.push_back(e.cursor);
      }
    }
    if (matching.size() < room && recent.size() < kRecentBatch) {
      through = std::max(through, head);
      at_head = true;
    }
  } else {
    const EventCursor head_before = deps_.recent->head();
    absl::StatusOr<std::vector<v1::PaymentEvent>> read =
        deps_.log->ReadAfter(after, filter_, static_cast<int>(room));
    if (!read.ok()) {
      error = read.status();
    } else {
      for (v1::PaymentEvent& e : *read) {
        absl::StatusOr<EventCursor> cursor = EventCursor::FromText(e.cursor());
        if (!cursor.ok()) continue;
        through = *cursor;
        cursors.push_back(*cursor);
        matching.push_back(std::make_shared<const SharedEvent>(std::move(e)));
      }
      if (read->size() < room) through = std::max(through, head_before);
    }
  }
  mu_.Lock();
  filling_ = false;
  if (epoch != epoch_ || !running_) return;
  if (!error.ok()) {
    LogWarning("webhook delivery cannot read the event log; retrying in 1 s",
               {{"endpoint", config_.name}, {"error", std::string(error.message())}});
    fill_not_before_ = absl::Now() + absl::Seconds(1);
    return;
  }
  for (size_t i = 0; i < matching.size(); ++i) {
    Slot slot;
    slot.seq = next_seq_++;
    slot.cursor = cursors[i];
    const v1::PaymentEvent& e = matching[i]->event();
    slot.payment_key = absl::StrCat(e.shop(), "/", e.payment_id());
    slot.event = std::move(matching[i]);
    std::deque<uint64_t>& turn = turns_[slot.payment_key];
    turn.push_back(slot.seq);
    if (turn.size() == 1) ready_.insert({absl::InfinitePast(), slot.seq});
    slots_.push_back(std::move(slot));
  }
  read_through_ = std::max(read_through_, through);
  caught_up_ = at_head && matching.size() < room;
  if (slots_.empty() && position_ < read_through_) {
    position_ = read_through_;  // nothing of ours in between
    dirty_ = true;
  }
  if (ready_.size() > 1) {
    cv_.SignalAll();  // several payments to send: every thread has work
  } else {
    cv_.Signal();
  }
}

EndpointRunner::Slot* EndpointRunner::Pick(absl::Time now) {
  if (ready_.empty() || ready_.begin()->first > now) return nullptr;
  const uint64_t seq = ready_.begin()->second;
  ready_.erase(ready_.begin());
  return Find(seq);
}

void EndpointRunner::Finished(const Slot& slot) {
  auto it = turns_.find(slot.payment_key);
  if (it == turns_.end()) return;
  std::deque<uint64_t>& turn = it->second;
  if (!turn.empty() && turn.front() == slot.seq) turn.pop_front();
  if (turn.empty()) {
    turns_.erase(it);
  } else {
    ready_.insert({absl::InfinitePast(), turn.front()});
  }
}

EndpointRunner::Slot* EndpointRunner::Find(uint64_t seq) {
  auto it = std::lower_bound(slots_.begin(), slots_.end(), seq,
                             [](const Slot& s, uint64_t value) { return s.seq < value; });
  return it != slots_.end() && it->seq == seq ? &*it : nullptr;
}

absl::Duration EndpointRunner::RetryDelay(int attempts) {
  const std::vector<absl::Duration>& delays = deps_.retry_delays;
  const absl::Duration base = delays[std::min<size_t>(attempts - 1, delays.size() - 1)];
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  return base * jitter(random_);
}

void EndpointRunner::Attempt(Slot* slot) {
  slot->sending = true;
  ++in_flight_;
  const uint64_t seq = slot->seq;
  const uint64_t epoch = epoch_;
  const std::shared_ptr<const SharedEvent> event = slot->event;
  const std::string cursor = slot->cursor.ToText();
  const int attempts = slot->attempts + 1;
  mu_.Unlock();
  const absl::Time start = absl::Now();
  WebhookDelivery delivery;
  delivery.id = WebhookMessageId(config_.name, cursor);
  delivery.timestamp = absl::ToUnixSeconds(start);
  delivery.body = event->body();
  const WebhookAttempt result = sender_->Send(delivery);
  const absl::Time end = absl::Now();
  const bool last = !result.delivered && attempts > static_cast<int>(deps_.retry_delays.size());
  absl::Status stored;
  if (last) {
    DeadLetter letter;
    letter.endpoint = config_.name;
    letter.cursor = cursor;
    letter.payment_id = event->event().payment_id();
    letter.event = event->event().SerializeAsString();
    letter.attempts = attempts;
    letter.last_error = result.error;
    letter.failed_at = end;
    stored = deps_.store->AddDeadLetter(letter);  // before the position may pass it
  }
  if (series_ != nullptr) {
    WebhookMetrics::Attempted(series_,
                              result.delivered      ? WebhookResult::kDelivered
                              : last && stored.ok() ? WebhookResult::kDeadLetter
                                                    : WebhookResult::kFailed,
                              end - start);
  }
  mu_.Lock();
  --in_flight_;
  if (result.delivered) {
    last_success_ = end;
  } else {
    last_failure_ = end;
    last_error_ = result.error;
  }
  Slot* s = epoch == epoch_ ? Find(seq) : nullptr;
  if (s == nullptr) return;  // rewound meanwhile
  s->sending = false;
  s->attempts = attempts;
  s->last_error = result.error;
  if (result.delivered) {
    s->done = true;
    Finished(*s);
    // The receiver answers again: what waits for a retry goes now.
    if (!ready_.empty() && ready_.rbegin()->first > end) {
      std::set<std::pair<absl::Time, uint64_t>> now_ready;
      for (const auto& [at, seq] : ready_) now_ready.insert({std::min(at, end), seq});
      ready_.swap(now_ready);
    }
  } else if (last && stored.ok()) {
    s->done = true;
    Finished(*s);
    LogWarning("webhook delivery failed for good: kept as a dead letter",
               {{"endpoint", config_.name}, {"cursor", cursor}, {"error", result.error}});
  } else if (last) {
    // The dead letter could not be stored: the event is never passed without one.
    s->attempts = attempts - 1;
    s->not_before = end + absl::Seconds(5);
    ready_.insert({s->not_before, s->seq});
  } else {
    s->not_before = end + RetryDelay(attempts);
    ready_.insert({s->not_before, s->seq});
  }
  Advance();
  cv_.Signal();
}

void EndpointRunner::Advance() {
  while (!slots_.empty() && slots_.front().done) {
    position_ = slots_.front().cursor;
    slots_.pop_front();
    dirty_ = true;
  }
  if (slots_.empty() && position_ < read_through_) {
    position_ = read_through_;
    dirty_ = true;
  }
}

}  // namespace barion_gateway::server
