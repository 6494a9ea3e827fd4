// The C++ client library (payments, events, wallets) against the real gateway and sandbox.
#include <thread>

#include "absl/strings/str_cat.h"
#include "client/payment_client.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "tests/integration/harness.h"

namespace barion_gateway::testing_support {
namespace {

TEST(ClientLibraryTest, TakesAPaymentAndSeesItsEvent) {
  Harness h;
  auto connection = client::MakeGrpcConnection(
      grpc::CreateChannel(h.gateway().grpc_address(), grpc::InsecureChannelCredentials()));
  client::PaymentClient payments(connection);
  // Subscribe before the payment exists, from the current end of the log.
  barion::v1::SubscribePaymentEventsRequest request;
  client::EventSubscription events(connection, request);

  absl::StatusOr<barion::v1::StartPaymentResponse> started =
      payments.StartPayment(Harness::CardPayment("1200", barion::v1::CURRENCY_HUF));
  ASSERT_TRUE(started.ok()) << started.status();
  ASSERT_EQ(h.Control(absl::StrCat("payments/", started->payment_id(), "/pay"), "{}"), 200);

  absl::StatusOr<barion::v1::PaymentEvent> event = events.Next();
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->payment_id(), started->payment_id());
  EXPECT_EQ(event->snapshot().status(), barion::v1::PAYMENT_STATUS_SUCCEEDED);
  EXPECT_EQ(events.cursor(), event->cursor());

  barion::v1::GetPaymentStateRequest unknown;
  unknown.set_payment_id("0123456789abcdef0123456789abcdef");
  absl::Status s = payments.GetPaymentState(unknown).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(client::DetailsOf(s).reason(), "NotExistingPaymentId");
  events.Stop();
}

TEST(ClientLibraryTest, WalletCallsReachTheSandboxWithTheWalletsKey) {
  Harness h;
  client::WalletClient wallets(client::MakeGrpcWalletConnection(
      grpc::CreateChannel(h.gateway().grpc_address(), grpc::InsecureChannelCredentials())));
  barion::v1::GetAccountsRequest accounts_request;
  accounts_request.set_wallet("treasury");
  absl::StatusOr<barion::v1::GetAccountsResponse> accounts = wallets.GetAccounts(accounts_request);
  ASSERT_TRUE(accounts.ok()) << accounts.status();
  std::string eur;
  for (const auto& a : accounts->accounts()) {
    if (a.currency() == barion::v1::CURRENCY_EUR) eur = a.account_id();
  }
  ASSERT_FALSE(eur.empty());

  barion::v1::SendMoneyByEmailRequest transfer;
  transfer.set_wallet("treasury");
  transfer.set_source_account_id(eur);
  transfer.set_currency(barion::v1::CURRENCY_EUR);
  transfer.set_amount("0.10");
  transfer.set_target_email("anna@example.com");
  absl::StatusOr<barion::v1::SendMoneyByEmailResponse> sent = wallets.SendMoneyByEmail(transfer);
  ASSERT_TRUE(sent.ok()) << sent.status();
  EXPECT_TRUE(sent->transfer_successful());
  transfer.set_amount("1000000.00");
  absl::Status poor = wallets.SendMoneyByEmail(transfer).status();
  EXPECT_EQ(poor.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(client::DetailsOf(poor).reason(), "InsufficientFunds");

  barion::v1::DownloadStatementRequest statement;
  statement.set_wallet("treasury");
  statement.set_year(2025);
  statement.set_month(12);
  statement.set_currency(barion::v1::CURRENCY_HUF);
  std::string file;
  int chunks = 0;
  absl::StatusOr<std::string> type =
      wallets.DownloadStatement(statement, [&](absl::string_view data) {
        ++chunks;
        file.append(data.data(), data.size());
        return absl::OkStatus();
      });
  ASSERT_TRUE(type.ok()) << type.status();
  EXPECT_EQ(*type, "application/pdf");
  EXPECT_EQ(file.substr(0, 8), "%PDF-1.4");
  EXPECT_GT(chunks, 1);
  statement.set_month(13);
  absl::Status bad =
      wallets.DownloadStatement(statement, [](absl::string_view) { return absl::OkStatus(); })
          .status();
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(client::DetailsOf(bad).violations.size(), 1u);
  EXPECT_EQ(client::DetailsOf(bad).violations[0].field, "month");
}

}  // namespace
}  // namespace barion_gateway::testing_support
