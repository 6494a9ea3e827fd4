#include "server/events/callback_listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <iostream>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "server/common/network_list.h"
#include "server/events/sqlite/sqlite_event_store.h"

namespace barion_gateway::server {
namespace {

constexpr char kId[] = "4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6";
constexpr char kSecret[] = "s3cr3t-0123456789abcdef0123456789abcdef";
constexpr char kOldSecret[] = "old-secret-0123456789abcdef0123456789ab";
// The shop's callback path, as the gateway puts it into CallbackUrl.
const std::string kPath = std::string("/callback/web/") + kSecret;

// An inbox whose writes fail, as a full disk would.
class BrokenStore final : public CallbackInbox {
 public:
  absl::StatusOr<int64_t> RecordCallback(const std::string&, const std::string&, absl::Time,
                                         barion::v1::EventSource, const std::string&) override {
    return absl::UnavailableError("disk full");
  }
  absl::StatusOr<std::vector<PendingCallback>> PendingCallbacks(int) override {
    return std::vector<PendingCallback>();
  }
  absl::Status CompleteCallbacks(const std::vector<int64_t>&) override { return absl::OkStatus(); }
  absl::StatusOr<int64_t> PruneCallbacks(absl::Time) override { return 0; }
  absl::StatusOr<bool> KnowsPayment(const std::string&, const std::string&) override {
    return false;
  }
};

class CallbackListenerTest : public testing::Test {
 protected:
  void SetUp() override {
    static int n = 0;
    auto store =
        SqliteEventStore::Open(testing::TempDir() + "/listener-" + std::to_string(n++) + ".db");
    ASSERT_TRUE(store.ok());
    store_ = *std::move(store);
    Start(store_.get());
  }
  void Start(CallbackInbox* store, const std::vector<std::string>& allowed = {},
             const std::vector<std::string>& proxies = {}) {
    CallbackListener::Options options;
    options.allowed_sources = *NetworkList::Parse(allowed);
    options.trusted_proxies = *NetworkList::Parse(proxies);
    options.shop_secrets = {{"web", {kSecret, kOldSecret}}};
    options.http.limits.max_body_bytes = 256;
    options.http.request_timeout = absl::Seconds(1);
    options.http.idle_timeout = absl::Seconds(1);
    options.http.workers = 4;
    options.http.max_connections = 256;
    auto listener = CallbackListener::Start(options, store, [this] { ++notified_; });
    ASSERT_TRUE(listener.ok()) << listener.status();
    listener_ = *std::move(listener);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", listener_->port());
  }
  std::vector<PendingCallback> Pending() { return *store_->PendingCallbacks(100); }

