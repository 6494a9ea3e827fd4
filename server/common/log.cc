#include "server/common/log.h"

#include <unistd.h>

#include <atomic>
#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace barion_gateway::server {
namespace {

std::atomic<bool> call_logging{true};

// Per kind of limited line: the current window and what it let through.
struct Window {
  absl::Time start;
  int logged = 0;
  int64_t suppressed = 0;
};

absl::Mutex limits_mu(absl::kConstInit);
// Keyed by the callers' constant kinds, so it stays as small as the code's list of kinds.
std::map<std::string, Window, std::less<>>* limits ABSL_GUARDED_BY(limits_mu) = nullptr;

}  // namespace

void Log(absl::string_view level, absl::string_view message) {
  std::string line = absl::StrCat(
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()), " ", level, " ");
  const size_t limit = line.size() + kMaxLogLineBytes;
  for (size_t i = 0; i < message.size(); ++i) {
    if (line.size() >= limit) {
      absl::StrAppend(&line, "...(", message.size(), " bytes)");
      break;
    }
    const unsigned char c = static_cast<unsigned char>(message[i]);
    if (c < 0x20 || c == 0x7f) {
      absl::StrAppend(&line, "\\x", absl::Hex(c, absl::kZeroPad2));
    } else {
      line.push_back(static_cast<char>(c));
    }
  }
  line.push_back('\n');
  // One write(2) per line, so concurrent lines do not interleave.
  ssize_t unused = ::write(STDERR_FILENO, line.data(), line.size());
  (void)unused;
}

bool LogLimited(absl::string_view level, absl::string_view kind, absl::string_view message) {
  int64_t suppressed = 0;
  {
    absl::MutexLock lock(&limits_mu);
    if (limits == nullptr) limits = new std::map<std::string, Window, std::less<>>();
    auto it = limits->find(kind);
    if (it == limits->end()) it = limits->emplace(std::string(kind), Window{absl::Now()}).first;
    Window& w = it->second;
    const absl::Time now = absl::Now();
    if (now - w.start >= kLimitedWindow) {
      suppressed = w.suppressed;
      w = Window{now};
    }
    if (w.logged >= kLimitedLinesPerWindow) {
      ++w.suppressed;
      return false;
    }
    ++w.logged;
  }
  if (suppressed > 0) {
    Log(level, absl::StrCat(kind, ": ", suppressed, " similar lines suppressed"));
  }
  Log(level, message);
  return true;
}

void SetCallLogging(bool on) { call_logging.store(on); }
bool CallLogging() { return call_logging.load(); }

}  // namespace barion_gateway::server
