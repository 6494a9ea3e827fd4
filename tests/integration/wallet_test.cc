// WalletService end to end: gateway -> sandbox over HTTPS with the wallet's API key.
#include <algorithm>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "rapidjson/document.h"
#include "tests/integration/harness.h"

namespace barion_gateway::testing_support {
namespace {

namespace v1 = ::barion::v1;

class WalletTest : public testing::Test {
 protected:
  v1::GetAccountsResponse Accounts() {
    v1::GetAccountsRequest request;
    request.set_wallet("treasury");
    v1::GetAccountsResponse response;
    grpc::Status s = h_.wallets().GetAccounts(Deadline(10).get(), request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  }
  const v1::WalletAccount* Account(const v1::GetAccountsResponse& r, v1::Currency currency) {
    for (const v1::WalletAccount& a : r.accounts()) {
      if (a.currency() == currency) return &a;
    }
    ADD_FAILURE() << "no account in " << v1::Currency_Name(currency);
    return nullptr;
  }
  v1::SendMoneyByEmailRequest Transfer(const std::string& account_id, const std::string& amount) {
    v1::SendMoneyByEmailRequest r;
    r.set_wallet("treasury");
    r.set_source_account_id(account_id);
    r.set_currency(v1::CURRENCY_EUR);
    r.set_amount(amount);
    r.set_target_email("anna@example.com");
    r.set_comment("Refund of order 7");
    return r;
  }

  Harness h_;
};

TEST_F(WalletTest, ListsAccountsWithExactBalancesAndTopUpDetails) {
  v1::GetAccountsResponse r = Accounts();
  ASSERT_EQ(r.accounts_size(), 2);
  const v1::WalletAccount* huf = Account(r, v1::CURRENCY_HUF);
  const v1::WalletAccount* eur = Account(r, v1::CURRENCY_EUR);
  ASSERT_NE(huf, nullptr);
  ASSERT_NE(eur, nullptr);
  EXPECT_EQ(huf->available_balance(), "1000000");
  EXPECT_EQ(eur->available_balance(), "5000.00");
  EXPECT_EQ(eur->blocked_balance(), "0.00");
  EXPECT_EQ(eur->account_id().size(), 36u);  // a GUID
  EXPECT_EQ(eur->top_up_information().swift_code(), "GIBAHUHB");
  EXPECT_EQ(eur->top_up_information().beneficiary().city(), "Budapest");
}

TEST_F(WalletTest, FallsBackToTheOtherAccountsPathWhenBarionAnswers404) {
  ASSERT_EQ(h_.Control("faults", R"({"mode":"status_404","path_prefix":"/v2/Accounts/Get"})"), 200);
  EXPECT_EQ(Accounts().accounts_size(), 2);
}

TEST_F(WalletTest, SendsMoneyByEmailAndTheBalanceFalls) {
  const std::string eur = Account(Accounts(), v1::CURRENCY_EUR)->account_id();
  v1::SendMoneyByEmailResponse sent;
  grpc::Status s = h_.wallets().SendMoneyByEmail(Deadline(10).get(), Transfer(eur, "12.30"), &sent);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(sent.transfer_successful());
  EXPECT_EQ(Account(Accounts(), v1::CURRENCY_EUR)->available_balance(), "4987.70");
}

TEST_F(WalletTest, BarionsRefusalsAreStructuredErrors) {
  const std::string eur = Account(Accounts(), v1::CURRENCY_EUR)->account_id();
  v1::SendMoneyByEmailResponse sent;
  grpc::Status s =
      h_.wallets().SendMoneyByEmail(Deadline(10).get(), Transfer(eur, "5000.01"), &sent);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Reasons(s), std::vector<std::string>{"InsufficientFunds"});

  v1::SendMoneyByEmailRequest own = Transfer(eur, "1");
  own.set_target_email(kWalletEmail);
  s = h_.wallets().SendMoneyByEmail(Deadline(10).get(), own, &sent);
  EXPECT_EQ(Reasons(s), std::vector<std::string>{"TheSourceAndDestinationAccountsAreMatched"});

