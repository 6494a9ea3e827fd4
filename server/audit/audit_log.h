// AuditLog: one JSON line per gRPC call, allowed or refused, in a file of its own, written and
// synced by a thread of its own (docs/SECURITY.md#audit-log).
//
// A record holds who called (caller, how authenticated, peer address) what (method, shop or
// wallet, payment) with which result (gRPC code, Barion's error codes, the gateway's reason,
// the outcome) and the call's trace id; never a secret (no key, token or certificate is ever
// given to it). Values that came from a client are escaped and cut (SafeText) before they are
// written.
//
// Durability. Record(kQueued) queues and returns; the writer appends what is queued with one
// write and one fdatasync at most `flush_interval` later. Record(kSynced) returns once its record
// is written and synced, or failed: the writer starts at once, and every record queued while a
// sync runs shares the next one (group commit), so concurrent money-moving calls share their
// fsyncs. If the queue holds `max_queued` records (the disk is stuck), Record waits for room.
//
// Failures. A write or sync that fails (disk full, I/O error) makes the log unhealthy until a
// later batch succeeds or the file is reopened; the part of a batch that was written is cut off
// again (ftruncate to the last whole record), so the file never holds half a line. Records of a
// failed batch are lost and counted (lost()); kSynced callers learn it from the status
// (UNAVAILABLE).
//
// Flooding. Records of calls whose caller was not authenticated are kept small by the edge
// (no amounts or free text) and limited per client address (the peer without its port, so a
// client's many connections count together; `unauthenticated_per_second` a second): past it they
// are counted, and the count is written as one summary record
// ("suppressed") with the peer's next record that is written. Thread-safe.
#ifndef BARION_GATEWAY_SERVER_AUDIT_AUDIT_LOG_H_
#define BARION_GATEWAY_SERVER_AUDIT_AUDIT_LOG_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace barion_gateway::server {

struct AuditRecord {
  absl::Time time;
  // "intent": written and synced before a money-moving call reaches Barion; "result": how a
  // call ended (every call has one); "stream": how a subscription ended; "suppressed": how many
  // records of an unauthenticated peer were counted, not written.
  std::string phase = "result";
  std::string caller;            // the policy's name, "anonymous", or "-" (not authenticated)
  std::string authenticated_by;  // "certificate", "token", "none"
  std::string peer;              // the client's address as gRPC reports it ("ipv4:10.0.0.7:5123")
  std::string method;            // "/barion.v1.PaymentService/Refund"
  std::string shop;
  std::string wallet;
  std::string webhook_endpoint;  // the webhook operators' calls
  std::string payment_id;
  std::string payment_request_id;
  std::vector<std::string> amounts;  // exact decimal text, as in the request
  std::string currency;
  std::string code;                        // gRPC code name, "OK"; empty for an intent
  std::vector<std::string> barion_errors;  // Barion's error codes
  std::string reason;                      // the gateway's ErrorInfo reason, if any
  // "ok", "denied" (authentication or authorization), "invalid" (refused by validation),
  // "not_sent", "unknown", "rejected" (Barion refused), "failed"; empty for an intent.
  std::string outcome;
  std::string trace_id;
  // Streams: the shops it was limited to ("*" for all), where it started ("now", "beginning",
  // "after:CURSOR"), how long it ran and how many events it delivered.
  std::vector<std::string> scope;
  std::string start;
  absl::Duration duration = absl::ZeroDuration();
  int64_t events = -1;  // -1: not a stream
  int64_t suppressed = 0;
  // No caller was authenticated: the record goes through the per-client limit. Not written.
  bool unauthenticated = false;
};

// The record as one JSON object on one line, with a trailing newline.
std::string AuditLine(const AuditRecord& record);

class AuditLog {
 public:
  struct Options {
    std::string path;
    absl::Duration flush_interval = absl::Milliseconds(200);
    size_t max_queued = 100000;
    // Records of unauthenticated calls written per peer address and second; more are counted.
    int unauthenticated_per_second = 20;
    // Told of every batch: whether it was written and synced, and how many records it held.
    std::function<void(bool ok, int64_t records)> on_batch;
    // Told of every unauthenticated record counted instead of written.
    std::function<void()> on_suppressed;
  };

  enum class Durability { kQueued, kSynced };

  // Opens (creates, mode 0600) and appends to `options.path`; starts the writer.
  static absl::StatusOr<std::unique_ptr<AuditLog>> Open(Options options);
  ~AuditLog();  // writes and syncs what is queued

  // Queues `record` (see above). With kSynced, OK once it is written and synced, UNAVAILABLE
  // when it could not be. With kQueued always OK. Unauthenticated records go through the
  // per-client limit (a suppressed one is OK: it is counted).
  absl::Status Record(const AuditRecord& record, Durability durability = Durability::kQueued);

  // Whether the last batch was written and synced (true before the first).
  bool healthy() const;
  // Records lost in failed batches, and unauthenticated records counted instead of written.
  int64_t lost() const;
  int64_t suppressed() const;

  // Waits until everything recorded so far is written and synced, or failed (tests, shutdown).
  void Flush();

  // Opens the path again (after logrotate moved the file away; the gateway does it on every
  // SIGHUP): what is written from now on goes to the new file. On failure the old file stays in
  // use.
  absl::Status Reopen();

 private:
  struct Queued {
    std::string line;
    // For a kSynced record: set by the writer to whether its batch is durable.
    std::shared_ptr<std::optional<bool>> durable;
  };
  AuditLog(Options options, int fd);
  void WriterLoop();
  // Writes `text` whole at the end of the file and syncs; on failure cuts the file back to
  // where it was. Returns whether the text is durable.
  bool Append(const std::string& text) ABSL_EXCLUSIVE_LOCKS_REQUIRED(fd_mu_);
  // The per-client limit: whether a record of `client` may be written now; sets `*summary` to
  // the number counted since its last written record.
  bool AllowPeer(const std::string& client, int64_t* summary) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Options options_;
  absl::Mutex fd_mu_;  // held by the writer while it writes and syncs, and by Reopen
  int fd_ ABSL_GUARDED_BY(fd_mu_);
  mutable absl::Mutex mu_;
  std::vector<Queued> queued_ ABSL_GUARDED_BY(mu_);
  int64_t recorded_ ABSL_GUARDED_BY(mu_) = 0;    // records queued since the start
  int64_t done_ ABSL_GUARDED_BY(mu_) = 0;        // records written and synced, or failed
  int durable_queued_ ABSL_GUARDED_BY(mu_) = 0;  // kSynced records in queued_: flush at once
  bool healthy_ ABSL_GUARDED_BY(mu_) = true;
  int64_t lost_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t suppressed_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // The per-peer limit's window: its second, each peer's records written in it, and each
  // peer's records counted since its last written one.
  int64_t window_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::string, int> in_window_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int64_t> counted_ ABSL_GUARDED_BY(mu_);
  std::thread writer_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_AUDIT_AUDIT_LOG_H_
