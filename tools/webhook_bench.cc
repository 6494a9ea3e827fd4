// Benchmark: webhook delivery through the real gateway and sandbox (docs/PERFORMANCE.md,
// "Webhooks"). The program runs the receivers itself (one HTTP server, a path per endpoint) and
// starts the gateway binary with a configuration naming them:
//   1. one endpoint: callbacks posted to the gateway's listener at --rate per second for
//      --seconds; the delay from each callback's POST to its webhook's arrival (p50, p99);
//   2. the same endpoint replayed from the log's beginning (--replay_events events in all):
//      deliveries per second to the fast receiver, and the gateway's CPU per delivery;
//   3. --endpoints endpoints of which --down are down (connection refused): the delay at --rate
//      callbacks/s over every live endpoint's deliveries, and the gateway's CPU per callback.
// Payments are started through the gateway with a callback URL Barion cannot reach, and paid at
// the sandbox: the benchmark alone decides when each callback arrives.
//
// Usage (tools/webhook_bench.sh sets these up): webhook_bench --gateway_binary=PATH
//   --sandbox_http=URL --sandbox_https=URL --ca=FILE [--seconds=5] [--rate=100]
//   [--replay_events=3000] [--endpoints=100] [--down=10]
// Environment: BARION_POS_KEY (the sandbox's demo shop).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "barion/v1/payment_service.grpc.pb.h"
#include "barion/v1/webhook_service.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "httplib.h"
#include "tools/proc_stats.h"

ABSL_FLAG(std::string, gateway_binary, "bazel-bin/server/barion_gateway", "the gateway to run");
ABSL_FLAG(std::string, sandbox_http, "", "the sandbox's HTTP base URL (control API)");
ABSL_FLAG(std::string, sandbox_https, "", "the sandbox's HTTPS base URL (Barion's API)");
ABSL_FLAG(std::string, ca, "", "the sandbox's CA file");
ABSL_FLAG(double, seconds, 5, "length of each latency phase");
ABSL_FLAG(int, rate, 100, "callbacks per second in the latency phases");
ABSL_FLAG(int, replay_events, 3000, "events in the log when the throughput phase replays it");
ABSL_FLAG(int, endpoints, 100, "endpoints of the last phase");
ABSL_FLAG(int, down, 10, "of which down (connection refused)");
ABSL_FLAG(bool, many_only, false, "only the phase with many endpoints (for profiling)");
ABSL_FLAG(std::string, many_rates, "100,20", "callbacks per second of the many-endpoint phases");

namespace {

namespace v1 = ::barion::v1;

[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "webhook_bench: %s\n", why.c_str());
  std::exit(1);
}