  std::unique_ptr<SqliteEventStore> store_;
  std::unique_ptr<CallbackListener> listener_;
  std::unique_ptr<httplib::Client> client_;
  std::atomic<int> notified_{0};
};

TEST_F(CallbackListenerTest, RecordsTheQueryPaymentIdBeforeAnswering200) {
  auto res = client_->Post((kPath + "?paymentId=" + kId).c_str(), "", "");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  // Durable before the answer: the receipt is in the store as soon as the 200 arrives.
  ASSERT_EQ(Pending().size(), 1u);
  EXPECT_EQ(Pending()[0].payment_id, kId);
  EXPECT_EQ(Pending()[0].shop, "web");
  EXPECT_EQ(Pending()[0].source, barion::v1::EVENT_SOURCE_CALLBACK);
  EXPECT_EQ(notified_.load(), 1);
}

TEST_F(CallbackListenerTest, ReadsTheBodyAndMatchesTheNameCaseInsensitively) {
  auto res = client_->Post(kPath.c_str(), "PaymentID=4F1D2C3B-5A6E-47C8-B9D0-E1F2A3B4C5D6",
                           "application/x-www-form-urlencoded");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  ASSERT_EQ(Pending().size(), 1u);
  EXPECT_EQ(Pending()[0].payment_id, kId) << "normalised: lower case, no hyphens";
  auto get = client_->Get((kPath + "?paymentid=" + kId).c_str());
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 200);
}

// Barion's callbacks come from published addresses: with an allowlist, a callback from
// elsewhere gets 404 and is not recorded; behind a trusted proxy, X-Forwarded-For names the
// client, and a client cannot pass for an allowed address by writing the header itself.
TEST_F(CallbackListenerTest, AnAllowlistRefusesOtherSourcesBeforeRecordingAnything) {
  listener_.reset();
  Start(store_.get(), {"20.223.214.216/32"});
  auto res = client_->Post((kPath + "?paymentId=" + kId).c_str(), "", "");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  res = client_->Post((kPath + "?paymentId=" + kId).c_str(),
                      {{"X-Forwarded-For", "20.223.214.216"}}, "", "");  // not from a proxy
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_TRUE(Pending().empty());

  listener_.reset();
  Start(store_.get(), {"20.223.214.216/32"}, {"127.0.0.0/8"});  // a proxy on this machine
  res = client_->Post((kPath + "?paymentId=" + kId).c_str(),
                      {{"X-Forwarded-For", "20.223.214.216"}}, "", "");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  // A client-written hop left of the proxy's does not count: the proxy appended the real one.
  res = client_->Post((kPath + "?paymentId=" + kId).c_str(),
                      {{"X-Forwarded-For", "20.223.214.216, 203.0.113.9"}}, "", "");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(Pending().size(), 1u);
}

TEST_F(CallbackListenerTest, RejectsBadInputWithTheRightStatus) {
  auto status = [](const httplib::Result& r) { return r ? r->status : -1; };
  EXPECT_EQ(status(client_->Post(
                (std::string("/callback/other/") + kSecret + "?paymentId=" + kId).c_str(), "", "")),
            404);
  EXPECT_EQ(status(client_->Post(kPath.c_str(), "", "")), 400);
  EXPECT_EQ(status(client_->Post((kPath + "?paymentId=1%20OR%201=1").c_str(), "", "")), 400);
  EXPECT_EQ(status(client_->Post("/somewhere-else", "", "")), 404);
  EXPECT_EQ(status(client_->Put((kPath + "?paymentId=" + kId).c_str(), "", "")), 405);
  EXPECT_EQ(status(client_->Delete(kPath.c_str())), 405);
  EXPECT_EQ(status(client_->Head((kPath + "?paymentId=" + kId).c_str())), 405)
      << "only POST and GET record callbacks";
  EXPECT_EQ(status(client_->Post(kPath.c_str(), std::string(1000, 'x'), "text/plain")), 413);
  EXPECT_TRUE(Pending().empty()) << "nothing bad was recorded";
}

// A raw TCP connection to the listener, for what no well-behaved client library sends.
class RawConnection {
 public:
  explicit RawConnection(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    timeval tv{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }
  ~RawConnection() { ::close(fd_); }
  bool connected() const { return connected_; }
  bool Send(absl::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  // Everything until the server closes (or 5 s pass).
  std::string ReadAll() {
    std::string out;
    char buffer[4096];
    ssize_t n;
    while ((n = ::recv(fd_, buffer, sizeof(buffer), 0)) > 0) out.append(buffer, n);
    return out;
  }
  // Whether the server closed the connection (reads EOF or a reset within 5 s).
  bool Closed() {
    char buffer[4096];
    ssize_t n;
    while ((n = ::recv(fd_, buffer, sizeof(buffer), 0)) > 0) {
    }
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

int64_t RssKiB() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  }
  return -1;
}

// Headers that promise a body that never comes: cut off at request_timeout with 408.
TEST_F(CallbackListenerTest, CutsOffSlowClients) {
  RawConnection slow(listener_->port());
  const absl::Time start = absl::Now();
  ASSERT_TRUE(slow.Send(absl::StrCat("POST ", kPath, " HTTP/1.1\r\nContent-Length: 50\r\n\r\n")));
  const std::string answer = slow.ReadAll();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5)) << "cut off at request_timeout (1 s)";
  EXPECT_EQ(answer.rfind("HTTP/1.1 408", 0), 0u) << answer;
  EXPECT_TRUE(Pending().empty());
}

// A burst of callbacks on new connections (Barion opens one per callback) is accepted at once:
// no connection waits for a dropped SYN to be retried a second later (the backlog is 1,024, not
// the 5 of Debian's cpp-httplib). The connect time is what a dropped SYN shows in (>= 1 s); a
// connect into the backlog takes well under 10 ms even on a loaded machine, so 900 ms is a wide
// margin both ways.
TEST_F(CallbackListenerTest, AnswersABurstOfNewConnectionsWithoutStalling) {
  constexpr int kClients = 128;
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  std::atomic<int64_t> slowest_connect_ms{0};
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&] {
      const absl::Time start = absl::Now();
      RawConnection c(listener_->port());
      const int64_t ms = absl::ToInt64Milliseconds(absl::Now() - start);
      int64_t prev = slowest_connect_ms.load();
      while (ms > prev && !slowest_connect_ms.compare_exchange_weak(prev, ms)) {
      }
      c.Send(absl::StrCat("POST ", kPath, "?paymentId=", kId,
                          " HTTP/1.1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"));
      if (c.ReadAll().rfind("HTTP/1.1 200", 0) == 0) ++ok;
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), kClients);
  EXPECT_LT(slowest_connect_ms.load(), 900) << "a connection waited for a SYN retransmission";
  EXPECT_EQ(store_->PendingCallbacks(1000)->size(), static_cast<size_t>(kClients));
}

