// barionctl's parts without a gateway: the command line, the command table, output formats,
// exit codes and files. tests/polyglot/barionctl_test.sh runs the binary end to end.
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/match.h"
#include "client/ctl/args.h"
#include "client/ctl/commands.h"
#include "client/ctl/output.h"
#include "client/currency.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"

namespace barion_gateway::ctl {
namespace {

namespace v1 = ::barion::v1;

absl::StatusOr<Args> Parse(std::vector<const char*> words) {
  words.insert(words.begin(), "barionctl");
  return ParseArgs(static_cast<int>(words.size()), words.data());
}

TEST(ArgsTest, GlobalFlagsCommandAndItsFlags) {
  absl::StatusOr<Args> a =
      Parse({"--gateway", "h:1", "--output=json", "wallet", "send-email", "--to", "x@y", "--help"});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->command, "wallet send-email");
  EXPECT_EQ(a->global.at("gateway"), "h:1");
  EXPECT_EQ(a->global.at("output"), "json");
  EXPECT_EQ(a->flags.at("to"), "x@y");
  EXPECT_TRUE(a->help);
}

TEST(ArgsTest, RefusesAFlagWithoutValueAndASecondCommand) {
  EXPECT_EQ(Parse({"start", "--amount"}).status().message(), "--amount needs a value");
  EXPECT_EQ(Parse({"start", "state"}).status().message(), "unexpected argument state");
}

TEST(ArgsTest, UniqueIdsDiffer) {
  const std::string a = UniqueId("x"), b = UniqueId("x");
  EXPECT_TRUE(absl::StartsWith(a, "x-"));
  EXPECT_NE(a, b);
}

TEST(CommandTableTest, EveryCommandIsListedHelpedAndRunnable) {
  const std::string usage = UsageText();
  std::set<std::string> names;
  for (const auto& commands : {PaymentCommands(), WalletCommands()}) {
    for (const Command& c : commands) {
      EXPECT_TRUE(names.insert(c.name).second) << "declared twice: " << c.name;
      EXPECT_TRUE(absl::StartsWith(c.help, std::string("barionctl ") + c.name)) << c.name;
      EXPECT_EQ(FindCommand(c.name), &*FindCommand(c.name));
      EXPECT_STREQ(HelpFor(c.name), c.help);
      if (c.run == nullptr) continue;  // the "wallet" group
      EXPECT_TRUE(absl::StrContains(usage, c.name)) << c.name;
      EXPECT_TRUE(absl::StrContains(usage, c.summary)) << c.name;
    }
  }
  EXPECT_EQ(names.size(), 22u);
  EXPECT_EQ(FindCommand("nope"), nullptr);
  EXPECT_STREQ(HelpFor("wallet nope"), FindCommand("wallet")->help);
  EXPECT_EQ(HelpFor("nope"), nullptr);
}

TEST(CommandTableTest, UsageKeepsItsTwoColumnLayout) {
  const std::string usage = UsageText();
  EXPECT_TRUE(absl::StrContains(
      usage, "  start       start a payment              state       a payment's state\n"));
  EXPECT_TRUE(
      absl::StrContains(usage, "  apple-pay-session  validate an Apple Pay merchant session\n"));
  EXPECT_TRUE(absl::StrContains(usage,
                                "  wallet accounts       balances         wallet send-email     "
                                "send e-money to an e-mail\n"));
}

TEST(ExitCodeTest, UsageRefusalLocalAndUnavailableAreToldApart) {
  EXPECT_EQ(ExitCodeFor(absl::OkStatus()), kOk);
  EXPECT_EQ(ExitCodeFor(UsageError("--amount is required")), kUsage);
  EXPECT_TRUE(IsUsageError(UsageError("x")));
  // The gateway's INVALID_ARGUMENT is a refusal, not a usage error, whatever its text says.
  EXPECT_FALSE(IsUsageError(absl::InvalidArgumentError("--amount is required")));
  EXPECT_EQ(ExitCodeFor(absl::InvalidArgumentError("bad")), kRefused);
  EXPECT_EQ(ExitCodeFor(absl::NotFoundError("gone")), kRefused);
  // Refused by the gateway's caller checks: retrying with the same credentials will not help.
  EXPECT_EQ(ExitCodeFor(absl::UnauthenticatedError("who")), kRefused);
  EXPECT_EQ(ExitCodeFor(absl::PermissionDeniedError("no")), kRefused);
  EXPECT_EQ(ExitCodeFor(absl::DataLossError("disk")), kLocal);
  EXPECT_EQ(ExitCodeFor(absl::UnavailableError("down")), kUnavailable);
  EXPECT_EQ(ExitCodeFor(absl::DeadlineExceededError("slow")), kUnavailable);
}

TEST(FormatTest, RowsMoneyAndLines) {
  EXPECT_EQ(Row("payment", "abc"), "payment          abc\n");
  EXPECT_EQ(Money("1500.00", "EUR"), "1500.00 EUR");
  EXPECT_EQ(Money("", "HUF"), "0 HUF");
  v1::PaymentEvent e;
  e.set_cursor("7");
  e.set_payment_id("p1");
  *e.mutable_observed_at() = google::protobuf::util::TimeUtil::SecondsToTimestamp(1700000000);
  e.mutable_snapshot()->set_status_raw("Succeeded");
  e.mutable_snapshot()->set_total("84");
  e.mutable_snapshot()->set_currency_raw("HUF");
  EXPECT_EQ(EventLine(e), "7        2023-11-14T22:13:20  p1  - -> Succeeded  84 HUF\n");
  v1::HistoryItem i;
  i.set_id("h1");
  i.set_type("TransferToEmail");
  i.set_balance_change(v1::BALANCE_CHANGE_DEBIT);
  i.set_amount("10");
  i.set_currency_raw("EUR");
  *i.mutable_happened_at() = google::protobuf::util::TimeUtil::SecondsToTimestamp(1700000000);
  EXPECT_EQ(HistoryLine(i),
            "2023-11-14T22:13:20  TransferToEmail                     -10 EUR  h1\n");
}

TEST(FormatTest, ErrorReportNamesTheCodeAndMessage) {
  EXPECT_EQ(ErrorReport(absl::UnavailableError("down")), "error: UNAVAILABLE: down\n");
}

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(OutputFileTest, AppearsOnlyWhenCommittedAndNeverHalfWritten) {
  const std::string path = testing::TempDir() + "/statement.pdf";
  std::remove(path.c_str());
  {
    OutputFile file;
    ASSERT_TRUE(file.Open(path).ok());
    ASSERT_TRUE(file.Write("half").ok());
  }  // abandoned
  struct stat info;
  EXPECT_NE(::stat(path.c_str(), &info), 0);
  EXPECT_NE(::stat((path + ".partial").c_str(), &info), 0);
  OutputFile file;
  ASSERT_TRUE(file.Open(path).ok());
  ASSERT_TRUE(file.Write("whole").ok());
  ASSERT_TRUE(file.Commit().ok());
  EXPECT_EQ(Read(path), "whole");
  EXPECT_EQ(file.bytes(), 5);
  EXPECT_EQ(OutputFile().Open("").code(), absl::StatusCode::kInvalidArgument);
}

TEST(CurrencyTest, CodesBothWays) {
  EXPECT_EQ(client::CurrencyCode(v1::CURRENCY_EUR), "EUR");
  EXPECT_EQ(client::ParseCurrency("huf"), v1::CURRENCY_HUF);
  EXPECT_EQ(client::ParseCurrency("CZK"), v1::CURRENCY_CZK);
  EXPECT_EQ(client::ParseCurrency("unspecified"), std::nullopt);
  EXPECT_EQ(client::ParseCurrency("XYZ"), std::nullopt);
  EXPECT_EQ(client::ParseCurrency(""), std::nullopt);
}

}  // namespace
}  // namespace barion_gateway::ctl
