// The codec against test vectors built from Barion's documented fields (docs/BARION.md), field by
// field, both ways.
#include "server/barion/codec.h"

#include <string>

#include "google/protobuf/text_format.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"

namespace barion_gateway::server {
namespace {

namespace v1 = ::barion::v1;
using google::protobuf::util::TimeUtil;

v1::StartPaymentRequest FromText(const std::string& text) {
  v1::StartPaymentRequest r;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &r)) << text;
  return r;
}

// Compares two JSON texts as documents, numbers by their exact text.
void ExpectSameJson(const std::string& actual, const std::string& expected) {
  rapidjson::Document a, e;
  a.Parse<rapidjson::kParseNumbersAsStringsFlag>(actual.c_str());
  e.Parse<rapidjson::kParseNumbersAsStringsFlag>(expected.c_str());
  ASSERT_FALSE(a.HasParseError()) << actual;
  ASSERT_FALSE(e.HasParseError()) << expected;
  EXPECT_TRUE(a == e) << "actual:   " << actual << "\nexpected: " << expected;
}

std::string Ts(const google::protobuf::Timestamp& t) { return TimeUtil::ToString(t); }

// Test vector: an immediate card payment request, as the gateway sends it (empty strings such as
// Street3 are omitted).
constexpr char kStartRequestText[] = R"pb(
  payment_type: PAYMENT_TYPE_IMMEDIATE
  payment_window { seconds: 1800 }
  guest_check_out: true
  funding_sources: FUNDING_SOURCE_ALL
  payment_request_id: "WEB-20240514-000731"
  order_number: "SO-000731"
  payer_hint: "anna.kovacs@example.org"
  card_holder_name_hint: "Kovacs Anna"
  payer_phone_number: "36301234567"
  redirect_url: "https://shop.example.com/barion/return"
  callback_url: "https://shop.example.com/barion/callback"
  locale: "hu-HU"
  currency: CURRENCY_HUF
  challenge_preference: CHALLENGE_PREFERENCE_NO_PREFERENCE
  shipping_address {
    country: "HU"
    city: "Budapest"
    zip: "1051"
    street: "Minta utca 12."
    street2: "3. emelet 4."
    full_name: "Kovács Anna"
  }
  billing_address {
    country: "HU"
    city: "Budapest"
    zip: "1051"
    street: "Minta utca 12."
    street2: "3. emelet 4."
  }
  payer_account_information {
    account_id: "cust-58213"
    account_created { seconds: 1667466764 }
    account_creation_indicator: AGE_INDICATOR_MORE_THAN_60_DAYS
    password_change_indicator: AGE_INDICATOR_NO_CHANGE
    purchases_in_the_last6_months: 4
    suspicious_activity_indicator: SUSPICIOUS_ACTIVITY_INDICATOR_NO_SUSPICIOUS_ACTIVITY_OBSERVED
  }
  purchase_information {
    delivery_timeframe: DELIVERY_TIMEFRAME_TWO_DAY_OR_MORE_SHIPPING
    availability_indicator: AVAILABILITY_INDICATOR_MERCHANDISE_AVAILABLE
    re_order_indicator: RE_ORDER_INDICATOR_FIRST_TIME_ORDERED
    shipping_address_indicator: SHIPPING_ADDRESS_INDICATOR_SHIP_TO_CARDHOLDERS_BILLING_ADDRESS
    purchase_type: PURCHASE_TYPE_GOODS_AND_SERVICE_PURCHASE
    purchase_date { seconds: 1715674890 }
  }
  transactions {
    pos_transaction_id: "SO-000731-1"
    payee: "sales@shop.example.com"
    total: "12990"
    comment: "web order SO-000731"
    items {
      name: "Bluetooth headset"
      description: "Over-ear, black"
      quantity: "1"
      unit: "pcs"
      unit_price: "9990"
      item_total: "9990"
      sku: "BT-HS-01"
    }
    items {
      name: "Home delivery"
      description: "Courier, 2-3 working days"
      quantity: "1"
      unit: "pcs"
      unit_price: "3000"
      item_total: "3000"
      sku: "SHIP-STD"
    }
  }
)pb";

constexpr char kStartRequestJson[] = R"json({
  "PaymentType": "Immediate", "PaymentWindow": "00:30:00", "GuestCheckOut": true,
  "InitiateRecurrence": false, "FundingSources": ["All"],
  "PaymentRequestId": "WEB-20240514-000731", "OrderNumber": "SO-000731",
  "PayerHint": "anna.kovacs@example.org", "CardHolderNameHint": "Kovacs Anna",
  "PayerPhoneNumber": "36301234567",
  "RedirectUrl": "https://shop.example.com/barion/return",
  "CallbackUrl": "https://shop.example.com/barion/callback",
  "Locale": "hu-HU", "Currency": "HUF", "ChallengePreference": "NoPreference",
  "ShippingAddress": { "Country": "HU", "Region": null, "City": "Budapest", "Zip": "1051",
    "Street": "Minta utca 12.", "Street2": "3. emelet 4.", "FullName": "Kovács Anna" },
  "BillingAddress": { "Country": "HU", "Region": null, "City": "Budapest", "Zip": "1051",
    "Street": "Minta utca 12.", "Street2": "3. emelet 4." },
  "PayerAccountInformation": { "AccountId": "cust-58213",
    "AccountCreated": "2022-11-03T09:12:44.000", "AccountCreationIndicator": "MoreThan60Days",
    "PasswordChangeIndicator": "NoChange", "PurchasesInTheLast6Months": 4,
    "SuspiciousActivityIndicator": "NoSuspiciousActivityObserved" },
  "PurchaseInformation": { "DeliveryTimeframe": "TwoDayOrMoreShipping",
    "AvailabilityIndicator": "MerchandiseAvailable", "ReOrderIndicator": "FirstTimeOrdered",
    "ShippingAddressIndicator": "ShipToCardholdersBillingAddress",
    "PurchaseType": "GoodsAndServicePurchase", "PurchaseDate": "2024-05-14T08:21:30.000" },
  "Transactions": [ { "POSTransactionId": "SO-000731-1", "Payee": "sales@shop.example.com",
    "Total": 12990, "Comment": "web order SO-000731", "Items": [
      { "Name": "Bluetooth headset", "Description": "Over-ear, black", "Quantity": 1,
        "Unit": "pcs", "UnitPrice": 9990, "ItemTotal": 9990, "SKU": "BT-HS-01" },
      { "Name": "Home delivery", "Description": "Courier, 2-3 working days", "Quantity": 1,
        "Unit": "pcs", "UnitPrice": 3000, "ItemTotal": 3000, "SKU": "SHIP-STD" } ] } ]
})json";

