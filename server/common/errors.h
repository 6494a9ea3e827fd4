// The gateway's error model: absl::Status values that carry google.rpc details, and the one
// function that bounds them for the wire (the RPC edge turns that into grpc::Status).
//
// Inside the gateway every fallible call returns absl::Status / absl::StatusOr. A status made by
// the functions here carries, as a payload under kRpcStatusPayloadUrl, a serialized
// google.rpc.Status whose details hold ErrorInfos (ErrorInfoStatus: the gateway's own reasons
// in kGatewayDomain; server/barion/upstream_error.h writes Barion's and the upstream failures)
// or a google.rpc.BadRequest with one field violation per invalid request field, in proto field
// paths ("transactions[0].total"). The gRPC code mapping is the table in docs/ERRORS.md.
#ifndef BARION_GATEWAY_SERVER_COMMON_ERRORS_H_
#define BARION_GATEWAY_SERVER_COMMON_ERRORS_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "server/common/error_facts.h"

namespace barion_gateway::server {

inline constexpr absl::string_view kRpcStatusPayloadUrl = "type.googleapis.com/google.rpc.Status";
inline constexpr absl::string_view kBarionDomain = "barion.com";
inline constexpr absl::string_view kGatewayDomain = "barion-grpc-gateway";

// One google.rpc.ErrorInfo.
struct ErrorInfoDetail {
  std::string reason;
  std::string domain;
  std::map<std::string, std::string> metadata;
};

// A status with `code`, `message`, one ErrorInfo per element of `infos`, in order, and `facts`
// (error_facts.h: what the gateway's own edge reads).
absl::Status ErrorInfoStatus(absl::StatusCode code, absl::string_view message,
                             const std::vector<ErrorInfoDetail>& infos, const ErrorFacts& facts);

// A status of the gateway's own (domain kGatewayDomain) with one ErrorInfo: `reason` and
// `metadata` (e.g. SUBSCRIBER_TOO_SLOW with resume_after_cursor). With `outcome`, the ErrorInfo
// also says it to the caller (metadata `outcome`, e.g. not_sent); without, the outcome is by the
// code: PERMISSION_DENIED and UNAUTHENTICATED denied, INVALID_ARGUMENT invalid, else failed.
absl::Status GatewayErrorStatus(absl::StatusCode code, absl::string_view reason,
                                absl::string_view message,
                                const std::map<std::string, std::string>& metadata,
                                std::optional<CallOutcome> outcome = std::nullopt);

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

// INVALID_ARGUMENT (outcome invalid) with a google.rpc.BadRequest holding `violations`
// (precondition: non-empty),
// as many as kMaxBadRequestBytes allows, in order; field and description escaped and cut.
// `more` counts violations the caller found but did not collect. The message names the first
// field and how many violations are not listed.
absl::Status InvalidArgumentStatus(const std::vector<FieldViolation>& violations, size_t more = 0);

// The ErrorInfo reasons carried by `status`, in order: for tests (and callers' clients). The
// gateway never reads them back: its edge reads the typed ErrorFacts (error_facts.h), and its
// control flow branches on typed values such as UpstreamError before they become a status.
std::vector<std::string> ErrorReasons(const absl::Status& status);
// The ErrorInfos carried by `status`, in order: for tests, as above.
std::vector<ErrorInfoDetail> ErrorInfosOf(const absl::Status& status);
std::vector<std::string> ViolatedFields(const absl::Status& status);
// The BadRequest field violations carried by `status` (empty for other statuses).
std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status);

// What an error becomes on the wire: its message, cut to kMaxErrorMessageBytes, and the
// serialized google.rpc.Status (code and message filled in) holding its details, as many as
// kMaxErrorDetailsBytes allows. A status without details gets a google.rpc.Status with no
// details. The RPC edge (server/grpc_status/grpc_status.h) sends both.
struct WireError {
  std::string message;
  std::string details;  // a serialized google.rpc.Status
};
WireError ToWireError(const absl::Status& status);

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_COMMON_ERRORS_H_
