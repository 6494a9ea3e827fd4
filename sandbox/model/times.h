// Barion's time formats (timestamps with and without 'Z', .NET TimeSpan text) and the delays of
// its callback retries. Internal to the sandbox.
#ifndef BARION_GATEWAY_SANDBOX_MODEL_TIMES_H_
#define BARION_GATEWAY_SANDBOX_MODEL_TIMES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"

namespace barion_gateway::sandbox {

// Barion's response timestamps: UTC, 'Z', up to 3 fractional digits.
inline std::string TimeZ(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}
// Start's TransactionTime has no 'Z' (a quirk).
inline std::string TimeNoZ(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3S", t, absl::UTCTimeZone());
}

inline bool ParseSpan(const std::string& text, absl::Duration* out) {
  int64_t days = 0;
  std::string clock = text;
  std::vector<std::string> colon = absl::StrSplit(text, ':');
  if (colon.size() == 4) {
    if (!absl::SimpleAtoi(colon[0], &days)) return false;
    clock = text.substr(colon[0].size() + 1);
  } else if (colon.size() == 3 && colon[0].find('.') != std::string::npos) {
    if (!absl::SimpleAtoi(colon[0].substr(0, colon[0].find('.')), &days)) return false;
    clock = text.substr(colon[0].find('.') + 1);
  } else if (colon.size() != 3) {
    return false;
  }
  std::vector<std::string> p = absl::StrSplit(clock, ':');
  int64_t h, m, s;
  if (p.size() != 3 || !absl::SimpleAtoi(p[0], &h) || !absl::SimpleAtoi(p[1], &m) ||
      !absl::SimpleAtoi(p[2].substr(0, p[2].find('.')), &s)) {
    return false;
  }
  *out = absl::Hours(24 * days + h) + absl::Minutes(m) + absl::Seconds(s);
  return true;
}

// Barion retries a callback after these delays (seconds, times SandboxOptions::time_scale) until
// an HTTP 200.
inline constexpr int kRetryDelaysSeconds[] = {2, 6, 18, 54, 162};

}  // namespace barion_gateway::sandbox

#endif  // BARION_GATEWAY_SANDBOX_MODEL_TIMES_H_