TEST(EncodeStartPaymentTest, MatchesImmediatePaymentVector) {
  const std::string json = EncodeStartPayment(FromText(kStartRequestText));
  ExpectSameJson(json, kStartRequestJson);
  // Amounts are JSON numbers (not strings), written exactly.
  EXPECT_NE(json.find("\"Total\":12990,"), std::string::npos) << json;
  // Barion's documented names, not the libraries' misspellings.
  EXPECT_NE(json.find("PayerAccountInformation"), std::string::npos);
  EXPECT_EQ(json.find("PayerAccount\""), std::string::npos);
  EXPECT_NE(json.find("PurchasesInTheLast6Months"), std::string::npos);
}

TEST(EncodeStartPaymentTest, MatchesRecurringChargeVectorWithByteExactTraceId) {
  v1::StartPaymentRequest r = FromText(R"pb(
    payment_type: PAYMENT_TYPE_IMMEDIATE
    guest_check_out: true
    funding_sources: FUNDING_SOURCE_ALL
    payment_request_id: "SUB-1007-2024-06"
    order_number: "SUB-1007-2024-06"
    recurrence_id: "SUB-1007-TOKEN-01"
    recurrence_type: RECURRENCE_TYPE_RECURRING_PAYMENT
    trace_id: "QW4X8Z1K7M0514  9"
    redirect_url: "https://app.example.com/billing/return"
    callback_url: "https://app.example.com/billing/barion-callback"
    locale: "en-US"
    currency: CURRENCY_EUR
    transactions {
      pos_transaction_id: "SUB-1007-2024-06-1"
      payee: "billing@app.example.com"
      total: "9.99"
      items {
        name: "Pro plan"
        description: "Monthly subscription, June 2024"
        quantity: "1"
        unit: "month"
        unit_price: "9.99"
        item_total: "9.99"
      }
    }
  )pb");
  const std::string json = EncodeStartPayment(r);
  ExpectSameJson(json, R"json({
    "PaymentType": "Immediate", "GuestCheckOut": true, "FundingSources": ["All"],
    "PaymentRequestId": "SUB-1007-2024-06", "OrderNumber": "SUB-1007-2024-06",
    "InitiateRecurrence": false, "RecurrenceId": "SUB-1007-TOKEN-01",
    "RecurrenceType": "RecurringPayment", "TraceId": "QW4X8Z1K7M0514  9",
    "RedirectUrl": "https://app.example.com/billing/return",
    "CallbackUrl": "https://app.example.com/billing/barion-callback",
    "Locale": "en-US", "Currency": "EUR",
    "Transactions": [ { "POSTransactionId": "SUB-1007-2024-06-1",
      "Payee": "billing@app.example.com", "Total": 9.99,
      "Items": [ { "Name": "Pro plan", "Description": "Monthly subscription, June 2024",
                   "Quantity": 1, "Unit": "month", "UnitPrice": 9.99, "ItemTotal": 9.99 } ] } ]
  })json");
  EXPECT_NE(json.find("\"TraceId\":\"QW4X8Z1K7M0514  9\""), std::string::npos);
}

TEST(EncodeStartPaymentTest, TokenRegistrationCarriesRecurringData) {
  v1::StartPaymentRequest r = FromText(R"pb(
    payment_type: PAYMENT_TYPE_IMMEDIATE
    funding_sources: FUNDING_SOURCE_ALL
    payment_request_id: "SUB-1007-INIT"
    initiate_recurrence: true
    recurrence_id: "SUB-1007-TOKEN-01"
    recurrence_type: RECURRENCE_TYPE_RECURRING_PAYMENT
    redirect_url: "https://app.example.com/r"
    locale: "en-US"
    currency: CURRENCY_EUR
    purchase_information {
      recurring_expiry { seconds: 1747180800 }
      recurring_frequency: 30
      delivery_email_address: "peter.example@example.net"
    }
    transactions { pos_transaction_id: "t" payee: "b@a.example" total: "9.99" }
  )pb");
  const std::string json = EncodeStartPayment(r);
  EXPECT_NE(json.find("\"InitiateRecurrence\":true"), std::string::npos);
  EXPECT_NE(json.find("\"RecurringExpiry\":\"2025-05-14T00:00:00.000\""), std::string::npos);
  EXPECT_NE(json.find("\"RecurringFrequency\":30"), std::string::npos);
}

