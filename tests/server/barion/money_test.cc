#include "server/barion/money.h"

#include "gtest/gtest.h"

namespace barion_gateway::server {
namespace {

TEST(ValidateAmountTest, AcceptsAmountsAtTheCurrencyScale) {
  EXPECT_TRUE(ValidateAmount("1500", 0, AmountSign::kPositive).ok());
  EXPECT_TRUE(ValidateAmount("25.20", 2, AmountSign::kPositive).ok());
  EXPECT_TRUE(ValidateAmount("0.10", 2, AmountSign::kPositive).ok());
  EXPECT_TRUE(ValidateAmount("123456789012345", 0, AmountSign::kPositive).ok());
  EXPECT_TRUE(ValidateAmount("0", 2, AmountSign::kNonNegative).ok());
  EXPECT_TRUE(ValidateAmount("-5.50", 2, AmountSign::kAny).ok());
}

TEST(ValidateAmountTest, RejectsHufWithDecimals) {
  absl::Status s = ValidateAmount("10.5", 0, AmountSign::kPositive);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("whole number"), absl::string_view::npos);
  EXPECT_FALSE(ValidateAmount("10.0", 0, AmountSign::kPositive).ok());
}

TEST(ValidateAmountTest, RejectsTooManyDecimals) {
  EXPECT_FALSE(ValidateAmount("1.005", 2, AmountSign::kPositive).ok());
}

TEST(ValidateAmountTest, RejectsNonPlainDecimals) {
  for (const char* bad : {"", "1e3", "+5", " 5", "5 ", "1,5", ".5", "5.", "0x10", "NaN", "inf",
                          "--1", "007", "1.2.3"}) {
    EXPECT_FALSE(ValidateAmount(bad, 2, AmountSign::kAny).ok()) << bad;
  }
  EXPECT_FALSE(ValidateAmount("1234567890123456789", 0, AmountSign::kPositive).ok());
}

TEST(ValidateAmountTest, EnforcesTheSign) {
  EXPECT_FALSE(ValidateAmount("0", 2, AmountSign::kPositive).ok());
  EXPECT_FALSE(ValidateAmount("0.00", 2, AmountSign::kPositive).ok());
  EXPECT_FALSE(ValidateAmount("-1", 2, AmountSign::kNonNegative).ok());
  EXPECT_FALSE(ValidateAmount("-0", 2, AmountSign::kAny).ok());
}

TEST(BarionCurrencyScaleTest, HufIsWholeUnlikeIso4217) {
  EXPECT_EQ(BarionCurrencyScale("HUF"), 0);
  EXPECT_EQ(BarionCurrencyScale("EUR"), 2);
  EXPECT_EQ(BarionCurrencyScale("czk"), 2);
  EXPECT_EQ(BarionCurrencyScale("PLN"), 2);
  EXPECT_EQ(BarionCurrencyScale("XXX"), -1);
}

TEST(CanonicalAmountTest, WritesAtTheScaleWithoutLosingDigits) {
  EXPECT_EQ(CanonicalAmount("84.00", 0), "84");
  EXPECT_EQ(CanonicalAmount("800", 2), "800.00");
  EXPECT_EQ(CanonicalAmount("0.1", 2), "0.10");
  EXPECT_EQ(CanonicalAmount("0.10", 2), "0.10");
  EXPECT_EQ(CanonicalAmount("123456789012345.00", 0), "123456789012345");
  EXPECT_EQ(CanonicalAmount("-3.50", 2), "-3.50");
}

TEST(CanonicalAmountTest, NeverRoundsWhatBarionSent) {
  EXPECT_EQ(CanonicalAmount("84.5", 0), "84.5");
  EXPECT_EQ(CanonicalAmount("1.005", 2), "1.005");
  EXPECT_EQ(CanonicalAmount("garbage", 2), "garbage");
  EXPECT_EQ(CanonicalAmount("12", -1), "12");
}

TEST(CompareDecimalTest, ComparesExactly) {
  EXPECT_EQ(CompareDecimal("10", "10.00"), 0);
  EXPECT_LT(CompareDecimal("9.99", "10"), 0);
  EXPECT_GT(CompareDecimal("100", "99.99"), 0);
  EXPECT_LT(CompareDecimal("-1", "0"), 0);
  EXPECT_GT(CompareDecimal("123456789012345679", "123456789012345678"), 0);
}

}  // namespace
}  // namespace barion_gateway::server
