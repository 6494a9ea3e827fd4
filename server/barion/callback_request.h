// Reading Barion's callback request, and Barion's ids. Dependency-free (Abseil only), so the
// fuzz target (tests/fuzz) builds it with clang and libFuzzer.
#ifndef BARION_GATEWAY_SERVER_BARION_CALLBACK_REQUEST_H_
#define BARION_GATEWAY_SERVER_BARION_CALLBACK_REQUEST_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace barion_gateway::server {

// True for a Barion GUID: 32 hex digits, or 36 with hyphens at 8-4-4-4-12.
bool IsBarionGuid(absl::string_view id);
// A Barion GUID in its hyphenated lower-case form (8-4-4-4-12). Precondition: IsBarionGuid(id).
std::string HyphenatedGuid(absl::string_view id);

// The value of parameter `name` (matched case-insensitively, after decoding) in an
// application/x-www-form-urlencoded text (a query string or a body): the first occurrence,
// percent- and plus-decoded; nullopt when absent.
std::optional<std::string> FormParameter(absl::string_view form, absl::string_view name);

// The payment id of a Barion callback: parameter `paymentId` of the query string (without the
// '?'), else of the urlencoded body, normalized to 32 lowercase hex digits. INVALID_ARGUMENT
// when it is missing or not a Barion GUID; the message never echoes the input.
absl::StatusOr<std::string> CallbackPaymentId(absl::string_view query, absl::string_view body);

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_BARION_CALLBACK_REQUEST_H_
