// ErrorDetails on its own: the google.rpc details a gateway error carries, decoded; statuses
// without them (or with a broken payload) decode to nothing instead of failing.
#include "client/error_details.h"

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace barion_gateway::client {
namespace {

absl::Status WithDetails(const google::rpc::Status& details) {
  absl::Status status(static_cast<absl::StatusCode>(details.code()), "failed");
  status.SetPayload(kDetailsUrl, absl::Cord(details.SerializeAsString()));
  return status;
}

TEST(ErrorDetailsTest, DecodesErrorInfosAndFieldViolationsInOrder) {
  google::rpc::Status details;
  details.set_code(static_cast<int>(absl::StatusCode::kFailedPrecondition));
  google::rpc::ErrorInfo barion;
  barion.set_domain("barion.com");
  barion.set_reason("InsufficientBalance");
  details.add_details()->PackFrom(barion);
  google::rpc::ErrorInfo gateway;
  gateway.set_domain("barion-grpc-gateway");
  gateway.set_reason("UPSTREAM_REJECTED");
  (*gateway.mutable_metadata())["outcome"] = "rejected";
  (*gateway.mutable_metadata())["field"] = "amount";
  details.add_details()->PackFrom(gateway);
  google::rpc::BadRequest bad;
  auto* violation = bad.add_field_violations();
  violation->set_field("transactions[0].total");
  violation->set_description("must be positive");
  details.add_details()->PackFrom(bad);

  const ErrorDetails got = DetailsOf(WithDetails(details));
  ASSERT_EQ(got.errors.size(), 2u);
  EXPECT_EQ(got.errors[0].domain, "barion.com");
  EXPECT_EQ(got.reason(), "InsufficientBalance");
  EXPECT_EQ(got.errors[1].reason, "UPSTREAM_REJECTED");
  EXPECT_EQ(got.metadata("outcome"), "rejected");  // the first ErrorInfo that has it
  EXPECT_EQ(got.metadata("missing"), "");
  ASSERT_EQ(got.violations.size(), 1u);
  EXPECT_EQ(got.violations[0].field, "transactions[0].total");
  EXPECT_EQ(got.violations[0].description, "must be positive");
  EXPECT_FALSE(NotSent(WithDetails(details)));
}

TEST(ErrorDetailsTest, NotSentOnlyWhenTheGatewaySaysSo) {
  google::rpc::Status details;
  details.set_code(static_cast<int>(absl::StatusCode::kUnavailable));
  google::rpc::ErrorInfo info;
  info.set_domain("barion-grpc-gateway");
  info.set_reason("CALLS_EXHAUSTED");
  (*info.mutable_metadata())["outcome"] = "not_sent";
  details.add_details()->PackFrom(info);
  EXPECT_TRUE(NotSent(WithDetails(details)));
  EXPECT_FALSE(NotSent(absl::UnavailableError("not_sent")));  // words in a message are not it
}

TEST(ErrorDetailsTest, NoDetailsOrABrokenPayloadDecodeToNothing) {
  const ErrorDetails none = DetailsOf(absl::InternalError("plain"));
  EXPECT_TRUE(none.errors.empty());
  EXPECT_TRUE(none.violations.empty());
  EXPECT_EQ(none.reason(), "");
  absl::Status broken = absl::InternalError("broken");
  broken.SetPayload(kDetailsUrl, absl::Cord("\xff\xff not a proto"));
  EXPECT_TRUE(DetailsOf(broken).errors.empty());
  EXPECT_TRUE(DetailsOf(absl::OkStatus()).errors.empty());
}

}  // namespace
}  // namespace barion_gateway::client
