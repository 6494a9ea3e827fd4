// Caller identity and authorization through the real gateway and sandbox over real sockets:
// bearer tokens on a loopback listener, and mTLS with certificates made by a throwaway PKI
// (docs/SECURITY.md). A refused call never reaches Barion: the sandbox counts its requests.
#include <fstream>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "client/channel.h"
#include "client/payment_client.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "tests/integration/harness.h"
#include "tests/server/auth/test_policy.h"
#include "tests/support/test_pki.h"

namespace barion_gateway::testing_support {
namespace {

namespace v1 = ::barion::v1;
using server::CallerPolicy;
using server::TokenCaller;
using testing::ElementsAre;
using testing::HasSubstr;
using testing::Not;

constexpr char kShopToken[] = "token-of-the-web-frontend-0123456789abcdef";
constexpr char kWalletToken[] = "token-of-the-treasury-bot-0123456789abcdef";
constexpr char kStrangerToken[] = "token-of-a-caller-with-no-shop-0123456789";

class TokenAuthTest : public testing::Test {
 protected:
  static HarnessOptions Options() {
    HarnessOptions options;
    CallerPolicy shop =
        TokenCaller("web-frontend", kShopToken, {"/barion.v1.PaymentService/*"}, {"demo"});
    shop.deny_methods = {"/barion.v1.PaymentService/Refund"};
    CallerPolicy treasury =
        TokenCaller("treasury-bot", kWalletToken, {"/barion.v1.WalletService/GetAccounts"}, {});
    treasury.wallets = {"treasury"};
    options.callers = {shop, treasury,
                       TokenCaller("stranger", kStrangerToken, {"*"}, {/* no shop */})};
    return options;
  }

  grpc::Status Start(const char* token) {
    v1::StartPaymentResponse response;
    return h_.stub().StartPayment(WithToken(token).get(),
                                  Harness::CardPayment("1000", v1::CURRENCY_HUF), &response);
  }

