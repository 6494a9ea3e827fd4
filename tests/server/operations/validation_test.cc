#include "server/operations/validation.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "server/common/errors.h"

namespace barion_gateway::server {
namespace {

namespace v1 = ::barion::v1;
using testing::ElementsAre;

v1::StartPaymentRequest Valid() {
  v1::StartPaymentRequest r;
  EXPECT_TRUE(
      google::protobuf::TextFormat::ParseFromString(R"pb(
                                                      payment_type: PAYMENT_TYPE_IMMEDIATE
                                                      funding_sources: FUNDING_SOURCE_ALL
                                                      payment_request_id: "req-1"
                                                      redirect_url: "https://shop.example/return"
                                                      locale: "hu-HU"
                                                      currency: CURRENCY_HUF
                                                      transactions {
                                                        pos_transaction_id: "t1"
                                                        payee: "shop@example.com"
                                                        total: "1500"
                                                        items {
                                                          name: "n"
                                                          description: "d"
                                                          quantity: "1"
                                                          unit: "pcs"
                                                          unit_price: "1500"
                                                          item_total: "1500"
                                                        }
                                                      }
                                                    )pb",
                                                    &r));
  return r;
}

TEST(ValidateStartPaymentTest, AcceptsAValidRequest) {
  EXPECT_TRUE(ValidateStartPayment(Valid()).ok());
}

TEST(ValidateStartPaymentTest, RejectsHufWithDecimalsNamingTheField) {
  v1::StartPaymentRequest r = Valid();
  r.mutable_transactions(0)->set_total("1500.5");
  r.mutable_transactions(0)->mutable_items(0)->set_unit_price("1.25");
  absl::Status s = ValidateStartPayment(r);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(s),
              ElementsAre("transactions[0].total", "transactions[0].items[0].unit_price"));
}

TEST(ValidateStartPaymentTest, AllowsTwoDecimalsForEuro) {
  v1::StartPaymentRequest r = Valid();
  r.set_currency(v1::CURRENCY_EUR);
  r.mutable_transactions(0)->set_total("0.10");
  r.mutable_transactions(0)->mutable_items(0)->set_unit_price("0.10");
  r.mutable_transactions(0)->mutable_items(0)->set_item_total("0.10");
  EXPECT_TRUE(ValidateStartPayment(r).ok());
  r.mutable_transactions(0)->set_total("0.105");
  EXPECT_THAT(ViolatedFields(ValidateStartPayment(r)), ElementsAre("transactions[0].total"));
}

TEST(ValidateStartPaymentTest, NamesEveryMissingRequiredField) {
  v1::StartPaymentRequest r;
  r.add_transactions();
  EXPECT_THAT(ViolatedFields(ValidateStartPayment(r)),
              ElementsAre("currency", "payment_type", "funding_sources", "payment_request_id",
                          "redirect_url", "locale", "transactions[0].pos_transaction_id",
                          "transactions[0].payee", "transactions[0].total"));
}

TEST(ValidateStartPaymentTest, ChecksPaymentTypeSpecificPeriods) {
  v1::StartPaymentRequest r = Valid();
  r.set_payment_type(v1::PAYMENT_TYPE_RESERVATION);
  EXPECT_THAT(ViolatedFields(ValidateStartPayment(r)), ElementsAre("reservation_period"));
  r.mutable_reservation_period()->set_seconds(30);
  EXPECT_THAT(ViolatedFields(ValidateStartPayment(r)), ElementsAre("reservation_period"));
  r.mutable_reservation_period()->set_seconds(3600);
  EXPECT_TRUE(ValidateStartPayment(r).ok());
  r.set_payment_type(v1::PAYMENT_TYPE_DELAYED_CAPTURE);
  EXPECT_THAT(ViolatedFields(ValidateStartPayment(r)),
              ElementsAre("delayed_capture_period", "reservation_period"));
  r.clear_reservation_period();
  r.mutable_delayed_capture_period()->set_seconds(22 * 86400);
  EXPECT_THAT(ViolatedFields(ValidateStartPayment(r)), ElementsAre("delayed_capture_period"));
}

TEST(ValidateStartPaymentTest, ChecksTokenPaymentRules) {
  v1::StartPaymentRequest r = Valid();
  r.set_initiate_recurrence(true);
  EXPECT_THAT(ViolatedFields(ValidateStartPayment(r)), ElementsAre("recurrence_id"));
  r.set_recurrence_id("tok-1");
  r.set_recurrence_type(v1::RECURRENCE_TYPE_RECURRING_PAYMENT);
  EXPECT_THAT(ViolatedFields(ValidateStartPayment(r)),
              ElementsAre("purchase_information.recurring_expiry",
                          "purchase_information.recurring_frequency"));
  r.set_initiate_recurrence(false);
  EXPECT_THAT(ViolatedFields(ValidateStartPayment(r)), ElementsAre("trace_id"));
  r.set_trace_id("QW4X8Z1K7M0514  9");
  EXPECT_TRUE(ValidateStartPayment(r).ok());
}

