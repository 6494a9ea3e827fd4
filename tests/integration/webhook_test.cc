// Webhooks end to end: the sandbox calls back, the gateway records the event and POSTs it,
// signed, to real HTTP receivers on loopback. Receivers that hang, answer 500, 302 or garbage,
// or send an endless body cost bounded time, get the right retries and delay no other endpoint;
// the operators' RPCs show and act on deliveries, authorized by the endpoint's shops.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/hmac.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "barion/v1/webhook_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "rapidjson/document.h"
#include "tests/integration/harness.h"
#include "tests/server/auth/test_policy.h"

namespace barion_gateway::testing_support {
namespace {

namespace v1 = ::barion::v1;
using testing::HasSubstr;

const std::string kKey(32, 'w');  // the signing key's bytes
std::string Secret() { return "whsec_" + absl::Base64Escape(kKey); }

struct Delivery {
  std::string id;
  std::string timestamp;
  std::string signature;
  std::string content_type;
  std::string body;
};

// An HTTP receiver on loopback: records what it gets; `mode` says how it answers.
class Receiver {
 public:
  enum class Mode { kOk, kError500, kRedirect, kHang, kEndless };
  explicit Receiver(Mode mode) : mode_(mode) {
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      Delivery d{req.get_header_value("webhook-id"), req.get_header_value("webhook-timestamp"),
                 req.get_header_value("webhook-signature"), req.get_header_value("Content-Type"),
                 req.body};
      {
        absl::MutexLock lock(&mu_);
        got_.push_back(d);
      }
      switch (mode_) {
        case Mode::kOk:
          res.set_content("thanks", "text/plain");
          return;
        case Mode::kError500:
          res.status = 500;
          return;
        case Mode::kRedirect:
          res.status = 302;
          res.set_header("Location", redirect_to_);
          return;
        case Mode::kHang:
          absl::SleepFor(absl::Seconds(3));
          return;
        case Mode::kEndless:
          res.set_chunked_content_provider("text/plain", [](size_t, httplib::DataSink& sink) {
            static const std::string chunk(16 * 1024, 'z');
            return sink.write(chunk.data(), chunk.size());
          });
          return;
      }
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~Receiver() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return absl::StrCat("http://127.0.0.1:", port_, "/hook"); }
  void RedirectTo(std::string url) { redirect_to_ = std::move(url); }
  std::vector<Delivery> got() {
    absl::MutexLock lock(&mu_);
    return got_;
  }
  std::vector<Delivery> AwaitAtLeast(size_t n, absl::Duration within = absl::Seconds(10)) {
    const absl::Time deadline = absl::Now() + within;
    while (got().size() < n && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(10));
    return got();
  }

 private:
  const Mode mode_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::string redirect_to_;
  absl::Mutex mu_;
  std::vector<Delivery> got_ ABSL_GUARDED_BY(mu_);
};

// A TCP server that answers every connection with bytes that are not HTTP.
class GarbageServer {
 public:
  GarbageServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), len);
    ::listen(fd_, 16);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] {
      while (true) {
        const int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0) return;
        accepted_.fetch_add(1);
        char buffer[4096];
        (void)::recv(c, buffer, sizeof(buffer), 0);
        const char junk[] = "\x01\x02 this is no HTTP at all\r\n\r\n";
        (void)::send(c, junk, sizeof(junk) - 1, MSG_NOSIGNAL);
        ::close(c);
      }
    });
  }
  ~GarbageServer() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::string url() const { return absl::StrCat("http://127.0.0.1:", port_, "/hook"); }
  int accepted() const { return accepted_.load(); }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::atomic<int> accepted_{0};
};

server::WebhookEndpointConfig Endpoint(const std::string& name, const std::string& url) {
  server::WebhookEndpointConfig e;
  e.name = name;
  e.url = url;
  e.keys = {kKey};
  e.secret_texts = {Secret()};
  e.timeout = absl::Seconds(1);
  e.max_in_flight = 2;
  return e;
}