  Harness h_{Options()};
};

TEST_F(TokenAuthTest, ACallWithoutAKnownTokenIsUnauthenticatedAndNeverReachesBarion) {
  const int64_t before = SandboxRequests(h_);
  grpc::Status none = Start(nullptr);
  EXPECT_EQ(none.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(Reasons(none), ElementsAre("NO_CREDENTIALS"));

  grpc::Status unknown = Start("a-token-nobody-was-given-0123456789");
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(Reasons(unknown), ElementsAre("UNKNOWN_TOKEN"));
  EXPECT_THAT(unknown.error_message() + unknown.error_details(), Not(HasSubstr("nobody")));

  auto basic = Deadline(10);
  basic->AddMetadata("authorization", "Basic dXNlcjpwYXNz");
  v1::StartPaymentResponse response;
  grpc::Status wrong_scheme = h_.stub().StartPayment(
      basic.get(), Harness::CardPayment("1000", v1::CURRENCY_HUF), &response);
  EXPECT_THAT(Reasons(wrong_scheme), ElementsAre("INVALID_AUTHORIZATION"));
  EXPECT_EQ(SandboxRequests(h_), before);
}

TEST_F(TokenAuthTest, ACallerMayCallOnlyItsMethodsOnItsShopsAndWallets) {
  const int64_t before = SandboxRequests(h_);
  EXPECT_TRUE(Start(kShopToken).ok());
  EXPECT_EQ(SandboxRequests(h_), before + 1);

  // Refund is denied to web-frontend by a deny rule: PERMISSION_DENIED, nothing sent.
  v1::RefundRequest refund;
  refund.set_payment_id("4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6");
  v1::RefundResponse refunded;
  grpc::Status denied = h_.stub().Refund(WithToken(kShopToken).get(), refund, &refunded);
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(Reasons(denied), ElementsAre("METHOD_NOT_ALLOWED"));
  EXPECT_EQ(Metadata(denied, "caller"), "web-frontend");
  EXPECT_EQ(Metadata(denied, "method"), "/barion.v1.PaymentService/Refund");

  // A caller with no shop may not start a payment for the demo shop.
  grpc::Status no_shop = Start(kStrangerToken);
  EXPECT_EQ(no_shop.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(Reasons(no_shop), ElementsAre("SHOP_NOT_ALLOWED"));

  // Wallets: the shop's caller may not read accounts; the treasury bot may, but not transfer.
  v1::GetAccountsRequest accounts;
  v1::GetAccountsResponse listed;
  grpc::Status shop_reads_wallet =
      h_.wallets().GetAccounts(WithToken(kShopToken).get(), accounts, &listed);
  EXPECT_THAT(Reasons(shop_reads_wallet), ElementsAre("METHOD_NOT_ALLOWED"));
  grpc::Status stranger_reads_wallet =
      h_.wallets().GetAccounts(WithToken(kStrangerToken).get(), accounts, &listed);
  EXPECT_THAT(Reasons(stranger_reads_wallet), ElementsAre("WALLET_NOT_ALLOWED"));
  EXPECT_EQ(SandboxRequests(h_), before + 1);
  grpc::Status bot = h_.wallets().GetAccounts(WithToken(kWalletToken).get(), accounts, &listed);
  EXPECT_TRUE(bot.ok()) << bot.error_message();
  v1::SendBankTransferRequest transfer;
  v1::SendBankTransferResponse sent;
  grpc::Status bot_transfers =
      h_.wallets().SendBankTransfer(WithToken(kWalletToken).get(), transfer, &sent);
  EXPECT_EQ(bot_transfers.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(Reasons(bot_transfers), ElementsAre("METHOD_NOT_ALLOWED"));
}

// grpc.health.v1.Health/Check without credentials; the answer's bytes. The request and the
// answer are written by hand (field 1: the service name; field 1: the status, SERVING = 1).
TEST_F(TokenAuthTest, HealthChecksNeedNoCredentials) {
  const std::string service = "barion.v1.PaymentService";
  const std::string request = std::string("\x0a") + static_cast<char>(service.size()) + service;
  grpc::Slice slice(request);
  grpc::ByteBuffer in(&slice, 1);
  grpc::GenericStub stub(h_.channel());
  grpc::CompletionQueue cq;
  auto context = Deadline(10);
  auto call = stub.PrepareUnaryCall(context.get(), "/grpc.health.v1.Health/Check", in, &cq);
  call->StartCall();
  grpc::ByteBuffer out;
  grpc::Status status;
  call->Finish(&out, &status, reinterpret_cast<void*>(1));
  void* tag = nullptr;
  bool ok = false;
  ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(out.Dump(&slices).ok());
  std::string answer;
  for (const grpc::Slice& s : slices)
    answer.append(reinterpret_cast<const char*>(s.begin()), s.size());
  EXPECT_EQ(answer, std::string("\x08\x01"));  // SERVING
  cq.Shutdown();
}

// mTLS: client certificates of a test CA, required by the listener.
class MutualTlsTest : public testing::Test {
 protected:
  MutualTlsTest()
      : ca_(TestCa::Create(testing::TempDir(), "ca")),
        other_ca_(TestCa::Create(testing::TempDir(), "other-ca")),
        server_(ca_->Issue("gateway", {"DNS:localhost", "IP:127.0.0.1"})) {}

  HarnessOptions Options(bool require) {
    HarnessOptions options;
    options.tls_cert_file = server_.cert_file;
    options.tls_key_file = server_.key_file;
    options.tls_client_ca_file = ca_->certificate().cert_file;
    options.require_client_certificate = require;
    options.tls_refresh_interval = absl::Seconds(1);
    CallerPolicy billing;
    billing.name = "billing";
    billing.principals = {"spiffe://test.example/billing"};
    billing.allow_methods = {"/barion.v1.PaymentService/GetPaymentState"};
    billing.shops = {"demo"};
    options.callers = {billing, TokenCaller("web-frontend", kShopToken,
                                            {"/barion.v1.PaymentService/*"}, {"demo"})};
    options.channel_credentials = Tls(nullptr);
    return options;
  }

  // TLS trusting `roots` (default: the test CA), presenting `client` when given.
  std::shared_ptr<grpc::ChannelCredentials> Tls(const TestCertificate* client,
                                                const std::string* roots = nullptr) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = roots != nullptr ? *roots : ca_->certificate().cert_pem;
    if (client != nullptr) {
      ssl.pem_private_key = client->key_pem;
      ssl.pem_cert_chain = client->cert_pem;
    }
    return grpc::SslCredentials(ssl);
  }

  // GetPaymentState of an unknown payment over `channel`: any answer from Barion (the sandbox
  // says the payment does not exist) means the call got through the gateway's checks.
  static grpc::Status State(const std::shared_ptr<grpc::Channel>& channel,
                            const char* token = nullptr) {
    auto stub = v1::PaymentService::NewStub(channel);
    v1::GetPaymentStateRequest request;
    request.set_payment_id("4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6");
    v1::GetPaymentStateResponse response;
    return stub->GetPaymentState(WithToken(token).get(), request, &response);
  }

  std::unique_ptr<TestCa> ca_;
  std::unique_ptr<TestCa> other_ca_;
  TestCertificate server_;
};

TEST_F(MutualTlsTest, OnlyATrustedCurrentCertificateNamingACallerGetsIn) {
  Harness h(Options(/*require=*/true));
  const TestCertificate billing = ca_->Issue("billing", {"URI:spiffe://test.example/billing"});
  const TestCertificate stranger = ca_->Issue("stranger", {"URI:spiffe://test.example/stranger"});
  const TestCertificate foreign =
      other_ca_->Issue("foreign", {"URI:spiffe://test.example/billing"});
  const TestCertificate expired = ca_->Issue("expired", {"URI:spiffe://test.example/billing"},
                                             absl::Hours(-48), absl::Hours(-24));
  const int64_t before = SandboxRequests(h);

  // Refused in the TLS handshake: no certificate, another CA's, an expired one.
  for (const TestCertificate* refused :
       {static_cast<const TestCertificate*>(nullptr), &foreign, &expired}) {
    grpc::Status s = State(h.NewChannel(Tls(refused)));
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE)
        << (refused ? refused->cert_file : "no certificate") << ": " << s.error_message();
  }
  // Trusted, but its SAN names no caller.
  grpc::Status unknown = State(h.NewChannel(Tls(&stranger)));
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(Reasons(unknown), ElementsAre("CERTIFICATE_NOT_RECOGNIZED"));
  EXPECT_EQ(SandboxRequests(h), before);

  // billing: GetPaymentState on its shop reaches Barion; StartPayment is not its to call.
  std::shared_ptr<grpc::Channel> channel = h.NewChannel(Tls(&billing));
  grpc::Status state = State(channel);
  EXPECT_NE(state.error_code(), grpc::StatusCode::UNAUTHENTICATED) << state.error_message();
  EXPECT_NE(state.error_code(), grpc::StatusCode::PERMISSION_DENIED) << state.error_message();
  EXPECT_EQ(SandboxRequests(h), before + 1);
  v1::StartPaymentResponse started;
  grpc::Status start = v1::PaymentService::NewStub(channel)->StartPayment(
      Deadline(10).get(), Harness::CardPayment("1000", v1::CURRENCY_HUF), &started);
  EXPECT_THAT(Reasons(start), ElementsAre("METHOD_NOT_ALLOWED"));
  EXPECT_EQ(Metadata(start, "caller"), "billing");
}

// The C++ client library connects the way a caller is configured: mTLS, or a token over TLS.
TEST_F(MutualTlsTest, TheClientLibraryConnectsWithACertificateOrAToken) {
  Harness h(Options(/*require=*/false));
  const TestCertificate billing = ca_->Issue("billing-lib", {"URI:spiffe://test.example/billing"});
  const std::string token_file = testing::TempDir() + "/web-frontend.token";
  std::ofstream(token_file) << kShopToken << "\n";
  client::ChannelOptions mtls;
  mtls.address = h.gateway().grpc_address();
  mtls.ca_file = ca_->certificate().cert_file;
  mtls.cert_file = billing.cert_file;
  mtls.key_file = billing.key_file;
  mtls.server_name = "localhost";
  absl::StatusOr<client::ChannelOptions> with_token =
      client::ChannelOptionsFromEnvironment(mtls, [&](const std::string& name) {
        return name == "BARION_GATEWAY_TOKEN_FILE" ? std::optional<std::string>(token_file)
                                                   : std::nullopt;
      });
  ASSERT_TRUE(with_token.ok());
  with_token->cert_file.clear();
  with_token->key_file.clear();
  for (const client::ChannelOptions& options : {mtls, *with_token}) {
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = client::MakeChannel(options);
    ASSERT_TRUE(channel.ok()) << channel.status();
    client::PaymentClient payments(client::MakeGrpcConnection(*channel));
    v1::GetPaymentStateRequest request;
    request.set_payment_id("4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6");
    absl::StatusOr<v1::GetPaymentStateResponse> state = payments.GetPaymentState(request);
    // Through the gateway's checks: Barion (the sandbox) says the payment does not exist.
    EXPECT_EQ(state.status().code(), absl::StatusCode::kNotFound) << state.status();
  }
}

// OPTIONAL client certificates: a caller without one authenticates with a token over TLS.
TEST_F(MutualTlsTest, ATokenOverServerTlsWorksWhenCertificatesAreOptional) {
  Harness h(Options(/*require=*/false));
  std::shared_ptr<grpc::Channel> channel = h.NewChannel(Tls(nullptr));
  EXPECT_EQ(State(channel).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  grpc::Status with_token = State(channel, kShopToken);
  EXPECT_NE(with_token.error_code(), grpc::StatusCode::UNAUTHENTICATED)
      << with_token.error_message();
  EXPECT_NE(with_token.error_code(), grpc::StatusCode::UNAVAILABLE) << with_token.error_message();
}

// The server's certificate is replaced on disk: new connections get the new one, no restart.
TEST_F(MutualTlsTest, AReplacedServerCertificateIsServedWithoutARestart) {
  Harness h(Options(/*require=*/false));
  const std::string other_roots = other_ca_->certificate().cert_pem;
  // A client that trusts only the other CA cannot connect yet.
  EXPECT_EQ(State(h.NewChannel(Tls(nullptr, &other_roots)), kShopToken).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  // The operator installs a certificate of the other CA in the same files.
  other_ca_->IssueInto(server_, {"DNS:localhost", "IP:127.0.0.1"});
  grpc::Status after;
  for (int i = 0; i < 50; ++i) {
    after = State(h.NewChannel(Tls(nullptr, &other_roots)), kShopToken);
    if (after.error_code() != grpc::StatusCode::UNAVAILABLE) break;
    absl::SleepFor(absl::Milliseconds(200));
  }
  EXPECT_NE(after.error_code(), grpc::StatusCode::UNAVAILABLE) << after.error_message();
  EXPECT_NE(after.error_code(), grpc::StatusCode::UNAUTHENTICATED) << after.error_message();
}

}  // namespace
}  // namespace barion_gateway::testing_support
