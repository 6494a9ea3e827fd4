#include "server/barion/callback_request.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace barion_gateway::server {
namespace {

constexpr char kId[] = "0123456789abcdef0123456789abcdef";

TEST(CallbackPaymentIdTest, ReadsTheQueryThenTheBody) {
  EXPECT_EQ(*CallbackPaymentId(absl::StrCat("paymentId=", kId), ""), kId);
  EXPECT_EQ(*CallbackPaymentId("", absl::StrCat("x=1&paymentId=", kId)), kId);
  // The query wins over the body.
  EXPECT_EQ(*CallbackPaymentId(absl::StrCat("paymentId=", kId),
                               "paymentId=ffffffffffffffffffffffffffffffff"),
            kId);
}

TEST(CallbackPaymentIdTest, MatchesTheNameAnyCaseAndNormalizesTheId) {
  EXPECT_EQ(*CallbackPaymentId("PAYMENTID=01234567-89AB-CDEF-0123-456789ABCDEF", ""), kId);
  EXPECT_EQ(*CallbackPaymentId("paymentid=%30123456789abcdef0123456789abcdef", ""), kId);
  EXPECT_EQ(*CallbackPaymentId("payment%49d=0123456789abcdef0123456789abcdef", ""), kId);
}

TEST(CallbackPaymentIdTest, RejectsMissingAndMalformedIdsWithoutEchoingThem) {
  for (const char* query : {"", "paymentId=", "paymentId", "other=1", "&&&"}) {
    absl::StatusOr<std::string> id = CallbackPaymentId(query, "");
    EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument) << query;
    EXPECT_EQ(id.status().message(), "paymentId is required") << query;
  }
  for (const char* query : {"paymentId=<script>", "paymentId=0123456789abcdef0123456789abcdeg",
                            "paymentId=0123456789abcdef0123456789abcdef0",
                            "paymentId=01234567-89ab-cdef-0123456789abcdef0"}) {
    absl::StatusOr<std::string> id = CallbackPaymentId(query, "");
    EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument) << query;
    EXPECT_EQ(id.status().message(), "paymentId is not a Barion payment id") << query;
  }
}

TEST(FormParameterTest, DecodesPercentAndPlusAndKeepsMalformedEscapes) {
  EXPECT_EQ(*FormParameter("a=b+c%21", "a"), "b c!");
  EXPECT_EQ(*FormParameter("a=%zz%4", "a"), "%zz%4");
  EXPECT_EQ(*FormParameter("a", "a"), "");
  EXPECT_EQ(*FormParameter("a=1&a=2", "A"), "1");
  EXPECT_FALSE(FormParameter("ab=1", "a").has_value());
}

}  // namespace
}  // namespace barion_gateway::server