// The signature a receiver expects, computed here with OpenSSL directly (the Node and PHP
// receivers of tests/polyglot check it with libraries of their own).
std::string ExpectedSignature(const Delivery& d) {
  const std::string content = absl::StrCat(d.id, ".", d.timestamp, ".", d.body);
  unsigned char mac[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), kKey.data(), static_cast<int>(kKey.size()),
       reinterpret_cast<const unsigned char*>(content.data()), content.size(), mac, &len);
  return "v1," + absl::Base64Escape(absl::string_view(reinterpret_cast<char*>(mac), len));
}

v1::StartPaymentResponse StartAndPay(Harness& h, const std::string& total = "1500") {
  v1::StartPaymentResponse started;
  grpc::Status s = h.stub().StartPayment(Deadline(10).get(),
                                         Harness::CardPayment(total, v1::CURRENCY_HUF), &started);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(h.Control(absl::StrCat("payments/", started.payment_id(), "/pay"), "{}"), 200);
  return started;
}

TEST(WebhookTest, APaymentsEventArrivesSignedAsTheStreamCarriesIt) {
  Receiver receiver(Receiver::Mode::kOk);
  HarnessOptions options;
  options.webhooks.endpoints = {Endpoint("shop", receiver.url())};
  Harness h(options);
  const v1::StartPaymentResponse started = StartAndPay(h);
  const std::vector<Delivery> got = receiver.AwaitAtLeast(1);
  ASSERT_EQ(got.size(), 1u);
  const Delivery& d = got[0];
  EXPECT_THAT(d.id, testing::MatchesRegex("msg_[0-9a-f]{32}"));
  int64_t timestamp = 0;
  ASSERT_TRUE(absl::SimpleAtoi(d.timestamp, &timestamp));
  EXPECT_LE(std::abs(timestamp - absl::ToUnixSeconds(absl::Now())), 5);
  EXPECT_EQ(d.signature, ExpectedSignature(d));
  EXPECT_EQ(d.content_type, "application/json");
  rapidjson::Document body;
  body.Parse(d.body.c_str());
  ASSERT_FALSE(body.HasParseError()) << d.body;
  EXPECT_STREQ(body["type"].GetString(), "payment.event");
  const auto& data = body["data"];
  EXPECT_STREQ(data["paymentId"].GetString(), started.payment_id().c_str());
  EXPECT_STREQ(data["snapshot"]["status"].GetString(), "PAYMENT_STATUS_SUCCEEDED");
  EXPECT_STREQ(data["snapshot"]["total"].GetString(), "1500");
  // The cursor is the stream's.
  v1::ListPaymentEventsRequest list;
  list.add_payment_ids(started.payment_id());
  v1::ListPaymentEventsResponse events;
  ASSERT_TRUE(h.events().ListPaymentEvents(Deadline(5).get(), list, &events).ok());
  ASSERT_EQ(events.events_size(), 1);
  EXPECT_STREQ(data["cursor"].GetString(), events.events(0).cursor().c_str());
  // No secret of the gateway's in the body: the callback URL's secret segment is redacted.
  EXPECT_THAT(d.body, testing::Not(HasSubstr(Harness::CallbackPath())));
}