  v1::SendMoneyByEmailRequest huf_from_eur = Transfer(eur, "100");
  huf_from_eur.set_currency(v1::CURRENCY_HUF);
  s = h_.wallets().SendMoneyByEmail(Deadline(10).get(), huf_from_eur, &sent);
  EXPECT_EQ(Reasons(s), std::vector<std::string>{"InvalidCurrency"});
  // Nothing moved.
  EXPECT_EQ(Account(Accounts(), v1::CURRENCY_EUR)->available_balance(), "5000.00");
}

TEST_F(WalletTest, BadRequestsListEveryFieldAndReachNoOne) {
  const std::string before = h_.ControlGet("stats");
  v1::SendMoneyByEmailRequest r;
  r.set_wallet("treasury");
  r.set_source_account_id("not-a-guid");
  r.set_currency(v1::CURRENCY_HUF);
  r.set_amount("10.5");  // HUF has no decimals at Barion
  r.set_target_email("nobody");
  r.set_comment(std::string(1001, 'x'));
  v1::SendMoneyByEmailResponse sent;
  grpc::Status s = h_.wallets().SendMoneyByEmail(Deadline(10).get(), r, &sent);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadFields(s),
              testing::ElementsAre("source_account_id", "amount", "target_email", "comment"));
  EXPECT_EQ(h_.ControlGet("stats"), before) << "an invalid request reached Barion";

  v1::GetAccountsRequest unknown;
  unknown.set_wallet("petty-cash");
  v1::GetAccountsResponse accounts;
  s = h_.wallets().GetAccounts(Deadline(10).get(), unknown, &accounts);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadFields(s), std::vector<std::string>{"wallet"});
}

v1::SendBankTransferRequest BankTransfer(const std::string& amount) {
  v1::SendBankTransferRequest r;
  r.set_wallet("treasury");
  r.set_currency(v1::CURRENCY_HUF);
  r.set_amount(amount);
  r.set_comment("Invoice 2026/118");
  r.mutable_bank_account()->set_country("HUN");
  r.mutable_bank_account()->set_format(v1::BANK_ACCOUNT_FORMAT_GIRO);
  r.mutable_bank_account()->set_account_number("117730161111101800000000");
  r.mutable_recipient()->set_name("Supplier Kft.");
  r.mutable_recipient()->mutable_address()->set_country("HUN");
  r.mutable_recipient()->mutable_address()->set_zip("1117");
  return r;
}

TEST_F(WalletTest, SendsABankTransferFromTheAccountOfItsCurrency) {
  v1::SendBankTransferResponse sent;
  grpc::Status s = h_.wallets().SendBankTransfer(Deadline(10).get(), BankTransfer("25000"), &sent);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(sent.transaction_id().size(), 36u);
  EXPECT_EQ(sent.currency(), v1::CURRENCY_HUF);
  EXPECT_EQ(sent.amount(), "25000");
  // Bank transfer v3 echoes what it was sent.
  EXPECT_EQ(sent.comment(), "Invoice 2026/118");
  EXPECT_EQ(sent.bank_account().format(), v1::BANK_ACCOUNT_FORMAT_GIRO);
  EXPECT_EQ(sent.bank_account().account_number(), "117730161111101800000000");
  EXPECT_EQ(sent.recipient().name(), "Supplier Kft.");
  EXPECT_EQ(sent.recipient().address().zip(), "1117");
  EXPECT_EQ(Account(Accounts(), v1::CURRENCY_HUF)->available_balance(), "975000");

  s = h_.wallets().SendBankTransfer(Deadline(10).get(), BankTransfer("975001"), &sent);
  EXPECT_EQ(Reasons(s), std::vector<std::string>{"InsufficientFunds"});
  EXPECT_EQ(Account(Accounts(), v1::CURRENCY_HUF)->available_balance(), "975000");
}

TEST_F(WalletTest, ABankTransferToAnAccountOfAnotherNationalFormat) {
  v1::SendBankTransferRequest r = BankTransfer("1000");
  r.mutable_bank_account()->set_country("NOR");
  r.mutable_bank_account()->set_format(v1::BANK_ACCOUNT_FORMAT_OTHER);
  r.mutable_bank_account()->set_account_number("86011117947");
  r.set_swift_code("DNBANOKK");
  v1::SendBankTransferResponse sent;
  grpc::Status s = h_.wallets().SendBankTransfer(Deadline(10).get(), r, &sent);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(sent.bank_account().format(), v1::BANK_ACCOUNT_FORMAT_OTHER);
  EXPECT_EQ(sent.bank_account().country(), "NOR");
  EXPECT_EQ(sent.swift_code(), "DNBANOKK");
}

