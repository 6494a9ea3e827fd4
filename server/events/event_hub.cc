#include "server/events/event_hub.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "server/common/errors.h"
#include "server/common/log.h"
#include "server/common/peer.h"
#include "server/common/thread_name.h"
#include "server/grpc_status/grpc_status.h"

namespace barion_gateway::server {

namespace v1 = ::barion::v1;

namespace {

grpc::ByteBuffer Serialize(const v1::SubscribePaymentEventsResponse& message) {
  grpc::ByteBuffer bytes;
  bool own_buffer = false;
  // Serialization of a message we built cannot fail.
  (void)grpc::SerializationTraits<v1::SubscribePaymentEventsResponse>::Serialize(message, &bytes,
                                                                                 &own_buffer);
  return bytes;
}

// The current time. Not TimeUtil::GetCurrentTime: protobuf 3.21's drops the fraction of a second.
google::protobuf::Timestamp NowTimestamp() {
  return google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(absl::Now()));
}

absl::StatusCode CodeOf(EventHub::StreamEnd end) {
  switch (end) {
    case EventHub::StreamEnd::kCancelled:
      return absl::StatusCode::kCancelled;
    case EventHub::StreamEnd::kTooSlow:
      return absl::StatusCode::kResourceExhausted;
    case EventHub::StreamEnd::kStoreUnavailable:
    case EventHub::StreamEnd::kShuttingDown:
      return absl::StatusCode::kUnavailable;
    case EventHub::StreamEnd::kAccessRevoked:
      return absl::StatusCode::kPermissionDenied;
  }
  return absl::StatusCode::kUnknown;
}

const char* ReasonOf(EventHub::StreamEnd end) {
  switch (end) {
    case EventHub::StreamEnd::kCancelled:
      return "";
    case EventHub::StreamEnd::kTooSlow:
      return "SUBSCRIBER_TOO_SLOW";
    case EventHub::StreamEnd::kStoreUnavailable:
      return "EVENT_STORE_UNAVAILABLE";
    case EventHub::StreamEnd::kShuttingDown:
      return "GATEWAY_SHUTTING_DOWN";
    case EventHub::StreamEnd::kAccessRevoked:
      return "ACCESS_REVOKED";
  }
  return "";
}

absl::Status Resumable(absl::StatusCode code, absl::string_view reason, absl::string_view why,
                       const EventCursor& cursor) {
  const std::string c = cursor.ToText();
  return GatewayErrorStatus(code, reason,
                            absl::StrCat(why, "; subscribe again with after_cursor = ", c),
                            {{"resume_after_cursor", c}});
}

}  // namespace

