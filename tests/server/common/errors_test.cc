// The error mapping table of docs/ERRORS.md: one test row per Barion ErrorCode and per
// transport outcome, and the details that reach the client.
#include "server/common/errors.h"

#include <tuple>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "server/barion/upstream_error.h"
#include "server/grpc_status/grpc_status.h"
#include "tests/support/status_details.h"

namespace barion_gateway::server {
namespace {

using Code = absl::StatusCode;

class BarionCodeTest : public testing::TestWithParam<std::tuple<const char*, Code>> {};

TEST_P(BarionCodeTest, MapsToDocumentedGrpcCodeAndKeepsTheReason) {
  const auto& [error_code, expected] = GetParam();
  EXPECT_EQ(CodeForBarionErrorCode(error_code), expected);
  absl::Status s =
      BarionErrorStatus({{error_code, "t", "d", "https://x/v2/Payment/Start", "", ""}}, 400, "");
  EXPECT_EQ(s.code(), expected);
  ASSERT_EQ(ErrorReasons(s), std::vector<std::string>{error_code});
}

INSTANTIATE_TEST_SUITE_P(
    Table, BarionCodeTest,
    testing::Values(std::make_tuple("AuthenticationFailed", Code::kFailedPrecondition),
                    std::make_tuple("ShopIsInDraftState", Code::kFailedPrecondition),
                    std::make_tuple("ShopIsClosed", Code::kFailedPrecondition),
                    std::make_tuple("ModelValidationError", Code::kInvalidArgument),
                    std::make_tuple("InvalidUser", Code::kInvalidArgument),
                    std::make_tuple("TransactionDoesNotBelongToPayment", Code::kInvalidArgument),
                    std::make_tuple("TheSourceAndDestinationAccountsAreMatched",
                                    Code::kInvalidArgument),
                    std::make_tuple("NotExistingPaymentId", Code::kNotFound),
                    std::make_tuple("InvalidRecurrenceId", Code::kNotFound),
                    std::make_tuple("StatementNotFound", Code::kNotFound),
                    std::make_tuple("PaymentStatusNotValid", Code::kFailedPrecondition),
                    std::make_tuple("UserCantReceiveEMoney", Code::kFailedPrecondition),
                    std::make_tuple("UserCantMakeOutgoingTransaction", Code::kFailedPrecondition),
                    std::make_tuple("SuspendedUserTriedToRefund", Code::kFailedPrecondition),
                    std::make_tuple("InsufficientFunds", Code::kFailedPrecondition),
                    std::make_tuple("InvalidCurrency", Code::kFailedPrecondition),
                    std::make_tuple("RecurringPaymentDenied", Code::kFailedPrecondition),
                    std::make_tuple("OriginalPaymentWasntSuccessful", Code::kFailedPrecondition),
                    std::make_tuple("CardExpired", Code::kFailedPrecondition),
                    std::make_tuple("CardError", Code::kFailedPrecondition),
                    std::make_tuple("TopUpFailed", Code::kFailedPrecondition),
                    std::make_tuple("ThreeDsNotEnabled", Code::kFailedPrecondition),
                    std::make_tuple("RecurringPaymentNotAllowed", Code::kPermissionDenied),
                    std::make_tuple("PingFailed", Code::kUnavailable),
                    std::make_tuple("SomeCodeBarionAddsLater", Code::kFailedPrecondition)));

TEST(BarionErrorStatusTest, MatchesCodesCaseInsensitively) {
  EXPECT_EQ(CodeForBarionErrorCode("notexistingpaymentid"), Code::kNotFound);
}

TEST(BarionErrorStatusTest, Http5xxWithBarionErrorsIsUnavailable) {
  EXPECT_EQ(BarionErrorStatus({{"ModelValidationError", "", "", "", "", ""}}, 503, "").code(),
            Code::kUnavailable);
}

TEST(BarionErrorStatusTest, CarriesOneErrorInfoPerErrorWithMetadata) {
  absl::Status s = BarionErrorStatus(
      {{"ModelValidationError", "Model validation error", "The redirect url is required!",
        "https://api.test.barion.com/v2/Payment/Start?POSKey=secret", "2024-05-14T08:20:15Z", ""},
       {"InvalidUser", "Invalid user(email)!", "", "", "", ""}},
      400, "4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6");
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(ErrorReasons(s), (std::vector<std::string>{"ModelValidationError", "InvalidUser"}));
  grpc::Status g = ToGrpcStatus(s);
  EXPECT_EQ(g.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(g.error_details()));
  EXPECT_EQ(details.code(), static_cast<int>(Code::kInvalidArgument));
  EXPECT_EQ(details.message(), g.error_message());
  ASSERT_EQ(details.details_size(), 2);
  google::rpc::ErrorInfo info;
  ASSERT_TRUE(details.details(0).UnpackTo(&info));
  EXPECT_EQ(info.domain(), "barion.com");
  EXPECT_EQ(info.metadata().at("title"), "Model validation error");
  EXPECT_EQ(info.metadata().at("description"), "The redirect url is required!");
  // The query string (which once carried a POSKey) is cut off.
  EXPECT_EQ(info.metadata().at("endpoint"), "https://api.test.barion.com/v2/Payment/Start");
  EXPECT_EQ(info.metadata().at("happened_at"), "2024-05-14T08:20:15Z");
  EXPECT_EQ(info.metadata().at("http_status"), "400");
  EXPECT_EQ(info.metadata().at("payment_id"), "4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6");
  EXPECT_NE(g.error_message().find("ModelValidationError"), std::string::npos);
  EXPECT_EQ(g.error_message().find("secret"), std::string::npos);
}

struct UpstreamRow {
  UpstreamFailure failure;
  bool mutation;
  int http_status;
  Code code;
  const char* reason;
  const char* outcome;
};

class UpstreamFailureTest : public testing::TestWithParam<UpstreamRow> {};

TEST_P(UpstreamFailureTest, MapsToDocumentedCodeReasonAndOutcome) {
  const UpstreamRow& row = GetParam();
  absl::Status s = UpstreamFailureStatus(row.failure, row.mutation, row.http_status, "detail");
  EXPECT_EQ(s.code(), row.code);
  EXPECT_EQ(ErrorReasons(s), std::vector<std::string>{row.reason});
  EXPECT_EQ(testing_support::Metadata(ToGrpcStatus(s), "outcome"), row.outcome);
  if (std::string(row.outcome) == "unknown") {
    EXPECT_NE(s.message().find("may or may not have taken effect"), absl::string_view::npos);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, UpstreamFailureTest,
    testing::Values(UpstreamRow{UpstreamFailure::kUnreachable, true, 0, Code::kUnavailable,
                                "UPSTREAM_UNREACHABLE", "not_sent"},
                    UpstreamRow{UpstreamFailure::kTlsFailure, true, 0, Code::kUnavailable,
                                "UPSTREAM_TLS_FAILURE", "not_sent"},
                    UpstreamRow{UpstreamFailure::kTimeout, true, 0, Code::kDeadlineExceeded,
                                "UPSTREAM_TIMEOUT", "unknown"},
                    UpstreamRow{UpstreamFailure::kTimeout, false, 0, Code::kDeadlineExceeded,
                                "UPSTREAM_TIMEOUT", "not_applicable"},
                    UpstreamRow{UpstreamFailure::kConnectionReset, true, 0, Code::kUnavailable,
                                "UPSTREAM_CONNECTION_RESET", "unknown"},
                    UpstreamRow{UpstreamFailure::kConnectionReset, false, 0, Code::kUnavailable,
                                "UPSTREAM_CONNECTION_RESET", "not_applicable"},
                    UpstreamRow{UpstreamFailure::kHttpError, true, 500, Code::kUnavailable,
                                "UPSTREAM_HTTP_ERROR", "unknown"},
                    UpstreamRow{UpstreamFailure::kHttpError, false, 503, Code::kUnavailable,
                                "UPSTREAM_HTTP_ERROR", "not_applicable"},
                    UpstreamRow{UpstreamFailure::kHttpError, true, 405, Code::kInternal,
                                "UPSTREAM_HTTP_ERROR", "rejected"},
                    UpstreamRow{UpstreamFailure::kRateLimited, false, 429, Code::kResourceExhausted,
                                "UPSTREAM_RATE_LIMITED", "rejected"},
                    UpstreamRow{UpstreamFailure::kMalformedResponse, true, 200, Code::kUnknown,
                                "UPSTREAM_MALFORMED_RESPONSE", "unknown"},
                    UpstreamRow{UpstreamFailure::kMalformedResponse, false, 200, Code::kUnavailable,
                                "UPSTREAM_MALFORMED_RESPONSE", "not_applicable"}));

TEST(InvalidArgumentStatusTest, NamesEveryFieldInABadRequest) {
  absl::Status s = InvalidArgumentStatus(
      {{"transactions[0].total", "must be a whole number"}, {"locale", "is required"}});
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(ViolatedFields(s), (std::vector<std::string>{"transactions[0].total", "locale"}));
  EXPECT_NE(s.message().find("transactions[0].total"), absl::string_view::npos);
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(ToGrpcStatus(s).error_details()));
  google::rpc::BadRequest bad;
  ASSERT_TRUE(details.details(0).UnpackTo(&bad));
  EXPECT_EQ(bad.field_violations(1).description(), "is required");
}

TEST(ToGrpcStatusTest, PlainStatusesKeepCodeAndMessage) {
  grpc::Status g = ToGrpcStatus(absl::InternalError("boom"));
  EXPECT_EQ(g.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(g.error_message(), "boom");
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
}

// Every error fits in a client's default metadata limit (8 KiB; base64 makes details 4/3 as
// large): hostile values are escaped and cut, and lists are bounded.
TEST(ErrorBudgetTest, HostileViolationsAndBarionTextsStayWithinTheBudget) {
  std::vector<FieldViolation> many;
  for (int i = 0; i < 1000; ++i) {
    many.push_back({std::string(5000, 'f') + std::to_string(i), std::string(5000, '\n')});
  }
  const grpc::Status bad = ToGrpcStatus(InvalidArgumentStatus(many, 5000));
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_LT(bad.error_message().size() + bad.error_details().size() * 4 / 3, 6000u);
  EXPECT_EQ(bad.error_message().find('\n'), std::string::npos);
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(bad.error_details()));
  google::rpc::BadRequest request;
  ASSERT_TRUE(details.details(0).UnpackTo(&request));
  EXPECT_GE(request.field_violations_size(), 1);
  EXPECT_NE(bad.error_message().find("further violations not listed"), std::string::npos);

  std::vector<BarionError> barion(200, BarionError{std::string(9000, 'E'), std::string(9000, 't'),
                                                   std::string(9000, 'd'), "", "", ""});
  const grpc::Status upstream = ToGrpcStatus(BarionErrorStatus(barion, 400, ""));
  EXPECT_LT(upstream.error_message().size() + upstream.error_details().size() * 4 / 3, 6000u);

  const grpc::Status plain = ToGrpcStatus(absl::InternalError(std::string(100000, 'm')));
  EXPECT_LE(plain.error_message().size(), kMaxErrorMessageBytes + 24);
}

}  // namespace
}  // namespace barion_gateway::server
