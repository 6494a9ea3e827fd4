#include "server/audit/audit_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "server/common/log.h"
#include "server/common/peer.h"
#include "server/common/safe_text.h"
#include "server/common/thread_name.h"

namespace barion_gateway::server {

std::string AuditLine(const AuditRecord& r) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  // Every value is escaped and cut first: client values cannot forge a line or flood the file.
  auto text = [&](const char* key, const std::string& value) {
    const std::string safe = SafeText(value, 128);
    w.Key(key);
    w.String(safe.c_str(), static_cast<rapidjson::SizeType>(safe.size()));
  };
  auto list = [&](const char* key, const std::vector<std::string>& values) {
    w.Key(key);
    w.StartArray();
    for (size_t i = 0; i < values.size() && i < 100; ++i) {
      const std::string safe = SafeText(values[i], 64);
      w.String(safe.c_str(), static_cast<rapidjson::SizeType>(safe.size()));
    }
    w.EndArray();
  };
  w.StartObject();
  text("time", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", r.time, absl::UTCTimeZone()));
  text("phase", r.phase);
  text("caller", r.caller);
  text("authenticated_by", r.authenticated_by);
  if (!r.peer.empty()) text("peer", r.peer);
  text("method", r.method);
  if (!r.shop.empty()) text("shop", r.shop);
  if (!r.wallet.empty()) text("wallet", r.wallet);
  if (!r.webhook_endpoint.empty()) text("webhook_endpoint", r.webhook_endpoint);
  if (!r.payment_id.empty()) text("payment_id", r.payment_id);
  if (!r.payment_request_id.empty()) text("payment_request_id", r.payment_request_id);
  if (!r.amounts.empty()) list("amounts", r.amounts);
  if (!r.currency.empty()) text("currency", r.currency);
  if (!r.scope.empty()) list("scope", r.scope);
  if (!r.start.empty()) text("start", r.start);
  if (r.events >= 0) {
    w.Key("events");
    w.Int64(r.events);
    w.Key("duration_ms");
    w.Int64(absl::ToInt64Milliseconds(r.duration));
  }
  if (r.suppressed > 0) {
    w.Key("suppressed");
    w.Int64(r.suppressed);
  }
  if (!r.code.empty()) text("code", r.code);
  if (!r.barion_errors.empty()) list("barion_errors", r.barion_errors);
  if (!r.reason.empty()) text("reason", r.reason);
  if (!r.outcome.empty()) text("outcome", r.outcome);
  if (!r.trace_id.empty()) text("trace_id", r.trace_id);
  w.EndObject();
  return absl::StrCat(buffer.GetString(), "\n");
}

namespace {

// Peers tracked by the per-peer limit at once; further new peers share one count.
constexpr size_t kMaxTrackedPeers = 10000;

absl::StatusOr<int> OpenForAppend(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("audit.path: cannot open the audit log: ", std::strerror(errno)));
  }
  return fd;
}

}  // namespace

absl::StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(Options options) {
  absl::StatusOr<int> fd = OpenForAppend(options.path);
  if (!fd.ok()) return fd.status();
  return std::unique_ptr<AuditLog>(new AuditLog(std::move(options), *fd));
}

absl::Status AuditLog::Reopen() {
  absl::StatusOr<int> fd = OpenForAppend(options_.path);
  if (!fd.ok()) return fd.status();
  int old;
  {
    absl::MutexLock lock(&fd_mu_);
    old = fd_;
    fd_ = *fd;
  }
  ::close(old);
  absl::MutexLock lock(&mu_);
  healthy_ = true;  // a new file: the next batch tells
  return absl::OkStatus();
}

AuditLog::AuditLog(Options options, int fd) : options_(std::move(options)), fd_(fd) {
  writer_ = NamedThread("audit-writer", [this] { WriterLoop(); });
}

AuditLog::~AuditLog() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  writer_.join();
  absl::MutexLock lock(&fd_mu_);
  ::close(fd_);
}

bool AuditLog::healthy() const {
  absl::MutexLock lock(&mu_);
  return healthy_;
}

int64_t AuditLog::lost() const {
  absl::MutexLock lock(&mu_);
  return lost_;
}

int64_t AuditLog::suppressed() const {
  absl::MutexLock lock(&mu_);
  return suppressed_;
}

