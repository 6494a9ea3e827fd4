// The payment state the event pipeline fetches through BarionPayments: whether a failure means
// the payment is unknown (drop the callback, stop watching) or worth another look later is
// decided on the typed UpstreamError and the gateway's own checks, never on a status code read
// back from an error.
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/operations/payments.h"
#include "tests/server/barion/fake_transport.h"

namespace barion_gateway::server {
namespace {

constexpr char kKey[] = "2f6e1a9c4b7d4e0f8a3c5b9d1e7f6a20";
constexpr char kPayment[] = "4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6";

class FetchStateTest : public testing::Test {
 protected:
  FetchStateTest()
      : payments_({{ShopConfig{"web", kKey, "shop@example.com", "", "", "hu-HU"}}}, &transport_) {}

  FetchedState Fetch(const std::string& shop = "web", const std::string& payment = kPayment) {
    return payments_.FetchPaymentState(shop, payment, absl::Now() + absl::Seconds(5));
  }

  FakeTransport transport_;
  BarionPayments payments_;
};

TEST_F(FetchStateTest, AStateIsFetchedWithTheShopsKeyAsTheGatewaysOwnCaller) {
  transport_.Answer(200, R"({"PaymentId":"4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6","Status":"Succeeded",)"
                         R"("Total":100,"Currency":"HUF","Errors":[]})");
  FetchedState state = Fetch();
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ((*state).payment_id(), kPayment);
  EXPECT_FALSE(state.unknown_payment());
  ASSERT_EQ(transport_.requests().size(), 1u);
  EXPECT_EQ(transport_.requests()[0].path,
            "/v4/Payment/4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6/PaymentState");
}

TEST_F(FetchStateTest, BarionNotKnowingThePaymentIsUnknown) {
  for (const char* code : {"NotExistingPaymentId", "ModelValidationError"}) {
    transport_.Answer(400, absl::StrCat(R"({"Errors":[{"ErrorCode":")", code, R"("}]})"));
    FetchedState state = Fetch();
    ASSERT_FALSE(state.ok());
    EXPECT_TRUE(state.unknown_payment()) << code;
  }
}

TEST_F(FetchStateTest, FailuresThatMayPassAreNotUnknown) {
  transport_.Fail(TransportFailure::kConnect);
  transport_.Fail(TransportFailure::kTimeout);
  transport_.Answer(429, "{}");
  transport_.Answer(503, R"({"Message":"down"})");
  // Barion's own "no such payment" while it is failing (5xx) is not trusted as an answer.
  transport_.Answer(500, R"({"Errors":[{"ErrorCode":"NotExistingPaymentId"}]})");
  transport_.Answer(400, R"({"Errors":[{"ErrorCode":"AuthenticationFailed"}]})");
  for (int i = 0; i < 6; ++i) {
    FetchedState state = Fetch();
    ASSERT_FALSE(state.ok()) << i;
    EXPECT_FALSE(state.unknown_payment()) << i << ": " << state.status();
  }
}

TEST_F(FetchStateTest, AnIdOrShopBarionCouldNotKnowIsUnknownWithoutAsking) {
  FetchedState bad_id = Fetch("web", "not-a-payment-id\n");
  EXPECT_FALSE(bad_id.ok());
  EXPECT_TRUE(bad_id.unknown_payment());
  FetchedState bad_shop = Fetch("nosuchshop");
  EXPECT_FALSE(bad_shop.ok());
  EXPECT_TRUE(bad_shop.unknown_payment());
  EXPECT_TRUE(transport_.requests().empty());
}

}  // namespace
}  // namespace barion_gateway::server
