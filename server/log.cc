#include "server/log.h"

#include <unistd.h>

#include <atomic>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace barion_gateway::server {
namespace {
std::atomic<bool> call_logging{true};
}

void Log(absl::string_view level, absl::string_view message) {
  std::string line =
      absl::StrCat(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()), " ",
                   level, " ", message, "\n");
  // One write(2) per line, so concurrent lines do not interleave.
  ssize_t unused = ::write(STDERR_FILENO, line.data(), line.size());
  (void)unused;
}

void SetCallLogging(bool on) { call_logging.store(on); }
bool CallLogging() { return call_logging.load(); }

}  // namespace barion_gateway::server
