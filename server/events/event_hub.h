// EventHub: the live side of SubscribePaymentEvents (docs/EVENTS.md).
//
// The EventLog is the source of truth; the hub is its observer (EventLog::SetObserver). Every
// stream keeps its own position in the log (all events up to it were considered for this stream)
// and moves it forward in one of two modes:
//   - catching up: its position is older than what the hub keeps in memory, so it reads the
//     store after its position, a batch at a time, on the hub's reader threads (never on a gRPC
//     thread);
//   - live: it has reached the newest event; Publish hands it each new matching event.
// A stream switches from catching up to live under the hub's lock, after taking what remains in
// the hub's ring of recent events, so the switch has no gap and no duplicate.
//
// Each event is serialized once and the same bytes are written to every stream (a raw callback
// method, ServerWriteReactor<ByteBuffer>); one write is in flight per stream. A live stream holds
// at most `buffer_events` waiting events: one more finishes it with RESOURCE_EXHAUSTED (reason
// SUBSCRIBER_TOO_SLOW), and so does a write its client has not taken within `write_timeout`, so
// one slow subscriber costs bounded memory and never delays the others. Idle streams get a
// heartbeat every `heartbeat_interval`. FinishAll() ends every stream with UNAVAILABLE (reason
// GATEWAY_SHUTTING_DOWN), and a shared log that cannot be read ends them with UNAVAILABLE
// (EVENT_STORE_UNAVAILABLE). Every finishing status carries `resume_after_cursor`.
//
// Locking: one mutex guards the ring and every stream's state. The gRPC operations decided under
// it (StartWrite, Finish) are queued and run after it is released, so gRPC's threads completing
// writes never wait for a fan-out in progress. A long queue (one event for many streams) is run
// by the deciding thread and `writer_threads` helpers at once, and the decider returns only
// when every operation of it has run. This is safe because a stream is claimed under
// the lock before its operation is queued: a write is started only by the thread that set
// `writing`, and Finish only once `finish_called` is set, and gRPC cannot end the call (OnDone)
// before both have run.
#ifndef BARION_GATEWAY_SERVER_EVENTS_EVENT_HUB_H_
#define BARION_GATEWAY_SERVER_EVENTS_EVENT_HUB_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "barion/v1/payment_event.pb.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "server/common/parallel_runner.h"
#include "server/events/event_cursor.h"
#include "server/events/event_log.h"
#include "server/metrics/pipeline_metrics.h"
#include "server/metrics/rpc_metrics.h"

namespace barion_gateway::server {

class EventHub final : public EventLogObserver {
 public:
  // Why a stream ends. All but kCancelled finish resumably: a gRPC code, an ErrorInfo reason
  // and the position to resume after (StreamEndStatus).
  enum class StreamEnd {
    kCancelled,         // the client went away: CANCELLED
    kTooSlow,           // RESOURCE_EXHAUSTED, SUBSCRIBER_TOO_SLOW
    kStoreUnavailable,  // UNAVAILABLE, EVENT_STORE_UNAVAILABLE
    kShuttingDown,      // UNAVAILABLE, GATEWAY_SHUTTING_DOWN
    kAccessRevoked,     // PERMISSION_DENIED, ACCESS_REVOKED
  };
  struct Options {
    absl::Duration heartbeat_interval = absl::Seconds(15);
    int buffer_events = 1024;  // events waiting for one live stream
    int max_subscribers = 10000;
    // Streams one client (its IP address, until callers are authenticated) may hold at once.
    int max_subscribers_per_client = 2500;
    absl::Duration write_timeout = absl::Seconds(60);
    int ring_events = 4096;  // recent events kept in memory for streams joining live
    int read_batch = 256;    // events per store read while catching up
    int reader_threads = 2;
    // Threads that start stream writes together with the thread that decided them, when one
    // event (or heartbeat round) goes to many streams at once: writes to one connection that
    // meet in gRPC's queue leave in one socket write (ParallelRunner, docs/PERFORMANCE.md).
    int writer_threads = 3;
    // Counts subscribers, deliveries, drops, replay reads and appends; null: nothing counted.
    // Not owned.
    PipelineMetrics* metrics = nullptr;
  };