TEST(WebhookTest, AReceiverDownForAWhileGetsEverythingInOrderOnceItIsUp) {
  // The port is chosen now and nothing listens on it until later: connections are refused.
  int port = 0;
  {
    httplib::Server probe;
    port = probe.bind_to_any_port("127.0.0.1");
  }
  HarnessOptions options;
  options.webhooks.endpoints = {Endpoint("late", absl::StrCat("http://127.0.0.1:", port, "/hook"))};
  options.webhooks.retry_delays = std::vector<absl::Duration>(20, absl::Milliseconds(200));
  Harness h(options);
  std::vector<std::string> payments;
  for (int i = 0; i < 4; ++i)
    payments.push_back(StartAndPay(h, absl::StrCat(1000 + i)).payment_id());
  absl::SleepFor(absl::Milliseconds(500));  // attempts fail meanwhile
  // Now it comes up, on the port the endpoint names.
  httplib::Server late;
  absl::Mutex mu;
  std::vector<std::string> ids, bodies;
  late.Post("/hook", [&](const httplib::Request& req, httplib::Response& res) {
    absl::MutexLock lock(&mu);
    ids.push_back(req.get_header_value("webhook-id"));
    bodies.push_back(req.body);
    res.status = 204;
  });
  ASSERT_TRUE(late.bind_to_port("127.0.0.1", port));
  std::thread serving([&] { late.listen_after_bind(); });
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  auto count = [&] {
    absl::MutexLock lock(&mu);
    return ids.size();
  };
  while (count() < 4 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(10));
  absl::SleepFor(absl::Milliseconds(300));  // and nothing more comes
  late.stop();
  serving.join();
  ASSERT_EQ(ids.size(), 4u);  // each event once
  std::set<std::string> distinct(ids.begin(), ids.end());
  EXPECT_EQ(distinct.size(), 4u);
  for (const std::string& payment : payments) {
    EXPECT_EQ(
        std::count_if(bodies.begin(), bodies.end(),
                      [&](const std::string& b) { return b.find(payment) != std::string::npos; }),
        1);
  }
}

TEST(WebhookTest, HostileReceiversCostBoundedTimeAndDelayNoOther) {
  Receiver fine(Receiver::Mode::kOk);
  Receiver error(Receiver::Mode::kError500);
  Receiver redirect(Receiver::Mode::kRedirect);
  redirect.RedirectTo(fine.url());
  Receiver hang(Receiver::Mode::kHang);
  Receiver endless(Receiver::Mode::kEndless);
  GarbageServer garbage;
  HarnessOptions options;
  options.webhooks.endpoints = {
      Endpoint("fine", fine.url()),         Endpoint("error", error.url()),
      Endpoint("redirect", redirect.url()), Endpoint("hang", hang.url()),
      Endpoint("endless", endless.url()),   Endpoint("garbage", garbage.url())};
  options.webhooks.retry_delays = {absl::Milliseconds(100), absl::Milliseconds(100)};
  Harness h(options);
  const absl::Time start = absl::Now();
  for (int i = 0; i < 3; ++i) StartAndPay(h, absl::StrCat(1000 + i));
  // The fine endpoint has all three promptly, whatever the others do.
  EXPECT_EQ(fine.AwaitAtLeast(3, absl::Seconds(5)).size(), 3u);
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  // A 500, a redirect (not followed: the fine receiver got no fourth), garbage and a hang (cut at
  // the 1 s timeout) are each tried three times (the first and two retries), then dead letters.
  auto dead_letters = [&](const std::string& endpoint) {
    v1::ListWebhookDeliveriesRequest r;
    r.set_endpoint(endpoint);
    v1::ListWebhookDeliveriesResponse response;
    auto stub = v1::WebhookService::NewStub(h.channel());
    EXPECT_TRUE(stub->ListWebhookDeliveries(Deadline(5).get(), r, &response).ok());
    int failed = 0;
    for (const auto& d : response.deliveries()) {
      failed += d.state() == v1::WEBHOOK_DELIVERY_STATE_FAILED;
    }
    return failed;
  };
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  for (const char* endpoint : {"error", "redirect", "garbage", "hang"}) {
    while (dead_letters(endpoint) < 3 && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(50));
    }
    EXPECT_EQ(dead_letters(endpoint), 3) << endpoint;
  }
  EXPECT_EQ(error.got().size(), 9u);
  EXPECT_EQ(redirect.got().size(), 9u);
  EXPECT_EQ(fine.got().size(), 3u);
  EXPECT_EQ(garbage.accepted(), 9);
  EXPECT_GE(hang.got().size(), 9u);
  // An endless body with a 2xx: the answer counts once it is read up to its bound.
  EXPECT_EQ(endless.AwaitAtLeast(3).size(), 3u);
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(endless.got().size(), 3u);
  EXPECT_EQ(dead_letters("endless"), 0);
}