// One SubscribePaymentEvents call. Everything below is guarded by the hub's mutex.
class EventHub::Stream final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  Stream(EventHub* hub, grpc::CallbackServerContext* context, int64_t id,
         const Subscription& subscription, EventCursor position)
      : hub_(hub),
        context_(context),
        id_(id),
        credential_(subscription.credential),
        rpc_metrics_(subscription.rpc_metrics),
        on_end_(subscription.on_end),
        started_(subscription.started),
        filter_(std::make_shared<EventFilter>(subscription.filter)),
        position_(position),
        written_(position),
        scoped_(!subscription.filter.shops.empty()),
        reported_(subscription.scoped_start.value_or(position)) {
    const EventFilter& filter = subscription.filter;
    shops_.insert(filter.shops.begin(), filter.shops.end());
    payment_ids_.insert(filter.payment_ids.begin(), filter.payment_ids.end());
    statuses_.insert(filter.statuses.begin(), filter.statuses.end());
  }

  void OnWriteDone(bool ok) override { hub_->OnWriteDone(this, ok); }
  void OnCancel() override { hub_->OnCancel(this); }
  void OnDone() override { hub_->OnDone(this); }

  bool Matches(const Entry& e) const {
    return (shops_.empty() || shops_.contains(e.shop)) &&
           (payment_ids_.empty() || payment_ids_.contains(e.payment_id)) &&
           (statuses_.empty() || statuses_.contains(e.status));
  }

  EventHub* const hub_;
  grpc::CallbackServerContext* const context_;
  const int64_t id_;
  const std::string credential_;
  const RpcMethodMetrics* const rpc_metrics_;                       // null: not counted
  const std::function<void(const absl::Status&, int64_t)> on_end_;  // may be empty
  const absl::Time started_;
  const std::shared_ptr<const EventFilter> filter_;
  absl::flat_hash_set<std::string> shops_;
  absl::flat_hash_set<std::string> payment_ids_;
  absl::flat_hash_set<int> statuses_;

  EventCursor position_;  // every event up to here was considered (queued if it matched)
  EventCursor written_;   // the position that the last completed write confirmed
  // A stream limited to shops reports reported_ (its start, then each event it wrote) instead
  // of position_/written_, which move with every shop's events.
  const bool scoped_;
  EventCursor reported_;
  // What the stream may tell its client of where it stands.
  const EventCursor& told() const { return scoped_ ? reported_ : position_; }
  bool live_ = false;      // Publish hands it new events
  bool fetching_ = false;  // a store read is running for it
  std::deque<EntryPtr> queue_;
  bool writing_ = false;
  bool writing_event_ = false;  // the write under way carries an event (not a heartbeat)
  int64_t events_ = 0;          // events written
  grpc::ByteBuffer out_;        // the message being written
  EventCursor out_position_;    // the position `out_` confirms once written
  absl::Time write_started_;
  absl::Time last_write_done_;
  bool finishing_ = false;  // end it once the write in flight is done
  // How it ends; the status is made when Finish is called, with the position written by then.
  StreamEnd final_end_ = StreamEnd::kCancelled;
  std::string final_why_;
  bool finish_called_ = false;
  bool cancel_sent_ = false;
};

namespace {

class RefusedStream final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  explicit RefusedStream(const absl::Status& status) { Finish(ToGrpcStatus(status)); }
  void OnDone() override { delete this; }
};

}  // namespace

grpc::ServerWriteReactor<grpc::ByteBuffer>* FinishedStream(const absl::Status& status) {
  return new RefusedStream(status);
}

// Holds the hub's lock; on release runs the gRPC operations decided meanwhile, unlocked.
class EventHub::Locked {
 public:
  explicit Locked(EventHub* hub) ABSL_EXCLUSIVE_LOCK_FUNCTION(hub->mu_) : hub_(hub) {
    hub_->mu_.Lock();
  }
  ~Locked() ABSL_UNLOCK_FUNCTION() {
    std::vector<Op> ops;
    ops.swap(hub_->ops_);
    hub_->mu_.Unlock();
    hub_->RunOps(ops);
  }

 private:
  EventHub* const hub_;
};

void EventHub::RunOps(std::vector<Op>& ops) {
  writers_.ForEach(ops.size(), [&ops](size_t i) {
    Op& op = ops[i];
    if (const RpcMethodMetrics* rpc = op.stream->rpc_metrics_; rpc != nullptr) {
      if (op.finish) {
        rpc->Handled(op.status.code(), absl::Now() - op.stream->started_);
      } else {
        rpc->MessageSent();
      }
    }
    if (op.finish) {
      if (op.stream->on_end_) op.stream->on_end_(op.status, op.stream->events_);
      op.stream->Finish(
          op.status.code() == absl::StatusCode::kCancelled
              ? grpc::Status(grpc::StatusCode::CANCELLED, std::string(op.status.message()))
              : ToGrpcStatus(op.status));
    } else {
      op.stream->StartWrite(&op.stream->out_);
    }
  });
}

// A helper takes part in a fan-out of at least twice this many operations.
constexpr int kMinOpsPerWriter = 16;

EventHub::EventHub(EventLog* log, Options options)
    : log_(log),
      options_(std::move(options)),
      writers_(options_.writer_threads, kMinOpsPerWriter, "hub-writer") {}

EventHub::~EventHub() { Stop(); }

