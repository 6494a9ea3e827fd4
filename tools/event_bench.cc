// Benchmark: Barion callbacks to gRPC subscribers, through the real gateway and sandbox
// processes. Run it with tools/event_bench.sh. Phases, in one run:
//   1. memory: the gateway's resident memory before and after opening --idle_streams idle
//      SubscribePaymentEvents streams, per stream;
//   2. for each subscriber count of --subscribers:
//      a. latency: callbacks posted to the listener at --rate per second for --seconds, each for
//         a payment whose state changed at the sandbox; latency = the subscriber's receipt of the
//         event minus the start of the callback's POST, over every (subscriber, event);
//      b. throughput: --burst callbacks for changed payments posted by --posters concurrent
//         clients as fast as they are acknowledged: acknowledged callbacks per second, and
//         events per second until every subscriber has every event.
//   3. acknowledgements: --posters clients post callbacks (for known payments) for --seconds:
//      durable acknowledgements (HTTP 200) per second.
// With several gateways (replicas sharing PostgreSQL: comma-separated --gateway, --callback and
// --gateway_pid, in the same order), subscribers are spread over the replicas round-robin,
// callbacks are posted to the replicas' listeners round-robin, CPU is the replicas' sum, and the
// latency phase also reports the deliveries whose subscriber is on another replica than the one
// that accepted the callback.
// Payments are started through the gateway with a dead CallbackUrl, so the sandbox's own
// callbacks never arrive, and paid through the sandbox's control API: the benchmark alone
// decides when each callback arrives. The gateway's reconciler is configured not to poll
// during the run.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "barion/v1/payment_event.grpc.pb.h"
#include "barion/v1/payment_service.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "httplib.h"
#include "server/config/config.h"
#include "tools/proc_stats.h"

ABSL_FLAG(std::string, gateway, "", "gateway gRPC host:port (replicas: a comma-separated list)");

namespace {
// StartPayment request ids handed out so far, in every phase.
std::atomic<int64_t> request_ids{0};
}  // namespace
ABSL_FLAG(std::string, callback, "", "gateway callback listener host:port (replicas: a list)");
ABSL_FLAG(std::string, gateway_pid, "", "gateway process id (replicas: a list; memory: the first)");
ABSL_FLAG(std::string, sandbox_http, "", "sandbox http://host:port (control API)");
ABSL_FLAG(std::string, subscribers, "1,100,1000", "subscriber counts");
ABSL_FLAG(int, rate, 100, "callbacks per second in the latency phase");
ABSL_FLAG(double, seconds, 5, "seconds of the latency and acknowledgement phases");
ABSL_FLAG(int, burst, 1000, "callbacks of the throughput phase");
ABSL_FLAG(int, posters, 16, "concurrent callback posters in the throughput phases");
ABSL_FLAG(int, idle_streams, 2000, "idle streams of the memory phase");
ABSL_FLAG(bool, ack_phase, true, "end with the acknowledgements phase");

namespace {

namespace v1 = ::barion::v1;

int64_t NowNanos() { return absl::GetCurrentTimeNanos(); }

// Payment ids known to the benchmark, with the time each one's callback was posted.
class Payments {
 public:
  void Add(const std::vector<std::string>& ids) {
    for (const std::string& id : ids) {
      index_[id] = static_cast<int>(ids_.size());
      ids_.push_back(id);
    }
    sent_ = std::make_unique<std::atomic<int64_t>[]>(ids_.size());
    replica_ = std::make_unique<std::atomic<int>[]>(ids_.size());
  }
  const std::string& id(int i) const { return ids_[i]; }
  int size() const { return static_cast<int>(ids_.size()); }
  void MarkSent(int i, int replica) {
    replica_[i].store(replica);
    sent_[i].store(NowNanos());
  }
  // The replica whose listener accepted the payment's callback; -1 for an unknown payment.
  int ReplicaOf(const std::string& payment_id) const {
    auto it = index_.find(payment_id);
    return it == index_.end() ? -1 : replica_[it->second].load();
  }
  // Nanoseconds from the callback's post to `at`; -1 for an unknown payment.
  int64_t Since(const std::string& payment_id, int64_t at) const {
    auto it = index_.find(payment_id);
    if (it == index_.end()) return -1;
    return at - sent_[it->second].load();
  }