TEST(WebhookTest, OperatorsSeeAndActOnDeliveriesOfTheirShopsOnly) {
  constexpr char kOps[] = "token-of-the-operations-team-0123456789ab";
  constexpr char kDemo[] = "token-of-the-demo-operator-0123456789abcd";
  Receiver receiver(Receiver::Mode::kError500);
  Receiver fixed(Receiver::Mode::kOk);
  HarnessOptions options;
  server::WebhookEndpointConfig demo = Endpoint("demo-crm", receiver.url());
  demo.shops = {"demo"};
  options.webhooks.endpoints = {demo, Endpoint("all-shops", fixed.url())};
  options.webhooks.retry_delays = {absl::Milliseconds(50)};
  options.callers = {server::TokenCaller("ops", kOps, {"*"}, {"*"}),
                     server::TokenCaller(
                         "demo-ops", kDemo,
                         {"/barion.v1.WebhookService/*", "/barion.v1.PaymentService/*"}, {"demo"})};
  Harness h(options);
  auto stub = v1::WebhookService::NewStub(h.channel());
  v1::StartPaymentResponse started;
  v1::StartPaymentRequest start = Harness::CardPayment("1200", v1::CURRENCY_HUF);
  ASSERT_TRUE(h.stub().StartPayment(WithToken(kOps).get(), start, &started).ok());
  ASSERT_EQ(h.Control(absl::StrCat("payments/", started.payment_id(), "/pay"), "{}"), 200);

  // The demo operator sees its shop's endpoint only.
  v1::ListWebhookEndpointsResponse listed;
  ASSERT_TRUE(stub->ListWebhookEndpoints(WithToken(kDemo).get(), {}, &listed).ok());
  ASSERT_EQ(listed.endpoints_size(), 1);
  EXPECT_EQ(listed.endpoints(0).name(), "demo-crm");
  ASSERT_TRUE(stub->ListWebhookEndpoints(WithToken(kOps).get(), {}, &listed).ok());
  EXPECT_EQ(listed.endpoints_size(), 2);
  v1::SendTestWebhookRequest test;
  test.set_endpoint("all-shops");
  v1::SendTestWebhookResponse tested;
  grpc::Status s = stub->SendTestWebhook(WithToken(kDemo).get(), test, &tested);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(Reasons(s), testing::ElementsAre("SHOP_NOT_ALLOWED"));
  ASSERT_TRUE(stub->SendTestWebhook(WithToken(kOps).get(), test, &tested).ok());
  EXPECT_TRUE(tested.delivered());
  EXPECT_THAT(tested.webhook_id(), testing::StartsWith("msg_test_"));

  // The failing endpoint's delivery becomes a dead letter the demo operator can list and retry.
  v1::ListWebhookDeliveriesRequest list;
  list.set_endpoint("demo-crm");
  v1::ListWebhookDeliveriesResponse deliveries;
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  do {
    ASSERT_TRUE(stub->ListWebhookDeliveries(WithToken(kDemo).get(), list, &deliveries).ok());
    if (deliveries.deliveries_size() > 0 &&
        deliveries.deliveries(0).state() == v1::WEBHOOK_DELIVERY_STATE_FAILED) {
      break;
    }
    absl::SleepFor(absl::Milliseconds(20));
  } while (absl::Now() < deadline);
  ASSERT_EQ(deliveries.deliveries_size(), 1);
  const v1::WebhookDelivery& failed = deliveries.deliveries(0);
  EXPECT_EQ(failed.attempts(), 2);
  EXPECT_EQ(failed.last_error(), "HTTP 500");
  EXPECT_EQ(failed.event().payment_id(), started.payment_id());
  EXPECT_EQ(failed.webhook_id(), receiver.got()[0].id);
  v1::RetryWebhookDeliveryRequest retry;
  retry.set_endpoint("demo-crm");
  retry.set_cursor(failed.cursor());
  v1::RetryWebhookDeliveryResponse retried;
  ASSERT_TRUE(stub->RetryWebhookDelivery(WithToken(kDemo).get(), retry, &retried).ok());
  EXPECT_FALSE(retried.delivered());
  EXPECT_EQ(retried.http_status(), 500);
  retry.set_cursor("12345");
  s = stub->RetryWebhookDelivery(WithToken(kDemo).get(), retry, &retried);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(Reasons(s), testing::ElementsAre("WEBHOOK_DELIVERY_NOT_FOUND"));

  // Replaying the all-shops endpoint from the beginning delivers its event again, same id.
  const std::vector<Delivery> before = fixed.AwaitAtLeast(2);  // the event and the test
  v1::ReplayWebhookEndpointRequest replay;
  replay.set_endpoint("all-shops");
  replay.set_after_cursor("0");
  v1::ReplayWebhookEndpointResponse replayed;
  ASSERT_TRUE(stub->ReplayWebhookEndpoint(WithToken(kOps).get(), replay, &replayed).ok());
  const std::vector<Delivery> after = fixed.AwaitAtLeast(before.size() + 1);
  ASSERT_EQ(after.size(), before.size() + 1);
  std::string event_id;
  for (const Delivery& d : before) {
    if (!absl::StartsWith(d.id, "msg_test_")) event_id = d.id;
  }
  EXPECT_EQ(after.back().id, event_id);
  replay.set_after_cursor("not-a-cursor");
  s = stub->ReplayWebhookEndpoint(WithToken(kOps).get(), replay, &replayed);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadFields(s), testing::ElementsAre("after_cursor"));
  replay.set_endpoint("nobody");
  s = stub->ReplayWebhookEndpoint(WithToken(kOps).get(), replay, &replayed);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);

  // Every operator call is in the audit log, with its endpoint and caller, and no secret.
  h.gateway().audit_log()->Flush();
  std::ifstream in(h.data_dir() + "/audit.log");
  std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_THAT(log, HasSubstr(R"("method":"/barion.v1.WebhookService/RetryWebhookDelivery")"));
  EXPECT_THAT(log, HasSubstr(R"("webhook_endpoint":"demo-crm")"));
  EXPECT_THAT(log, HasSubstr(R"("method":"/barion.v1.WebhookService/SendTestWebhook")"));
  EXPECT_THAT(log, testing::Not(HasSubstr(Secret().substr(6))));
}