bool AuditLog::AllowPeer(const std::string& peer, int64_t* summary) {
  const int64_t second = absl::ToUnixSeconds(absl::Now());
  if (second != window_) {
    window_ = second;
    in_window_.clear();
  }
  auto it = in_window_.find(peer);
  if (it == in_window_.end()) {
    if (in_window_.size() >= kMaxTrackedPeers) {
      ++suppressed_;
      return false;
    }
    it = in_window_.emplace(peer, 0).first;
  }
  if (it->second >= options_.unauthenticated_per_second) {
    ++suppressed_;
    if (counted_.size() < kMaxTrackedPeers || counted_.count(peer) != 0) ++counted_[peer];
    return false;
  }
  ++it->second;
  if (auto c = counted_.find(peer); c != counted_.end()) {
    *summary = c->second;
    counted_.erase(c);
  }
  return true;
}

absl::Status AuditLog::Record(const AuditRecord& record, Durability durability) {
  std::string line = AuditLine(record);
  absl::MutexLock lock(&mu_);
  if (record.unauthenticated) {
    int64_t summary = 0;
    if (!AllowPeer(ClientOfPeer(record.peer), &summary)) {
      if (options_.on_suppressed) options_.on_suppressed();
      return absl::OkStatus();
    }
    if (summary > 0) {
      AuditRecord counted;
      counted.time = record.time;
      counted.phase = "suppressed";
      counted.caller = "-";
      counted.authenticated_by = "none";
      counted.unauthenticated = true;
      counted.peer = record.peer;
      counted.suppressed = summary;
      line = absl::StrCat(AuditLine(counted), line);
    }
  }
  auto room = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return queued_.size() < options_.max_queued || stopping_;
  };
  mu_.Await(absl::Condition(&room));
  std::shared_ptr<std::optional<bool>> durable;
  if (durability == Durability::kSynced) {
    durable = std::make_shared<std::optional<bool>>();
    ++durable_queued_;
  }
  queued_.push_back({std::move(line), durable});
  ++recorded_;
  if (durable == nullptr) return absl::OkStatus();
  auto settled = [&durable]() { return durable->has_value(); };
  mu_.Await(absl::Condition(&settled));
  if (**durable) return absl::OkStatus();
  return absl::UnavailableError("the audit log cannot be written");
}

void AuditLog::Flush() {
  absl::MutexLock lock(&mu_);
  const int64_t target = recorded_;
  auto done = [this, target]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return done_ >= target; };
  mu_.Await(absl::Condition(&done));
}

bool AuditLog::Append(const std::string& text) {
  struct stat before;
  if (::fstat(fd_, &before) != 0) {
    LogLimited(LogLevel::kError, "audit write", absl::StrCat("audit log: ", std::strerror(errno)));
    return false;
  }
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd_, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      LogLimited(LogLevel::kError, "audit write",
                 absl::StrCat("audit log: write failed: ", std::strerror(n < 0 ? errno : EIO)));
      // Never half a line: cut what this batch wrote (the file was whole at `before`).
      if (written > 0 && ::ftruncate(fd_, before.st_size) != 0) {
        LogLimited(LogLevel::kError, "audit truncate",
                   absl::StrCat("audit log: cannot cut a partial write: ", std::strerror(errno)));
      }
      return false;
    }
    written += static_cast<size_t>(n);
  }
  if (::fdatasync(fd_) != 0) {
    LogLimited(LogLevel::kError, "audit sync",
               absl::StrCat("audit log: fdatasync failed: ", std::strerror(errno)));
    return false;
  }
  return true;
}

void AuditLog::WriterLoop() {
  for (;;) {
    std::vector<Queued> batch;
    bool stopping;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]()
                       ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !queued_.empty() || stopping_; };
      mu_.Await(absl::Condition(&ready));
      // Let a batch gather, unless a caller waits for its record: then at once (the records
      // queued meanwhile form the next batch, sharing its sync).
      auto urgent = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return durable_queued_ > 0 || stopping_;
      };
      mu_.AwaitWithTimeout(absl::Condition(&urgent), options_.flush_interval);
      batch.swap(queued_);
      durable_queued_ = 0;
      stopping = stopping_;
    }
    std::string text;
    for (const Queued& q : batch) text += q.line;
    bool ok = true;
    if (!batch.empty()) {
      absl::MutexLock fd_lock(&fd_mu_);
      ok = Append(text);
    }
    if (!batch.empty() && options_.on_batch) {
      options_.on_batch(ok, static_cast<int64_t>(batch.size()));
    }
    {
      absl::MutexLock lock(&mu_);
      if (!batch.empty()) healthy_ = ok;
      if (!ok) lost_ += static_cast<int64_t>(batch.size());
      for (Queued& q : batch) {
        if (q.durable != nullptr) *q.durable = ok;
      }
      done_ += static_cast<int64_t>(batch.size());
      if (stopping && queued_.empty()) return;
    }
  }
}

}  // namespace barion_gateway::server
