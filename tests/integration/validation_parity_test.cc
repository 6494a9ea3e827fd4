// The gateway's validation and the sandbox's must not drift apart: every case below is
// one broken rule of a StartPayment request; the gateway's ValidateStartPayment must name the
// field, and the same request encoded as Barion JSON, sent straight to the sandbox (bypassing the
// gateway), must be refused with ModelValidationError. A rule added to one side only fails here.
#include <functional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "server/barion/codec.h"
#include "server/common/errors.h"
#include "server/operations/validation.h"
#include "tests/integration/harness.h"

namespace barion_gateway::testing_support {
namespace {

namespace v1 = ::barion::v1;

struct Case {
  const char* name;
  const char* field;  // what the gateway names
  std::function<void(v1::StartPaymentRequest&)> mutate;
  // A rule the gateway applies on purpose where Barion (and so the sandbox) has a default: the
  // sandbox must then accept the request. Each one says why.
  const char* gateway_only = nullptr;
};

v1::StartPaymentRequest Valid() {
  v1::StartPaymentRequest r = Harness::CardPayment("1500", v1::CURRENCY_HUF);
  r.set_redirect_url("https://shop.example/return");
  r.set_locale("hu-HU");
  r.mutable_transactions(0)->set_payee(kPayee);
  return r;
}

const std::vector<Case>& Cases() {
  static const auto* cases = new std::vector<Case>{
      {"no payment request id", "payment_request_id",
       [](v1::StartPaymentRequest& r) { r.clear_payment_request_id(); }},
      {"payment request id too long", "payment_request_id",
       [](v1::StartPaymentRequest& r) { r.set_payment_request_id(std::string(101, 'x')); }},
      {"no currency", "currency", [](v1::StartPaymentRequest& r) { r.clear_currency(); }},
      {"no locale", "locale", [](v1::StartPaymentRequest& r) { r.clear_locale(); }},
      {"no redirect url", "redirect_url",
       [](v1::StartPaymentRequest& r) { r.clear_redirect_url(); }},
      {"no funding source", "funding_sources",
       [](v1::StartPaymentRequest& r) { r.clear_funding_sources(); }},
      {"HUF with decimals", "transactions[0].total",
       [](v1::StartPaymentRequest& r) {
         r.mutable_transactions(0)->set_total("1500.5");
         r.mutable_transactions(0)->mutable_items(0)->set_unit_price("1500.5");
         r.mutable_transactions(0)->mutable_items(0)->set_item_total("1500.5");
       }},
      {"no payment type", "payment_type",
       [](v1::StartPaymentRequest& r) { r.clear_payment_type(); }},
      {"reservation without a period", "reservation_period",
       [](v1::StartPaymentRequest& r) { r.set_payment_type(v1::PAYMENT_TYPE_RESERVATION); },
       "Barion reserves for 30 minutes by default (docs/BARION.md §3); the gateway asks for an "
       "explicit period so that no reservation silently auto-finishes after 30 minutes"},
      {"payment window over 7 days", "payment_window",
       [](v1::StartPaymentRequest& r) { r.mutable_payment_window()->set_seconds(8 * 24 * 3600); }},
      {"payment window under a minute", "payment_window",
       [](v1::StartPaymentRequest& r) { r.mutable_payment_window()->set_seconds(30); }},
      {"card only under the card minimum", "transactions[0].total",
       [](v1::StartPaymentRequest& r) {
         r.clear_funding_sources();
         r.add_funding_sources(v1::FUNDING_SOURCE_BANK_CARD);
         r.mutable_transactions(0)->set_total("5");
         r.mutable_transactions(0)->mutable_items(0)->set_unit_price("5");
         r.mutable_transactions(0)->mutable_items(0)->set_item_total("5");
       }},
      {"no transaction id of the shop", "transactions[0].pos_transaction_id",
       [](v1::StartPaymentRequest& r) { r.mutable_transactions(0)->clear_pos_transaction_id(); }},
  };
  return *cases;
}

class ValidationParityTest : public testing::TestWithParam<size_t> {
 protected:
  static void SetUpTestSuite() { harness_ = new Harness(); }
  static void TearDownTestSuite() {
    delete harness_;
    harness_ = nullptr;
  }
  // POSTs `json` to the sandbox's Payment/Start with the demo shop's key.
  static httplib::Result SendToSandbox(const std::string& json) {
    httplib::SSLClient client("127.0.0.1", harness_->sandbox().https_port());
    client.set_ca_cert_path(harness_->sandbox().ca_file().c_str());
    client.enable_server_certificate_verification(true);
    return client.Post("/v2/Payment/Start", {{"x-pos-key", kPosKey}}, json, "application/json");
  }
  static Harness* harness_;
};

Harness* ValidationParityTest::harness_ = nullptr;

TEST_F(ValidationParityTest, TheValidRequestPassesBoth) {
  EXPECT_TRUE(server::ValidateStartPayment(Valid()).ok());
  httplib::Result res = SendToSandbox(server::EncodeStartPayment(Valid()));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
}

TEST_P(ValidationParityTest, BothRefuseTheBrokenRule) {
  const Case& c = Cases()[GetParam()];
  v1::StartPaymentRequest r = Valid();
  c.mutate(r);
  const absl::Status gateway = server::ValidateStartPayment(r);
  EXPECT_EQ(gateway.code(), absl::StatusCode::kInvalidArgument) << c.name;
  EXPECT_THAT(server::ViolatedFields(gateway), testing::Contains(c.field)) << c.name;

  httplib::Result res = SendToSandbox(server::EncodeStartPayment(r));
  ASSERT_TRUE(res) << c.name;
  if (c.gateway_only != nullptr) {
    EXPECT_EQ(res->status, 200) << c.name << ": no longer a gateway-only rule? " << res->body;
    return;
  }
  EXPECT_EQ(res->status, 400) << c.name << ": the sandbox accepted what the gateway refuses";
  EXPECT_THAT(res->body, testing::HasSubstr("ModelValidationError")) << c.name << ": " << res->body;
}

INSTANTIATE_TEST_SUITE_P(EveryRule, ValidationParityTest, testing::Range<size_t>(0, Cases().size()),
                         [](const testing::TestParamInfo<size_t>& info) {
                           std::string name = Cases()[info.param].name;
                           for (char& ch : name) {
                             if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace barion_gateway::testing_support

namespace barion_gateway::testing_support {
namespace {

// The same parity for the wallet transfers: the gateway's rule and the sandbox's.
struct WalletCase {
  const char* name;
  const char* field;
  const char* path;                   // the sandbox endpoint
  std::function<std::string()> json;  // the broken request, encoded
  std::function<absl::Status()> gateway;
};

v1::SendBankTransferRequest ValidBank() {
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

template <typename Request>
WalletCase MakeCase(const char* name, const char* field, const char* path, Request valid,
                    std::function<void(Request&)> mutate, absl::Status (*validate)(const Request&),
                    std::string (*encode)(const Request&)) {
  Request broken = valid;
  mutate(broken);
  return {name, field, path, [=] { return encode(broken); }, [=] { return validate(broken); }};
}

const std::vector<WalletCase>& WalletCases() {
  using BT = v1::SendBankTransferRequest;
  static const auto* cases = new std::vector<WalletCase>{
      MakeCase<BT>(
          "bank country not alpha 3", "bank_account.country", "/v3/Withdraw/BankTransfer",
          ValidBank(), [](BT& r) { r.mutable_bank_account()->set_country("HU"); },
          &server::ValidateSendBankTransfer, &server::EncodeSendBankTransfer),
      MakeCase<BT>(
          "bank no format", "bank_account.format", "/v3/Withdraw/BankTransfer", ValidBank(),
          [](BT& r) { r.mutable_bank_account()->clear_format(); },
          &server::ValidateSendBankTransfer, &server::EncodeSendBankTransfer),
      MakeCase<BT>(
          "bank IBAN without SWIFT", "swift_code", "/v3/Withdraw/BankTransfer", ValidBank(),
          [](BT& r) { r.clear_swift_code(); }, &server::ValidateSendBankTransfer,
          &server::EncodeSendBankTransfer),
      MakeCase<BT>(
          "bank comment over 90", "comment", "/v3/Withdraw/BankTransfer", ValidBank(),
          [](BT& r) { r.set_comment(std::string(91, 'x')); }, &server::ValidateSendBankTransfer,
          &server::EncodeSendBankTransfer),
      MakeCase<BT>(
          "bank no recipient", "recipient.name", "/v3/Withdraw/BankTransfer", ValidBank(),
          [](BT& r) { r.mutable_recipient()->clear_name(); }, &server::ValidateSendBankTransfer,
          &server::EncodeSendBankTransfer),
      MakeCase<BT>(
          "bank zero amount", "amount", "/v3/Withdraw/BankTransfer", ValidBank(),
          [](BT& r) { r.set_amount("0"); }, &server::ValidateSendBankTransfer,
          &server::EncodeSendBankTransfer),
  };
  return *cases;
}

class WalletParityTest : public testing::TestWithParam<size_t> {
 protected:
  static void SetUpTestSuite() { harness_ = new Harness(); }
  static void TearDownTestSuite() {
    delete harness_;
    harness_ = nullptr;
  }
  static Harness* harness_;
};

Harness* WalletParityTest::harness_ = nullptr;

TEST_P(WalletParityTest, BothRefuseTheBrokenRule) {
  const WalletCase& c = WalletCases()[GetParam()];
  EXPECT_THAT(server::ViolatedFields(c.gateway()), testing::ElementsAre(c.field)) << c.name;
  httplib::SSLClient client("127.0.0.1", harness_->sandbox().https_port());
  client.set_ca_cert_path(harness_->sandbox().ca_file().c_str());
  client.enable_server_certificate_verification(true);
  httplib::Result res =
      client.Post(c.path, {{"x-api-key", kWalletApiKey}}, c.json(), "application/json");
  ASSERT_TRUE(res) << c.name;
  EXPECT_EQ(res->status, 400) << c.name << ": the sandbox accepted what the gateway refuses";
  EXPECT_THAT(res->body, testing::HasSubstr("ModelValidationError")) << c.name;
}

TEST_F(WalletParityTest, TheValidTransferPassesBoth) {
  EXPECT_TRUE(server::ValidateSendBankTransfer(ValidBank()).ok());
  httplib::SSLClient client("127.0.0.1", harness_->sandbox().https_port());
  client.set_ca_cert_path(harness_->sandbox().ca_file().c_str());
  client.enable_server_certificate_verification(true);
  httplib::Result res =
      client.Post("/v3/Withdraw/BankTransfer", {{"x-api-key", kWalletApiKey}},
                  server::EncodeSendBankTransfer(ValidBank()), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
}

INSTANTIATE_TEST_SUITE_P(EveryRule, WalletParityTest,
                         testing::Range<size_t>(0, WalletCases().size()),
                         [](const testing::TestParamInfo<size_t>& info) {
                           std::string name = WalletCases()[info.param].name;
                           for (char& ch : name) {
                             if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace barion_gateway::testing_support