 private:
  std::vector<std::string> ids_;
  std::unordered_map<std::string, int> index_;
  std::unique_ptr<std::atomic<int64_t>[]> sent_;
  std::unique_ptr<std::atomic<int>[]> replica_;
};

std::vector<std::string> List(const std::string& flag) {
  return absl::StrSplit(flag, ',', absl::SkipEmpty());
}

std::vector<int> Pids() {
  std::vector<int> pids;
  for (const std::string& p : List(absl::GetFlag(FLAGS_gateway_pid))) {
    int pid = 0;
    if (absl::SimpleAtoi(p, &pid)) pids.push_back(pid);
  }
  return pids;
}

// The CPU of every replica, summed.
double GatewayCpuSeconds() {
  double total = 0;
  for (int pid : Pids()) total += CpuOf(pid).total();
  return total;
}

// One subscriber stream: counts heartbeats and records each event's latency. Driven by the
// completion-queue API from a poller thread (the cheapest C++ client: no thread hop per
// message), so the clients, which share the machine with the gateway, cost as little as they can.
class Subscriber {
 public:
  Subscriber(v1::PaymentEventService::Stub* stub, int replica, grpc::CompletionQueue* cq,
             const Payments* payments, std::shared_ptr<std::atomic<int>> ready)
      : payments_(payments), replica_(replica), ready_(std::move(ready)) {
    request_.set_shop("demo");
    reader_ = stub->PrepareAsyncSubscribePaymentEvents(&context_, request_, cq);
    reader_->StartCall(&read_tag_);
  }
  struct Tag {
    Subscriber* subscriber;
    bool finish;
  };
  // On the poller thread: an operation of this stream completed.
  void Proceed(bool finish, bool ok) {
    if (finish) {
      absl::MutexLock lock(&mu_);
      done_ = true;
      return;
    }
    if (!ok) {
      reader_->Finish(&status_, &finish_tag_);
      return;
    }
    if (started_) Handle();
    started_ = true;
    reader_->Read(&message_, &read_tag_);
  }
  int events() {
    absl::MutexLock lock(&mu_);
    return static_cast<int>(latencies_ns_.size());
  }
  std::vector<int64_t> TakeLatencies() {
    absl::MutexLock lock(&mu_);
    return std::move(latencies_ns_);
  }
  // The latencies of events whose callback another replica accepted.
  std::vector<int64_t> TakeCrossLatencies() {
    absl::MutexLock lock(&mu_);
    return std::move(cross_ns_);
  }
  void CancelAndWait() {
    context_.TryCancel();
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&done_));
  }

 private:
  void Handle() {
    const int64_t now = NowNanos();
    if (message_.has_heartbeat()) {
      if (!confirmed_) {
        confirmed_ = true;
        ready_->fetch_add(1);
      }
    } else if (payments_ != nullptr) {
      const int64_t ns = payments_->Since(message_.event().payment_id(), now);
      const int accepted_by = payments_->ReplicaOf(message_.event().payment_id());
      absl::MutexLock lock(&mu_);
      if (ns >= 0) latencies_ns_.push_back(ns);
      if (ns >= 0 && accepted_by != replica_) cross_ns_.push_back(ns);
    }
  }

  const Payments* payments_;
  const int replica_;
  const std::shared_ptr<std::atomic<int>> ready_;
  grpc::ClientContext context_;
  v1::SubscribePaymentEventsRequest request_;
  v1::SubscribePaymentEventsResponse message_;
  std::unique_ptr<grpc::ClientAsyncReader<v1::SubscribePaymentEventsResponse>> reader_;
  grpc::Status status_;
  Tag read_tag_{this, false};
  Tag finish_tag_{this, true};
  bool started_ = false;
  bool confirmed_ = false;
  absl::Mutex mu_;
  std::vector<int64_t> latencies_ns_;
  std::vector<int64_t> cross_ns_;
  bool done_ = false;
};

class Bench {
 public:
  Bench() : gateways_(List(absl::GetFlag(FLAGS_gateway))) {
    if (gateways_.empty()) Die("--gateway is required");
    // Four connections per replica; stub k is on replica k % replicas.
    for (int i = 0; i < 4 * static_cast<int>(gateways_.size()); ++i) {
      grpc::ChannelArguments args;
      args.SetInt("barion.bench.connection", i);
      event_stubs_.push_back(v1::PaymentEventService::NewStub(grpc::CreateCustomChannel(
          gateways_[i % gateways_.size()], grpc::InsecureChannelCredentials(), args)));
    }
    payment_stub_ = v1::PaymentService::NewStub(
        grpc::CreateChannel(gateways_[0], grpc::InsecureChannelCredentials()));
    for (int i = 0; i < 2; ++i) {
      cqs_.push_back(std::make_unique<grpc::CompletionQueue>());
      pollers_.emplace_back([cq = cqs_.back().get()] {
        void* tag = nullptr;
        bool ok = false;
        while (cq->Next(&tag, &ok)) {
          auto* t = static_cast<Subscriber::Tag*>(tag);
          t->subscriber->Proceed(t->finish, ok);
        }
      });
    }
  }

