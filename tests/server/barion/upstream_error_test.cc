// UpstreamError on its own: what each failure means at Barion (outcome), the gRPC code and
// reason it becomes, Barion's error codes by the table of docs/ERRORS.md, and the bounds on what
// Barion's texts may put into an error.
#include "server/barion/upstream_error.h"

#include <string>
#include <tuple>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "server/common/errors.h"

namespace barion_gateway::server {
namespace {

UpstreamError Failure(UpstreamFailure failure, bool mutation, int http_status = 0) {
  UpstreamError e;
  e.failure = failure;
  e.mutation = mutation;
  e.http_status = http_status;
  return e;
}

TEST(UpstreamErrorTest, OutcomeSaysWhatMayHaveHappenedAtBarion) {
  using F = UpstreamFailure;
  using O = UpstreamOutcome;
  // failure, mutation, http_status, outcome
  for (const auto& [failure, mutation, http, outcome] : std::vector<std::tuple<F, bool, int, O>>{
           {F::kUnreachable, true, 0, O::kNotSent},
           {F::kTlsFailure, true, 0, O::kNotSent},
           {F::kTimeoutNotSent, true, 0, O::kNotSent},
           {F::kGatewayBusy, true, 0, O::kNotSent},
           {F::kBarionError, true, 400, O::kRejected},
           {F::kRateLimited, true, 429, O::kRejected},
           {F::kHttpError, true, 404, O::kRejected},
           {F::kHttpError, true, 502, O::kUnknown},
           {F::kHttpError, false, 502, O::kNotApplicable},
           {F::kTimeout, true, 0, O::kUnknown},
           {F::kTimeout, false, 0, O::kNotApplicable},
           {F::kConnectionReset, true, 0, O::kUnknown},
           {F::kMalformedResponse, true, 200, O::kUnknown},
           {F::kMalformedResponse, false, 200, O::kNotApplicable},
       }) {
    EXPECT_EQ(Failure(failure, mutation, http).outcome(), outcome)
        << static_cast<int>(failure) << " mutation=" << mutation << " http=" << http;
  }
}

TEST(UpstreamErrorTest, EachFailureBecomesItsCodeAndReasonWithTheOutcome) {
  struct Row {
    UpstreamFailure failure;
    bool mutation;
    int http;
    absl::StatusCode code;
    const char* reason;
    const char* outcome;
  };
  for (const Row& row : std::vector<Row>{
           {UpstreamFailure::kUnreachable, true, 0, absl::StatusCode::kUnavailable,
            "UPSTREAM_UNREACHABLE", "not_sent"},
           {UpstreamFailure::kTlsFailure, false, 0, absl::StatusCode::kUnavailable,
            "UPSTREAM_TLS_FAILURE", "not_sent"},
           {UpstreamFailure::kTimeout, true, 0, absl::StatusCode::kDeadlineExceeded,
            "UPSTREAM_TIMEOUT", "unknown"},
           {UpstreamFailure::kConnectionReset, false, 0, absl::StatusCode::kUnavailable,
            "UPSTREAM_CONNECTION_RESET", "not_applicable"},
           {UpstreamFailure::kHttpError, true, 503, absl::StatusCode::kUnavailable,
            "UPSTREAM_HTTP_ERROR", "unknown"},
           {UpstreamFailure::kHttpError, true, 405, absl::StatusCode::kInternal,
            "UPSTREAM_HTTP_ERROR", "rejected"},
           {UpstreamFailure::kRateLimited, true, 429, absl::StatusCode::kResourceExhausted,
            "UPSTREAM_RATE_LIMITED", "rejected"},
           {UpstreamFailure::kMalformedResponse, true, 200, absl::StatusCode::kUnknown,
            "UPSTREAM_MALFORMED_RESPONSE", "unknown"},
           {UpstreamFailure::kMalformedResponse, false, 200, absl::StatusCode::kUnavailable,
            "UPSTREAM_MALFORMED_RESPONSE", "not_applicable"},
           {UpstreamFailure::kGatewayBusy, true, 0, absl::StatusCode::kResourceExhausted,
            "UPSTREAM_CALLS_EXHAUSTED", "not_sent"},
       }) {
    const absl::Status status = Failure(row.failure, row.mutation, row.http).ToStatus();
    SCOPED_TRACE(row.reason);
    EXPECT_EQ(status.code(), row.code);
    const std::vector<ErrorInfoDetail> infos = ErrorInfosOf(status);
    ASSERT_EQ(infos.size(), 1u);
    EXPECT_EQ(infos[0].domain, kGatewayDomain);
    EXPECT_EQ(infos[0].reason, row.reason);
    EXPECT_EQ(infos[0].metadata.at("outcome"), row.outcome);
    EXPECT_EQ(infos[0].metadata.count("http_status"), row.http > 0 ? 1u : 0u);
    // Only an unknown outcome tells the caller to look before retrying.
    EXPECT_EQ(absl::StrContains(status.message(), "check the payment's state"),
              std::string(row.outcome) == "unknown");
  }
}

TEST(UpstreamErrorTest, BarionsCodesFollowTheTableExactlyThenIgnoringCase) {
  EXPECT_EQ(CodeForBarionErrorCode("ModelValidationError"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeForBarionErrorCode("modelvalidationerror"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeForBarionErrorCode("NotExistingPaymentId"), absl::StatusCode::kNotFound);
  EXPECT_EQ(CodeForBarionErrorCode("AuthenticationFailed"), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CodeForBarionErrorCode("RecurringPaymentNotAllowed"),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CodeForBarionErrorCode("PingFailed"), absl::StatusCode::kUnavailable);
  EXPECT_EQ(CodeForBarionErrorCode("SomethingNew"), absl::StatusCode::kFailedPrecondition);
}

TEST(UpstreamErrorTest, BarionsErrorsBecomeOneBoundedErrorInfoEach) {
  UpstreamError e = Failure(UpstreamFailure::kBarionError, true, 400);
  e.payment_id = "p-1";
  for (int i = 0; i < 12; ++i) {
    BarionError b;
    b.error_code = i == 0 ? "NotExistingPaymentId" : "ModelValidationError";
    b.title = std::string(5000, 't');
    b.endpoint = "https://api.test.barion.com/v2/Payment/GetPaymentState?POSKey=secret";
    b.happened_at = "2026-12-06T10:00:00";
    e.barion_errors.push_back(b);
  }
  const absl::Status status = e.ToStatus();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);  // the first error's code
  EXPECT_TRUE(absl::StrContains(status.message(), "and 11 more"));
  const std::vector<ErrorInfoDetail> infos = ErrorInfosOf(status);
  ASSERT_EQ(infos.size(), kMaxBarionErrorsReported);
  for (const ErrorInfoDetail& info : infos) {
    EXPECT_EQ(info.domain, kBarionDomain);
    EXPECT_LT(info.metadata.at("title").size(), kMaxBarionText + 32);  // with the cut mark
    EXPECT_EQ(info.metadata.at("endpoint").find('?'), std::string::npos) << "no query string";
    EXPECT_EQ(info.metadata.at("http_status"), "400");
    EXPECT_EQ(info.metadata.at("payment_id"), "p-1");
  }
  EXPECT_FALSE(absl::StrContains(ToWireError(status).details, "secret"));
  // A 5xx with Barion's errors is Barion unavailable, whatever the code.
  e.http_status = 503;
  EXPECT_EQ(e.ToStatus().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace barion_gateway::server