absl::Status EventHub::Start() {
  absl::StatusOr<EventCursor> last = log_->LastCursor();
  if (!last.ok()) return last.status();
  {
    absl::MutexLock lock(&mu_);
    head_ = *last;
    ring_floor_ = *last;
    started_ = true;
  }
  for (int i = 0; i < options_.reader_threads; ++i) {
    readers_.push_back(NamedThread("hub-reader", [this] { ReaderLoop(); }));
  }
  timer_ = NamedThread("hub-timer", [this] { TimerLoop(); });
  return absl::OkStatus();
}

EventHub::EntryPtr EventHub::MakeEntry(const EventCursor& cursor, const v1::PaymentEvent& event) {
  auto entry = std::make_shared<Entry>();
  entry->cursor = cursor;
  entry->shop = event.shop();
  entry->payment_id = event.payment_id();
  entry->status = event.snapshot().status();
  v1::SubscribePaymentEventsResponse message;
  // The event is only borrowed for serialization.
  message.unsafe_arena_set_allocated_event(const_cast<v1::PaymentEvent*>(&event));
  entry->bytes = Serialize(message);
  event_serializations_.fetch_add(1, std::memory_order_relaxed);
  message.unsafe_arena_release_event();
  return entry;
}

void EventHub::EventAppended(const EventCursor& cursor, const v1::PaymentEvent& event) {
  if (options_.metrics != nullptr) options_.metrics->Appended(event.source());
  EntryPtr entry = MakeEntry(cursor, event);
  Locked lock(this);
  if (entry->cursor <= head_) {
    // Cannot happen while the log tells its observer in cursor order.
    LogError(absl::StrCat("event hub: event ", entry->cursor.ToText(), " published after ",
                          head_.ToText(), "; live streams miss it"));
    return;
  }
  head_ = entry->cursor;
  ring_.push_back(entry);
  while (static_cast<int>(ring_.size()) > options_.ring_events) {
    ring_floor_ = ring_.front()->cursor;
    ring_.pop_front();
  }
  for (auto& [id, s] : streams_) {
    if (!s->live_ || s->finishing_ || s->finish_called_) continue;
    s->position_ = entry->cursor;
    if (!s->Matches(*entry)) continue;
    if (static_cast<int>(s->queue_.size()) >= options_.buffer_events) {
      if (options_.metrics != nullptr) options_.metrics->SubscriberDropped();
      EndStream(s, StreamEnd::kTooSlow,
                absl::StrCat("more than ", options_.buffer_events,
                             " events were waiting for this subscriber"));
      continue;
    }
    s->queue_.push_back(entry);
    Pump(s);
  }
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* EventHub::Refuse(const Subscription& subscription,
                                                             const absl::Status& status) {
  if (subscription.rpc_metrics != nullptr) {
    subscription.rpc_metrics->Handled(status.code(), absl::Now() - subscription.started);
  }
  if (subscription.on_end) subscription.on_end(status, 0);
  return FinishedStream(status);
}

void EventHub::SetBeforeRegisterForTesting(std::function<void()> hook) {
  absl::MutexLock lock(&hook_mu_);
  before_register_ = std::move(hook);
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* EventHub::Subscribe(
    grpc::CallbackServerContext* context, Subscription subscription) {
  std::function<void()> hook;
  {
    absl::MutexLock hook_lock(&hook_mu_);
    hook = before_register_;
  }
  if (hook) hook();
  Locked lock(this);
  if (subscription.still_allowed && !subscription.still_allowed()) {
    return Refuse(subscription,
                  GatewayErrorStatus(absl::StatusCode::kPermissionDenied, "ACCESS_REVOKED",
                                     "the policy was reloaded and no longer lets these "
                                     "credentials read these events",
                                     {}));
  }
  if (!started_ || finishing_all_ || stopping_) {
    return Refuse(subscription,
                  GatewayErrorStatus(absl::StatusCode::kUnavailable, "GATEWAY_SHUTTING_DOWN",
                                     "the gateway is shutting down; subscribe again", {}));
  }
  if (static_cast<int>(streams_.size()) >= options_.max_subscribers) {
    return Refuse(
        subscription,
        GatewayErrorStatus(absl::StatusCode::kResourceExhausted, "TOO_MANY_SUBSCRIBERS",
                           absl::StrCat("the gateway serves at most ", options_.max_subscribers,
                                        " subscriptions (subscriptions.max_subscribers)"),
                           {}));
  }
  const std::string client = ClientOfPeer(context->peer());
  if (per_client_[client] >= options_.max_subscribers_per_client) {
    return Refuse(
        subscription,
        GatewayErrorStatus(
            absl::StatusCode::kResourceExhausted, "TOO_MANY_SUBSCRIBERS_FROM_CLIENT",
            absl::StrCat("one client may hold at most ", options_.max_subscribers_per_client,
                         " subscriptions (subscriptions.max_subscribers_per_client)"),
            {}));
  }
  EventCursor position = head_;
  if (subscription.after_cursor.has_value()) {
    position = *subscription.after_cursor;
    if (position > head_) {
      return Refuse(
          subscription,
          InvalidArgumentStatus(
              {{"after_cursor",
                "is after the newest event: a cursor of another gateway's event store?"}}));
    }
  }
  const int64_t id = next_id_++;
  auto* s = new Stream(this, context, id, subscription, position);
  streams_[id] = s;
  if (options_.metrics != nullptr) options_.metrics->SubscriberOpened();
  ++per_client_[client];
  client_of_[id] = client;
  // The first message: a heartbeat with the start position. Then replay or live events.
  v1::SubscribePaymentEventsResponse hello;
  hello.mutable_heartbeat()->set_cursor(s->told().ToText());
  *hello.mutable_heartbeat()->mutable_sent_at() = NowTimestamp();
  s->out_ = Serialize(hello);
  s->out_position_ = position;
  s->writing_ = true;
  s->writing_event_ = false;
  s->write_started_ = absl::Now();
  ops_.push_back({s, false, {}});
  return s;
}

// Makes progress on `s`: finish it, start its next write, or fetch more.
void EventHub::Pump(Stream* s) {
  if (s->finish_called_) return;
  if (s->finishing_) {
    if (!s->writing_) {
      s->finish_called_ = true;
      ops_.push_back({s, true, FinalStatus(*s)});
    }
    return;
  }
  if (s->writing_) return;
  if (s->queue_.empty() && !s->live_) Advance(s);
  if (!s->queue_.empty()) StartWriteLocked(s);
}

void EventHub::StartWriteLocked(Stream* s) {
  EntryPtr next = std::move(s->queue_.front());
  s->queue_.pop_front();
  s->out_ = next->bytes;  // shares the serialized bytes
  if (options_.metrics != nullptr) options_.metrics->Delivered();
  s->out_position_ = next->cursor;
  s->writing_ = true;
  s->writing_event_ = true;
  s->write_started_ = absl::Now();
  ops_.push_back({s, false, {}});
}

// Moves a catching-up stream forward: from the ring when it holds what comes next (and then
// the stream is live), else by a store read on a reader thread.
void EventHub::Advance(Stream* s) {
  if (s->fetching_ || s->live_) return;
  if (s->position_ >= ring_floor_) {
    auto it =
        std::upper_bound(ring_.begin(), ring_.end(), s->position_,
                         [](const EventCursor& c, const EntryPtr& e) { return c < e->cursor; });
    for (; it != ring_.end(); ++it) {
      if (s->Matches(**it)) {
        if (static_cast<int>(s->queue_.size()) >= options_.buffer_events) return;
        s->queue_.push_back(*it);
      }
      s->position_ = (*it)->cursor;
    }
    s->position_ = std::max(s->position_, head_);
    s->live_ = true;
    return;
  }
  s->fetching_ = true;
  const int limit = std::min(options_.read_batch, options_.buffer_events);
  RunOnReader([this, id = s->id_, position = s->position_, head = head_, filter = s->filter_,
               limit] { ReadTask(id, position, head, filter, limit); });
}

void EventHub::ReadTask(int64_t id, EventCursor position, EventCursor head,
                        std::shared_ptr<const EventFilter> filter, int limit) {
  absl::StatusOr<std::vector<v1::PaymentEvent>> events = log_->ReadAfter(position, *filter, limit);
  if (options_.metrics != nullptr) {
    options_.metrics->ReplayRead();
    if (!events.ok()) options_.metrics->StoreError(StoreOperation::kRead);
  }
  std::vector<EntryPtr> entries;
  if (events.ok()) {
    entries.reserve(events->size());
    for (const v1::PaymentEvent& e : *events) {
      absl::StatusOr<EventCursor> cursor = EventCursor::FromText(e.cursor());
      if (!cursor.ok()) {  // the log wrote it: a damaged log, not a position to guess
        events = absl::DataLossError(absl::StrCat("event with an unreadable cursor ", e.cursor()));
        entries.clear();
        break;
      }
      entries.push_back(MakeEntry(*cursor, e));
    }
  }
  Locked lock(this);
  auto found = streams_.find(id);
  if (found == streams_.end()) return;  // the stream ended meanwhile
  Stream* s = found->second;
  s->fetching_ = false;
  if (!events.ok()) {
    LogError(absl::StrCat("event hub: store read failed: ", events.status().message()));
    EndStream(s, StreamEnd::kStoreUnavailable, "the event store could not be read");
    return;
  }
  for (EntryPtr& e : entries) {
    s->position_ = e->cursor;
    s->queue_.push_back(std::move(e));
  }
  // A short read reached the end of the log as it was when the read began.
  if (static_cast<int>(entries.size()) < limit) s->position_ = std::max(s->position_, head);
  Pump(s);
}

absl::Status EventHub::FinalStatus(const Stream& s) const {
  if (s.final_end_ == StreamEnd::kCancelled) return absl::CancelledError(s.final_why_);
  return Resumable(CodeOf(s.final_end_), ReasonOf(s.final_end_), s.final_why_,
                   s.scoped_ ? s.reported_ : s.written_);
}

void EventHub::EndStream(Stream* s, StreamEnd end, absl::string_view why) {
  if (s->finishing_ || s->finish_called_) return;
  s->finishing_ = true;
  s->final_end_ = end;
  s->final_why_ = std::string(why);
  s->queue_.clear();
  s->live_ = false;
  if (end != StreamEnd::kCancelled && end != StreamEnd::kShuttingDown) {
    LogWarning(absl::StrCat("subscription of ", s->context_->peer(), " ended (", ReasonOf(end),
                            "): ", why, "; it may resume after cursor ", s->written_.ToText()));
  }
  Pump(s);
}

void EventHub::OnWriteDone(Stream* s, bool ok) {
  Locked lock(this);
  s->writing_ = false;
  s->last_write_done_ = absl::Now();
  if (!ok) {
    // The client went away or the call was cancelled; OnCancel may or may not follow.
    EndStream(s, StreamEnd::kCancelled, "the subscriber went away");
    return;
  }
  s->written_ = s->out_position_;
  if (s->writing_event_) {
    ++s->events_;
    s->reported_ = s->out_position_;
  }
  Pump(s);
}

void EventHub::OnCancel(Stream* s) {
  Locked lock(this);
  EndStream(s, StreamEnd::kCancelled, "the subscriber cancelled");
}

void EventHub::OnDone(Stream* s) {
  {
    absl::MutexLock lock(&mu_);
    streams_.erase(s->id_);
    if (options_.metrics != nullptr) options_.metrics->SubscriberClosed();
    auto client = client_of_.find(s->id_);
    if (client != client_of_.end()) {
      if (--per_client_[client->second] <= 0) per_client_.erase(client->second);
      client_of_.erase(client);
    }
  }
  delete s;
}

void EventHub::FinishAll() {
  Locked lock(this);
  finishing_all_ = true;
  for (auto& [id, s] : streams_) {
    EndStream(s, StreamEnd::kShuttingDown, "the gateway is shutting down");
  }
}

void EventHub::LogUnavailable() {
  Locked lock(this);
  for (auto& [id, s] : streams_) {
    EndStream(s, StreamEnd::kStoreUnavailable,
              "the event store cannot be read; resume after the position in this status");
  }
}

EventCursor EventHub::ObservedThrough() const {
  absl::MutexLock lock(&mu_);
  return head_;
}

int EventHub::FinishIf(
    const std::function<bool(const std::string& credential, const EventFilter& filter)>& revoked) {
  Locked lock(this);
  int finished = 0;
  for (auto& [id, s] : streams_) {
    if (s->finishing_ || !revoked(s->credential_, *s->filter_)) continue;
    EndStream(s, StreamEnd::kAccessRevoked,
              "the caller may no longer read these events (the gateway's policy changed)");
    ++finished;
  }
  return finished;
}

void EventHub::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  for (std::thread& t : readers_) t.join();
  readers_.clear();
  if (timer_.joinable()) timer_.join();
  writers_.Stop();
}

int EventHub::subscribers() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(streams_.size());
}

