// Minimal structured logging to stderr (Debian's Abseil 20220623 has no absl/log).
//
// Two formats (SetLogFormat; the flag --log_format): text, "2026-11-23T01:02:03.456Z LEVEL
// message key=value ...", for a terminal; and JSON, one object per line, {"time": ..., "level":
// ..., "msg": ..., "key": value, ...}, for a log collector. Lines below the minimum level
// (SetMinLogLevel; --log_level) are dropped.
//
// Callers pass only secret-free text: never a POSKey, a token, a request body or a header.
// Values that came from a client go through SafeText (server/common/safe_text.h) first; as a
// second line of defence every line is escaped here too (no control character survives in
// either format, so no value can start a forged line; JSON output is always valid JSON and
// UTF-8) and each value is cut at kMaxLogLineBytes.
#ifndef BARION_GATEWAY_SERVER_COMMON_LOG_H_
#define BARION_GATEWAY_SERVER_COMMON_LOG_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace barion_gateway::server {

inline constexpr size_t kMaxLogLineBytes = 4096;

enum class LogFormat { kText, kJson };
enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// "text" or "json"; nullopt otherwise.
std::optional<LogFormat> ParseLogFormat(absl::string_view name);
// "debug", "info", "warn" (or "warning"), "error"; nullopt otherwise.
std::optional<LogLevel> ParseLogLevel(absl::string_view name);
void SetLogFormat(LogFormat format);
void SetMinLogLevel(LogLevel level);
// Whether a line of `level` would be written.
bool LogEnabled(LogLevel level);

// One key and value of a line: "rpc" = "StartPayment". A number is written bare in JSON.
struct LogField {
  std::string key;
  std::string value;
  bool number = false;
};
using LogFields = std::vector<LogField>;
LogField NumberField(std::string key, double value);

// The name a line shows for `level`: "DEBUG", "INFO", "WARN", "ERROR".
absl::string_view LogLevelName(LogLevel level);

// Writes one line to stderr in one write(2), in the format in force. Thread-safe.
void Log(LogLevel level, absl::string_view message, const LogFields& fields = {});
inline void LogInfo(absl::string_view message, const LogFields& fields = {}) {
  Log(LogLevel::kInfo, message, fields);
}
inline void LogWarning(absl::string_view message, const LogFields& fields = {}) {
  Log(LogLevel::kWarn, message, fields);
}
inline void LogError(absl::string_view message, const LogFields& fields = {}) {
  Log(LogLevel::kError, message, fields);
}

// The line Log would write (without its newline), at `time`. For tests.
std::string FormatLogLine(LogFormat format, absl::Time time, LogLevel level,
                          absl::string_view message, const LogFields& fields);

// Like Log, for lines a client can cause at will (bad callbacks, refused calls): at most
// kLimitedLinesPerWindow lines of one `kind` (a constant naming the kind of line, never client
// data) per kLimitedWindow. Lines over the limit are counted, and the first line of that kind in
// a later window is preceded by "KIND: N similar lines suppressed". Returns whether it logged.
inline constexpr int kLimitedLinesPerWindow = 20;
inline constexpr absl::Duration kLimitedWindow = absl::Seconds(10);
bool LogLimited(LogLevel level, absl::string_view kind, absl::string_view message,
                const LogFields& fields = {});

// Turns per-call info logging off (benchmarks); warnings and errors still print.
void SetCallLogging(bool on);
bool CallLogging();

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_COMMON_LOG_H_
