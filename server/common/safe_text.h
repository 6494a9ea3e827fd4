// SafeText: how a value that came from a client (or from Barion) may appear in a log line or an
// error message. Control characters, backslashes and bytes that are not UTF-8 are escaped
// ("\n", "\\", "\x1b"), so one value can never start a new, forged log line; and the result is
// cut to a bounded size, so one value can never flood a log or make an error too large for
// gRPC's metadata limit. Dependency-free (Abseil only).
#ifndef BARION_GATEWAY_SERVER_COMMON_SAFE_TEXT_H_
#define BARION_GATEWAY_SERVER_COMMON_SAFE_TEXT_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace barion_gateway::server {

// The longest a client's value appears in a log line or an error message, by default.
inline constexpr size_t kSafeTextDefaultMax = 128;

// `value` escaped as above; when the escaped text would exceed `max_bytes`, it is cut on a
// character boundary and "...(N bytes)" names the original size. Linear in min(value, max).
std::string SafeText(absl::string_view value, size_t max_bytes = kSafeTextDefaultMax);

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_COMMON_SAFE_TEXT_H_
