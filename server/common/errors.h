// The gateway's error model: absl::Status values that carry google.rpc details, and the one
// function that bounds them for the wire (the RPC edge turns that into grpc::Status).
//
// Inside the gateway every fallible call returns absl::Status / absl::StatusOr. A status made by
// the functions here carries, as a payload under kRpcStatusPayloadUrl, a serialized
// google.rpc.Status whose details hold:
//   - one google.rpc.ErrorInfo per Barion error (reason = Barion's ErrorCode exactly, domain
//     "barion.com", metadata title/description/endpoint/happened_at/http_status, and payment_id
//     when Barion names one). Barion's AuthData (the POSKey) is never copied.
//   - or one ErrorInfo in the domain kGatewayDomain for a transport failure (reason
//     UPSTREAM_UNREACHABLE, UPSTREAM_TLS_FAILURE, UPSTREAM_TIMEOUT, UPSTREAM_CONNECTION_RESET,
//     UPSTREAM_HTTP_ERROR, UPSTREAM_RATE_LIMITED, UPSTREAM_MALFORMED_RESPONSE,
//     UPSTREAM_CALLS_EXHAUSTED) with metadata
//     `outcome`: "not_sent" (safe to retry), "unknown" (a mutation may have happened: check with
//     GetPaymentState before retrying) or "rejected".
//   - or a google.rpc.BadRequest with one field violation per invalid request field, in proto
//     field paths ("transactions[0].total").
// The gRPC code mapping is the table in docs/ERRORS.md; CodeForBarionErrorCode implements it.
#ifndef BARION_GATEWAY_SERVER_COMMON_ERRORS_H_
#define BARION_GATEWAY_SERVER_COMMON_ERRORS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace barion_gateway::server {

inline constexpr absl::string_view kRpcStatusPayloadUrl = "type.googleapis.com/google.rpc.Status";
inline constexpr absl::string_view kBarionDomain = "barion.com";
inline constexpr absl::string_view kGatewayDomain = "barion-grpc-gateway";

// One element of Barion's `Errors` array, as received (AuthData deliberately absent).
struct BarionError {
  std::string error_code;
  std::string title;
  std::string description;
  std::string endpoint;
  std::string happened_at;
  std::string payment_id;
};

// The gRPC code for a Barion ErrorCode (the table of docs/ERRORS.md). Unknown codes map to
// FAILED_PRECONDITION: Barion refused the operation, and nothing was done.
absl::StatusCode CodeForBarionErrorCode(absl::string_view error_code);

// A status for Barion's error answer. Precondition: !errors.empty(). The code is the first
// error's table code, except UNAVAILABLE when `http_status` >= 500. `payment_id`, when not empty,
// is added to every ErrorInfo (a failed token charge still created a payment).
absl::Status BarionErrorStatus(const std::vector<BarionError>& errors, int http_status,
                               absl::string_view payment_id);

// How an upstream call failed without a Barion error answer.
enum class UpstreamFailure {
  kUnreachable,        // connect refused / no route / name not resolved: nothing was sent
  kTlsFailure,         // TLS handshake or certificate verification failed: nothing was sent
  kTimeoutNotSent,     // the deadline passed before the request was sent
  kTimeout,            // no (complete) answer before the deadline
  kConnectionReset,    // the connection broke after the request was (maybe) sent
  kHttpError,          // an HTTP error status without a Barion `Errors` body (5xx, 404, 405)
  kRateLimited,        // HTTP 429
  kMalformedResponse,  // a 2xx/4xx body that is not the JSON Barion documents
  kGatewayBusy,        // the gateway's own limit of calls waiting on Barion: nothing was sent
};

// A status for an upstream failure. `mutation` says whether the call could have changed money
// (every POST): then a timeout, reset, 5xx or malformed answer has outcome "unknown" and the
// status says so. `http_status` is 0 when there was no HTTP answer. `detail` is a short,
// secret-free text (never a body that could echo a key, never a URL with a query string).
absl::Status UpstreamFailureStatus(UpstreamFailure failure, bool mutation, int http_status,
                                   absl::string_view detail);

// A status of the gateway's own (domain kGatewayDomain) with one ErrorInfo: `reason` and
// `metadata` (e.g. SUBSCRIBER_TOO_SLOW with resume_after_cursor).
absl::Status GatewayErrorStatus(absl::StatusCode code, absl::string_view reason,
                                absl::string_view message,
                                const std::map<std::string, std::string>& metadata);

// One invalid request field, in proto terms.
struct FieldViolation {
  std::string field;        // "transactions[0].total"
  std::string description;  // "must have at most 2 decimals in this currency"
};

// Size budget of an error (docs/ERRORS.md): message and details travel as gRPC trailers (the
// details base64-encoded), which clients refuse beyond 8 KiB by default. Every error the gateway
// sends stays far below: values are cut (SafeText), violations and Barion errors are bounded.
inline constexpr size_t kMaxErrorMessageBytes = 1024;
inline constexpr size_t kMaxErrorDetailsBytes = 3072;
inline constexpr size_t kMaxBadRequestBytes = 2048;
inline constexpr size_t kMaxViolationFieldBytes = 128;
inline constexpr size_t kMaxViolationDescriptionBytes = 256;
inline constexpr size_t kMaxBarionText = 256;
inline constexpr size_t kMaxBarionErrorsReported = 8;

// INVALID_ARGUMENT with a google.rpc.BadRequest holding `violations` (precondition: non-empty),
// as many as kMaxBadRequestBytes allows, in order; field and description escaped and cut.
// `more` counts violations the caller found but did not collect. The message names the first
// field and how many violations are not listed.
absl::Status InvalidArgumentStatus(const std::vector<FieldViolation>& violations, size_t more = 0);

// The ErrorInfo reasons and BadRequest fields carried by `status` (for tests and logging).
std::vector<std::string> ErrorReasons(const absl::Status& status);
std::vector<std::string> ViolatedFields(const absl::Status& status);
// The BadRequest field violations carried by `status` (empty for other statuses).
std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status);
// The metadata value `key` of the first ErrorInfo, or "" (for tests and logging).
std::string FirstErrorMetadata(const absl::Status& status, absl::string_view key);

// What an error becomes on the wire: its message, cut to kMaxErrorMessageBytes, and the
// serialized google.rpc.Status (code and message filled in) holding its details, as many as
// kMaxErrorDetailsBytes allows. A status without details gets a google.rpc.Status with no
// details. The RPC edge (server/rpc/grpc_status.h) sends both.
struct WireError {
  std::string message;
  std::string details;  // a serialized google.rpc.Status
};
WireError ToWireError(const absl::Status& status);

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_COMMON_ERRORS_H_