TEST(ValidateStartPaymentTest, Checks3dsData) {
  v1::StartPaymentRequest r = Valid();
  r.set_payer_phone_number("+36 30 123");
  r.set_card_holder_name_hint("A");
  r.mutable_shipping_address()->set_country("HUN");
  r.mutable_shipping_address()->set_region("BUD");
  r.mutable_payer_account_information()->set_password_change_indicator(
      v1::AGE_INDICATOR_THIS_TRANSACTION);
  r.mutable_payer_account_information()->set_purchases_in_the_last6_months(10000);
  EXPECT_THAT(ViolatedFields(ValidateStartPayment(r)),
              ElementsAre("card_holder_name_hint", "payer_phone_number", "shipping_address.country",
                          "shipping_address.region", "shipping_address.city",
                          "payer_account_information.password_change_indicator",
                          "payer_account_information.purchases_in_the_last6_months"));
}

TEST(ValidateStartPaymentTest, PayeeTransactionMayNotExceedItsParent) {
  v1::StartPaymentRequest r = Valid();
  auto* pt = r.mutable_transactions(0)->add_payee_transactions();
  pt->set_pos_transaction_id("c1");
  pt->set_payee("partner@example.com");
  pt->set_total("1501");
  EXPECT_THAT(ViolatedFields(ValidateStartPayment(r)),
              ElementsAre("transactions[0].payee_transactions[0].total"));
}

TEST(ValidatePaymentIdTest, RequiresABarionGuid) {
  v1::GetPaymentStateRequest r;
  EXPECT_THAT(ViolatedFields(ValidateGetPaymentState(r)), ElementsAre("payment_id"));
  r.set_payment_id("../../v2/Payment/Refund");
  EXPECT_THAT(ViolatedFields(ValidateGetPaymentState(r)), ElementsAre("payment_id"));
  r.set_payment_id("4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6");
  EXPECT_TRUE(ValidateGetPaymentState(r).ok());
  r.set_payment_id("4f1d2c3b-5a6e-47c8-b9d0-e1f2a3b4c5d6");
  EXPECT_TRUE(ValidateGetPaymentState(r).ok());
}

TEST(ValidateFinishReservationTest, AllowsZeroAndRejectsNegative) {
  v1::FinishReservationRequest r;
  r.set_payment_id("4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6");
  auto* t = r.add_transactions();
  t->set_transaction_id("8a7b6c5d4e3f42a1b0c9d8e7f6a5b4c3");
  t->set_total("0");
  EXPECT_TRUE(ValidateFinishReservation(r).ok());
  t->set_total("-1");
  EXPECT_THAT(ViolatedFields(ValidateFinishReservation(r)), ElementsAre("transactions[0].total"));
}

TEST(ValidateRefundTest, RequiresPositiveAmounts) {
  v1::RefundRequest r;
  r.set_payment_id("4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6");
  auto* t = r.add_transactions_to_refund();
  t->set_transaction_id("8a7b6c5d4e3f42a1b0c9d8e7f6a5b4c3");
  t->set_amount_to_refund("0");
  EXPECT_THAT(ViolatedFields(ValidateRefund(r)),
              ElementsAre("transactions_to_refund[0].pos_transaction_id",
                          "transactions_to_refund[0].amount_to_refund"));
}

}  // namespace
}  // namespace barion_gateway::server

namespace barion_gateway::server {
namespace {

// Count limits come first and alone: an oversized request is refused for its size, at the cost
// of counting, whatever else is wrong with it.
TEST(ValidationLimitsTest, CountLimitsAreCheckedFirstAndAlone) {
  v1::StartPaymentRequest r = Valid();
  r.set_locale("bad");
  for (int i = 0; i < kMaxTransactions; ++i) *r.add_transactions() = r.transactions(0);
  EXPECT_THAT(ViolatedFields(ValidateStartPayment(r)), ElementsAre("transactions"));

  v1::StartPaymentRequest items = Valid();
  for (int i = 0; i < kMaxItems; ++i) {
    *items.mutable_transactions(0)->add_items() = items.transactions(0).items(0);
  }
  EXPECT_THAT(ViolatedFields(ValidateStartPayment(items)), ElementsAre("transactions[0].items"));

  v1::StartPaymentRequest at_limit = Valid();
  for (int i = 1; i < kMaxTransactions; ++i) {
    *at_limit.add_transactions() = at_limit.transactions(0);
    at_limit.mutable_transactions(i)->set_pos_transaction_id(absl::StrCat("t", i + 1));
  }
  EXPECT_TRUE(ValidateStartPayment(at_limit).ok()) << ValidateStartPayment(at_limit);

  v1::RefundRequest refund;
  refund.set_payment_id("4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6");
  for (int i = 0; i <= kMaxTransactions; ++i) refund.add_transactions_to_refund();
  EXPECT_THAT(ViolatedFields(ValidateRefund(refund)), ElementsAre("transactions_to_refund"));
}

// At most kMaxViolations are collected; the rest are counted and the message says so.
TEST(ValidationLimitsTest, CollectsABoundedNumberOfViolationsAndCountsTheRest) {
  v1::StartPaymentRequest r = Valid();
  r.clear_transactions();
  for (int i = 0; i < kMaxTransactions; ++i) {
    auto* t = r.add_transactions();
    t->set_total("x");
    t->set_comment(std::string(700, 'c'));
  }
  const absl::Status s = ValidateStartPayment(r);
  ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  const std::vector<std::string> fields = ViolatedFields(s);
  EXPECT_GE(fields.size(), 10u);
  EXPECT_LE(fields.size(), kMaxViolations);
  EXPECT_EQ(fields.front(), "transactions[0].pos_transaction_id");
  EXPECT_NE(s.message().find("further violations not listed"), absl::string_view::npos)
      << s.message();
}

}  // namespace
}  // namespace barion_gateway::server