  ~Bench() {
    for (auto& cq : cqs_) cq->Shutdown();
    for (auto& t : pollers_) t.join();
  }

  // `n` payments started through the gateway and paid at the sandbox, without callbacks.
  std::vector<std::string> PaidPayments(int n) {
    std::vector<std::string> ids(n);
    std::atomic<int> next{0};
    std::vector<std::thread> workers;
    for (int w = 0; w < 8; ++w) {
      workers.emplace_back([&] {
        httplib::Client control(absl::GetFlag(FLAGS_sandbox_http));
        control.set_keep_alive(true);
        for (int i = next++; i < n; i = next++) {
          v1::StartPaymentRequest r;
          r.set_payment_type(v1::PAYMENT_TYPE_IMMEDIATE);
          r.add_funding_sources(v1::FUNDING_SOURCE_ALL);
          // Unique across phases: the gateway answers a repeated id with the first payment.
          r.set_payment_request_id(absl::StrCat("bench-", request_ids++));
          r.set_currency(v1::CURRENCY_HUF);
          r.set_callback_url("http://127.0.0.1:9/nowhere");
          r.set_redirect_url("https://shop.example/return");
          r.set_locale("hu-HU");
          v1::PaymentTransaction* t = r.add_transactions();
          t->set_pos_transaction_id(absl::StrCat("t", i));
          t->set_total("1500");
          v1::Item* item = t->add_items();
          item->set_name("Coffee");
          item->set_description("Flat white");
          item->set_quantity("1");
          item->set_unit("cup");
          item->set_unit_price("1500");
          item->set_item_total("1500");
          grpc::ClientContext context;
          context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
          v1::StartPaymentResponse started;
          grpc::Status s = payment_stub_->StartPayment(&context, r, &started);
          if (!s.ok()) Die(absl::StrCat("StartPayment: ", s.error_message()));
          auto paid = control.Post(
              absl::StrCat("/_sandbox/payments/", started.payment_id(), "/pay").c_str(), "{}",
              "application/json");
          if (!paid || paid->status != 200) Die("sandbox pay failed");
          ids[i] = started.payment_id();
        }
      });
    }
    for (auto& w : workers) w.join();
    return ids;
  }

  std::vector<std::unique_ptr<Subscriber>> Subscribe(int n, const Payments* payments) {
    auto ready = std::make_shared<std::atomic<int>>(0);
    std::vector<std::unique_ptr<Subscriber>> subs;
    for (int i = 0; i < n; ++i) {
      const size_t stub = i % event_stubs_.size();
      subs.push_back(std::make_unique<Subscriber>(event_stubs_[stub].get(),
                                                  static_cast<int>(stub % gateways_.size()),
                                                  cqs_[i % 2].get(), payments, ready));
    }
    const absl::Time give_up = absl::Now() + absl::Seconds(60);
    while (ready->load() < n && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(5));
    if (ready->load() < n) Die(absl::StrCat("only ", ready->load(), " of ", n, " subscribed"));
    return subs;
  }

  void MemoryPhase() {
    const int pid = Pids().empty() ? 0 : Pids()[0];
    const int n = absl::GetFlag(FLAGS_idle_streams);
    {
      auto warm = Subscribe(10, nullptr);
      for (auto& s : warm) s->CancelAndWait();
    }
    absl::SleepFor(absl::Seconds(1));
    const int64_t before = RssKiB(pid);
    auto subs = Subscribe(n, nullptr);
    absl::SleepFor(absl::Seconds(2));
    const int64_t after = RssKiB(pid);
    std::printf(
        "memory: gateway RSS %lld KiB -> %lld KiB with %d idle streams: %.1f KiB per "
        "stream (target < 64)\n",
        static_cast<long long>(before), static_cast<long long>(after), n,
        static_cast<double>(after - before) / n);
    for (auto& s : subs) s->CancelAndWait();
  }