TEST(EncodeStartPaymentTest, KeepsAmountTextExactly) {
  v1::StartPaymentRequest r = FromText(R"pb(
    payment_type: PAYMENT_TYPE_RESERVATION
    reservation_period { seconds: 86400 }
    funding_sources: FUNDING_SOURCE_BANK_CARD
    funding_sources: FUNDING_SOURCE_BALANCE
    payment_request_id: "p"
    redirect_url: "https://x.example/r"
    locale: "en-US"
    currency: CURRENCY_HUF
    transactions { pos_transaction_id: "a" payee: "p@x.example" total: "123456789012345" }
    transactions { pos_transaction_id: "b" payee: "p@x.example" total: "10" }
  )pb");
  const std::string json = EncodeStartPayment(r);
  EXPECT_NE(json.find("\"Total\":123456789012345,"), std::string::npos) << json;
  EXPECT_NE(json.find("\"ReservationPeriod\":\"1.00:00:00\""), std::string::npos);
  EXPECT_NE(json.find("\"FundingSources\":[\"BankCard\",\"Balance\"]"), std::string::npos);

  r.set_currency(v1::CURRENCY_EUR);
  r.mutable_transactions(1)->set_total("0.10");
  EXPECT_NE(EncodeStartPayment(r).find("\"Total\":0.10,"), std::string::npos);
}

TEST(EncodeFinishReservationTest, MatchesVector) {
  v1::FinishReservationRequest r;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(
        payment_id: "7c8d9e0f1a2b43c4d5e6f7a8b9c0d1e2"
        transactions {
          transaction_id: "0a1b2c3d4e5f46a7b8c9d0e1f2a3b4c5"
          total: "25.50"
          comment: "one item out of stock"
        }
        transactions { transaction_id: "1b2c3d4e5f6a47b8c9d0e1f2a3b4c5d6" total: "0" }
      )pb",
      &r));
  ExpectSameJson(EncodeFinishReservation(r), R"json({
    "PaymentId": "7c8d9e0f1a2b43c4d5e6f7a8b9c0d1e2",
    "Transactions": [
      { "TransactionId": "0a1b2c3d4e5f46a7b8c9d0e1f2a3b4c5", "Total": 25.50,
        "Comment": "one item out of stock" },
      { "TransactionId": "1b2c3d4e5f6a47b8c9d0e1f2a3b4c5d6", "Total": 0 } ] })json");
}

TEST(EncodeRefundTest, MatchesVector) {
  v1::RefundRequest r;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(
        payment_id: "4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6"
        transactions_to_refund {
          transaction_id: "8a7b6c5d4e3f42a1b0c9d8e7f6a5b4c3"
          pos_transaction_id: "SO-000731-R1"
          amount_to_refund: "3000"
          comment: "Delivery fee refunded"
        }
      )pb",
      &r));
  ExpectSameJson(EncodeRefund(r), R"json({ "PaymentId": "4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6",
    "TransactionsToRefund": [ { "TransactionId": "8a7b6c5d4e3f42a1b0c9d8e7f6a5b4c3",
      "POSTransactionId": "SO-000731-R1", "AmountToRefund": 3000,
      "Comment": "Delivery fee refunded" } ] })json");
}

TEST(EncodeSimpleOperationsTest, SendOnlyThePaymentId) {
  v1::CancelAuthorizationRequest c;
  c.set_payment_id("4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6");
  EXPECT_EQ(EncodeCancelAuthorization(c), R"({"PaymentId":"4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6"})");
  v1::CompleteRequest d;
  d.set_payment_id("4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6");
  EXPECT_EQ(EncodeComplete(d), R"({"PaymentId":"4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6"})");
}

// Test vector: Barion's answer to that Start.
constexpr char kStartResponse[] = R"json({
  "PaymentId": "4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6", "PaymentRequestId": "WEB-20240514-000731",
  "Status": "Prepared",
  "QRUrl": "https://api.test.barion.com/qr/generate?paymentId=4f1d2c3b-5a6e-47c8-b9d0-e1f2a3b4c5d6&size=Large",
  "Transactions": [ { "POSTransactionId": "SO-000731-1",
    "TransactionId": "8a7b6c5d4e3f42a1b0c9d8e7f6a5b4c3", "Status": "Prepared", "Currency": "HUF",
    "TransactionTime": "2024-05-14T08:21:37.512", "RelatedId": null } ],
  "RecurrenceResult": "None", "ThreeDSAuthClientData": null,
  "GatewayUrl": "https://secure.test.barion.com/Pay?Id=4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6&lang=hu_HU",
  "RedirectUrl": "https://shop.example.com/barion/return?paymentId=4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6",
  "CallbackUrl": "https://shop.example.com/barion/callback?paymentId=4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6",
  "TraceId": null, "Errors": [] })json";

