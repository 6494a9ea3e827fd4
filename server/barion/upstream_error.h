// UpstreamError: why a Barion call gave no answer the gateway can use, as a value that callers
// branch on (failure kind, outcome, HTTP status, Barion's error codes), and the one place that
// turns it into the gateway's error model (server/common/errors.h):
//   - Barion's `Errors` answer: one google.rpc.ErrorInfo per Barion error (reason = Barion's
//     ErrorCode exactly, domain "barion.com", metadata title/description/endpoint/happened_at/
//     http_status, and payment_id when Barion names one). Barion's AuthData (the POSKey) is
//     never copied. The gRPC code is the table of docs/ERRORS.md (CodeForBarionErrorCode).
//   - a transport or HTTP failure: one ErrorInfo in the gateway's domain (reason
//     UPSTREAM_UNREACHABLE, UPSTREAM_TLS_FAILURE, UPSTREAM_TIMEOUT, UPSTREAM_CONNECTION_RESET,
//     UPSTREAM_HTTP_ERROR, UPSTREAM_RATE_LIMITED, UPSTREAM_MALFORMED_RESPONSE,
//     UPSTREAM_CALLS_EXHAUSTED) with metadata `outcome`: "not_sent" (safe to retry), "unknown"
//     (a mutation may have happened: check with GetPaymentState before retrying), "rejected", or
//     "not_applicable" (a read).
#ifndef BARION_GATEWAY_SERVER_BARION_UPSTREAM_ERROR_H_
#define BARION_GATEWAY_SERVER_BARION_UPSTREAM_ERROR_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace barion_gateway::server {

// One element of Barion's `Errors` array, as received (AuthData deliberately absent).
struct BarionError {
  std::string error_code;
  std::string title;
  std::string description;
  std::string endpoint;
  std::string happened_at;
  std::string payment_id;
};

// How an upstream call failed.
enum class UpstreamFailure {
  kBarionError,        // Barion answered with its `Errors` array (even on HTTP 200)
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

// What the failure means for the operation at Barion.
enum class UpstreamOutcome {
  kNotSent,        // nothing reached Barion: a retry is safe
  kRejected,       // Barion refused it: nothing happened
  kUnknown,        // a mutation may have happened: look before retrying
  kNotApplicable,  // a read failed: nothing could have happened
};

struct UpstreamError {
  UpstreamFailure failure = UpstreamFailure::kConnectionReset;
  bool mutation = false;                   // the call could have changed money (every POST)
  int http_status = 0;                     // 0 without an HTTP answer
  std::vector<BarionError> barion_errors;  // for kBarionError, non-empty
  std::string payment_id;  // the answer's PaymentId (a failed token charge still made one)
  std::string detail;      // short, secret-free text (never a body that could echo a key)

  UpstreamOutcome outcome() const;
  // The gRPC code of ToStatus(), without making the status.
  absl::StatusCode code() const;
  // The error as an absl::Status of the gateway's error model (see above).
  absl::Status ToStatus() const;
};

// The gRPC code for a Barion ErrorCode (the table of docs/ERRORS.md). Unknown codes map to
// FAILED_PRECONDITION: Barion refused the operation, and nothing was done.
absl::StatusCode CodeForBarionErrorCode(absl::string_view error_code);

// The status of a kBarionError. Precondition: !errors.empty(). The code is the first error's
// table code, except UNAVAILABLE when `http_status` >= 500. `payment_id`, when not empty, is
// added to every ErrorInfo.
absl::Status BarionErrorStatus(const std::vector<BarionError>& errors, int http_status,
                               absl::string_view payment_id);

// The status of any other failure.
absl::Status UpstreamFailureStatus(UpstreamFailure failure, bool mutation, int http_status,
                                   absl::string_view detail);

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_BARION_UPSTREAM_ERROR_H_