TEST(WebhookTest, AReloadAddsAnEndpointWithoutARestart) {
  Receiver first(Receiver::Mode::kOk);
  Receiver added(Receiver::Mode::kOk);
  HarnessOptions options;
  options.webhooks.endpoints = {Endpoint("first", first.url())};
  Harness h(options);
  StartAndPay(h, "1100");
  ASSERT_EQ(first.AwaitAtLeast(1).size(), 1u);
  server::Config next = h.config();
  next.webhooks.endpoints.push_back(Endpoint("added", added.url()));
  ASSERT_TRUE(h.gateway().Reload(next).ok());
  StartAndPay(h, "1200");
  EXPECT_EQ(first.AwaitAtLeast(2).size(), 2u);
  const std::vector<Delivery> got = added.AwaitAtLeast(1);
  ASSERT_EQ(got.size(), 1u);  // only what came after it was added
  EXPECT_THAT(got[0].body, HasSubstr(R"("total":"1200")"));
  // An endpoint the transport refuses leaves everything as it was.
  server::Config bad = next;
  bad.webhooks.endpoints.push_back(Endpoint("bad", "ftp://127.0.0.1/hook"));
  const absl::Status s = h.gateway().Reload(bad);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("webhooks.endpoints[bad]"));
}

}  // namespace
}  // namespace barion_gateway::testing_support