TEST(DecodeStartPaymentTest, MatchesImmediateResponseVector) {
  v1::StartPaymentResponse r;
  ASSERT_TRUE(DecodeStartPayment(ParsedAnswer::Parse(kStartResponse), &r).ok());
  EXPECT_EQ(r.payment_id(), "4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6");
  EXPECT_EQ(r.payment_request_id(), "WEB-20240514-000731");
  EXPECT_EQ(r.status(), v1::PAYMENT_STATUS_PREPARED);
  EXPECT_EQ(r.status_raw(), "Prepared");
  EXPECT_EQ(r.qr_url(),
            "https://api.test.barion.com/qr/generate?paymentId="
            "4f1d2c3b-5a6e-47c8-b9d0-e1f2a3b4c5d6&size=Large");
  ASSERT_EQ(r.transactions_size(), 1);
  EXPECT_EQ(r.transactions(0).pos_transaction_id(), "SO-000731-1");
  EXPECT_EQ(r.transactions(0).transaction_id(), "8a7b6c5d4e3f42a1b0c9d8e7f6a5b4c3");
  EXPECT_EQ(r.transactions(0).status(), "Prepared");
  EXPECT_EQ(r.transactions(0).currency(), v1::CURRENCY_HUF);
  // No 'Z' on the wire: read as UTC.
  EXPECT_EQ(Ts(r.transactions(0).transaction_time()), "2024-05-14T08:21:37.512Z");
  EXPECT_EQ(r.transactions(0).related_id(), "");
  EXPECT_EQ(r.recurrence_result(), v1::RECURRENCE_RESULT_NONE);
  EXPECT_EQ(r.three_ds_auth_client_data(), "");
  EXPECT_EQ(r.gateway_url(),
            "https://secure.test.barion.com/Pay?Id=4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6&lang=hu_HU");
  EXPECT_EQ(r.redirect_url(),
            "https://shop.example.com/barion/return?paymentId=4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6");
  EXPECT_EQ(r.callback_url(),
            "https://shop.example.com/barion/callback?paymentId=4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6");
  EXPECT_EQ(r.trace_id(), "");
}

TEST(DecodeStartPaymentTest, MatchesTokenChargeSucceededVector) {
  v1::StartPaymentResponse r;
  ASSERT_TRUE(DecodeStartPayment(ParsedAnswer::Parse(R"json({
    "PaymentId": "b2c4e6a8d0f24b1c9e7a5c3b1d9f8e70", "PaymentRequestId": "SUB-1007-2024-06",
    "Status": "Succeeded", "Transactions": [ { "POSTransactionId": "SUB-1007-2024-06-1",
      "TransactionId": "c3d5f7a9e1b34c2d8f6b4a2c0e8d7f61", "Status": "Succeeded",
      "Currency": "EUR", "TransactionTime": "2024-06-14T03:00:12.204", "RelatedId": null } ],
    "RecurrenceResult": "Successful", "ThreeDSAuthClientData": null,
    "TraceId": "QW4X8Z1K7M0514  9", "Errors": [] })json"),
                                 &r)
                  .ok());
  EXPECT_EQ(r.status(), v1::PAYMENT_STATUS_SUCCEEDED);
  EXPECT_EQ(r.recurrence_result(), v1::RECURRENCE_RESULT_SUCCESSFUL);
  EXPECT_EQ(r.trace_id(), "QW4X8Z1K7M0514  9");
  EXPECT_EQ(r.transactions(0).currency(), v1::CURRENCY_EUR);
}

TEST(DecodeStartPaymentTest, KeepsUnknownEnumTextsAndIgnoresUnknownFields) {
  v1::StartPaymentResponse r;
  ASSERT_TRUE(DecodeStartPayment(ParsedAnswer::Parse(R"json({
    "paymentid": "x", "Status": "SomethingNew", "RecurrenceResult": "ThreeDSAuthenticationRequired",
    "ThreeDSAuthClientData": {"Url": "https://acs.example/3ds", "Data": [1, 2]},
    "BrandNewField": {"a": 1}, "Transactions": [ { "Currency": "XAU",
      "TransactionTime": "0001-01-01T00:00:00" } ] })json"),
                                 &r)
                  .ok());
  EXPECT_EQ(r.payment_id(), "x");  // names match case-insensitively
  EXPECT_EQ(r.status(), v1::PAYMENT_STATUS_UNSPECIFIED);
  EXPECT_EQ(r.status_raw(), "SomethingNew");
  EXPECT_EQ(r.recurrence_result(), v1::RECURRENCE_RESULT_THREE_DS_AUTHENTICATION_REQUIRED);
  EXPECT_EQ(r.three_ds_auth_client_data(), R"({"Url":"https://acs.example/3ds","Data":[1,2]})");
  EXPECT_EQ(r.transactions(0).currency(), v1::CURRENCY_UNSPECIFIED);
  EXPECT_EQ(r.transactions(0).currency_raw(), "XAU");
  EXPECT_FALSE(r.transactions(0).has_transaction_time());  // Barion's placeholder
}