  // Where a new stream starts: after `after_cursor` when set, else at the newest event.
  struct Subscription {
    EventFilter filter;
    std::optional<EventCursor> after_cursor;
    // For a stream limited to shops (filter.shops not empty) that starts at the newest event:
    // the position its start heartbeat reports, the newest event of those shops at or before
    // the hub's head (EventLog::LastCursorOf with ObservedThrough()). Such a stream reports only
    // positions of its own shops' events (its start, the events it wrote), never the log's head,
    // so its positions tell nothing of other shops' activity. Unset: the start position.
    std::optional<EventCursor> scoped_start;
    // The credential that authenticated the subscriber (Caller::credential), for FinishIf after
    // a policy reload.
    std::string credential;
    // The RPC's series (grpc_server_handled_total when the stream ends, ..._msg_sent_total per
    // message) and when the call began; null: not counted. Not owned.
    const RpcMethodMetrics* rpc_metrics = nullptr;
    absl::Time started = absl::Now();
    // Asked under the hub's lock as the stream registers: whether its credential may still read
    // what it subscribed to. A reload replaces the policy, then sweeps the registered streams
    // under the same lock (FinishIf): a subscription that authenticated before the replacement
    // either registers before the sweep (and is swept) or is refused here. Unset: allowed.
    std::function<bool()> still_allowed;
    // Told once how the stream ended (its final status, a refusal included) and how many events
    // it delivered (writes the client's connection accepted), outside the hub's lock. For the
    // audit log. Unset: nobody is told.
    std::function<void(const absl::Status& status, int64_t events)> on_end;
  };

  // `log` (for catch-up reads) is not owned and must outlive the hub. The gateway makes the hub
  // the log's observer.
  EventHub(EventLog* log, Options options);
  ~EventHub() override;

  // Reads the newest cursor and starts the timer and reader threads. UNAVAILABLE if the log
  // cannot be read.
  absl::Status Start();

  // For tests: `hook` runs in every Subscribe before the hub's lock is taken, i.e. between the
  // subscriber's authentication and its registration, where a reload may strike.
  void SetBeforeRegisterForTesting(std::function<void()> hook);

  // EventLogObserver: an event was durably appended (calls come in cursor order).
  void EventAppended(const EventCursor& cursor, const barion::v1::PaymentEvent& event) override;
  // EventLogObserver: a shared log cannot be read. Every open stream ends with UNAVAILABLE /
  // EVENT_STORE_UNAVAILABLE and its position to resume after (on this replica or another, once the
  // store is back); new subscriptions are still taken.
  void LogUnavailable() override;
  // EventLogObserver: the newest cursor the hub knows (read by Start).
  EventCursor ObservedThrough() const override;

  // The reactor for one SubscribePaymentEvents call. A refused subscription (OUT_OF_RANGE for a
  // cursor after the newest event, RESOURCE_EXHAUSTED above max_subscribers, UNAVAILABLE while
  // shutting down) gets a reactor that finishes at once with that status.
  grpc::ServerWriteReactor<grpc::ByteBuffer>* Subscribe(grpc::CallbackServerContext* context,
                                                        Subscription subscription);

  // Finishes every stream with UNAVAILABLE / GATEWAY_SHUTTING_DOWN and refuses new ones.
  void FinishAll();
  // Finishes with PERMISSION_DENIED / ACCESS_REVOKED (resumable: its position in the metadata)
  // every open stream for which `revoked(caller, filter)` is true: after a reload of the policy,
  // the streams of callers that may no longer read what they subscribed to. Returns how many.
  // `revoked` runs under the hub's lock: it must not call into the hub.
  int FinishIf(
      const std::function<bool(const std::string& caller, const EventFilter& filter)>& revoked);
  // Stops the threads. Call after the gRPC server has stopped.
  void Stop();

