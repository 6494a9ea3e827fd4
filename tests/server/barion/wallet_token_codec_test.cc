// The Google Pay and Apple Pay starts' JSON: the token, no funding choice, the merchant session.
#include <string>

#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "server/barion/codec.h"

namespace barion_gateway::server {
namespace {

TEST(GooglePayCodecTest, SendsTheTokenAndNoFundingChoice) {
  barion::v1::StartGooglePayPaymentRequest r;
  barion::v1::StartPaymentRequest* p = r.mutable_payment();
  p->set_payment_type(barion::v1::PAYMENT_TYPE_IMMEDIATE);
  p->add_funding_sources(barion::v1::FUNDING_SOURCE_ALL);
  p->set_guest_check_out(true);
  p->set_payment_request_id("g-1");
  p->set_currency(barion::v1::CURRENCY_EUR);
  r.set_payer_email_address("payer@example.com");
  r.set_google_pay_token(R"({"signature":"MEUC"})");
  const std::string json = EncodeStartGooglePayPayment(r);
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  ASSERT_TRUE(doc.IsObject()) << json;
  // Google Pay's input extends Payment/Start v2, where both are required.
  ASSERT_TRUE(doc.HasMember("FundingSources"));
  EXPECT_STREQ(doc["FundingSources"][0].GetString(), "All");
  EXPECT_TRUE(doc["GuestCheckOut"].GetBool());
  EXPECT_STREQ(doc["PaymentType"].GetString(), "Immediate");
  EXPECT_STREQ(doc["PaymentRequestId"].GetString(), "g-1");
  EXPECT_STREQ(doc["PayerEmailAddress"].GetString(), "payer@example.com");
  EXPECT_STREQ(doc["GooglePayToken"].GetString(), R"({"signature":"MEUC"})");

  barion::v1::StartGooglePayPaymentResponse out;
  ASSERT_TRUE(DecodeStartGooglePayPayment(
                  ParsedAnswer::Parse(R"json({"PaymentId": "p", "PaymentRequestId": "g-1",
                      "PaymentStatus": "Succeeded", "IsSuccessful": true,
                      "ThreeDSAuthClientData": {"a": 1},
                      "TraceId": "T  1", "Errors": []})json"),
                  &out)
                  .ok());
  EXPECT_EQ(out.status(), barion::v1::PAYMENT_STATUS_SUCCEEDED);
  EXPECT_EQ(out.three_ds_auth_client_data(), R"({"a":1})");
  EXPECT_EQ(out.trace_id(), "T  1");
  EXPECT_TRUE(out.is_successful());
}

// Apple Pay: both contacts under Barion's names (ApplePay-StartPaymentWithAppleToken marks them
// Required); no funding choice, no guest checkout.
TEST(WalletTokenCodecTest, AnApplePayStartCarriesBothContacts) {
  barion::v1::StartApplePayPaymentRequest r;
  r.mutable_payment()->set_payment_type(barion::v1::PAYMENT_TYPE_IMMEDIATE);
  r.mutable_token()->set_transaction_identifier("8D3C");
  r.mutable_shipping_contact()->set_given_name("Anna");
  r.mutable_shipping_contact()->mutable_postal_address()->set_iso_country_code("HU");
  r.mutable_billing_contact()->set_email_address("anna@example.com");
  r.mutable_billing_contact()->mutable_postal_address()->set_postal_code("1117");
  rapidjson::Document doc;
  const std::string json = EncodeStartApplePayPayment(r);
  doc.Parse(json.c_str());
  ASSERT_TRUE(doc.IsObject()) << json;
  EXPECT_STREQ(doc["ShippingContact"]["GivenName"].GetString(), "Anna");
  EXPECT_STREQ(doc["ShippingContact"]["PostalAddress"]["IsoCountryCode"].GetString(), "HU");
  EXPECT_STREQ(doc["BillingContact"]["EmailAddress"].GetString(), "anna@example.com");
  EXPECT_STREQ(doc["BillingContact"]["PostalAddress"]["PostalCode"].GetString(), "1117");
  EXPECT_FALSE(doc.HasMember("FundingSources"));
  EXPECT_FALSE(doc.HasMember("GuestCheckOut"));
}

}  // namespace
}  // namespace barion_gateway::server

namespace barion_gateway::server {
namespace {

// Found by tests/fuzz/codec_fuzzer.cc: the merchant session was the answer's bytes, which may go
// on after a NUL that ends the JSON (and need not be UTF-8 there). It is now the parsed object.
TEST(ApplePayCodecTest, MerchantSessionIsThePassedObjectOnly) {
  const std::string body = std::string(R"({"nonce":"ab","expiresAt":1700000000000})") +
                           std::string("\0\xff\xfe garbage", 11);
  barion::v1::ValidateApplePaySessionResponse out;
  ASSERT_TRUE(DecodeValidateApplePaySession(ParsedAnswer::Parse(body), &out).ok());
  EXPECT_EQ(out.merchant_session_json(), R"({"nonce":"ab","expiresAt":1700000000000})");
}

}  // namespace
}  // namespace barion_gateway::server