// The body limit holds while a chunked body is read: a gigabyte of chunks is refused after the
// first ones, with memory flat, instead of being buffered whole before the 413.
TEST_F(CallbackListenerTest, ChunkedBodiesAreLimitedWhileTheyAreRead) {
  const int64_t before = RssKiB();
  RawConnection c(listener_->port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.Send(absl::StrCat("POST ", kPath, "?paymentId=", kId,
                                  " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")));
  const std::string chunk = absl::StrCat("100000\r\n", std::string(1 << 20, 'a'), "\r\n");
  int sent = 0;
  while (sent < 1000 && c.Send(chunk)) ++sent;
  EXPECT_LT(sent, 1000) << "the listener kept reading a body far over its limit";
  const int64_t after = RssKiB();
  EXPECT_LT(after - before, 32 * 1024) << "RSS grew by " << after - before << " KiB";
  std::cout << "measured: chunked upload cut off after " << sent << " MiB chunks; RSS grew by "
            << after - before << " KiB\n";
  EXPECT_TRUE(Pending().empty());
  // Small chunked callbacks are still fine.
  RawConnection ok(listener_->port());
  ASSERT_TRUE(ok.Send(absl::StrCat(
      "POST ", kPath, " HTTP/1.1\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n",
      "a\r\npaymentId=\r\n20\r\n", kId, "\r\n0\r\n\r\n")));
  EXPECT_EQ(ok.ReadAll().rfind("HTTP/1.1 200 OK", 0), 0u);
  EXPECT_EQ(Pending().size(), 1u);
}

// Slow senders (slowloris): many more connections than workers, each trickling header lines,
// do not delay a real callback, and each is cut off when its whole request has not arrived
// within request_timeout, however often it sends a byte.
TEST_F(CallbackListenerTest, SlowSendersNeitherDelayCallbacksNorStayConnected) {
  constexpr int kSlow = 64;  // 16x the 4 workers
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < kSlow; ++i) {
    slow.push_back(std::make_unique<RawConnection>(listener_->port()));
    ASSERT_TRUE(slow.back()->Send(absl::StrCat("POST ", kPath, " HTTP/1.1\r\nX-a: 1\r\n")));
  }
  // Keep them trickling, one header line each every 100 ms.
  std::atomic<bool> stop{false};
  std::thread trickle([&] {
    while (!stop) {
      for (auto& c : slow) c->Send("X-b: 2\r\n");
      absl::SleepFor(absl::Milliseconds(100));
    }
  });
  const absl::Time start = absl::Now();
  auto res = client_->Post((kPath + "?paymentId=" + kId).c_str(), "", "");
  const absl::Duration took = absl::Now() - start;
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_LT(took, absl::Milliseconds(500)) << "a callback waited behind slow senders";
  std::cout << "measured: callback answered in " << took << " beside " << kSlow
            << " slow senders (4 workers)\n";
  // Each slow one is closed at its deadline (1 s), despite sending all the time.
  int closed = 0;
  for (auto& c : slow) closed += c->Closed();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  stop = true;
  trickle.join();
  EXPECT_EQ(closed, kSlow);
}

