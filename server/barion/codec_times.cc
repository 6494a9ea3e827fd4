// Barion's formats for currencies, times and durations.
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "server/barion/codec_internal.h"

namespace barion_gateway::server {

std::string CurrencyCode(v1::Currency currency) {
  const char* name = NameOf(kCurrencies, currency);
  return name == nullptr ? "" : name;
}

std::string FormatTimeSpan(absl::Duration d) {
  int64_t total = absl::ToInt64Seconds(d);
  if (total < 0) total = 0;
  const int64_t days = total / 86400;
  const int64_t hours = (total / 3600) % 24;
  const int64_t minutes = (total / 60) % 60;
  const int64_t seconds = total % 60;
  if (days > 0) return absl::StrFormat("%d.%02d:%02d:%02d", days, hours, minutes, seconds);
  return absl::StrFormat("%02d:%02d:%02d", hours, minutes, seconds);
}

bool ParseBarionTime(absl::string_view text, absl::Time* out) {
  if (text.empty()) return false;
  absl::string_view t = absl::StripSuffix(absl::StripSuffix(text, "Z"), "z");
  std::string err;
  absl::Time parsed;
  if (!absl::ParseTime("%Y-%m-%dT%H:%M:%E*S", t, absl::UTCTimeZone(), &parsed, &err)) {
    return false;
  }
  if (parsed < absl::FromCivil(absl::CivilSecond(1970, 1, 2), absl::UTCTimeZone())) {
    return false;  // "0001-01-01T00:00:00": Barion's placeholder for "no time"
  }
  *out = parsed;
  return true;
}

std::string FormatBarionTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3S", t, absl::UTCTimeZone());
}

}  // namespace barion_gateway::server