// The receivers: one server, a path per endpoint ("/hook/3"); each arrival's time by (path,
// payment id), first arrivals only.
class Receivers {
 public:
  Receivers() {
    server_.new_task_queue = [] { return new httplib::ThreadPool(512); };
    server_.set_keep_alive_max_count(100000);
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      const absl::Time now = absl::Now();
      const size_t at = req.body.find("\"paymentId\":\"");
      std::string payment;
      if (at != std::string::npos) payment = req.body.substr(at + 13, 32);
      {
        absl::MutexLock lock(&mu_);
        ++deliveries_;
        arrivals_.emplace(std::make_pair(req.get_param_value("e"), payment), now);
      }
      res.status = 204;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~Receivers() {
    server_.stop();
    thread_.join();
  }
  std::string Url(int endpoint) const {
    return absl::StrCat("http://127.0.0.1:", port_, "/hook?e=", endpoint);
  }
  int64_t deliveries() {
    absl::MutexLock lock(&mu_);
    return deliveries_;
  }
  std::map<std::pair<std::string, std::string>, absl::Time> arrivals() {
    absl::MutexLock lock(&mu_);
    return arrivals_;
  }
  void Clear() {
    absl::MutexLock lock(&mu_);
    arrivals_.clear();
    deliveries_ = 0;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  absl::Mutex mu_;
  int64_t deliveries_ = 0;
  std::map<std::pair<std::string, std::string>, absl::Time> arrivals_;
};

// The gateway binary, started with a configuration of `endpoints` (URLs); stopped at the end.
class Gateway {
 public:
  Gateway(const std::vector<std::string>& endpoints, const std::string& dir) {
    mkdir(dir.c_str(), 0700);
    std::ofstream config(dir + "/gateway.textproto");
    config << "shops { name: \"demo\" pos_key_env: \"BARION_POS_KEY\" payee: "
              "\"demo-shop@sandbox.local\" callback_secret_env: \"BENCH_CALLBACK_SECRET\" }\n"
           << "barion { base_url: \"" << absl::GetFlag(FLAGS_sandbox_https) << "\" ca_file: \""
           << absl::GetFlag(FLAGS_ca) << "\" }\n"
           << "listen { grpc_address: \"127.0.0.1:0\" callback_address: \"127.0.0.1:0\" "
              "admin_address: \"127.0.0.1:0\" }\n"
           << "data_dir: \"" << dir << "/data\"\n"
           << "reconciliation { first_check { seconds: 3600 } max_interval { seconds: 3600 } }\n"
           << "webhooks {\n";
    for (size_t i = 0; i < endpoints.size(); ++i) {
      config << "  endpoints { name: \"e" << i << "\" url: \"" << endpoints[i]
             << "\" secret_env: \"BENCH_WEBHOOK_SECRET\" }\n";
    }
    config << "}\n";
    config.close();
    const std::string addresses = dir + "/addresses";
    std::fflush(stdout);  // the child's freopen would write what is buffered a second time
    pid_ = fork();
    if (pid_ == 0) {
      const std::string binary = absl::GetFlag(FLAGS_gateway_binary);
      const std::string config_flag = "--config=" + dir + "/gateway.textproto";
      const std::string addresses_flag = "--addresses_file=" + addresses;
      freopen((dir + "/gateway.log").c_str(), "w", stderr);
      freopen("/dev/null", "w", stdout);
      execl(binary.c_str(), binary.c_str(), config_flag.c_str(), addresses_flag.c_str(),
            "--log_calls=false", static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 400; ++i) {
      std::ifstream in(addresses);
      std::string line;
      while (std::getline(in, line)) {
        if (line.rfind("grpc=", 0) == 0) grpc_ = line.substr(5);
        if (line.rfind("callback=", 0) == 0) callback_ = line.substr(9);
      }
      if (!grpc_.empty() && !callback_.empty()) return;
      absl::SleepFor(absl::Milliseconds(25));
    }
    Die("the gateway did not start: see " + dir + "/gateway.log");
  }
  ~Gateway() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  int pid() const { return pid_; }
  const std::string& grpc() const { return grpc_; }
  const std::string& callback() const { return callback_; }

 private:
  pid_t pid_ = -1;
  std::string grpc_, callback_;
};

// `n` payments started through `gateway` and paid at the sandbox (their callbacks are posted by
// the benchmark).
std::vector<std::string> PaidPayments(const Gateway& gateway, int n) {
  auto stub = v1::PaymentService::NewStub(
      grpc::CreateChannel(gateway.grpc(), grpc::InsecureChannelCredentials()));
  static std::atomic<int> request_ids{0};
  std::vector<std::string> ids(n);
  std::atomic<int> next{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 8; ++w) {
    workers.emplace_back([&] {
      httplib::Client control(absl::GetFlag(FLAGS_sandbox_http));
      for (int i = next++; i < n; i = next++) {
        v1::StartPaymentRequest r;
        r.set_payment_type(v1::PAYMENT_TYPE_IMMEDIATE);
        r.add_funding_sources(v1::FUNDING_SOURCE_ALL);
        r.set_payment_request_id(absl::StrCat("hook-bench-", getpid(), "-", request_ids++));
        r.set_currency(v1::CURRENCY_HUF);
        r.set_callback_url("http://127.0.0.1:9/nowhere");
        r.set_redirect_url("https://shop.example/return");
        r.set_locale("hu-HU");
        v1::PaymentTransaction* t = r.add_transactions();
        t->set_pos_transaction_id(absl::StrCat("t", i));
        t->set_total("1500");
        grpc::ClientContext context;
        context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
        v1::StartPaymentResponse started;
        grpc::Status s = stub->StartPayment(&context, r, &started);
        if (!s.ok()) Die("StartPayment: " + s.error_message());
        auto paid =
            control.Post(absl::StrCat("/_sandbox/payments/", started.payment_id(), "/pay").c_str(),
                         "{}", "application/json");
        if (!paid || paid->status != 200) Die("the sandbox did not pay");
        ids[i] = started.payment_id();
      }
    });
  }
  for (auto& w : workers) w.join();
  return ids;
}

std::string CallbackPath(const std::string& payment) {
  return absl::StrCat("/callback/demo/", std::getenv("BENCH_CALLBACK_SECRET"),
                      "?paymentId=", payment);
}

// Posts the callbacks of `payments` at `rate` per second; their post times.
std::map<std::string, absl::Time> PostAtRate(const Gateway& gateway,
                                             const std::vector<std::string>& payments, int rate) {
  std::map<std::string, absl::Time> posted;
  httplib::Client client("http://" + gateway.callback());
  client.set_keep_alive(true);
  const absl::Time start = absl::Now();
  for (size_t i = 0; i < payments.size(); ++i) {
    absl::SleepFor(start + absl::Seconds(1) * static_cast<double>(i) / rate - absl::Now());
    posted[payments[i]] = absl::Now();
    auto res = client.Post(CallbackPath(payments[i]).c_str(), "", "text/plain");
    if (!res || res->status != 200) Die("a callback was not acknowledged");
  }
  return posted;
}

// Waits until `receivers` have `n` first arrivals (at most 60 s).
void AwaitArrivals(Receivers& receivers, size_t n) {
  const absl::Time give_up = absl::Now() + absl::Seconds(60);
  while (receivers.arrivals().size() < n && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  if (receivers.arrivals().size() < n) {
    Die(absl::StrCat("only ", receivers.arrivals().size(), " of ", n, " deliveries arrived"));
  }
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

// Delays from post to arrival, in ms, of every first arrival.
std::vector<double> Delays(Receivers& receivers, const std::map<std::string, absl::Time>& posted) {
  std::vector<double> ms;
  for (const auto& [key, at] : receivers.arrivals()) {
    auto it = posted.find(key.second);
    if (it != posted.end()) ms.push_back(absl::ToDoubleMilliseconds(at - it->second));
  }
  return ms;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  signal(SIGPIPE, SIG_IGN);
  std::string key(32, '\0');
  for (char& c : key) c = static_cast<char>(rand());  // NOLINT: a benchmark's throwaway key
  setenv("BENCH_WEBHOOK_SECRET", ("whsec_" + absl::Base64Escape(key)).c_str(), 1);
  setenv("BENCH_CALLBACK_SECRET",
         absl::StrCat("benchcallbacksecret", getpid(), "abcdefghijkl").c_str(), 1);
  char dir_template[] = "/tmp/webhook-bench-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  const int rate = absl::GetFlag(FLAGS_rate);
  const int steady = static_cast<int>(rate * absl::GetFlag(FLAGS_seconds));
  Receivers receivers;

  if (!absl::GetFlag(FLAGS_many_only)) {
    Gateway gateway({receivers.Url(0)}, dir + "/one");
    const std::vector<std::string> payments = PaidPayments(gateway, steady);
    const auto posted = PostAtRate(gateway, payments, rate);
    AwaitArrivals(receivers, payments.size());
    const std::vector<double> ms = Delays(receivers, posted);
    std::printf("1 endpoint, %d callbacks/s: callback -> webhook p50 %.2f ms, p99 %.2f ms (%zu)\n",
                rate, Percentile(ms, 0.5), Percentile(ms, 0.99), ms.size());

    // Throughput: more events (posted as fast as acknowledged), then a replay of the whole log.
    const int extra = std::max(0, absl::GetFlag(FLAGS_replay_events) - steady);
    const std::vector<std::string> more = PaidPayments(gateway, extra);
    PostAtRate(gateway, more, 100000);
    AwaitArrivals(receivers, payments.size() + more.size());
    receivers.Clear();
    auto webhooks = v1::WebhookService::NewStub(
        grpc::CreateChannel(gateway.grpc(), grpc::InsecureChannelCredentials()));
    const Cpu cpu0 = CpuOf(gateway.pid());
    const absl::Time start = absl::Now();
    v1::ReplayWebhookEndpointRequest replay;
    replay.set_endpoint("e0");
    replay.set_after_cursor("0");
    v1::ReplayWebhookEndpointResponse replayed;
    grpc::ClientContext context;
    if (!webhooks->ReplayWebhookEndpoint(&context, replay, &replayed).ok()) Die("replay failed");
    const size_t all = payments.size() + more.size();
    AwaitArrivals(receivers, all);
    const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
    const Cpu cpu1 = CpuOf(gateway.pid());
    std::printf(
        "1 endpoint, replay of %zu events: %.0f deliveries/s, gateway CPU %.0f us per delivery\n",
        all, all / seconds, (cpu1.total() - cpu0.total()) * 1e6 / all);
  }
  for (absl::string_view rate_text : absl::StrSplit(absl::GetFlag(FLAGS_many_rates), ',')) {
    int many_rate = 0;
    if (!absl::SimpleAtoi(rate_text, &many_rate) || many_rate <= 0) Die("--many_rates");
    receivers.Clear();
    const int n = absl::GetFlag(FLAGS_endpoints);
    const int down = absl::GetFlag(FLAGS_down);
    std::vector<std::string> urls;
    for (int i = 0; i < n; ++i) {
      urls.push_back(i < down ? "http://127.0.0.1:1/down" : receivers.Url(i));
    }
    Gateway gateway(urls, absl::StrCat(dir, "/many-", many_rate));
    const int count = static_cast<int>(many_rate * absl::GetFlag(FLAGS_seconds));
    const std::vector<std::string> payments = PaidPayments(gateway, count);
    std::printf("posting callbacks to %d endpoints\n", n);
    std::fflush(stdout);
    const Cpu cpu0 = CpuOf(gateway.pid());
    const auto posted = PostAtRate(gateway, payments, many_rate);
    AwaitArrivals(receivers, payments.size() * (n - down));
    const Cpu cpu1 = CpuOf(gateway.pid());
    const std::vector<double> ms = Delays(receivers, posted);
    std::printf(
        "%d endpoints (%d down), %d callbacks/s: callback -> webhook p50 %.2f ms, p99 %.2f ms "
        "(%zu deliveries); gateway CPU %.0f us per delivery\n",
        n, down, many_rate, Percentile(ms, 0.5), Percentile(ms, 0.99), ms.size(),
        (cpu1.total() - cpu0.total()) * 1e6 / ms.size());
    std::fflush(stdout);
  }
  std::string rm = "rm -rf " + dir;
  (void)std::system(rm.c_str());
  return 0;
}