  // Streams currently open (for tests and the benchmark).
  int subscribers() const;
  // Events serialized so far (MakeEntry): once per appended event for the live fan-out, however
  // many streams receive it, plus what catch-up reads read (for tests).
  int64_t event_serializations() const { return event_serializations_.load(); }
  // Batches of stream operations that the writer threads took part in (for tests).
  int64_t shared_write_batches() const { return writers_.shared_batches(); }

 private:
  class Stream;
  class Locked;
  // A gRPC operation on a stream, decided under the lock and run after it.
  struct Op {
    Stream* stream;
    bool finish;  // Finish(status); else StartWrite of the stream's `out_`
    absl::Status status;
  };
  // Runs `ops` (on the writers too when there are many) and returns when all have run.
  void RunOps(std::vector<Op>& ops);
  // One event as the streams need it: the fields filters look at, and its bytes on the wire.
  struct Entry {
    EventCursor cursor;
    std::string shop;
    std::string payment_id;
    barion::v1::PaymentStatus status = barion::v1::PAYMENT_STATUS_UNSPECIFIED;
    grpc::ByteBuffer bytes;  // a serialized SubscribePaymentEventsResponse
  };
  using EntryPtr = std::shared_ptr<const Entry>;

  EntryPtr MakeEntry(const EventCursor& cursor, const barion::v1::PaymentEvent& event);

  // A subscription refused before it became a stream: counted, then finished with `status`.
  static grpc::ServerWriteReactor<grpc::ByteBuffer>* Refuse(const Subscription& subscription,
                                                            const absl::Status& status);
  void Pump(Stream* s) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Advance(Stream* s) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void StartWriteLocked(Stream* s) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Ends `s` once its write in flight is done, as `end` says.
  void EndStream(Stream* s, StreamEnd end, absl::string_view why)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status FinalStatus(const Stream& s) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void OnWriteDone(Stream* s, bool ok);
  void OnCancel(Stream* s);
  void OnDone(Stream* s);
  void ReadTask(int64_t id, EventCursor position, EventCursor head,
                std::shared_ptr<const EventFilter> filter, int limit);
  void TimerLoop();
  void ReaderLoop();
  void RunOnReader(std::function<void()> task) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool HasTaskOrStopping() const ABSL_SHARED_LOCKS_REQUIRED(mu_);

  EventLog* const log_;
  const Options options_;
  // For tests (SetBeforeRegisterForTesting); empty in production.
  absl::Mutex hook_mu_;
  std::function<void()> before_register_ ABSL_GUARDED_BY(hook_mu_);

  mutable absl::Mutex mu_;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool finishing_all_ ABSL_GUARDED_BY(mu_) = false;
  EventCursor head_ ABSL_GUARDED_BY(mu_);        // newest published cursor
  EventCursor ring_floor_ ABSL_GUARDED_BY(mu_);  // every event after it is in ring_
  std::deque<EntryPtr> ring_ ABSL_GUARDED_BY(mu_);
  int64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<int64_t, Stream*> streams_ ABSL_GUARDED_BY(mu_);
  // Open streams per client (the peer's address without its port), and each stream's client.
  std::map<std::string, int> per_client_ ABSL_GUARDED_BY(mu_);
  std::map<int64_t, std::string> client_of_ ABSL_GUARDED_BY(mu_);
  std::deque<std::function<void()>> tasks_ ABSL_GUARDED_BY(mu_);
  std::vector<Op> ops_ ABSL_GUARDED_BY(mu_);

  ParallelRunner writers_;
  std::vector<std::thread> readers_;
  std::thread timer_;
  std::atomic<int64_t> event_serializations_{0};
};

// A server-streaming reactor that finishes at once with `status` (a refused call).
grpc::ServerWriteReactor<grpc::ByteBuffer>* FinishedStream(const absl::Status& status);

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_EVENTS_EVENT_HUB_H_