  // The demo shop's callback path with its secret (derived from $BARION_POS_KEY, as the gateway
  // does when none is configured).
  static const std::string& CallbackPath() {
    static const std::string path = [] {
      const char* key = std::getenv("BARION_POS_KEY");
      return "/callback/demo/" +
             barion_gateway::server::DerivedCallbackSecret(key == nullptr ? "" : key, "demo");
    }();
    return path;
  }

  // Posts the callback of payment `i` with `client` (to replica `replica`'s listener); true on
  // 200.
  static bool PostCallback(httplib::Client& client, int replica, Payments& payments, int i) {
    payments.MarkSent(i, replica);
    auto res = client.Post(absl::StrCat(CallbackPath(), "?paymentId=", payments.id(i)).c_str(), "",
                           "text/plain");
    return res && res->status == 200;
  }

  static int Listeners() { return static_cast<int>(List(absl::GetFlag(FLAGS_callback)).size()); }
  // A client of replica `replica`'s callback listener.
  static httplib::Client CallbackClient(int replica) {
    const std::vector<std::string> listeners = List(absl::GetFlag(FLAGS_callback));
    httplib::Client c("http://" + listeners[replica % listeners.size()]);
    c.set_keep_alive(true);
    c.set_tcp_nodelay(true);
    return c;
  }

  static void Report(const char* what, std::vector<int64_t> ns, int expected) {
    std::sort(ns.begin(), ns.end());
    auto at = [&](double q) {
      return ns.empty() ? 0.0
                        : ns[std::min(ns.size() - 1, static_cast<size_t>(q * ns.size()))] / 1e6;
    };
    std::printf("  %s: %zu of %d deliveries, p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", what,
                ns.size(), expected, at(0.5), at(0.99), ns.empty() ? 0.0 : ns.back() / 1e6);
  }

  static void AwaitDeliveries(std::vector<std::unique_ptr<Subscriber>>& subs, int per_subscriber) {
    const absl::Time give_up = absl::Now() + absl::Seconds(60);
    for (auto& s : subs) {
      while (s->events() < per_subscriber && absl::Now() < give_up) {
        absl::SleepFor(absl::Milliseconds(1));
      }
    }
  }

