// The typed facts of an error: attached where the error is made, read by the edge without
// parsing the google.rpc details, and never sent on the wire.
#include "server/common/error_facts.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "server/barion/upstream_error.h"
#include "server/common/errors.h"

namespace barion_gateway::server {
namespace {

TEST(ErrorFactsTest, EveryOutcomeHasItsName) {
  EXPECT_EQ(CallOutcomeName(CallOutcome::kOk), "ok");
  EXPECT_EQ(CallOutcomeName(CallOutcome::kDenied), "denied");
  EXPECT_EQ(CallOutcomeName(CallOutcome::kInvalid), "invalid");
  EXPECT_EQ(CallOutcomeName(CallOutcome::kNotSent), "not_sent");
  EXPECT_EQ(CallOutcomeName(CallOutcome::kUnknown), "unknown");
  EXPECT_EQ(CallOutcomeName(CallOutcome::kRejected), "rejected");
  EXPECT_EQ(CallOutcomeName(CallOutcome::kNotApplicable), "not_applicable");
  EXPECT_EQ(CallOutcomeName(CallOutcome::kFailed), "failed");
}

TEST(ErrorFactsTest, FactsSurviveCopiesAndRoundTrip) {
  ErrorFacts facts;
  facts.outcome = CallOutcome::kRejected;
  facts.reason = "SOME_REASON";
  facts.barion_codes = {"CardError", "ModelValidationError"};
  absl::Status status = WithFacts(absl::FailedPreconditionError("x"), facts);
  const absl::Status copy = status;
  const ErrorFacts read = FactsOf(copy);
  EXPECT_EQ(read.outcome, CallOutcome::kRejected);
  EXPECT_EQ(read.reason, "SOME_REASON");
  EXPECT_EQ(read.barion_codes, facts.barion_codes);
}

TEST(ErrorFactsTest, AStatusWithoutFactsIsJudgedByItsCodeAlone) {
  EXPECT_EQ(FactsOf(absl::OkStatus()).outcome, CallOutcome::kOk);
  EXPECT_EQ(FactsOf(absl::UnauthenticatedError("x")).outcome, CallOutcome::kDenied);
  EXPECT_EQ(FactsOf(absl::InvalidArgumentError("x")).outcome, CallOutcome::kInvalid);
  EXPECT_EQ(FactsOf(absl::PermissionDeniedError("x")).outcome, CallOutcome::kFailed);
  EXPECT_EQ(FactsOf(absl::UnavailableError("store")).outcome, CallOutcome::kFailed);
  EXPECT_TRUE(FactsOf(absl::UnavailableError("store")).reason.empty());
}

TEST(ErrorFactsTest, TheErrorModelsConstructorsAttachThem) {
  const ErrorFacts denied = FactsOf(
      GatewayErrorStatus(absl::StatusCode::kPermissionDenied, "SHOP_NOT_ALLOWED", "no", {}));
  EXPECT_EQ(denied.outcome, CallOutcome::kDenied);
  EXPECT_EQ(denied.reason, "SHOP_NOT_ALLOWED");
  EXPECT_EQ(FactsOf(GatewayErrorStatus(absl::StatusCode::kAlreadyExists, "R", "m", {})).outcome,
            CallOutcome::kFailed);
  // An outcome given is the caller's too: the ErrorInfo's metadata says it.
  const absl::Status not_sent = GatewayErrorStatus(
      absl::StatusCode::kResourceExhausted, "CALLS_EXHAUSTED", "busy", {}, CallOutcome::kNotSent);
  EXPECT_EQ(FactsOf(not_sent).outcome, CallOutcome::kNotSent);
  ASSERT_EQ(ErrorInfosOf(not_sent).size(), 1u);
  EXPECT_EQ(ErrorInfosOf(not_sent)[0].metadata.at("outcome"), "not_sent");

  EXPECT_EQ(FactsOf(InvalidArgumentStatus({{"amount", "bad"}})).outcome, CallOutcome::kInvalid);

  UpstreamError barion;
  barion.failure = UpstreamFailure::kBarionError;
  barion.http_status = 400;
  barion.barion_errors = {BarionError{"CardError"}, BarionError{"ModelValidationError"}};
  const ErrorFacts rejected = FactsOf(barion.ToStatus());
  EXPECT_EQ(rejected.outcome, CallOutcome::kRejected);
  EXPECT_TRUE(rejected.reason.empty());
  EXPECT_EQ(rejected.barion_codes, (std::vector<std::string>{"CardError", "ModelValidationError"}));

  UpstreamError timeout;
  timeout.failure = UpstreamFailure::kTimeout;
  timeout.mutation = true;
  const ErrorFacts unknown = FactsOf(timeout.ToStatus());
  EXPECT_EQ(unknown.outcome, CallOutcome::kUnknown);
  EXPECT_EQ(unknown.reason, "UPSTREAM_TIMEOUT");
  timeout.mutation = false;
  EXPECT_EQ(FactsOf(timeout.ToStatus()).outcome, CallOutcome::kNotApplicable);
}

TEST(ErrorFactsTest, FactsNeverGoOnTheWire) {
  ErrorFacts facts;
  facts.reason = "INTERNAL_ONLY_MARK";
  const absl::Status status =
      WithFacts(GatewayErrorStatus(absl::StatusCode::kInternal, "VISIBLE", "message", {}), facts);
  const WireError wire = ToWireError(status);
  EXPECT_FALSE(absl::StrContains(wire.details, "INTERNAL_ONLY_MARK"));
  EXPECT_TRUE(absl::StrContains(wire.details, "VISIBLE"));
}

}  // namespace
}  // namespace barion_gateway::server