// Test vector: the v4 PaymentState of a succeeded card payment.
constexpr char kPaymentStateV4[] = R"json({
  "PaymentId": "4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6", "PaymentRequestId": "WEB-20240514-000731",
  "OrderNumber": "SO-000731", "POSId": "9e8d7c6b5a4f43e2d1c0b9a8f7e6d5c4",
  "POSName": "Example Shop", "POSOwnerEmail": "sales@shop.example.com", "POSOwnerCountry": "HU",
  "Status": "Succeeded", "PaymentType": "Immediate", "FundingSource": "BankCard",
  "RecurrenceType": null, "TraceId": null,
  "FundingInformation": {
    "BankCard": { "MaskedPan": "5559", "BankCardType": "Visa", "ValidThruYear": "2027",
                  "ValidThruMonth": "09" },
    "AuthorizationCode": "K7Q2ZP", "ProcessResult": "Successful" },
  "AllowedFundingSources": ["All"], "GuestCheckout": true,
  "CreatedAt": "2024-05-14T08:21:37.503Z", "ValidUntil": "2024-05-14T08:51:37.503Z",
  "CompletedAt": "2024-05-14T08:23:05.118Z", "ReservedUntil": null, "DelayedCaptureUntil": null,
  "Transactions": [
    { "TransactionId": "8a7b6c5d4e3f42a1b0c9d8e7f6a5b4c3", "POSTransactionId": "SO-000731-1",
      "TransactionTime": "2024-05-14T08:23:04.87Z", "Total": 12990.00, "Currency": "HUF",
      "Payer": { "Name": { "LoginName": "anna.kovacs@example.org", "FirstName": "Anna",
                 "LastName": "Kovács", "OrganizationName": null },
                 "Email": "anna.kovacs@example.org" },
      "Payee": { "Name": { "LoginName": "sales@shop.example.com", "FirstName": null,
                 "LastName": null, "OrganizationName": "Example Shop Kft." },
                 "Email": "sales@shop.example.com" },
      "Comment": "web order SO-000731", "Status": "Succeeded", "TransactionType": "CardPayment",
      "Items": [
        { "Name": "Bluetooth headset", "Description": "Over-ear, black", "Quantity": 1.00,
          "Unit": "pcs", "UnitPrice": 9990.00, "ItemTotal": 9990.00, "SKU": "BT-HS-01" },
        { "Name": "Home delivery", "Description": "Courier, 2-3 working days", "Quantity": 1.00,
          "Unit": "pcs", "UnitPrice": 3000.00, "ItemTotal": 3000.00, "SKU": "SHIP-STD" } ],
      "RelatedId": null },
    { "TransactionId": "1f2e3d4c5b6a47980a1b2c3d4e5f6071", "POSTransactionId": null,
      "TransactionTime": "2024-05-14T08:23:04.91Z", "Total": 130.00, "Currency": "HUF",
      "Payer": { "Name": { "LoginName": "sales@shop.example.com", "FirstName": null,
                 "LastName": null, "OrganizationName": "Example Shop Kft." },
                 "Email": "sales@shop.example.com" },
      "Payee": { "Name": { "LoginName": "fees@barion.example", "FirstName": null,
                 "LastName": null, "OrganizationName": "Barion" }, "Email": "fees@barion.example" },
      "Comment": null, "Status": "Succeeded", "TransactionType": "CardProcessingFee",
      "Items": [], "RelatedId": "8a7b6c5d4e3f42a1b0c9d8e7f6a5b4c3" } ],
  "Total": 12990.00, "SuggestedLocale": "hu-HU", "FraudRiskScore": 4,
  "RedirectUrl": "https://shop.example.com/barion/return?paymentId=4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6",
  "CallbackUrl": "https://shop.example.com/barion/callback?paymentId=4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6",
  "Currency": "HUF", "PaymentMethod": "BankCard", "Errors": [] })json";

TEST(DecodePaymentStateTest, MatchesSucceededCardPaymentVector) {
  v1::GetPaymentStateResponse r;
  ASSERT_TRUE(DecodePaymentState(ParsedAnswer::Parse(kPaymentStateV4), &r).ok());
  EXPECT_EQ(r.payment_id(), "4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6");
  EXPECT_EQ(r.payment_request_id(), "WEB-20240514-000731");
  EXPECT_EQ(r.order_number(), "SO-000731");
  EXPECT_EQ(r.pos_id(), "9e8d7c6b5a4f43e2d1c0b9a8f7e6d5c4");
  EXPECT_EQ(r.pos_name(), "Example Shop");
  EXPECT_EQ(r.pos_owner_email(), "sales@shop.example.com");
  EXPECT_EQ(r.pos_owner_country(), "HU");
  EXPECT_EQ(r.status(), v1::PAYMENT_STATUS_SUCCEEDED);
  EXPECT_EQ(r.payment_type(), v1::PAYMENT_TYPE_IMMEDIATE);
  EXPECT_EQ(r.funding_source(), v1::FUNDING_SOURCE_BANK_CARD);
  EXPECT_EQ(r.recurrence_type(), v1::RECURRENCE_TYPE_UNSPECIFIED);
  EXPECT_EQ(r.recurrence_type_raw(), "");
  EXPECT_EQ(r.trace_id(), "");
  EXPECT_EQ(r.funding_information().bank_card().masked_pan(), "5559");
  EXPECT_EQ(r.funding_information().bank_card().bank_card_type(), "Visa");
  EXPECT_EQ(r.funding_information().bank_card().valid_thru_year(), "2027");
  EXPECT_EQ(r.funding_information().bank_card().valid_thru_month(), "09");
  EXPECT_EQ(r.funding_information().authorization_code(), "K7Q2ZP");
  EXPECT_EQ(r.funding_information().process_result(), "Successful");
  ASSERT_EQ(r.allowed_funding_sources_size(), 1);
  EXPECT_EQ(r.allowed_funding_sources(0), v1::FUNDING_SOURCE_ALL);
  EXPECT_TRUE(r.guest_checkout());
  EXPECT_EQ(Ts(r.created_at()), "2024-05-14T08:21:37.503Z");
  EXPECT_EQ(Ts(r.valid_until()), "2024-05-14T08:51:37.503Z");
  EXPECT_EQ(Ts(r.completed_at()), "2024-05-14T08:23:05.118Z");
  EXPECT_FALSE(r.has_reserved_until());
  EXPECT_FALSE(r.has_delayed_capture_until());
  ASSERT_EQ(r.transactions_size(), 2);
  const v1::DetailedTransaction& t = r.transactions(0);
  EXPECT_EQ(t.transaction_id(), "8a7b6c5d4e3f42a1b0c9d8e7f6a5b4c3");
  EXPECT_EQ(Ts(t.transaction_time()), "2024-05-14T08:23:04.870Z");
  EXPECT_EQ(t.total(), "12990");  // "12990.00" at HUF's scale, nothing lost
  EXPECT_EQ(t.payer().name().first_name(), "Anna");
  EXPECT_EQ(t.payer().name().last_name(), "Kovács");
  EXPECT_EQ(t.payer().email(), "anna.kovacs@example.org");
  EXPECT_EQ(t.payee().name().organization_name(), "Example Shop Kft.");
  EXPECT_EQ(t.comment(), "web order SO-000731");
  EXPECT_EQ(t.status(), "Succeeded");
  EXPECT_EQ(t.transaction_type(), "CardPayment");
  ASSERT_EQ(t.items_size(), 2);
  EXPECT_EQ(t.items(0).name(), "Bluetooth headset");
  EXPECT_EQ(t.items(0).quantity(), "1.00");
  EXPECT_EQ(t.items(0).unit_price(), "9990");
  EXPECT_EQ(t.items(0).item_total(), "9990");
  EXPECT_EQ(t.items(0).sku(), "BT-HS-01");
  const v1::DetailedTransaction& fee = r.transactions(1);
  EXPECT_EQ(fee.pos_transaction_id(), "");
  EXPECT_EQ(fee.total(), "130");
  EXPECT_EQ(fee.transaction_type(), "CardProcessingFee");
  EXPECT_EQ(fee.related_id(), "8a7b6c5d4e3f42a1b0c9d8e7f6a5b4c3");
  EXPECT_EQ(r.total(), "12990");
  EXPECT_EQ(r.suggested_locale(), "hu-HU");
  ASSERT_TRUE(r.has_fraud_risk_score());
  EXPECT_EQ(r.fraud_risk_score(), 4);
  EXPECT_EQ(r.currency(), v1::CURRENCY_HUF);
  EXPECT_EQ(r.payment_method(), v1::PAYMENT_METHOD_BANK_CARD);
}

