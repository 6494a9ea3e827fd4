// The wallet operations' JSON: exact amounts, Barion's spellings and shapes.
#include <string>

#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "server/barion/codec.h"

namespace barion_gateway::server {
namespace {

namespace v1 = ::barion::v1;

// Compares two JSON texts as documents, numbers by their exact text.
void ExpectSameJson(const std::string& actual, const std::string& expected) {
  rapidjson::Document a, e;
  a.Parse<rapidjson::kParseNumbersAsStringsFlag>(actual.c_str());
  e.Parse<rapidjson::kParseNumbersAsStringsFlag>(expected.c_str());
  ASSERT_FALSE(a.HasParseError()) << actual;
  ASSERT_FALSE(e.HasParseError()) << expected;
  EXPECT_TRUE(a == e) << "actual:   " << actual << "\nexpected: " << expected;
}

}  // namespace
}  // namespace barion_gateway::server

namespace barion_gateway::server {
namespace {

TEST(WalletCodecTest, EncodesAnEmailTransferWithAnExactAmount) {
  barion::v1::SendMoneyByEmailRequest r;
  r.set_wallet("treasury");  // the gateway's name: never sent
  r.set_source_account_id("bdf4a5a9-0c5e-4b9e-9d6f-1a2b3c4d5e6f");
  r.set_currency(barion::v1::CURRENCY_EUR);
  r.set_amount("12.30");
  r.set_target_email("anna@example.com");
  r.set_comment("Refund of order 7");
  ExpectSameJson(EncodeSendMoneyByEmail(r), R"json({
    "SourceAccountId": "bdf4a5a9-0c5e-4b9e-9d6f-1a2b3c4d5e6f",
    "Amount": {"Currency": "EUR", "Value": 12.30},
    "TargetEmail": "anna@example.com", "Comment": "Refund of order 7"})json");
}

TEST(WalletCodecTest, EncodesABankTransferInTheV3Shape) {
  barion::v1::SendBankTransferRequest r;
  r.set_currency(barion::v1::CURRENCY_EUR);
  r.set_amount("100.50");
  r.mutable_bank_account()->set_country("DEU");
  r.mutable_bank_account()->set_format(barion::v1::BANK_ACCOUNT_FORMAT_IBAN);
  r.mutable_bank_account()->set_account_number("DE89370400440532013000");
  r.set_swift_code("COBADEFFXXX");
  r.mutable_recipient()->set_name("Lieferant GmbH");
  ExpectSameJson(EncodeSendBankTransfer(r), R"json({
    "Currency": "EUR", "Amount": 100.50,
    "BankAccount": {"Country": "DEU", "Format": "IBAN", "AccountNumber": "DE89370400440532013000"},
    "Bank": {"SwiftCode": "COBADEFFXXX"}, "Recipient": {"Name": "Lieferant GmbH"}})json");
  barion::v1::SendBankTransferResponse out;
  ASSERT_TRUE(DecodeSendBankTransfer(ParsedAnswer::Parse(R"json({"TransactionId": "t1",
      "Currency": "EUR", "Amount": 100.5, "Errors": []})json"),
                                     &out)
                  .ok());
  EXPECT_EQ(out.transaction_id(), "t1");
  EXPECT_EQ(out.amount(), "100.50");
}

TEST(WalletCodecTest, DecodesAccountsInBothDocumentedShapes) {
  barion::v1::GetAccountsResponse r;
  ASSERT_TRUE(DecodeAccounts(ParsedAnswer::Parse(R"json({"Accounts": [
      {"AccountId": "a1", "Currency": "HUF", "Balance": {"Available": 125000.00, "Blocked": 0},
       "TopUpInfo": {"BBANCountry": "HU", "BBAN": "123", "IBAN": "HU42123", "Reference": "R1",
                     "SwiftCode": "GIBAHUHB", "Beneficiary": {"Name": "Barion", "Country": "HU",
                     "City": "Budapest", "Zip": "1117", "Street": "Infopark"}}},
      {"AccountId": "a2", "Currency": "XAU", "Balance": {"Available": 1.5, "Blocked": 0.25},
       "AccountInfo": {"IBAN": "HU00"}}],
    "Errors": []})json"),
                             &r)
                  .ok());
  ASSERT_EQ(r.accounts_size(), 2);
  EXPECT_EQ(r.accounts(0).account_id(), "a1");
  EXPECT_EQ(r.accounts(0).currency(), barion::v1::CURRENCY_HUF);
  EXPECT_EQ(r.accounts(0).available_balance(), "125000");
  EXPECT_EQ(r.accounts(0).blocked_balance(), "0");
  EXPECT_EQ(r.accounts(0).top_up_information().iban(), "HU42123");
  EXPECT_EQ(r.accounts(0).top_up_information().beneficiary().zip(), "1117");
  // A currency this version does not know passes through as text, amounts untouched.
  EXPECT_EQ(r.accounts(1).currency(), barion::v1::CURRENCY_UNSPECIFIED);
  EXPECT_EQ(r.accounts(1).currency_raw(), "XAU");
  EXPECT_EQ(r.accounts(1).available_balance(), "1.5");
  EXPECT_EQ(r.accounts(1).top_up_information().iban(), "HU00");

  barion::v1::SendMoneyByEmailResponse t;
  ASSERT_TRUE(
      DecodeSendMoneyByEmail(
          ParsedAnswer::Parse(R"json({"IsTransferSuccessful": true, "Errors": []})json"), &t)
          .ok());
  EXPECT_TRUE(t.transfer_successful());
}

}  // namespace
}  // namespace barion_gateway::server

namespace barion_gateway::server {
namespace {

TEST(PosCodecTest, EncodesBarionsSpellingAndABase64Logo) {
  barion::v1::CreatePosRequest r;
  r.set_name("Tea Shop");
  r.set_logo("\x01\x02\x03");
  r.add_categories("FoodDrink");
  r.set_primary_currency(barion::v1::CURRENCY_EUR);
  r.set_expected_turnover(3);
  r.set_callback_url("https://tea.example/barion");
  r.set_custom_template("<p>{ShopName}</p>");
  r.set_custom_css("body { color: teal }");
  rapidjson::Document doc;
  const std::string json = EncodeCreatePos(r);
  doc.Parse(json.c_str());
  ASSERT_TRUE(doc.IsObject()) << json;
  EXPECT_STREQ(doc["Logo"].GetString(), "AQID");
  EXPECT_STREQ(doc["CallBackUrl"].GetString(), "https://tea.example/barion");
  EXPECT_FALSE(doc.HasMember("CallbackUrl"));
  EXPECT_STREQ(doc["Category"][0].GetString(), "FoodDrink");
  EXPECT_STREQ(doc["PrimaryCurrency"].GetString(), "EUR");
  EXPECT_EQ(doc["ExpectedTurnover"].GetInt(), 3);
  EXPECT_STREQ(doc["CustomTemplate"].GetString(), "<p>{ShopName}</p>");
  EXPECT_STREQ(doc["CustomCss"].GetString(), "body { color: teal }");
}

}  // namespace
}  // namespace barion_gateway::server