// Past max_connections, the connection that has waited longest for its request makes room.
TEST(CallbackListenerLimitsTest, ConnectionCapClosesTheSlowestToAdmitANewOne) {
  auto store = SqliteEventStore::Open(testing::TempDir() + "/listener-cap.db");
  ASSERT_TRUE(store.ok());
  CallbackListener::Options options;
  options.shop_secrets = {{"web", {kSecret}}};
  options.http.max_connections = 8;
  options.http.request_timeout = absl::Seconds(30);
  options.http.idle_timeout = absl::Seconds(30);
  auto listener = CallbackListener::Start(options, store->get(), nullptr);
  ASSERT_TRUE(listener.ok());
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 40; ++i) {
    idle.push_back(std::make_unique<RawConnection>((*listener)->port()));
    idle.back()->Send("POST / HTTP/1.1\r\n");
  }
  httplib::Client client("127.0.0.1", (*listener)->port());
  client.set_read_timeout(5, 0);
  const absl::Time start = absl::Now();
  auto res = client.Post((kPath + "?paymentId=" + kId).c_str(), "", "");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));
}

TEST_F(CallbackListenerTest, HeaderCountAndSizeAreBounded) {
  std::string many = absl::StrCat("POST ", kPath, "?paymentId=", kId, " HTTP/1.1\r\n");
  for (int i = 0; i < 20000; ++i) absl::StrAppend(&many, "X", i, ": v\r\n");
  RawConnection c(listener_->port());
  c.Send(many + "\r\n");
  EXPECT_EQ(c.ReadAll().rfind("HTTP/1.1 431", 0), 0u);
  RawConnection big(listener_->port());
  big.Send(absl::StrCat("POST ", kPath, "?paymentId=", kId,
                        " HTTP/1.1\r\nX: ", std::string(100000, 'v'), "\r\n\r\n"));
  EXPECT_EQ(big.ReadAll().rfind("HTTP/1.1 431", 0), 0u);
  RawConnection smuggle(listener_->port());
  smuggle.Send(
      absl::StrCat("POST ", kPath, "?paymentId=", kId,
                   " HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"));
  EXPECT_EQ(smuggle.ReadAll().rfind("HTTP/1.1 400", 0), 0u);
  EXPECT_TRUE(Pending().empty());
}

// Callback source verification: without one of the shop's secrets nothing is recorded; the
// previous secret still works during a rotation.
TEST_F(CallbackListenerTest, OnlyCallbacksCarryingTheShopsSecretAreRecorded) {
  auto status = [](const httplib::Result& r) { return r ? r->status : -1; };
  const std::string query = std::string("?paymentId=") + kId;
  EXPECT_EQ(status(client_->Post(("/callback/web" + query).c_str(), "", "")), 404);
  EXPECT_EQ(status(client_->Post(("/callback/web/wrong" + query).c_str(), "", "")), 404);
  EXPECT_EQ(status(client_->Post((std::string("/callback/web/") + kSecret + "x" + query).c_str(),
                                 "", "")),
            404);
  EXPECT_EQ(status(client_->Post(
                (std::string("/callback/web/") + std::string(kSecret).substr(1) + query).c_str(),
                "", "")),
            404);
  EXPECT_TRUE(Pending().empty());
  EXPECT_EQ(
      status(client_->Post((std::string("/callback/web/") + kOldSecret + query).c_str(), "", "")),
      200);
  EXPECT_EQ(Pending().size(), 1u);
}

TEST(CallbackListenerFailureTest, AnswersUnavailableWhenTheStoreCannotRecord) {
  BrokenStore broken;
  CallbackListener::Options options;
  options.shop_secrets = {{"web", {kSecret}}};
  auto listener = CallbackListener::Start(options, &broken, nullptr);
  ASSERT_TRUE(listener.ok());
  httplib::Client client("127.0.0.1", (*listener)->port());
  auto res = client.Post((kPath + "?paymentId=" + kId).c_str(), "", "");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503) << "Barion retries on anything but 200";
}

}  // namespace
}  // namespace barion_gateway::server