TEST_F(WalletTest, ABadBankTransferListsEveryFieldAndReachesNoOne) {
  const std::string before = h_.ControlGet("stats");
  v1::SendBankTransferRequest r = BankTransfer("0");
  r.set_comment(std::string(91, 'x'));
  r.mutable_bank_account()->set_country("HU");
  r.mutable_bank_account()->set_format(v1::BANK_ACCOUNT_FORMAT_IBAN);  // needs a SWIFT code
  r.mutable_bank_account()->clear_account_number();
  r.mutable_recipient()->clear_name();
  r.mutable_recipient()->mutable_address()->set_zip(std::string(17, '1'));
  v1::SendBankTransferResponse sent;
  grpc::Status s = h_.wallets().SendBankTransfer(Deadline(10).get(), r, &sent);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadFields(s), testing::ElementsAre("amount", "comment", "bank_account.country",
                                                 "bank_account.account_number", "swift_code",
                                                 "recipient.name", "recipient.address.zip"));
  EXPECT_EQ(h_.ControlGet("stats"), before) << "an invalid request reached Barion";
}

struct Download {
  grpc::Status status;
  std::string content_type;
  std::string data;
  int messages = 0;
};

Download DownloadStatement(Harness& h, int year, int month, int day) {
  v1::DownloadStatementRequest r;
  r.set_wallet("treasury");
  r.set_year(year);
  r.set_month(month);
  r.set_day(day);
  r.set_currency(v1::CURRENCY_HUF);
  Download d;
  auto context = Deadline(20);
  auto reader = h.wallets().DownloadStatement(context.get(), r);
  v1::DownloadStatementResponse message;
  while (reader->Read(&message)) {
    if (d.messages++ == 0) d.content_type = message.content_type();
    d.data += message.data();
  }
  d.status = reader->Finish();
  return d;
}