  void SubscriberPhase(int n_subscribers) {
    const int rate = absl::GetFlag(FLAGS_rate);
    const int latency_callbacks = static_cast<int>(rate * absl::GetFlag(FLAGS_seconds));
    const int burst = absl::GetFlag(FLAGS_burst);
    std::printf("%d subscriber(s):\n", n_subscribers);

    // a. latency at a steady rate.
    Payments steady;
    steady.Add(PaidPayments(latency_callbacks));
    auto subs = Subscribe(n_subscribers, &steady);
    std::vector<httplib::Client> clients;
    for (int r = 0; r < Listeners(); ++r) clients.push_back(CallbackClient(r));
    const double cpu0 = GatewayCpuSeconds();
    const Cpu self0 = CpuOf(getpid());
    const absl::Time start = absl::Now();
    int acked = 0;
    for (int i = 0; i < latency_callbacks; ++i) {
      const absl::Time due = start + absl::Seconds(1) * i / rate;
      const absl::Time now = absl::Now();
      if (due > now) absl::SleepFor(due - now);
      const int replica = i % static_cast<int>(clients.size());
      acked += PostCallback(clients[replica], replica, steady, i) ? 1 : 0;
    }
    for (auto& c : clients) c.stop();  // frees its listener thread for the burst
    AwaitDeliveries(subs, latency_callbacks);
    const double cpu1 = GatewayCpuSeconds();
    const Cpu self1 = CpuOf(getpid());
    std::vector<int64_t> all, cross;
    for (auto& s : subs) {
      std::vector<int64_t> l = s->TakeLatencies();
      all.insert(all.end(), l.begin(), l.end());
      l = s->TakeCrossLatencies();
      cross.insert(cross.end(), l.begin(), l.end());
    }
    char what[128];
    std::snprintf(what, sizeof(what), "latency at %d callbacks/s (%d acknowledged)", rate, acked);
    const size_t cross_count = cross.size();
    Report(what, std::move(all), latency_callbacks * n_subscribers);
    if (gateways_.size() > 1) {
      Report("of which accepted on one replica, delivered by another", std::move(cross),
             static_cast<int>(cross_count));
    }
    std::printf("  CPU per callback at %d/s: gateway %.2f ms, benchmark clients %.2f ms\n", rate,
                (cpu1 - cpu0) * 1e3 / latency_callbacks,
                (self1.total() - self0.total()) * 1e3 / latency_callbacks);
    for (auto& s : subs) s->CancelAndWait();

    // b. throughput: a burst of changed payments' callbacks.
    Payments burst_payments;
    burst_payments.Add(PaidPayments(burst));
    subs = Subscribe(n_subscribers, &burst_payments);
    std::atomic<int> next{0}, ok{0};
    std::atomic<int64_t> slowest_us{0};
    const absl::Time t0 = absl::Now();
    std::vector<std::thread> posters;
    const double burst_cpu0 = GatewayCpuSeconds();
    for (int p = 0; p < absl::GetFlag(FLAGS_posters); ++p) {
      posters.emplace_back([&, p] {
        httplib::Client c = CallbackClient(p);
        for (int i = next++; i < burst; i = next++) {
          const absl::Time t = absl::Now();
          ok += PostCallback(c, p % Listeners(), burst_payments, i);
          const int64_t us = absl::ToInt64Microseconds(absl::Now() - t);
          int64_t prev = slowest_us.load();
          while (us > prev && !slowest_us.compare_exchange_weak(prev, us)) {
          }
        }
      });
    }
    for (auto& t : posters) t.join();
    const double ack_s = absl::ToDoubleSeconds(absl::Now() - t0);
    std::printf("  slowest acknowledgement in the burst: %.1f ms\n", slowest_us.load() / 1e3);
    AwaitDeliveries(subs, burst);
    const double all_s = absl::ToDoubleSeconds(absl::Now() - t0);
    const double burst_cpu = GatewayCpuSeconds() - burst_cpu0;
    int delivered = 0;
    for (auto& s : subs) delivered += s->events();
    std::printf(
        "  burst of %d callbacks by %d posters: %.0f acknowledged/s; every subscriber had "
        "every event after %.2f s: %.0f events/s, %.0f deliveries/s (%d of %d deliveries); "
        "gateway CPU %.1f us per delivery\n",
        burst, absl::GetFlag(FLAGS_posters), ok.load() / ack_s, all_s, burst / all_s,
        delivered / all_s, delivered, burst * n_subscribers,
        delivered == 0 ? 0.0 : burst_cpu * 1e6 / delivered);
    for (auto& s : subs) s->CancelAndWait();
  }

  // Durable acknowledgements per second: callbacks for known payments, nothing to fan out.
  void AckPhase() {
    Payments known;
    known.Add(PaidPayments(200));
    std::atomic<int> ok{0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> posters;
    const absl::Time t0 = absl::Now();
    for (int p = 0; p < absl::GetFlag(FLAGS_posters); ++p) {
      posters.emplace_back([&, p] {
        httplib::Client c = CallbackClient(p);
        for (int i = p; !stop.load(); i = (i + 1) % known.size()) {
          ok += PostCallback(c, p % Listeners(), known, i) ? 1 : 0;
        }
      });
    }
    absl::SleepFor(absl::Seconds(absl::GetFlag(FLAGS_seconds)));
    stop = true;
    for (auto& t : posters) t.join();
    const double s = absl::ToDoubleSeconds(absl::Now() - t0);
    std::printf(
        "acknowledgements: %d posters, %.0f durable callbacks/s acknowledged over %.1f s "
        "(target >= 1000)\n",
        absl::GetFlag(FLAGS_posters), ok.load() / s, s);
  }

 private:
  static void Die(const std::string& why) {
    std::fprintf(stderr, "event_bench: %s\n", why.c_str());
    std::exit(1);
  }

  const std::vector<std::string> gateways_;
  std::vector<std::unique_ptr<v1::PaymentEventService::Stub>> event_stubs_;
  std::unique_ptr<v1::PaymentService::Stub> payment_stub_;
  std::vector<std::unique_ptr<grpc::CompletionQueue>> cqs_;
  std::vector<std::thread> pollers_;
};

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  Bench bench;
  bench.MemoryPhase();
  for (absl::string_view n : absl::StrSplit(absl::GetFlag(FLAGS_subscribers), ',')) {
    int count = 0;
    if (absl::SimpleAtoi(n, &count)) bench.SubscriberPhase(count);
  }
  if (absl::GetFlag(FLAGS_ack_phase)) bench.AckPhase();
  return 0;
}
