// Each money-moving method leaves its own audit record, one test case per method (a second proof
// beside audit_test, which calls them all in one test): a method that stopped being audited
// fails here by name. Each call is made with a token of a caller allowed it; whether Barion
// accepts it does not matter, every call is audited.
#include <fstream>
#include <functional>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "tests/integration/harness.h"
#include "tests/server/auth/test_policy.h"

namespace barion_gateway::testing_support {
namespace {

namespace v1 = ::barion::v1;

constexpr char kToken[] = "token-of-the-audited-caller-0123456789abcd";

struct Method {
  std::string name;  // "/barion.v1.PaymentService/Refund"
  std::function<void(Harness&, const std::string& payment_id)> call;
};

std::string PrintName(const testing::TestParamInfo<Method>& info) {
  return info.param.name.substr(info.param.name.rfind('/') + 1);
}

class AuditPerMethodTest : public testing::TestWithParam<Method> {
 protected:
  static void SetUpTestSuite() {
    HarnessOptions options;
    server::CallerPolicy caller = server::TokenCaller("auditor", kToken, {"*"}, {"demo"});
    caller.wallets = {"treasury"};
    options.callers = {caller};
    harness_ = new Harness(options);
    v1::StartPaymentResponse started;
    EXPECT_TRUE(harness_->stub()
                    .StartPayment(WithToken(kToken).get(),
                                  Harness::CardPayment("1000", v1::CURRENCY_HUF), &started)
                    .ok());
    payment_id_ = new std::string(started.payment_id());
  }
  static void TearDownTestSuite() {
    delete harness_;
    delete payment_id_;
  }

  // The result records of `method` in the audit log.
  int ResultRecords(const std::string& method) {
    harness_->gateway().audit_log()->Flush();
    std::ifstream in(harness_->data_dir() + "/audit.log");
    int n = 0;
    for (std::string line; std::getline(in, line);) {
      rapidjson::Document d;
      d.Parse(line.c_str());
      if (!d.IsObject() || !d.HasMember("method") || !d.HasMember("phase")) continue;
      if (d["method"].GetString() == method && std::string(d["phase"].GetString()) == "result" &&
          d.HasMember("caller") && std::string(d["caller"].GetString()) == "auditor") {
        ++n;
      }
    }
    return n;
  }

  static Harness* harness_;
  static std::string* payment_id_;
};

Harness* AuditPerMethodTest::harness_ = nullptr;
std::string* AuditPerMethodTest::payment_id_ = nullptr;

TEST_P(AuditPerMethodTest, TheCallIsAudited) {
  const int before = ResultRecords(GetParam().name);
  GetParam().call(*harness_, *payment_id_);
  EXPECT_EQ(ResultRecords(GetParam().name), before + 1) << GetParam().name;
}

template <typename Response, typename Request, typename Stub, typename Rpc>
void Call(Stub& stub, Rpc rpc, const Request& request) {
  Response response;
  (stub.*rpc)(WithToken(kToken).get(), request, &response);
}

const Method kMethods[] = {
    {"/barion.v1.PaymentService/StartPayment",
     [](Harness& h, const std::string&) {
       Call<v1::StartPaymentResponse>(h.stub(), &v1::PaymentService::Stub::StartPayment,
                                      Harness::CardPayment("700", v1::CURRENCY_HUF));
     }},
    {"/barion.v1.PaymentService/StartGooglePayPayment",
     [](Harness& h, const std::string&) {
       v1::StartGooglePayPaymentRequest r;
       *r.mutable_payment() = Harness::CardPayment("500", v1::CURRENCY_HUF);
       Call<v1::StartGooglePayPaymentResponse>(h.stub(),
                                               &v1::PaymentService::Stub::StartGooglePayPayment, r);
     }},
    {"/barion.v1.PaymentService/StartApplePayPayment",
     [](Harness& h, const std::string&) {
       v1::StartApplePayPaymentRequest r;
       *r.mutable_payment() = Harness::CardPayment("500", v1::CURRENCY_HUF);
       Call<v1::StartApplePayPaymentResponse>(h.stub(),
                                              &v1::PaymentService::Stub::StartApplePayPayment, r);
     }},
    {"/barion.v1.PaymentService/FinishReservation",
     [](Harness& h, const std::string& id) {
       v1::FinishReservationRequest r;
       r.set_payment_id(id);
       r.add_transactions()->set_total("1000");
       Call<v1::FinishReservationResponse>(h.stub(), &v1::PaymentService::Stub::FinishReservation,
                                           r);
     }},
    {"/barion.v1.PaymentService/Capture",
     [](Harness& h, const std::string& id) {
       v1::CaptureRequest r;
       r.set_payment_id(id);
       Call<v1::CaptureResponse>(h.stub(), &v1::PaymentService::Stub::Capture, r);
     }},
    {"/barion.v1.PaymentService/CancelAuthorization",
     [](Harness& h, const std::string& id) {
       v1::CancelAuthorizationRequest r;
       r.set_payment_id(id);
       Call<v1::CancelAuthorizationResponse>(h.stub(),
                                             &v1::PaymentService::Stub::CancelAuthorization, r);
     }},
    {"/barion.v1.PaymentService/Refund",
     [](Harness& h, const std::string& id) {
       v1::RefundRequest r;
       r.set_payment_id(id);
       auto* line = r.add_transactions_to_refund();
       line->set_transaction_id("00000000000000000000000000000001");
       line->set_pos_transaction_id("r-1");
       line->set_amount_to_refund("250");
       Call<v1::RefundResponse>(h.stub(), &v1::PaymentService::Stub::Refund, r);
     }},
    {"/barion.v1.PaymentService/Complete",
     [](Harness& h, const std::string& id) {
       v1::CompleteRequest r;
       r.set_payment_id(id);
       Call<v1::CompleteResponse>(h.stub(), &v1::PaymentService::Stub::Complete, r);
     }},
    {"/barion.v1.WalletService/SendMoneyByEmail",
     [](Harness& h, const std::string&) {
       v1::SendMoneyByEmailRequest r;
       r.set_currency(v1::CURRENCY_HUF);
       r.set_amount("100");
       r.set_target_email("friend@example.com");
       Call<v1::SendMoneyByEmailResponse>(h.wallets(), &v1::WalletService::Stub::SendMoneyByEmail,
                                          r);
     }},
    {"/barion.v1.WalletService/SendBankTransfer",
     [](Harness& h, const std::string&) {
       v1::SendBankTransferRequest r;
       r.set_currency(v1::CURRENCY_EUR);
       r.set_amount("10.50");
       Call<v1::SendBankTransferResponse>(h.wallets(), &v1::WalletService::Stub::SendBankTransfer,
                                          r);
     }},
    {"/barion.v1.WalletService/CreatePos",
     [](Harness& h, const std::string&) {
       Call<v1::CreatePosResponse>(h.wallets(), &v1::WalletService::Stub::CreatePos,
                                   v1::CreatePosRequest());
     }},
};

INSTANTIATE_TEST_SUITE_P(MoneyMovingMethods, AuditPerMethodTest, testing::ValuesIn(kMethods),
                         PrintName);

}  // namespace
}  // namespace barion_gateway::testing_support