TEST(DecodePaymentStateTest, MatchesExpiredV2Vector) {
  v1::GetPaymentStateResponse r;
  ASSERT_TRUE(DecodePaymentState(ParsedAnswer::Parse(R"json({
    "PaymentId": "5a6b7c8d9e0f41a2b3c4d5e6f7a8b9c0", "OrderNumber": null, "Status": "Expired",
    "PaymentType": "Immediate", "FundingSource": null, "FundingInformation": null,
    "CreatedAt": "2024-05-14T09:00:00.2Z", "CompletedAt": "2024-05-14T09:34:41.63Z",
    "Transactions": [ { "TransactionId": "6b7c8d9e0f1a42b3c4d5e6f7a8b9c0d1",
      "Total": 84.00, "Currency": "HUF", "Payer": null, "Status": "Expired",
      "TransactionType": "Unspecified", "Items": [ { "Name": "Sticker", "Quantity": 2.00,
      "UnitPrice": 42.00, "ItemTotal": 84.00, "SKU": null } ] } ],
    "Total": 0.00, "FraudRiskScore": null, "Currency": "HUF", "Errors": [] })json"),
                                 &r)
                  .ok());
  EXPECT_EQ(r.status(), v1::PAYMENT_STATUS_EXPIRED);
  EXPECT_EQ(r.funding_source(), v1::FUNDING_SOURCE_UNSPECIFIED);
  EXPECT_FALSE(r.has_funding_information());
  EXPECT_EQ(Ts(r.created_at()), "2024-05-14T09:00:00.200Z");
  EXPECT_EQ(Ts(r.completed_at()), "2024-05-14T09:34:41.630Z");
  EXPECT_FALSE(r.transactions(0).has_payer());
  EXPECT_EQ(r.transactions(0).total(), "84");
  EXPECT_EQ(r.transactions(0).items(0).unit_price(), "42");
  EXPECT_EQ(r.total(), "0");
  EXPECT_FALSE(r.has_fraud_risk_score());
  EXPECT_EQ(r.payment_method(), v1::PAYMENT_METHOD_UNSPECIFIED);
}

TEST(DecodeFinishReservationTest, MatchesVector) {
  v1::FinishReservationResponse r;
  ASSERT_TRUE(DecodeFinishReservation(ParsedAnswer::Parse(R"json({ "IsSuccessful": true,
    "PaymentId": "7c8d9e0f1a2b43c4d5e6f7a8b9c0d1e2", "PaymentRequestId": "WEB-20240514-000900",
    "Status": "Succeeded", "Transactions": [
      { "POSTransactionId": "SO-000900-1", "TransactionId": "0a1b2c3d4e5f46a7b8c9d0e1f2a3b4c5",
        "Status": "Succeeded", "Currency": "EUR", "TransactionTime": "2024-05-15T10:02:11.381",
        "RelatedId": null },
      { "POSTransactionId": "SO-000900-2", "TransactionId": "1b2c3d4e5f6a47b8c9d0e1f2a3b4c5d6",
        "Status": "Succeeded", "Currency": "EUR", "TransactionTime": "2024-05-15T10:02:11.381",
        "RelatedId": null } ], "Errors": [] })json"),
                                      &r)
                  .ok());
  EXPECT_TRUE(r.is_successful());
  EXPECT_EQ(r.payment_id(), "7c8d9e0f1a2b43c4d5e6f7a8b9c0d1e2");
  EXPECT_EQ(r.payment_request_id(), "WEB-20240514-000900");
  EXPECT_EQ(r.status(), v1::PAYMENT_STATUS_SUCCEEDED);
  ASSERT_EQ(r.transactions_size(), 2);
  EXPECT_EQ(r.transactions(1).pos_transaction_id(), "SO-000900-2");
  EXPECT_EQ(Ts(r.transactions(1).transaction_time()), "2024-05-15T10:02:11.381Z");
}

