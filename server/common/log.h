// Minimal structured logging to stderr (Debian's Abseil 20220623 has no absl/log).
// Callers pass only secret-free text: never a POSKey, a request body or a header. Values that
// came from a client go through SafeText (server/common/safe_text.h) first; as a second line of
// defence every line is escaped here too (no control character survives, so no value can start
// a forged line) and cut at kMaxLogLineBytes.
#ifndef BARION_GATEWAY_SERVER_COMMON_LOG_H_
#define BARION_GATEWAY_SERVER_COMMON_LOG_H_

#include <cstddef>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace barion_gateway::server {

inline constexpr size_t kMaxLogLineBytes = 4096;

// Writes "2026-11-23T01:02:03.456Z LEVEL message\n" to stderr in one write. Thread-safe.
void Log(absl::string_view level, absl::string_view message);
inline void LogInfo(absl::string_view message) { Log("INFO", message); }
inline void LogWarning(absl::string_view message) { Log("WARN", message); }
inline void LogError(absl::string_view message) { Log("ERROR", message); }

// Like Log, for lines a client can cause at will (bad callbacks, refused calls): at most
// kLimitedLinesPerWindow lines of one `kind` (a constant naming the kind of line, never client
// data) per kLimitedWindow. Lines over the limit are counted, and the first line of that kind in
// a later window is preceded by "KIND: N similar lines suppressed". Returns whether it logged.
inline constexpr int kLimitedLinesPerWindow = 20;
inline constexpr absl::Duration kLimitedWindow = absl::Seconds(10);
bool LogLimited(absl::string_view level, absl::string_view kind, absl::string_view message);

// Turns per-call info logging off (benchmarks); warnings and errors still print.
void SetCallLogging(bool on);
bool CallLogging();

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_COMMON_LOG_H_
