#include "server/audit/audit_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "server/common/log.h"
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
  text("caller", r.caller);
  text("authenticated_by", r.authenticated_by);
  text("method", r.method);
  if (!r.shop.empty()) text("shop", r.shop);
  if (!r.wallet.empty()) text("wallet", r.wallet);
  if (!r.payment_id.empty()) text("payment_id", r.payment_id);
  if (!r.payment_request_id.empty()) text("payment_request_id", r.payment_request_id);
  if (!r.amounts.empty()) list("amounts", r.amounts);
  if (!r.currency.empty()) text("currency", r.currency);
  text("code", r.code);
  if (!r.barion_errors.empty()) list("barion_errors", r.barion_errors);
  if (!r.reason.empty()) text("reason", r.reason);
  text("outcome", r.outcome);
  w.EndObject();
  return absl::StrCat(buffer.GetString(), "\n");
}

namespace {

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

void AuditLog::Record(const AuditRecord& record) {
  std::string line = AuditLine(record);
  absl::MutexLock lock(&mu_);
  auto room = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return queued_.size() < options_.max_queued || stopping_;
  };
  mu_.Await(absl::Condition(&room));
  queued_.push_back(std::move(line));
  ++recorded_;
}

void AuditLog::Flush() {
  absl::MutexLock lock(&mu_);
  const int64_t target = recorded_;
  auto done = [this, target]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return synced_ >= target; };
  mu_.Await(absl::Condition(&done));
}

void AuditLog::WriterLoop() {
  for (;;) {
    std::vector<std::string> batch;
    bool stopping;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]()
                       ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !queued_.empty() || stopping_; };
      mu_.Await(absl::Condition(&ready));
      stopping = stopping_;
    }
    // Let a batch gather: one write and one sync for every record of the interval.
    if (!stopping) absl::SleepFor(options_.flush_interval);
    {
      absl::MutexLock lock(&mu_);
      batch.swap(queued_);
      stopping = stopping_;
    }
    std::string text;
    for (const std::string& line : batch) text += line;
    {
      absl::MutexLock fd_lock(&fd_mu_);
      size_t written = 0;
      while (written < text.size()) {
        const ssize_t n = ::write(fd_, text.data() + written, text.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
          LogLimited("ERROR", "audit write",
                     absl::StrCat("audit log: write failed: ", std::strerror(errno)));
          break;
        }
        written += static_cast<size_t>(n);
      }
      if (!batch.empty() && ::fdatasync(fd_) != 0) {
        LogLimited("ERROR", "audit sync",
                   absl::StrCat("audit log: fdatasync failed: ", std::strerror(errno)));
      }
    }
    {
      absl::MutexLock lock(&mu_);
      synced_ += static_cast<int64_t>(batch.size());
      if (stopping && queued_.empty()) return;
    }
  }
}

}  // namespace barion_gateway::server
