// One row per validation rule (server/operations/validation.cc): a valid request broken in exactly
// one way must be refused with INVALID_ARGUMENT naming exactly that field (proto path), and the
// valid request must pass. Rows are grouped by request type.
#include <functional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/errors.h"
#include "server/operations/validation.h"

namespace barion_gateway::server {
namespace {

namespace v1 = ::barion::v1;

constexpr char kGuid[] = "4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6";

v1::StartPaymentRequest Start() {
  v1::StartPaymentRequest r;
  r.set_payment_type(v1::PAYMENT_TYPE_IMMEDIATE);
  r.add_funding_sources(v1::FUNDING_SOURCE_ALL);
  r.set_payment_request_id("req-1");
  r.set_redirect_url("https://shop.example/return");
  r.set_locale("hu-HU");
  r.set_currency(v1::CURRENCY_HUF);
  v1::PaymentTransaction* t = r.add_transactions();
  t->set_pos_transaction_id("t1");
  t->set_payee("shop@example.com");
  t->set_total("1500");
  v1::Item* i = t->add_items();
  i->set_name("n");
  i->set_description("d");
  i->set_quantity("1");
  i->set_unit("pcs");
  i->set_unit_price("1500");
  i->set_item_total("1500");
  return r;
}

v1::SendMoneyByEmailRequest Email() {
  v1::SendMoneyByEmailRequest r;
  r.set_source_account_id(kGuid);
  r.set_currency(v1::CURRENCY_EUR);
  r.set_amount("10.50");
  r.set_target_email("anna@example.com");
  return r;
}

v1::SendBankTransferRequest Bank() {
  v1::SendBankTransferRequest r;
  r.set_currency(v1::CURRENCY_HUF);
  r.set_amount("1000");
  r.mutable_bank_account()->set_country("HUN");
  r.mutable_bank_account()->set_format(v1::BANK_ACCOUNT_FORMAT_IBAN);
  r.mutable_bank_account()->set_account_number("HU42117730161111101800000000");
  r.set_swift_code("OTPVHUHB");
  r.mutable_recipient()->set_name("Supplier Kft.");
  return r;
}

v1::CreatePosRequest Pos() {
  v1::CreatePosRequest r;
  r.set_name("Tea Shop");
  r.set_url("https://tea.example");
  r.set_description("Loose leaf teas from small farms");
  r.add_categories("FoodDrink");
  r.mutable_business_contact()->set_name("A");
  r.mutable_business_contact()->set_email("a@tea.example");
  r.mutable_technical_contact()->set_name("B");
  r.mutable_technical_contact()->set_email("b@tea.example");
  r.mutable_customer_service_contact()->set_email("c@tea.example");
  r.mutable_customer_service_contact()->set_phone_number("+3630");
  r.set_primary_currency(v1::CURRENCY_HUF);
  r.set_expected_turnover(1);
  r.set_logo("PNG");
  return r;
}

struct Rule {
  const char* name;
  const char* field;
  std::function<absl::Status()> broken;
};

template <typename Request>
std::function<absl::Status()> Broken(absl::Status (*validate)(const Request&), Request valid,
                                     std::function<void(Request&)> mutate) {
  return [=]() {
    Request r = valid;
    mutate(r);
    return validate(r);
  };
}

using SP = v1::StartPaymentRequest;

const std::vector<Rule>& Rules() {
  static const auto* rules = new std::vector<Rule>{
      // StartPayment
      {"currency required", "currency",
       Broken<SP>(&ValidateStartPayment, Start(), [](SP& r) { r.clear_currency(); })},
      {"payment type required", "payment_type",
       Broken<SP>(&ValidateStartPayment, Start(), [](SP& r) { r.clear_payment_type(); })},
      {"reservation period for reservations", "reservation_period",
       Broken<SP>(&ValidateStartPayment, Start(),
                  [](SP& r) { r.set_payment_type(v1::PAYMENT_TYPE_RESERVATION); })},
      {"reservation period only for reservations", "reservation_period",
       Broken<SP>(&ValidateStartPayment, Start(),
                  [](SP& r) { r.mutable_reservation_period()->set_seconds(3600); })},
      {"delayed capture period for delayed capture", "delayed_capture_period",
       Broken<SP>(&ValidateStartPayment, Start(),
                  [](SP& r) { r.set_payment_type(v1::PAYMENT_TYPE_DELAYED_CAPTURE); })},
      {"payment window at most 7 days", "payment_window",
       Broken<SP>(&ValidateStartPayment, Start(),
                  [](SP& r) { r.mutable_payment_window()->set_seconds(8 * 86400); })},
      {"a funding source", "funding_sources",
       Broken<SP>(&ValidateStartPayment, Start(), [](SP& r) { r.clear_funding_sources(); })},
      {"payment request id required", "payment_request_id",
       Broken<SP>(&ValidateStartPayment, Start(), [](SP& r) { r.clear_payment_request_id(); })},
      {"payment request id at most 100", "payment_request_id",
       Broken<SP>(&ValidateStartPayment, Start(),
                  [](SP& r) { r.set_payment_request_id(std::string(101, 'x')); })},
      {"payer hint is an e-mail", "payer_hint",
       Broken<SP>(&ValidateStartPayment, Start(), [](SP& r) { r.set_payer_hint("nobody"); })},
      {"card holder name hint 2-45", "card_holder_name_hint",
       Broken<SP>(&ValidateStartPayment, Start(), [](SP& r) { r.set_card_holder_name_hint("A"); })},
      {"recurrence id with initiate_recurrence", "recurrence_id",
       Broken<SP>(&ValidateStartPayment, Start(), [](SP& r) { r.set_initiate_recurrence(true); })},
      {"trace id only for token payments", "trace_id",
       Broken<SP>(&ValidateStartPayment, Start(), [](SP& r) { r.set_trace_id("T"); })},
      {"redirect url required", "redirect_url",
       Broken<SP>(&ValidateStartPayment, Start(), [](SP& r) { r.clear_redirect_url(); })},
      {"callback url absolute", "callback_url",
       Broken<SP>(&ValidateStartPayment, Start(), [](SP& r) { r.set_callback_url("/cb"); })},
      // Barion calls only https callback URLs; plain http reaches nothing but loopback.
      {"callback url https", "callback_url",
       Broken<SP>(&ValidateStartPayment, Start(),
                  [](SP& r) { r.set_callback_url("http://shop.example.com/cb"); })},
      {"callback url https, userinfo is not loopback", "callback_url",
       Broken<SP>(&ValidateStartPayment, Start(),
                  [](SP& r) { r.set_callback_url("http://127.0.0.1@shop.example.com/cb"); })},
      {"order number at most 100", "order_number",
       Broken<SP>(&ValidateStartPayment, Start(),
                  [](SP& r) { r.set_order_number(std::string(101, 'x')); })},
      {"locale required", "locale",
       Broken<SP>(&ValidateStartPayment, Start(), [](SP& r) { r.clear_locale(); })},
      {"locale shape", "locale",
       Broken<SP>(&ValidateStartPayment, Start(), [](SP& r) { r.set_locale("hungarian"); })},
      {"total at the currency's scale", "transactions[0].total",
       Broken<SP>(&ValidateStartPayment, Start(),
                  [](SP& r) { r.mutable_transactions(0)->set_total("1500.5"); })},
      {"card-only payment under the card minimum", "transactions[0].total",
       Broken<SP>(&ValidateStartPayment, Start(),
                  [](SP& r) {
                    r.clear_funding_sources();
                    r.add_funding_sources(v1::FUNDING_SOURCE_BANK_CARD);
                    r.mutable_transactions(0)->set_total("5");
                  })},
      {"pos transaction id required", "transactions[0].pos_transaction_id",
       Broken<SP>(&ValidateStartPayment, Start(),
                  [](SP& r) { r.mutable_transactions(0)->clear_pos_transaction_id(); })},
      // SendMoneyByEmail
      {"email: source account is a GUID", "source_account_id",
       Broken<v1::SendMoneyByEmailRequest>(
           &ValidateSendMoneyByEmail, Email(),
           [](v1::SendMoneyByEmailRequest& r) { r.set_source_account_id("acc-1"); })},
      {"email: currency required", "currency",
       Broken<v1::SendMoneyByEmailRequest>(
           &ValidateSendMoneyByEmail, Email(),
           [](v1::SendMoneyByEmailRequest& r) { r.clear_currency(); })},
      {"email: positive amount", "amount",
       Broken<v1::SendMoneyByEmailRequest>(
           &ValidateSendMoneyByEmail, Email(),
           [](v1::SendMoneyByEmailRequest& r) { r.set_amount("0"); })},
      {"email: target is an e-mail", "target_email",
       Broken<v1::SendMoneyByEmailRequest>(
           &ValidateSendMoneyByEmail, Email(),
           [](v1::SendMoneyByEmailRequest& r) { r.set_target_email("anna"); })},
      {"email: comment at most 1000", "comment",
       Broken<v1::SendMoneyByEmailRequest>(
           &ValidateSendMoneyByEmail, Email(),
           [](v1::SendMoneyByEmailRequest& r) { r.set_comment(std::string(1001, 'x')); })},
      // SendBankTransfer
      {"bank: country alpha-3", "bank_account.country",
       Broken<v1::SendBankTransferRequest>(
           &ValidateSendBankTransfer, Bank(),
           [](v1::SendBankTransferRequest& r) { r.mutable_bank_account()->set_country("HU"); })},
      {"bank: format required", "bank_account.format",
       Broken<v1::SendBankTransferRequest>(
           &ValidateSendBankTransfer, Bank(),
           [](v1::SendBankTransferRequest& r) { r.mutable_bank_account()->clear_format(); })},
      {"bank: account number at most 34", "bank_account.account_number",
       Broken<v1::SendBankTransferRequest>(&ValidateSendBankTransfer, Bank(),
                                           [](v1::SendBankTransferRequest& r) {
                                             r.mutable_bank_account()->set_account_number(
                                                 std::string(35, '1'));
                                           })},
      {"bank: SWIFT required for IBAN", "swift_code",
       Broken<v1::SendBankTransferRequest>(
           &ValidateSendBankTransfer, Bank(),
           [](v1::SendBankTransferRequest& r) { r.clear_swift_code(); })},
      {"bank: SWIFT 8 or 11", "swift_code",
       Broken<v1::SendBankTransferRequest>(
           &ValidateSendBankTransfer, Bank(),
           [](v1::SendBankTransferRequest& r) { r.set_swift_code("OTPVHU"); })},
      {"bank: comment at most 90", "comment",
       Broken<v1::SendBankTransferRequest>(
           &ValidateSendBankTransfer, Bank(),
           [](v1::SendBankTransferRequest& r) { r.set_comment(std::string(91, 'x')); })},
      {"bank: recipient name required", "recipient.name",
       Broken<v1::SendBankTransferRequest>(
           &ValidateSendBankTransfer, Bank(),
           [](v1::SendBankTransferRequest& r) { r.mutable_recipient()->clear_name(); })},
      {"bank: zip at most 16", "recipient.address.zip",
       Broken<v1::SendBankTransferRequest>(&ValidateSendBankTransfer, Bank(),
                                           [](v1::SendBankTransferRequest& r) {
                                             r.mutable_recipient()->mutable_address()->set_zip(
                                                 std::string(17, '1'));
                                           })},
      // CreatePos
      {"pos callback url https", "callback_url",
       Broken<v1::CreatePosRequest>(
           &ValidateCreatePos, Pos(),
           [](v1::CreatePosRequest& r) { r.set_callback_url("http://shop.example.com/cb"); })},
      {"pos: https url", "url",
       Broken<v1::CreatePosRequest>(&ValidateCreatePos, Pos(),
                                    [](v1::CreatePosRequest& r) { r.set_url("http://x"); })},
      {"pos: description 20-200", "description",
       Broken<v1::CreatePosRequest>(&ValidateCreatePos, Pos(),
                                    [](v1::CreatePosRequest& r) { r.set_description("short"); })},
      {"pos: known category", "categories[0]",
       Broken<v1::CreatePosRequest>(&ValidateCreatePos, Pos(),
                                    [](v1::CreatePosRequest& r) { r.set_categories(0, "Tea"); })},
      {"pos: turnover band 1-6", "expected_turnover",
       Broken<v1::CreatePosRequest>(&ValidateCreatePos, Pos(),
                                    [](v1::CreatePosRequest& r) { r.set_expected_turnover(0); })},
      {"pos: primary currency", "primary_currency",
       Broken<v1::CreatePosRequest>(&ValidateCreatePos, Pos(),
                                    [](v1::CreatePosRequest& r) { r.clear_primary_currency(); })},
      {"pos: logo required", "logo",
       Broken<v1::CreatePosRequest>(&ValidateCreatePos, Pos(),
                                    [](v1::CreatePosRequest& r) { r.clear_logo(); })},
      {"pos: logo at most 3 MiB", "logo",
       Broken<v1::CreatePosRequest>(
           &ValidateCreatePos, Pos(),
           [](v1::CreatePosRequest& r) { r.set_logo(std::string((3 << 20) + 1, 'x')); })},
      {"pos: custom css bounded", "custom_css",
       Broken<v1::CreatePosRequest>(
           &ValidateCreatePos, Pos(),
           [](v1::CreatePosRequest& r) { r.set_custom_css(std::string(10001, 'x')); })},
      {"pos: customer service phone", "customer_service_contact.phone_number",
       Broken<v1::CreatePosRequest>(&ValidateCreatePos, Pos(),
                                    [](v1::CreatePosRequest& r) {
                                      r.mutable_customer_service_contact()->clear_phone_number();
                                    })},
  };
  return *rules;
}

// Card minimums bind only when nothing but cards may pay: the Barion balance has none.
TEST(ValidationRulesTest, SmallAmountsPassWhenTheBalanceMayPay) {
  v1::StartPaymentRequest r = Start();
  r.mutable_transactions(0)->set_total("5");
  EXPECT_TRUE(ValidateStartPayment(r).ok());  // funding ALL
  r.clear_funding_sources();
  r.add_funding_sources(v1::FUNDING_SOURCE_BANK_CARD);
  r.mutable_transactions(0)->set_total("10");
  EXPECT_TRUE(ValidateStartPayment(r).ok());  // exactly the HUF minimum
}

TEST(ValidationRulesTest, TheValidRequestsPass) {
  EXPECT_TRUE(ValidateStartPayment(Start()).ok());
  EXPECT_TRUE(ValidateSendMoneyByEmail(Email()).ok());
  EXPECT_TRUE(ValidateSendBankTransfer(Bank()).ok());
  EXPECT_TRUE(ValidateCreatePos(Pos()).ok());
}

class ValidationRuleTest : public testing::TestWithParam<size_t> {};

TEST_P(ValidationRuleTest, NamesExactlyTheBrokenField) {
  const Rule& rule = Rules()[GetParam()];
  const absl::Status s = rule.broken();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << rule.name;
  EXPECT_THAT(ViolatedFields(s), testing::ElementsAre(rule.field)) << rule.name;
}

INSTANTIATE_TEST_SUITE_P(EveryRule, ValidationRuleTest, testing::Range<size_t>(0, Rules().size()),
                         [](const testing::TestParamInfo<size_t>& info) {
                           std::string name = Rules()[info.param].name;
                           for (char& ch : name) {
                             if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace barion_gateway::server
