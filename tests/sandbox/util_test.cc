// The sandbox's own rules, without a socket: exact decimals as Barion prints them, card
// minimums, currency scales, ids and Barion's time and TimeSpan formats.
#include <iterator>
#include <vector>

#include "gtest/gtest.h"
#include "sandbox/model/answers.h"
#include "sandbox/model/ids.h"
#include "sandbox/model/json_read.h"
#include "sandbox/model/money.h"
#include "sandbox/model/times.h"

namespace barion_gateway::sandbox {
namespace {

TEST(DecTest, ParsesExactlyAndPrintsWithTwoDecimalsLikeBarion) {
  EXPECT_EQ(Dec::Parse("84")->Format(), "84.00");
  EXPECT_EQ(Dec::Parse("0.10")->Format(), "0.10");
  EXPECT_EQ(Dec::Parse("123456789012345678")->Format(0), "123456789012345678");
  EXPECT_EQ(Dec::Parse("-5.5")->Format(), "-5.50");
  EXPECT_EQ((*Dec::Parse("0.1") + *Dec::Parse("0.2")).Format(), "0.30") << "no binary floats";
  EXPECT_EQ(Dec::Parse("1.23")->Scale(), 2);
  EXPECT_EQ(Dec::Parse("7")->Scale(), 0);
  EXPECT_EQ(Dec::Parse("1.2345")->Scale(), 4);
  for (const char* bad : {"", "abc", "1.23456", "1e5", "--1", "1.2.3"}) {
    EXPECT_FALSE(Dec::Parse(bad).has_value()) << bad;
  }
}

TEST(MoneyRulesTest, CardMinimumsAndScales) {
  EXPECT_EQ(CardMinimum("HUF").Format(0), "10");
  EXPECT_EQ(CardMinimum("EUR").Format(), "0.10");
  EXPECT_EQ(CurrencyScale("HUF"), 0);
  EXPECT_EQ(CurrencyScale("EUR"), 2);
  EXPECT_EQ(CurrencyScale("XXX"), -1);
  EXPECT_TRUE(CardOnly({"BankCard", "GooglePay"}));
  EXPECT_FALSE(CardOnly({"BankCard", "Balance"}));
  EXPECT_FALSE(CardOnly({}));
}

TEST(FormatsTest, IdsTimesAndSpans) {
  EXPECT_EQ(Hyphenated("4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6"), "4f1d2c3b-5a6e-47c8-b9d0-e1f2a3b4c5d6");
  EXPECT_EQ(NormalizeId("4F1D2C3B-5A6E-47C8-B9D0-E1F2A3B4C5D6"),
            "4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6");
  EXPECT_EQ(RandomHex(16).size(), 32u);
  const absl::Time t = absl::FromUnixMillis(1561619751327);
  EXPECT_EQ(TimeZ(t), "2019-06-27T07:15:51.327Z");
  EXPECT_EQ(TimeNoZ(t), "2019-06-27T07:15:51.327") << "Start's TransactionTime quirk";
  absl::Duration d;
  ASSERT_TRUE(ParseSpan("1.02:03:04", &d));
  EXPECT_EQ(d, absl::Hours(26) + absl::Minutes(3) + absl::Seconds(4));
  ASSERT_TRUE(ParseSpan("00:30:00", &d));
  EXPECT_EQ(d, absl::Minutes(30));
  EXPECT_FALSE(ParseSpan("30 minutes", &d));
  EXPECT_EQ(Canonical(kPaymentTypes, "reservation"), "Reservation");
}

TEST(CallbackScheduleTest, RetriesAfterBarionsDelays) {
  // Barion retries a callback after 2, 6, 18, 54 and 162 s (docs/BARION.md).
  EXPECT_EQ(std::vector<int>(std::begin(kRetryDelaysSeconds), std::end(kRetryDelaysSeconds)),
            (std::vector<int>{2, 6, 18, 54, 162}));
}

}  // namespace
}  // namespace barion_gateway::sandbox