TEST(DecodeRefundTest, MatchesVector) {
  v1::RefundResponse r;
  ASSERT_TRUE(DecodeRefund(ParsedAnswer::Parse(R"json({
    "PaymentId": "4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6", "RefundedTransactions": [
      { "TransactionId": "2c3d4e5f6a7b48c9d0e1f2a3b4c5d6e7", "Total": 3000,
        "POSTransactionId": "SO-000731-R1", "Comment": "Delivery fee refunded",
        "Status": "Succeeded" } ], "Errors": [] })json"),
                           &r)
                  .ok());
  EXPECT_EQ(r.payment_id(), "4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6");
  ASSERT_EQ(r.refunded_transactions_size(), 1);
  EXPECT_EQ(r.refunded_transactions(0).transaction_id(), "2c3d4e5f6a7b48c9d0e1f2a3b4c5d6e7");
  EXPECT_EQ(r.refunded_transactions(0).total(), "3000");
  EXPECT_EQ(r.refunded_transactions(0).pos_transaction_id(), "SO-000731-R1");
  EXPECT_EQ(r.refunded_transactions(0).comment(), "Delivery fee refunded");
  EXPECT_EQ(r.refunded_transactions(0).status(), "Succeeded");
}

TEST(DecodeCompleteTest, ReadsCurrentAndOlderStatusNames) {
  v1::CompleteResponse a, b;
  ASSERT_TRUE(
      DecodeComplete(
          ParsedAnswer::Parse(
              R"({"PaymentId":"p","PaymentStatus":"Succeeded","IsSuccessful":true,"TraceId":"T 1"})"),
          &a)
          .ok());
  EXPECT_EQ(a.payment_status(), v1::PAYMENT_STATUS_SUCCEEDED);
  EXPECT_TRUE(a.is_successful());
  EXPECT_EQ(a.trace_id(), "T 1");
  ASSERT_TRUE(DecodeComplete(ParsedAnswer::Parse(R"({"Status":"Failed"})"), &b).ok());
  EXPECT_EQ(b.payment_status(), v1::PAYMENT_STATUS_FAILED);
}

TEST(ParsedAnswerTest, ReadsBarionErrorsWithoutTheAuthData) {
  ParsedAnswer a = ParsedAnswer::Parse(R"json({ "Errors": [
    { "Title": "Model validation error", "Description": "The redirect url is required!",
      "ErrorCode": "ModelValidationError", "HappenedAt": "2024-05-14T08:20:15.4410021Z",
      "AuthData": "2f6e1a9c4b7d4e0f8a3c5b9d1e7f6a20",
      "EndPoint": "https://api.test.barion.com/v2/Payment/Start" },
    { "Title": "x", "ErrorCode": "InvalidUser", "PaymentId": "abc" } ] })json");
  ASSERT_TRUE(a.envelope().is_json_object);
  ASSERT_EQ(a.envelope().errors.size(), 2u);
  const BarionError& e = a.envelope().errors[0];
  EXPECT_EQ(e.error_code, "ModelValidationError");
  EXPECT_EQ(e.title, "Model validation error");
  EXPECT_EQ(e.description, "The redirect url is required!");
  EXPECT_EQ(e.happened_at, "2024-05-14T08:20:15.4410021Z");
  EXPECT_EQ(e.endpoint, "https://api.test.barion.com/v2/Payment/Start");
  EXPECT_EQ(a.envelope().errors[1].payment_id, "abc");
}

TEST(ParsedAnswerTest, TellsAspNetMessagesAndNonJsonApart) {
  ParsedAnswer m = ParsedAnswer::Parse(R"({"Message":"An error has occurred."})");
  EXPECT_TRUE(m.envelope().is_json_object);
  EXPECT_TRUE(m.envelope().errors.empty());
  EXPECT_EQ(m.envelope().message, "An error has occurred.");
  EXPECT_FALSE(ParsedAnswer::Parse("<html>502 Bad Gateway</html>").envelope().is_json_object);
  EXPECT_FALSE(ParsedAnswer::Parse("").envelope().is_json_object);
  EXPECT_FALSE(ParsedAnswer::Parse("[1,2]").envelope().is_json_object);
  v1::StartPaymentResponse r;
  EXPECT_EQ(DecodeStartPayment(ParsedAnswer::Parse("{\"Paym"), &r).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(TimeSpanTest, FormatsDotNetText) {
  EXPECT_EQ(FormatTimeSpan(absl::Minutes(30)), "00:30:00");
  EXPECT_EQ(FormatTimeSpan(absl::Hours(24)), "1.00:00:00");
  EXPECT_EQ(FormatTimeSpan(absl::Hours(24 * 7) + absl::Seconds(5)), "7.00:00:05");
}

TEST(BarionTimeTest, AcceptsZeroToSevenFractionalDigitsWithOrWithoutZ) {
  absl::Time t;
  for (const char* text : {"2021-03-19T21:49:24Z", "2021-03-19T21:49:24", "2021-03-19T21:49:24.5Z",
                           "2021-03-19T21:49:24.5796791Z", "2021-03-19T21:49:24.579"}) {
    EXPECT_TRUE(ParseBarionTime(text, &t)) << text;
  }
  ASSERT_TRUE(ParseBarionTime("2021-03-19T21:49:24.5796791Z", &t));
  EXPECT_EQ(absl::ToUnixNanos(t) % 1000000000, 579679100);
  EXPECT_FALSE(ParseBarionTime("0001-01-01T00:00:00", &t));
  EXPECT_FALSE(ParseBarionTime("yesterday", &t));
  EXPECT_EQ(FormatBarionTime(absl::FromUnixMillis(1561619751327)), "2019-06-27T07:15:51.327");
}

}  // namespace
}  // namespace barion_gateway::server

