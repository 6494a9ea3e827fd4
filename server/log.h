// Minimal structured logging to stderr (Debian's Abseil 20220623 has no absl/log).
// Callers pass only secret-free text: never a POSKey, a request body or a header.
#ifndef BARION_GATEWAY_SERVER_LOG_H_
#define BARION_GATEWAY_SERVER_LOG_H_

#include "absl/strings/string_view.h"

namespace barion_gateway::server {

// Writes "2026-11-23T01:02:03.456Z LEVEL message\n" to stderr in one write. Thread-safe.
void Log(absl::string_view level, absl::string_view message);
inline void LogInfo(absl::string_view message) { Log("INFO", message); }
inline void LogWarning(absl::string_view message) { Log("WARN", message); }
inline void LogError(absl::string_view message) { Log("ERROR", message); }

// Turns per-call info logging off (benchmarks); warnings and errors still print.
void SetCallLogging(bool on);
bool CallLogging();

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_LOG_H_