bool EventHub::HasTaskOrStopping() const { return stopping_ || !tasks_.empty(); }

void EventHub::RunOnReader(std::function<void()> task) { tasks_.push_back(std::move(task)); }

void EventHub::ReaderLoop() {
  for (;;) {
    std::function<void()> task;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &EventHub::HasTaskOrStopping));
      if (tasks_.empty()) return;  // stopping
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

// Heartbeats for idle streams; ends streams whose client stopped taking writes.
void EventHub::TimerLoop() {
  const absl::Duration tick =
      std::clamp(std::min(options_.heartbeat_interval, options_.write_timeout) / 10,
                 absl::Milliseconds(20), absl::Seconds(1));
  absl::MutexLock lock(&mu_);
  while (!stopping_) {
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), tick);
    if (stopping_) return;
    const absl::Time now = absl::Now();
    for (auto& [id, s] : streams_) {
      if (s->writing_ && now - s->write_started_ > options_.write_timeout) {
        if (!s->finish_called_) {
          // The client stopped reading. Finish now (the status follows the pending write, so
          // the client sees it if it reads again) rather than after the write.
          s->finishing_ = true;
          s->finish_called_ = true;
          s->queue_.clear();
          s->live_ = false;
          s->final_end_ = StreamEnd::kTooSlow;
          if (options_.metrics != nullptr) options_.metrics->SubscriberDropped();
          s->final_why_ = absl::StrCat("the subscriber took no message for ",
                                       absl::FormatDuration(options_.write_timeout));
          LogWarning(absl::StrCat("subscription of ", s->context_->peer(),
                                  " ended (SUBSCRIBER_TOO_SLOW): ", s->final_why_));
          ops_.push_back({s, true, FinalStatus(*s)});
        } else if (!s->cancel_sent_ && now - s->write_started_ > 2 * options_.write_timeout) {
          // Still not reading: free the stream. (Under the lock: the call may end any time
          // after; TryCancel runs no reaction inline.)
          s->cancel_sent_ = true;
          s->context_->TryCancel();
        }
        continue;
      }
      if (s->writing_ || s->finishing_ || s->finish_called_ || !s->queue_.empty()) continue;
      if (now - s->last_write_done_ < options_.heartbeat_interval) continue;
      v1::SubscribePaymentEventsResponse beat;
      beat.mutable_heartbeat()->set_cursor(s->told().ToText());
      *beat.mutable_heartbeat()->mutable_sent_at() = NowTimestamp();
      s->out_ = Serialize(beat);
      s->out_position_ = s->position_;
      s->writing_ = true;
      s->writing_event_ = false;
      s->write_started_ = now;
      ops_.push_back({s, false, {}});
    }
    std::vector<Op> ops;
    ops.swap(ops_);
    mu_.Unlock();
    RunOps(ops);
    mu_.Lock();
  }
}

}  // namespace barion_gateway::server