namespace barion_gateway::server {
namespace {

// Found by tests/fuzz/codec_fuzzer.cc: text that is not UTF-8 used to reach the response, which a
// client's protobuf runtime refuses to parse. Such an answer is malformed.
TEST(ParsedAnswerTest, TextThatIsNotUtf8IsNotAnAnswer) {
  const std::string body = "{\"PaymentId\":\"4f1d\xff\xfe\",\"Status\":\"Prepared\"}";
  ParsedAnswer answer = ParsedAnswer::Parse(body);
  EXPECT_FALSE(answer.envelope().is_json_object);
  barion::v1::StartPaymentResponse r;
  EXPECT_EQ(DecodeStartPayment(answer, &r).code(), absl::StatusCode::kInvalidArgument);
  // Valid UTF-8 beyond ASCII still passes.
  ParsedAnswer ok = ParsedAnswer::Parse("{\"PaymentId\":\"\xc3\xa1rv\xc3\xadz\"}");
  EXPECT_TRUE(DecodeStartPayment(ok, &r).ok());
  EXPECT_EQ(r.payment_id(), "\xc3\xa1rv\xc3\xadz");
}

}  // namespace
}  // namespace barion_gateway::server

namespace barion_gateway::server {
namespace {

// Found by tests/fuzz/codec_fuzzer.cc: a repeated ThreeDSAuthClientData key made the verbatim
// copier write two root values (an assertion in RapidJSON's writer). The first one is kept.
TEST(DecodeStartPaymentTest, ARepeatedOpaqueMemberIsCopiedOnce) {
  barion::v1::StartPaymentResponse r;
  ASSERT_TRUE(DecodeStartPayment(ParsedAnswer::Parse(R"json({"PaymentId": "x",
      "ThreeDSAuthClientData": {"Url": "a"}, "threedsauthclientdata": null,
      "ThreeDSAuthClientData": [1]})json"),
                                 &r)
                  .ok());
  EXPECT_EQ(r.three_ds_auth_client_data(), R"({"Url":"a"})");
  // The first occurrence is null, which means absent, whatever follows.
  barion::v1::StartPaymentResponse nulls;
  ASSERT_TRUE(DecodeStartPayment(ParsedAnswer::Parse(R"json({"ThreeDSAuthClientData": null,
      "ThreeDSAuthClientData": null, "ThreeDSAuthClientData": 7})json"),
                                 &nulls)
                  .ok());
  EXPECT_EQ(nulls.three_ds_auth_client_data(), "");
}

}  // namespace
}  // namespace barion_gateway::server

namespace barion_gateway::server {
namespace {

// Values Barion adds later decode without error; the client sees Barion's text beside the
// UNSPECIFIED enum.
TEST(ForwardCompatibilityTest, UnknownEnumTextsInPaymentStatePassThrough) {
  barion::v1::GetPaymentStateResponse r;
  ASSERT_TRUE(DecodePaymentState(ParsedAnswer::Parse(R"json({
      "PaymentId": "p", "Status": "OnHold", "PaymentType": "Installment",
      "FundingSource": "Crypto", "PaymentMethod": "Wero", "Currency": "PLN", "Total": 12.34,
      "AllowedFundingSources": ["All", "Crypto"], "RecurrenceType": "Subscription",
      "Transactions": [], "Errors": []})json"),
                                 &r)
                  .ok());
  EXPECT_EQ(r.status(), barion::v1::PAYMENT_STATUS_UNSPECIFIED);
  EXPECT_EQ(r.status_raw(), "OnHold");
  EXPECT_EQ(r.payment_type_raw(), "Installment");
  EXPECT_EQ(r.funding_source(), barion::v1::FUNDING_SOURCE_UNSPECIFIED);
  EXPECT_EQ(r.funding_source_raw(), "Crypto");
  EXPECT_EQ(r.payment_method_raw(), "Wero");
  EXPECT_EQ(r.currency_raw(), "PLN");
  EXPECT_EQ(r.total(), "12.34");
  ASSERT_EQ(r.allowed_funding_sources_raw_size(), 2);
  EXPECT_EQ(r.allowed_funding_sources_raw(1), "Crypto");
  EXPECT_EQ(r.recurrence_type_raw(), "Subscription");
}

}  // namespace
}  // namespace barion_gateway::server