TEST_F(WalletTest, DownloadsAStatementAsAStreamOfChunks) {
  Download monthly = DownloadStatement(h_, 2025, 12, 0);
  ASSERT_TRUE(monthly.status.ok()) << monthly.status.error_message();
  EXPECT_EQ(monthly.content_type, "application/pdf");
  EXPECT_EQ(monthly.data.substr(0, 8), "%PDF-1.4");
  EXPECT_GE(monthly.data.size(), 300u * 1024);
  EXPECT_GT(monthly.messages, 1) << "the file came in one piece";
  EXPECT_NE(monthly.data.find("treasury, HUF account, 2025-12, line 1\n"), std::string::npos);

  Download daily = DownloadStatement(h_, 2026, 1, 31);
  ASSERT_TRUE(daily.status.ok()) << daily.status.error_message();
  EXPECT_EQ(daily.content_type,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(daily.data.substr(0, 2), "PK");
}

TEST_F(WalletTest, StatementErrorsAreStructured) {
  Download future = DownloadStatement(h_, 2099, 1, 0);
  EXPECT_EQ(future.status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Reasons(future.status), std::vector<std::string>{"StatementNotFound"});
  EXPECT_EQ(future.messages, 0);

  Download bad = DownloadStatement(h_, 1999, 13, 32);
  EXPECT_EQ(bad.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadFields(bad.status), testing::ElementsAre("year", "month", "day"));
}

TEST_F(WalletTest, HistoryListsTransfersNewestFirstPageByPageWithDetails) {
  const std::string eur = Account(Accounts(), v1::CURRENCY_EUR)->account_id();
  v1::SendMoneyByEmailResponse sent;
  ASSERT_TRUE(h_.wallets().SendMoneyByEmail(Deadline(10).get(), Transfer(eur, "7.50"), &sent).ok());
  v1::SendBankTransferResponse transferred;
  ASSERT_TRUE(
      h_.wallets().SendBankTransfer(Deadline(10).get(), BankTransfer("2500"), &transferred).ok());

  v1::GetHistoryRequest request;
  request.set_wallet("treasury");
  request.set_limit(2);
  v1::GetHistoryResponse page1, page2;
  ASSERT_TRUE(h_.wallets().GetHistory(Deadline(10).get(), request, &page1).ok());
  ASSERT_EQ(page1.items_size(), 2);
  EXPECT_EQ(page1.items(0).type(), "Withdraw");
  EXPECT_EQ(page1.items(0).amount(), "2500");
  EXPECT_EQ(page1.items(0).currency(), v1::CURRENCY_HUF);
  EXPECT_EQ(page1.items(0).balance_change(), v1::BALANCE_CHANGE_DEBIT);
  EXPECT_EQ(page1.items(1).type(), "InternalTransfer");
  EXPECT_EQ(page1.items(1).amount(), "7.50");
  EXPECT_EQ(page1.items(1).target().login_name(), "anna@example.com");
  EXPECT_TRUE(page1.items(1).has_happened_at());

  request.set_last_visible_item_id(page1.items(1).id());
  ASSERT_TRUE(h_.wallets().GetHistory(Deadline(10).get(), request, &page2).ok());
  ASSERT_EQ(page2.items_size(), 2);  // the two opening balances
  EXPECT_EQ(page2.items(0).type(), "CashTopUp");
  EXPECT_EQ(page2.items(0).balance_change(), v1::BALANCE_CHANGE_CREDIT);

  v1::GetHistoryRequest eur_only;
  eur_only.set_wallet("treasury");
  eur_only.set_currency(v1::CURRENCY_EUR);
  v1::GetHistoryResponse eur_items;
  ASSERT_TRUE(h_.wallets().GetHistory(Deadline(10).get(), eur_only, &eur_items).ok());
  EXPECT_EQ(eur_items.items_size(), 2);  // the transfer and the EUR opening balance

  v1::GetHistoryItemRequest item;
  item.set_wallet("treasury");
  item.set_item_id(page1.items(0).id());
  v1::GetHistoryItemResponse detail;
  ASSERT_TRUE(h_.wallets().GetHistoryItem(Deadline(10).get(), item, &detail).ok());
  EXPECT_EQ(detail.item().id(), page1.items(0).id());
  EXPECT_EQ(detail.item().type(), "Withdraw");
  EXPECT_EQ(detail.item().amount(), "2500");
  EXPECT_THAT(detail.detail_json(),
              testing::HasSubstr("\"BankAccountNumber\":\"117730161111101800000000\""));
}

TEST_F(WalletTest, HistoryRequestsAreValidated) {
  v1::GetHistoryRequest request;
  request.set_wallet("treasury");
  request.set_limit(21);
  request.set_last_visible_item_id("last");
  v1::GetHistoryResponse response;
  grpc::Status s = h_.wallets().GetHistory(Deadline(10).get(), request, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadFields(s), testing::ElementsAre("limit", "last_visible_item_id"));
  v1::GetHistoryItemRequest item;
  item.set_wallet("treasury");
  v1::GetHistoryItemResponse detail;
  s = h_.wallets().GetHistoryItem(Deadline(10).get(), item, &detail);
  EXPECT_EQ(BadFields(s), std::vector<std::string>{"item_id"});
}

// The shop's secret POS key as Barion (the sandbox) tells it to the wallet's owner, read past
// the gateway.
std::string SecretKeyAtBarion(Harness& h, const std::string& public_key) {
  httplib::Client client(h.sandbox().http_url());
  auto res = client.Get(("/v1/Pos/" + public_key).c_str(), {{"x-api-key", kWalletApiKey}});
  if (!res || res->status != 200) return "";
  rapidjson::Document doc;
  doc.Parse(res->body.c_str());
  return doc.IsObject() && doc.HasMember("SecretKey") ? doc["SecretKey"].GetString() : "";
}

// `message` in every form a client could read it: binary, text format, and JSON-ish debug text.
void ExpectNoSecret(const google::protobuf::Message& message, const std::string& secret) {
  ASSERT_EQ(secret.size(), 36u);
  std::string without_hyphens = secret;
  without_hyphens.erase(std::remove(without_hyphens.begin(), without_hyphens.end(), '-'),
                        without_hyphens.end());
  for (const std::string& text : {message.SerializeAsString(), message.DebugString()}) {
    // Booleans, so that a failure does not print the key it found.
    EXPECT_FALSE(absl::StrContains(text, secret)) << "the answer carries the shop's POSKey";
    EXPECT_FALSE(absl::StrContains(text, without_hyphens)) << "the answer carries the POSKey";
    EXPECT_FALSE(absl::StrContains(text, "SecretKey")) << "the answer carries Barion's SecretKey";
  }
}

v1::CreatePosRequest NewShop() {
  v1::CreatePosRequest r;
  r.set_wallet("treasury");
  r.set_name("Tea Shop");
  r.set_url("https://tea.example");
  r.set_description("Loose leaf teas from small farms");
  r.set_logo(std::string("\x89PNG\r\n", 6));
  r.add_categories("FoodDrink");
  r.mutable_business_contact()->set_name("Anna");
  r.mutable_business_contact()->set_email("anna@tea.example");
  r.mutable_technical_contact()->set_name("Bela");
  r.mutable_technical_contact()->set_email("bela@tea.example");
  r.mutable_customer_service_contact()->set_email("help@tea.example");
  r.mutable_customer_service_contact()->set_phone_number("+36301234567");
  r.set_primary_currency(v1::CURRENCY_HUF);
  r.set_expected_turnover(2);
  r.set_callback_url("https://tea.example/barion");
  r.set_reference_id("tea-1");
  return r;
}

TEST_F(WalletTest, NeitherCreatePosNorGetPosHandsOutTheShopsSecretKey) {
  v1::CreatePosResponse created;
  grpc::Status s = h_.wallets().CreatePos(Deadline(10).get(), NewShop(), &created);
  ASSERT_TRUE(s.ok()) << s.error_message();
  const std::string secret = SecretKeyAtBarion(h_, created.public_key());
  ASSERT_FALSE(secret.empty()) << "Barion (the sandbox) answers Pos-Get with the SecretKey";
  ExpectNoSecret(created, secret);

  v1::GetPosRequest get;
  get.set_wallet("treasury");
  get.set_public_key(created.public_key());
  v1::GetPosResponse pos;
  s = h_.wallets().GetPos(Deadline(10).get(), get, &pos);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(pos.public_key(), created.public_key());
  ExpectNoSecret(pos, secret);
}

TEST_F(WalletTest, CreatesAShopAndReadsItBack) {
  v1::CreatePosResponse created;
  grpc::Status s = h_.wallets().CreatePos(Deadline(10).get(), NewShop(), &created);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(created.public_key().size(), 36u);
  EXPECT_EQ(created.status(), "NewUnderApproval");
  EXPECT_EQ(created.name(), "Tea Shop");

  v1::GetPosRequest get;
  get.set_wallet("treasury");
  get.set_public_key(created.public_key());
  v1::GetPosResponse pos;
  s = h_.wallets().GetPos(Deadline(10).get(), get, &pos);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(pos.name(), "Tea Shop");
  EXPECT_EQ(pos.url(), "https://tea.example");
  EXPECT_EQ(pos.status(), "NewUnderApproval");
  EXPECT_FALSE(pos.is_open());
  EXPECT_EQ(pos.description(), "Loose leaf teas from small farms");
  EXPECT_THAT(pos.categories(), testing::ElementsAre("FoodDrink"));
  EXPECT_EQ(pos.business_contact().email(), "anna@tea.example");
  EXPECT_EQ(pos.technical_contact().name(), "Bela");
  EXPECT_EQ(pos.customer_service_contact().phone_number(), "+36301234567");
  EXPECT_EQ(pos.callback_url(), "https://tea.example/barion");
  EXPECT_EQ(pos.reference_id(), "tea-1");
  EXPECT_THAT(pos.logo_url(), testing::HasSubstr("/shop-logos/"));

  get.set_public_key("0123456789abcdef0123456789abcdef");
  s = h_.wallets().GetPos(Deadline(10).get(), get, &pos);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Reasons(s), std::vector<std::string>{"POS_NOT_FOUND"});
}

