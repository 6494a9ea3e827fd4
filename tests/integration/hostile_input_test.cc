// Requests an attacker or a careless client would send, through real gRPC: the answer must be
// the right code with its BadRequest, fit in gRPC's default metadata limit (8 KiB, which the
// client enforces), and arrive within the caller's deadline.
#include <atomic>
#include <future>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "httplib.h"
#include "tests/integration/harness.h"

namespace barion_gateway::testing_support {
namespace {

namespace v1 = ::barion::v1;

// What a client receives of an error: message plus details (the trailers' size, before base64).
size_t ErrorBytes(const grpc::Status& s) {
  return s.error_message().size() + s.error_details().size();
}

// 100,000 transactions whose totals are all invalid: the validation is linear, stops at a
// bounded number of violations, and the error the client gets is INVALID_ARGUMENT with a
// BadRequest (not RESOURCE_EXHAUSTED for trailers over the metadata limit), well within the
// deadline.
TEST(HostileInputTest, HugeInvalidRequestIsRefusedQuicklyWithABadRequestThatFits) {
  Harness h;
  for (const int n : {100, 100000}) {
    v1::StartPaymentRequest r = Harness::CardPayment("1000", v1::CURRENCY_HUF);
    r.clear_transactions();
    for (int i = 0; i < n; ++i) {
      auto* t = r.add_transactions();
      t->set_pos_transaction_id(absl::StrCat("t", i));
      t->set_total("x");
    }
    v1::StartPaymentResponse out;
    auto context = Deadline(10);
    const absl::Time start = absl::Now();
    grpc::Status s = h.stub().StartPayment(context.get(), r, &out);
    const absl::Duration took = absl::Now() - start;
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << n << ": " << s.error_message();
    EXPECT_FALSE(BadFields(s).empty()) << n;
    EXPECT_LT(ErrorBytes(s), 4096u) << n;
    EXPECT_LT(took, absl::Seconds(2)) << n;
    std::cout << "measured: " << n << " invalid transactions refused in " << took << ", error "
              << ErrorBytes(s) << " bytes\n";
  }
}

// The transaction limit through the real gateway (beside validation_test's unit check): 100 valid
// transactions are sent, 101 are refused naming `transactions`, and Barion never hears of them.
TEST(HostileInputTest, OneTransactionOverTheLimitIsRefusedBeforeBarion) {
  Harness h;
  auto payment = [](int n) {
    v1::StartPaymentRequest r = Harness::CardPayment("1000", v1::CURRENCY_HUF);
    r.clear_transactions();
    for (int i = 0; i < n; ++i) {
      auto* t = r.add_transactions();
      t->set_pos_transaction_id(absl::StrCat("t", i));
      t->set_total("10");
    }
    r.set_payment_request_id(absl::StrCat("limit-", n));
    return r;
  };
  v1::StartPaymentResponse out;
  int64_t before = SandboxRequests(h);
  grpc::Status s = h.stub().StartPayment(Deadline(10).get(), payment(101), &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_THAT(BadFields(s), testing::Contains("transactions"));
  EXPECT_EQ(SandboxRequests(h), before);
  s = h.stub().StartPayment(Deadline(10).get(), payment(100), &out);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(SandboxRequests(h), before + 1);
}

// Every field wrong at once, each at its longest: still a BadRequest that fits.
TEST(HostileInputTest, ManyViolationsWithLongValuesFit) {
  Harness h;
  v1::StartPaymentRequest r;
  r.set_payment_request_id(std::string(5000, 'r'));
  r.set_redirect_url(std::string(5000, 'u'));
  r.set_locale(std::string(5000, 'l'));
  r.set_payer_hint(std::string(5000, 'p'));
  for (int i = 0; i < 90; ++i) {
    auto* t = r.add_transactions();
    t->set_pos_transaction_id(std::string(3000, 'x'));
    t->set_total(std::string(3000, '9'));
    t->set_payee(std::string(3000, 'e'));
    t->set_comment(std::string(3000, 'c'));
  }
  v1::StartPaymentResponse out;
  auto context = Deadline(10);
  grpc::Status s = h.stub().StartPayment(context.get(), r, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_FALSE(BadFields(s).empty());
  EXPECT_LT(ErrorBytes(s), 4096u);
}

// A shop name of any length is named in the error only truncated and escaped.
TEST(HostileInputTest, LongUnknownShopNameIsTruncatedInTheError) {
  Harness h;
  v1::StartPaymentRequest r = Harness::CardPayment("1000", v1::CURRENCY_HUF);
  r.set_shop(std::string(1 << 20, 's') + "\n2026-01-01T00:00:00Z INFO forged");
  v1::StartPaymentResponse out;
  auto context = Deadline(10);
  grpc::Status s = h.stub().StartPayment(context.get(), r, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message().size();
  ASSERT_EQ(BadFields(s), std::vector<std::string>{"shop"});
  EXPECT_LT(ErrorBytes(s), 1024u);
  EXPECT_EQ(s.error_message().find('\n'), std::string::npos);
}

std::string RandomPaymentId(std::mt19937_64& rng) {
  return absl::StrCat(absl::Hex(rng(), absl::kZeroPad16), absl::Hex(rng(), absl::kZeroPad16));
}

// Forged callbacks: without the shop's secret nothing is recorded and Barion is never called;
// with it (a leaked URL), a burst for payments never seen costs Barion calls only within the
// shop's budget (2/s, bursts of 10), however many arrive.
TEST(HostileInputTest, ForgedCallbackBurstsDoNotBecomeBarionCallBursts) {
  Harness h;
  std::mt19937_64 rng(42);
  httplib::Client listener("http://" + h.gateway().callback_address());
  const int64_t before = SandboxRequests(h);
  for (int i = 0; i < 300; ++i) {
    auto res = listener.Post(("/callback/demo/guess?paymentId=" + RandomPaymentId(rng)).c_str(), "",
                             "text/plain");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 404);
  }
  EXPECT_TRUE(h.gateway().event_store()->PendingCallbacks(10)->empty()) << "nothing recorded";

  const absl::Time start = absl::Now();
  for (int i = 0; i < 300; ++i) {
    auto res = listener.Post(
        (Harness::CallbackPath() + "?paymentId=" + RandomPaymentId(rng)).c_str(), "", "text/plain");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200) << "a callback with the secret is acknowledged";
  }
  // Wait until the processor has dealt with all of them.
  for (int i = 0; i < 200 && !h.gateway().event_store()->PendingCallbacks(1)->empty(); ++i) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_TRUE(h.gateway().event_store()->PendingCallbacks(1)->empty());
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  const int64_t calls = SandboxRequests(h) - before;
  EXPECT_LE(calls, 10 + static_cast<int64_t>(2 * seconds) + 1)
      << calls << " Barion calls for 300 forged callbacks in " << seconds << " s";
  EXPECT_GE(calls, 10) << "the budget's burst is used";
  std::cout << "measured: 300 forged callbacks with the secret -> " << calls << " Barion calls in "
            << seconds << " s; 300 without it -> 0\n";
}

// grpc.health.v1.Health/Check for the whole server, called without generated stubs; returns the
// serialized HealthCheckResponse ("\x08\x01" is SERVING), or the error.
std::string HealthCheck(Harness& h) {
  grpc::GenericStub stub(h.channel());
  auto context = Deadline(2);
  grpc::ByteBuffer request;  // an empty HealthCheckRequest
  grpc::Slice empty("");
  request = grpc::ByteBuffer(&empty, 1);
  grpc::ByteBuffer response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(context.get(), "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request,
                 &response, [&done](grpc::Status s) { done.set_value(s); });
  const grpc::Status s = done.get_future().get();
  if (!s.ok()) return "error: " + s.error_message();
  std::vector<grpc::Slice> slices;
  response.Dump(&slices);
  std::string bytes;
  for (const grpc::Slice& slice : slices)
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  return bytes;
}

// A hung Barion: calls waiting on it take at most their share of the gRPC threads; the rest stay
// for calls that never reach Barion, so events can still be read and health still answers.
TEST(HostileInputTest, CallsStuckOnAHungBarionDoNotStarveLocalCalls) {
  HarnessOptions options;
  options.max_concurrent_calls = 16;  // 8 may wait on Barion
  Harness h(options);
  ASSERT_EQ(h.Control("faults", R"({"mode":"slow","path_prefix":"/v2/Payment/Start",)"
                                R"("delay_ms":4000,"count":1000})"),
            200);
  // Beyond the call executor's bound, the gateway refuses (CALLS_EXHAUSTED); beyond the
  // upstream share, too (UPSTREAM_CALLS_EXHAUSTED); both with outcome not_sent.
  std::atomic<int> limited{0};
  std::vector<std::thread> stuck;
  for (int i = 0; i < 40; ++i) {
    stuck.emplace_back([&h, &limited] {
      v1::StartPaymentResponse out;
      grpc::Status s = h.stub().StartPayment(Deadline(8).get(),
                                             Harness::CardPayment("1000", v1::CURRENCY_HUF), &out);
      if (s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED &&
          Reasons(s) == std::vector<std::string>{"UPSTREAM_CALLS_EXHAUSTED"} &&
          Metadata(s, "outcome") == "not_sent") {
        ++limited;
      }
    });
  }
  absl::SleepFor(absl::Milliseconds(500));  // all 40 are either waiting on Barion or refused
  for (int i = 0; i < 5; ++i) {
    v1::ListPaymentEventsResponse page;
    const absl::Time start = absl::Now();
    grpc::Status list =
        h.events().ListPaymentEvents(Deadline(2).get(), v1::ListPaymentEventsRequest(), &page);
    EXPECT_TRUE(list.ok()) << list.error_code() << " " << list.error_message();
    EXPECT_LT(absl::Now() - start, absl::Seconds(1));
    EXPECT_EQ(HealthCheck(h), "\x08\x01") << "grpc.health.v1 answers SERVING";
  }
  for (auto& t : stuck) t.join();
  EXPECT_GT(limited.load(), 0) << "calls beyond the upstream share fail fast, not sent";
}

// One client cannot take every stream: past its own cap it is refused, and another client
// still gets one.
TEST(HostileInputTest, OneClientCannotHoldEverySubscriberStream) {
  HarnessOptions options;
  options.max_subscribers_per_client = 5;
  Harness h(options);
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::ClientReader<v1::SubscribePaymentEventsResponse>>> streams;
  for (int i = 0; i < 5; ++i) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    streams.push_back(h.events().SubscribePaymentEvents(contexts.back().get(),
                                                        v1::SubscribePaymentEventsRequest()));
    v1::SubscribePaymentEventsResponse hello;
    ASSERT_TRUE(streams.back()->Read(&hello)) << i;
  }
  grpc::ClientContext extra;
  auto refused = h.events().SubscribePaymentEvents(&extra, v1::SubscribePaymentEventsRequest());
  v1::SubscribePaymentEventsResponse message;
  EXPECT_FALSE(refused->Read(&message));
  grpc::Status s = refused->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(Reasons(s), std::vector<std::string>{"TOO_MANY_SUBSCRIBERS_FROM_CLIENT"});
  // A stream that ends frees its place.
  contexts[0]->TryCancel();
  streams[0]->Finish();
  bool admitted = false;
  for (int i = 0; i < 50 && !admitted; ++i) {
    grpc::ClientContext again;
    auto stream = h.events().SubscribePaymentEvents(&again, v1::SubscribePaymentEventsRequest());
    admitted = stream->Read(&message);
    again.TryCancel();
    stream->Finish();
    if (!admitted) absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_TRUE(admitted);
  for (size_t i = 1; i < contexts.size(); ++i) {
    contexts[i]->TryCancel();
    streams[i]->Finish();
  }
}

}  // namespace
}  // namespace barion_gateway::testing_support
