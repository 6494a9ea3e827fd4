// ParsedAnswer on its own: an answer is parsed once, its error envelope read at parse time
// (Barion's Errors, v1's ErrorList, ASP.NET's Message, the PaymentId), and anything that is not
// a JSON object is said to be so instead of failing.
#include <string>

#include "gtest/gtest.h"
#include "server/barion/codec.h"

namespace barion_gateway::server {
namespace {

TEST(ParsedAnswerTest, ReadsBarionsErrorsAndThePaymentId) {
  const int64_t before = ParsedAnswer::parses();
  ParsedAnswer answer = ParsedAnswer::Parse(
      R"({"PaymentId":"p-1","Errors":[{"ErrorCode":"CardError","Title":"Declined",)"
      R"("Description":"d","EndPoint":"https://x/v2/Payment/Start","HappenedAt":"2026-12-06",)"
      R"("AuthData":"the-pos-key"},{"ErrorCode":"ModelValidationError"}]})");
  EXPECT_EQ(ParsedAnswer::parses(), before + 1);
  const ErrorEnvelope& env = answer.envelope();
  EXPECT_TRUE(env.is_json_object);
  EXPECT_EQ(env.payment_id, "p-1");
  ASSERT_EQ(env.errors.size(), 2u);
  EXPECT_EQ(env.errors[0].error_code, "CardError");
  EXPECT_EQ(env.errors[0].title, "Declined");
  EXPECT_EQ(env.errors[0].description, "d");
  EXPECT_EQ(env.errors[0].endpoint, "https://x/v2/Payment/Start");
  EXPECT_EQ(env.errors[0].happened_at, "2026-12-06");
  EXPECT_EQ(env.errors[1].error_code, "ModelValidationError");
}

TEST(ParsedAnswerTest, ReadsV1ErrorListAndAspNetMessages) {
  ParsedAnswer v1 = ParsedAnswer::Parse(R"({"ErrorList":[{"ErrorCode":"InvalidUser"}]})");
  ASSERT_EQ(v1.envelope().errors.size(), 1u);
  EXPECT_EQ(v1.envelope().errors[0].error_code, "InvalidUser");
  ParsedAnswer aspnet = ParsedAnswer::Parse(R"({"Message":"An error has occurred."})");
  EXPECT_TRUE(aspnet.envelope().is_json_object);
  EXPECT_TRUE(aspnet.envelope().errors.empty());
  EXPECT_EQ(aspnet.envelope().message, "An error has occurred.");
  ParsedAnswer ok = ParsedAnswer::Parse(R"({"Errors":[]})");
  EXPECT_TRUE(ok.envelope().is_json_object);
  EXPECT_TRUE(ok.envelope().errors.empty());
}

TEST(ParsedAnswerTest, WhatIsNotAJsonObjectIsSaidSo) {
  for (const std::string& body :
       {std::string(""), std::string("<html>502</html>"), std::string("[1,2]"),
        std::string("\"text\""), std::string(R"({"Errors":[)"), std::string("\xff\xfe")}) {
    ParsedAnswer answer = ParsedAnswer::Parse(body);
    EXPECT_FALSE(answer.envelope().is_json_object) << body;
    EXPECT_TRUE(answer.envelope().errors.empty()) << body;
  }
}

TEST(ParsedAnswerTest, OneParseServesTheDecoderAndMovesCheaply) {
  const int64_t before = ParsedAnswer::parses();
  ParsedAnswer answer = ParsedAnswer::Parse(
      R"({"PaymentId":"p-2","PaymentRequestId":"r","Status":"Prepared","Errors":[]})");
  ParsedAnswer moved = std::move(answer);
  barion::v1::StartPaymentResponse response;
  ASSERT_TRUE(DecodeStartPayment(moved, &response).ok());
  EXPECT_EQ(response.payment_id(), "p-2");
  EXPECT_EQ(ParsedAnswer::parses(), before + 1) << "the decoder read the same document";
  barion::v1::StartPaymentResponse none;
  EXPECT_EQ(DecodeStartPayment(ParsedAnswer::Parse("<html>"), &none).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace barion_gateway::server