TEST_F(WalletTest, ABadShopListsEveryFieldAndReachesNoOne) {
  const std::string before = h_.ControlGet("stats");
  v1::CreatePosRequest r = NewShop();
  r.set_url("http://tea.example");
  r.set_description("Tea");
  r.set_categories(0, "Tea");
  r.mutable_technical_contact()->clear_name();
  r.set_primary_currency(v1::CURRENCY_UNSPECIFIED);
  r.set_expected_turnover(7);
  r.set_percentage_of_non_eu_cards(101);
  v1::CreatePosResponse created;
  grpc::Status s = h_.wallets().CreatePos(Deadline(10).get(), r, &created);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      BadFields(s),
      testing::ElementsAre("url", "description", "categories[0]", "technical_contact.name",
                           "primary_currency", "expected_turnover", "percentage_of_non_eu_cards"));
  EXPECT_EQ(h_.ControlGet("stats"), before) << "an invalid request reached Barion";
}

// A wrong API key: every wallet operation gets Barion's AuthenticationFailed, and the key
// appears in no error.
TEST(WalletAuthTest, AWrongApiKeyIsRefusedEverywhereWithoutEchoingIt) {
  HarnessOptions options;
  options.wallet_api_key = "ffffffffffffffffffffffffffffffff";
  Harness h(options);
  auto expect_refused = [](const grpc::Status& s, const char* rpc) {
    EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << rpc;
    EXPECT_EQ(Reasons(s), std::vector<std::string>{"AuthenticationFailed"}) << rpc;
    EXPECT_EQ(s.error_message().find("ffffffff"), std::string::npos) << rpc;
    EXPECT_EQ(s.error_details().find("ffffffff"), std::string::npos) << rpc;
  };
  v1::GetAccountsRequest accounts;
  v1::GetAccountsResponse accounts_out;
  expect_refused(h.wallets().GetAccounts(Deadline(10).get(), accounts, &accounts_out),
                 "GetAccounts");
  v1::SendMoneyByEmailRequest email;
  email.set_source_account_id("0123456789abcdef0123456789abcdef");
  email.set_currency(v1::CURRENCY_EUR);
  email.set_amount("1");
  email.set_target_email("anna@example.com");
  v1::SendMoneyByEmailResponse email_out;
  expect_refused(h.wallets().SendMoneyByEmail(Deadline(10).get(), email, &email_out),
                 "SendMoneyByEmail");
  v1::SendBankTransferResponse bank_out;
  expect_refused(h.wallets().SendBankTransfer(Deadline(10).get(), BankTransfer("1"), &bank_out),
                 "SendBankTransfer");
  expect_refused(DownloadStatement(h, 2025, 12, 0).status, "DownloadStatement");
  v1::GetHistoryRequest history;
  v1::GetHistoryResponse history_out;
  expect_refused(h.wallets().GetHistory(Deadline(10).get(), history, &history_out), "GetHistory");
  v1::GetHistoryItemRequest item;
  item.set_item_id("0123456789abcdef0123456789abcdef");
  v1::GetHistoryItemResponse item_out;
  expect_refused(h.wallets().GetHistoryItem(Deadline(10).get(), item, &item_out), "GetHistoryItem");
  v1::CreatePosResponse pos_out;
  expect_refused(h.wallets().CreatePos(Deadline(10).get(), NewShop(), &pos_out), "CreatePos");
  v1::GetPosRequest pos;
  pos.set_public_key("0123456789abcdef0123456789abcdef");
  v1::GetPosResponse get_out;
  expect_refused(h.wallets().GetPos(Deadline(10).get(), pos, &get_out), "GetPos");
}

// Barion's refusal of an unknown history item reaches the client as it is.
TEST_F(WalletTest, AnUnknownHistoryItemIsBarionsModelValidationError) {
  v1::GetHistoryItemRequest item;
  item.set_wallet("treasury");
  item.set_item_id("0123456789abcdef0123456789abcdef");
  v1::GetHistoryItemResponse detail;
  grpc::Status s = h_.wallets().GetHistoryItem(Deadline(10).get(), item, &detail);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Reasons(s), std::vector<std::string>{"ModelValidationError"});
}

}  // namespace
}  // namespace barion_gateway::testing_support
