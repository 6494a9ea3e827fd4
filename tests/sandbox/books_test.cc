// The Simulator's areas on their own: armed faults used once each by prefix, the callback
// schedule with Barion's retry delays, payments found by id in any form with the scan deadline,
// tokens by shop and recurrence id, wallets by API key and e-mail.
#include <string>

#include "gtest/gtest.h"
#include "sandbox/model/callback_book.h"
#include "sandbox/model/fault_book.h"
#include "sandbox/model/payment_book.h"
#include "sandbox/model/token_book.h"
#include "sandbox/model/wallet_book.h"

namespace barion_gateway::sandbox {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

TEST(FaultBookTest, AFaultIsTakenByPrefixAsManyTimesAsArmed) {
  FaultBook faults;
  Fault fault;
  fault.mode = FaultMode::kStatus503Html;
  fault.path_prefix = "/v2/Payment/Capture";
  fault.remaining = 2;
  faults.Arm(fault);
  EXPECT_FALSE(faults.Take("/v2/Payment/Start").has_value());
  EXPECT_EQ(faults.Take("/v2/Payment/Capture")->mode, FaultMode::kStatus503Html);
  EXPECT_TRUE(faults.Take("/v2/Payment/Capture?x").has_value());
  EXPECT_FALSE(faults.Take("/v2/Payment/Capture").has_value()) << "used up";
  faults.Arm(fault);
  faults.Clear();
  EXPECT_FALSE(faults.Take("/v2/Payment/Capture").has_value());
}

TEST(CallbackBookTest, DueCallbacksAndBarionsRetriesUntilA200) {
  CallbackBook callbacks(/*time_scale=*/1.0);
  Payment p;
  p.id = "0123456789abcdef0123456789abcdef";
  callbacks.Schedule(p, kT0);  // no callback URL: nothing
  EXPECT_EQ(callbacks.scheduled(), 0u);
  p.callback_url = "https://shop/callback?x=1";
  callbacks.Schedule(p, kT0);
  std::vector<CallbackJob> due = callbacks.TakeDue(kT0);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].url, "https://shop/callback?x=1&paymentId=" + p.id);
  callbacks.Record(due[0], 500, "", /*final=*/false, kT0);
  EXPECT_TRUE(callbacks.TakeDue(kT0 + absl::Seconds(1)).empty());
  due = callbacks.TakeDue(kT0 + absl::Seconds(2));
  ASSERT_EQ(due.size(), 1u) << "retried after Barion's first delay";
  EXPECT_EQ(due[0].attempt, 1);
  callbacks.Record(due[0], 200, "", false, kT0 + absl::Seconds(2));
  EXPECT_EQ(callbacks.scheduled(), 0u) << "a 200 ends it";
  // A URL Barion never calls is not retried.
  callbacks.Schedule(p, kT0);
  callbacks.Record(callbacks.TakeDue(kT0)[0], 0, "not https", /*final=*/true, kT0);
  EXPECT_EQ(callbacks.scheduled(), 0u);
  EXPECT_EQ(callbacks.Log(p.id).size(), 3u);
  EXPECT_EQ(callbacks.Log(p.id).back().error, "not https");
  EXPECT_TRUE(callbacks.Log("other").empty());
}

TEST(PaymentBookTest, PaymentsAreFoundInAnyFormAndScansWaitForADeadline) {
  PaymentBook payments;
  Payment p;
  p.id = "0123456789abcdef0123456789abcdef";
  payments.Add(p);
  EXPECT_NE(payments.Find("01234567-89AB-CDEF-0123-456789ABCDEF"), nullptr);
  EXPECT_EQ(payments.Find("ffff"), nullptr);
  EXPECT_TRUE(payments.ScanDue(kT0)) << "unknown deadline: scan";
  payments.ScannedUntil(absl::InfiniteFuture());
  EXPECT_FALSE(payments.ScanDue(kT0));
  payments.ExpectDeadline(kT0 + absl::Minutes(5));
  EXPECT_FALSE(payments.ScanDue(kT0 + absl::Minutes(4)));
  EXPECT_TRUE(payments.ScanDue(kT0 + absl::Minutes(5)));
  EXPECT_EQ(payments.scans(), 2);
  payments.StateCalls(p.id).push_back(kT0);
  EXPECT_EQ(payments.StateCalls("01234567-89ab-cdef-0123-456789abcdef").size(), 1u);
}

TEST(TokenAndWalletBookTest, FoundByTheirKeys) {
  TokenBook tokens;
  EXPECT_EQ(tokens.Find("web", "r1"), nullptr);
  tokens.Register("web", "r1").registering_payment = "p";
  ASSERT_NE(tokens.Find("web", "r1"), nullptr);
  EXPECT_EQ(tokens.Find("web", "r1")->shop, "web");
  EXPECT_EQ(tokens.Find("kiosk", "r1"), nullptr) << "a token is its shop's";
  EXPECT_TRUE(tokens.Register("web", "r1").registering_payment.empty()) << "registered anew";

  WalletBook wallets;
  wallets.Know("Shop@Example.com");
  ApiWallet wallet;
  wallet.config.email = "Payer@Example.com";
  wallets.Add("ABCDEF", wallet);
  EXPECT_EQ(wallets.known(), (std::set<std::string>{"payer@example.com", "shop@example.com"}));
  EXPECT_NE(wallets.ByApiKey("abcdef"), nullptr);
  EXPECT_EQ(wallets.ByApiKey("other"), nullptr);
  EXPECT_NE(wallets.ByEmail("payer@example.com"), nullptr);
  EXPECT_EQ(wallets.ByEmail("shop@example.com"), nullptr) << "known, but no API wallet";
}

}  // namespace
}  // namespace barion_gateway::sandbox
