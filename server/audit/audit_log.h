// AuditLog: one JSON line per money-moving or data-revealing call, in a file of its own,
// written and fsync'd in batches by a thread of its own (docs/SECURITY.md#audit-log).
//
// A record holds who called what on which shop or wallet, the payment, the amounts, the gRPC
// code, Barion's error codes and the outcome; never a secret (no key, token or certificate is
// ever given to it). Values that came from a client are escaped and cut (SafeText) before they
// are written. Record() never blocks on the disk: it queues, and the writer appends everything
// queued with one write and one fdatasync, at most `flush_interval` after the first record of a
// batch. If the queue holds `max_queued` records (the disk is stuck), Record() waits for room:
// an audited call is never answered without its record queued. Thread-safe.
#ifndef BARION_GATEWAY_SERVER_AUDIT_AUDIT_LOG_H_
#define BARION_GATEWAY_SERVER_AUDIT_AUDIT_LOG_H_

#include <memory>
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
  std::string caller;            // the policy's name, "anonymous", or "-" (not authenticated)
  std::string authenticated_by;  // "certificate", "token", "none"
  std::string method;            // "/barion.v1.PaymentService/Refund"
  std::string shop;
  std::string wallet;
  std::string payment_id;
  std::string payment_request_id;
  std::vector<std::string> amounts;  // exact decimal text, as in the request
  std::string currency;
  std::string code;                        // gRPC code name, "OK"
  std::vector<std::string> barion_errors;  // Barion's error codes
  std::string reason;                      // the gateway's ErrorInfo reason, if any
  // "ok", "denied" (authentication or authorization), "invalid" (refused by validation),
  // "not_sent", "unknown", "rejected" (Barion refused), "failed".
  std::string outcome;
};

// The record as one JSON object on one line, with a trailing newline.
std::string AuditLine(const AuditRecord& record);

class AuditLog {
 public:
  struct Options {
    std::string path;
    absl::Duration flush_interval = absl::Milliseconds(200);
    size_t max_queued = 100000;
  };

  // Opens (creates, mode 0600) and appends to `options.path`; starts the writer.
  static absl::StatusOr<std::unique_ptr<AuditLog>> Open(Options options);
  ~AuditLog();  // writes and syncs what is queued

  void Record(const AuditRecord& record);

  // Waits until everything recorded so far is written and synced (tests, shutdown).
  void Flush();

  // Opens the path again (after logrotate moved the file away; the gateway does it on SIGHUP):
  // what is written from now on goes to the new file. On failure the old file stays in use.
  absl::Status Reopen();

 private:
  AuditLog(Options options, int fd);
  void WriterLoop();

  const Options options_;
  absl::Mutex fd_mu_;  // held by the writer while it writes and syncs
  int fd_ ABSL_GUARDED_BY(fd_mu_);
  absl::Mutex mu_;
  std::vector<std::string> queued_ ABSL_GUARDED_BY(mu_);
  int64_t recorded_ ABSL_GUARDED_BY(mu_) = 0;  // lines queued since the start
  int64_t synced_ ABSL_GUARDED_BY(mu_) = 0;    // lines written and synced
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread writer_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_AUDIT_AUDIT_LOG_H_
