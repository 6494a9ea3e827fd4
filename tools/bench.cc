// Benchmark: StartPayment + GetPaymentState through the gateway (gRPC -> HTTPS -> sandbox)
// against the same two calls made directly as HTTPS JSON to the sandbox, in one run, with
// N concurrent clients. Prints throughput, p50/p99 latency per call, the gateway process's CPU
// time per call (from /proc/PID/stat, i.e. its own rusage), the TLS handshakes the sandbox
// accepted in each phase, and the ratios. Run it with tools/bench.sh.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "barion/v1/payment_service.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "httplib.h"
#include "tools/proc_stats.h"

ABSL_FLAG(std::string, gateway, "", "gateway gRPC host:port");
ABSL_FLAG(int, gateway_pid, 0, "gateway process id (for its CPU time)");
ABSL_FLAG(std::string, sandbox_https, "", "sandbox https://host:port");
ABSL_FLAG(std::string, sandbox_http, "", "sandbox http://host:port (control API)");
ABSL_FLAG(std::string, ca_file, "", "sandbox CA file");
ABSL_FLAG(std::string, concurrency, "1,16,64", "client counts");
ABSL_FLAG(double, seconds, 5, "measured seconds per phase");
ABSL_FLAG(std::string, secure_gateway, "",
          "a second gateway with mTLS and callers (tools/bench.sh --secure): the same calls "
          "over mTLS, authenticated and authorized, measured in the same run");
ABSL_FLAG(int, secure_gateway_pid, 0, "its process id");
ABSL_FLAG(std::string, client_ca, "", "PEM: the CA of the secure gateway's certificate");
ABSL_FLAG(std::string, client_cert, "", "PEM: the bench's client certificate");
ABSL_FLAG(std::string, client_key, "", "PEM: its key");
ABSL_FLAG(std::string, metrics_on_gateway, "",
          "with --metrics_off_gateway (BENCH_METRICS=1): two plaintext gateways configured alike "
          "but for listen.disable_metrics; the gateway CPU per call with metrics on and off, "
          "alternated over --metrics_rounds rounds");
ABSL_FLAG(int, metrics_on_gateway_pid, 0, "its process id");
ABSL_FLAG(std::string, metrics_off_gateway, "", "the gateway with listen.disable_metrics");
ABSL_FLAG(int, metrics_off_gateway_pid, 0, "its process id");
ABSL_FLAG(int, metrics_rounds, 3, "on/off rounds per client count (medians are reported)");
ABSL_FLAG(bool, floor, true,
          "Also measure the gateway's CPU for a gRPC call rejected by validation (no Barion "
          "call): the floor that gRPC itself costs here.");
ABSL_FLAG(std::string, only, "",
          "Run only this RPC's phase (StartPayment, GetPaymentState or Refund, a mutation) for "
          "each client count: "
          "for profiling the gateway (tools/profile.sh).");
ABSL_FLAG(bool, per_rpc, true,
          "Also measure StartPayment alone and GetPaymentState alone (the gateway's CPU per call "
          "of each).");

namespace {

namespace v1 = ::barion::v1;

constexpr char kStartJson[] =
    R"({"PaymentType":"Immediate","GuestCheckOut":false,"InitiateRecurrence":false,)"
    R"("FundingSources":["All"],"PaymentRequestId":"bench","RedirectUrl":"https://shop.example/r",)"
    R"("Transactions":[{"POSTransactionId":"t1","Payee":"demo-shop@sandbox.local","Total":1500,)"
    R"("Items":[{"Name":"Coffee","Description":"Flat white","Quantity":1,"Unit":"cup",)"
    R"("UnitPrice":1500,"ItemTotal":1500}]}],"Locale":"hu-HU","Currency":"HUF"})";

int64_t Handshakes(const std::string& sandbox_http) {
  httplib::Client c(sandbox_http);
  auto res = c.Get("/_sandbox/stats");
  if (!res) return -1;
  size_t at = res->body.find("\"tls_handshakes\":") + 17;
  int64_t n = -1;
  absl::SimpleAtoi(res->body.substr(at, res->body.find(',', at) - at), &n);
  return n;
}

struct Result {
  double calls_per_second = 0;
  double p50_ms = 0, p99_ms = 0;
  int64_t calls = 0;
  int64_t errors = 0;
  int64_t handshakes = 0;
  double cpu_us_per_call = 0;
  double user_us_per_call = 0;
  int64_t open_connections = 0;  // sockets to the gateway at the end of the window
  int64_t new_connections = 0;   // opened during the window
};

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  size_t k = static_cast<size_t>(p * (v.size() - 1));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

// Runs `clients` threads for `seconds` (after a warm-up); each iteration makes two calls.
// `at_start` and `at_end` run at the edges of the measured window (after warm-up).
template <typename MakeWorker>
Result Run(
    int clients, double seconds, MakeWorker make_worker,
    const std::function<void()>& at_start = [] {}, const std::function<void()>& at_end = [] {}) {
  std::atomic<bool> measuring{false}, stop{false};
  std::vector<std::vector<double>> latencies(clients);
  std::vector<int64_t> errors(clients, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < clients; ++i) {
    threads.emplace_back([&, i] {
      auto call_pair = make_worker();  // returns bool(double* start_ms, double* state_ms)
      while (!stop.load()) {
        double a = 0, b = 0;
        const bool ok = call_pair(&a, &b);
        if (!measuring.load()) continue;
        if (!ok) {
          ++errors[i];
          continue;
        }
        latencies[i].push_back(a);
        latencies[i].push_back(b);
      }
    });
  }
  absl::SleepFor(absl::Seconds(1));  // warm-up: connections and TLS sessions established
  at_start();
  const absl::Time start = absl::Now();
  measuring.store(true);
  absl::SleepFor(absl::Seconds(seconds));
  measuring.store(false);
  const absl::Duration took = absl::Now() - start;
  at_end();
  stop.store(true);
  for (auto& t : threads) t.join();
  Result r;
  std::vector<double> all;
  for (int i = 0; i < clients; ++i) {
    all.insert(all.end(), latencies[i].begin(), latencies[i].end());
    r.errors += errors[i];
  }
  r.calls = static_cast<int64_t>(all.size());
  r.calls_per_second = r.calls / absl::ToDoubleSeconds(took);
  r.p50_ms = Percentile(all, 0.50);
  r.p99_ms = Percentile(all, 0.99);
  return r;
}

double Ms(absl::Time since) { return absl::ToDoubleMilliseconds(absl::Now() - since); }

// Sockets of this machine whose remote port is `port` (any state, TIME_WAIT included), from
// /proc/net/tcp and tcp6: a client that opened a connection (and a TLS handshake) per call
// would add one per call.
int64_t SocketsTo(int port) {
  int64_t n = 0;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::vector<std::string> fields = absl::StrSplit(line, ' ', absl::SkipEmpty());
      if (fields.size() < 3) continue;
      const size_t colon = fields[2].rfind(':');
      int remote = 0;
      if (colon != std::string::npos && absl::SimpleHexAtoi(fields[2].substr(colon + 1), &remote) &&
          remote == port) {
        ++n;
      }
    }
  }
  return n;
}

int PortOf(const std::string& address) {
  int port = 0;
  absl::SimpleAtoi(address.substr(address.rfind(':') + 1), &port);
  return port;
}

std::string ReadPem(const std::string& path) {
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

// How the bench connects to `address`: plaintext, or mTLS when the secure flags are set and
// `address` is the secure gateway.
std::shared_ptr<grpc::ChannelCredentials> CredentialsFor(const std::string& address) {
  if (address != absl::GetFlag(FLAGS_secure_gateway) || address.empty()) {
    return grpc::InsecureChannelCredentials();
  }
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = ReadPem(absl::GetFlag(FLAGS_client_ca));
  ssl.pem_cert_chain = ReadPem(absl::GetFlag(FLAGS_client_cert));
  ssl.pem_private_key = ReadPem(absl::GetFlag(FLAGS_client_key));
  return grpc::SslCredentials(ssl);
}

// One channel per client, as separate microservice instances would have.
std::shared_ptr<v1::PaymentService::Stub> NewStub(const std::string& gateway) {
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride("localhost");
  return v1::PaymentService::NewStub(
      grpc::CreateCustomChannel(gateway, CredentialsFor(gateway), args));
}

}  // namespace

// Whether `s` is OK; the first failure of the run is printed, so that an error count can be told
// apart (a refusal, a deadline, Barion's answer).
bool ReportFirstError(const char* rpc, const grpc::Status& s) {
  static std::atomic<bool> reported{false};
  if (!s.ok() && !reported.exchange(true)) {
    std::fprintf(stderr, "first %s error: %d %s\n", rpc, s.error_code(), s.error_message().c_str());
  }
  return s.ok();
}

// The gateway path: StartPayment then GetPaymentState through gRPC; CPU is the gateway's.
Result GatewayPhase(const std::string& gateway, int pid, const std::string& control,
                    const v1::StartPaymentRequest& start, int clients, double seconds) {
  int64_t hs0 = Handshakes(control);
  Cpu cpu0, cpu1;
  int64_t sockets0 = 0, sockets1 = 0;
  Result g = Run(
      clients, seconds,
      [&] {
        auto stub = NewStub(gateway);
        return [stub, &start](double* a, double* b) {
          // A fresh payment_request_id per call: the gateway answers a repeated one from its
          // ledger without calling Barion.
          static std::atomic<int64_t> next{0};
          v1::StartPaymentRequest request = start;
          request.set_payment_request_id(absl::StrCat("bench-", next++));
          grpc::ClientContext c1;
          c1.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
          v1::StartPaymentResponse started;
          absl::Time t0 = absl::Now();
          if (!ReportFirstError("StartPayment", stub->StartPayment(&c1, request, &started))) {
            return false;
          }
          *a = Ms(t0);
          grpc::ClientContext c2;
          c2.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
          v1::GetPaymentStateRequest get;
          get.set_payment_id(started.payment_id());
          v1::GetPaymentStateResponse state;
          t0 = absl::Now();
          if (!ReportFirstError("GetPaymentState", stub->GetPaymentState(&c2, get, &state))) {
            return false;
          }
          *b = Ms(t0);
          return state.payment_id() == started.payment_id();
        };
      },
      [&] {
        cpu0 = CpuOf(pid);
        sockets0 = SocketsTo(PortOf(gateway));
      },
      [&] {
        cpu1 = CpuOf(pid);
        sockets1 = SocketsTo(PortOf(gateway));
      });
  g.open_connections = sockets1;
  g.new_connections = sockets1 - sockets0;
  // Calls finishing in the window; the few in flight at its edges are noise at these counts.
  g.cpu_us_per_call = g.calls > 0 ? (cpu1.total() - cpu0.total()) * 1e6 / g.calls : 0;
  g.user_us_per_call = g.calls > 0 ? (cpu1.user - cpu0.user) * 1e6 / g.calls : 0;
  g.handshakes = Handshakes(control) - hs0;
  return g;
}

// The direct path: the same two calls as HTTPS JSON with a keep-alive client per thread; CPU is
// this process's (only the direct clients run in it during this phase).
Result DirectPhase(const std::string& https, const std::string& ca, const std::string& key,
                   const std::string& control, int clients, double seconds) {
  const int64_t hs0 = Handshakes(control);
  Cpu d0, d1;  // this process: only the direct clients run in it during this phase
  Result d = Run(
      clients, seconds,
      [&] {
        auto client = std::make_shared<httplib::Client>(https);
        client->set_ca_cert_path(ca);
        client->enable_server_certificate_verification(true);
        client->set_keep_alive(true);
        client->set_tcp_nodelay(true);
        return [client, &key](double* a, double* b) {
          httplib::Headers headers{{"x-pos-key", key}};
          absl::Time t0 = absl::Now();
          auto res = client->Post("/v2/Payment/Start", headers, kStartJson, "application/json");
          if (!res || res->status != 200) return false;
          *a = Ms(t0);
          size_t at = res->body.find("\"PaymentId\":\"") + 13;
          const std::string id = res->body.substr(at, 32);
          t0 = absl::Now();
          auto state = client->Get(("/v4/Payment/" + id + "/PaymentState").c_str(), headers);
          if (!state || state->status != 200) return false;
          *b = Ms(t0);
          return true;
        };
      },
      [&] { d0 = CpuOf(getpid()); }, [&] { d1 = CpuOf(getpid()); });
  d.handshakes = Handshakes(control) - hs0;
  d.cpu_us_per_call = d.calls > 0 ? (d1.total() - d0.total()) * 1e6 / d.calls : 0;
  d.user_us_per_call = d.calls > 0 ? (d1.user - d0.user) * 1e6 / d.calls : 0;
  return d;
}

// One RPC alone, repeated: `call` makes it on the worker's stub and says whether it succeeded.
// Prints its rate, latency and the gateway's CPU per call, so each RPC's own cost is visible
// (StartPayment's includes the start ledger's durable claim; GetPaymentState is the read path).
void OneRpcPhase(const std::string& gateway, int pid, int clients, double seconds,
                 const char* label, const std::function<bool(v1::PaymentService::Stub&)>& call) {
  Cpu c0, c1;
  Result r = Run(
      clients, seconds,
      [&] {
        auto stub = NewStub(gateway);
        return [stub, &call](double* a, double* b) {
          for (double* out : {a, b}) {
            absl::Time t0 = absl::Now();
            if (!call(*stub)) return false;
            *out = Ms(t0);
          }
          return true;
        };
      },
      [&] { c0 = CpuOf(pid); }, [&] { c1 = CpuOf(pid); });
  std::printf(
      "%-8d %-7s %s alone: %.0f calls/s, p50 %.3f ms, p99 %.3f ms, errors %lld, "
      "gateway CPU %.1f us/call\n",
      clients, label, label, r.calls_per_second, r.p50_ms, r.p99_ms,
      static_cast<long long>(r.errors),
      r.calls > 0 ? (c1.total() - c0.total()) * 1e6 / r.calls : 0.0);
}

// The floor: a gRPC call the gateway refuses before Barion (what gRPC alone costs it).
void FloorPhase(const std::string& gateway, int pid, int clients, double seconds) {
  Cpu f0, f1;
  Result f = Run(
      clients, seconds,
      [&] {
        auto stub = NewStub(gateway);
        return [stub](double* a, double* b) {
          for (double* out : {a, b}) {
            grpc::ClientContext c;
            v1::GetPaymentStateRequest get;
            get.set_payment_id("not-a-payment-id");
            v1::GetPaymentStateResponse state;
            absl::Time t0 = absl::Now();
            if (stub->GetPaymentState(&c, get, &state).error_code() !=
                grpc::StatusCode::INVALID_ARGUMENT) {
              return false;
            }
            *out = Ms(t0);
          }
          return true;
        };
      },
      [&] { f0 = CpuOf(pid); }, [&] { f1 = CpuOf(pid); });
  std::printf(
      "%-8d floor   gRPC call rejected before Barion: %.0f calls/s, p50 %.3f ms, "
      "gateway CPU %.1f us/call\n",
      clients, f.calls_per_second, f.p50_ms,
      f.calls > 0 ? (f1.total() - f0.total()) * 1e6 / f.calls : 0.0);
}

// OneRpcPhase for `rpc`: StartPayment with a fresh request id per call, Refund (below), or
// GetPaymentState of one payment started for the purpose, read again and again (the sandbox has
// no rate limit here).
void RunOneRpc(const std::string& gateway, int pid, int clients, double seconds,
               const v1::StartPaymentRequest& start, const std::string& rpc) {
  if (rpc == "StartPayment") {
    OneRpcPhase(gateway, pid, clients, seconds, "StartPayment", [&start](auto& stub) {
      static std::atomic<int64_t> next{0};
      v1::StartPaymentRequest request = start;
      request.set_payment_request_id(absl::StrCat("bench-alone-", next++));
      grpc::ClientContext c;
      c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
      v1::StartPaymentResponse started;
      return ReportFirstError("StartPayment", stub.StartPayment(&c, request, &started));
    });
    return;
  }
  if (rpc == "Refund") {
    // A mutation that succeeds: 1 HUF refunded at a time, in turn from 64 paid payments of a
    // large total (so that no payment's history, which each fetch reads whole, grows long).
    // Each success is also a change the gateway records and fetches (an event).
    constexpr int kPayments = 64;
    std::vector<v1::RefundRequest> refunds;
    httplib::Client control(absl::GetFlag(FLAGS_sandbox_http));
    auto stub = NewStub(gateway);
    for (int i = 0; i < kPayments; ++i) {
      v1::StartPaymentRequest request = start;
      static std::atomic<int64_t> next{0};
      request.set_payment_request_id(absl::StrCat("bench-refund-", next++));
      request.mutable_transactions(0)->set_total("100000000");
      grpc::ClientContext c;
      v1::StartPaymentResponse started;
      bool ready =
          stub->StartPayment(&c, request, &started).ok() && started.transactions_size() > 0;
      if (ready) {
        auto paid =
            control.Post(absl::StrCat("/_sandbox/payments/", started.payment_id(), "/pay").c_str(),
                         "{}", "application/json");
        ready = paid && paid->status == 200;
      }
      if (!ready) {
        std::fprintf(stderr, "Refund: a payment to refund did not start or was not paid\n");
        return;
      }
      v1::RefundRequest refund;
      refund.set_payment_id(started.payment_id());
      v1::TransactionToRefund* t = refund.add_transactions_to_refund();
      t->set_transaction_id(started.transactions(0).transaction_id());
      t->set_amount_to_refund("1");
      refunds.push_back(std::move(refund));
    }
    OneRpcPhase(gateway, pid, clients, seconds, "Refund", [&refunds](auto& stub) {
      static std::atomic<int64_t> next_refund{0};
      const int64_t n = next_refund++;
      v1::RefundRequest one = refunds[n % kPayments];
      one.mutable_transactions_to_refund(0)->set_pos_transaction_id(absl::StrCat("refund-", n));
      grpc::ClientContext c;
      c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
      v1::RefundResponse out;
      return ReportFirstError("Refund", stub.Refund(&c, one, &out));
    });
    return;
  }
  std::string payment_id;
  {
    static std::atomic<int64_t> next{0};
    v1::StartPaymentRequest request = start;
    request.set_payment_request_id(absl::StrCat("bench-read-", next++));
    grpc::ClientContext c;
    v1::StartPaymentResponse started;
    if (NewStub(gateway)->StartPayment(&c, request, &started).ok()) {
      payment_id = started.payment_id();
    }
  }
  OneRpcPhase(gateway, pid, clients, seconds, "GetPaymentState", [&payment_id](auto& stub) {
    grpc::ClientContext c;
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::GetPaymentStateRequest get;
    get.set_payment_id(payment_id);
    v1::GetPaymentStateResponse state;
    return ReportFirstError("GetPaymentState", stub.GetPaymentState(&c, get, &state));
  });
}

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string gateway = absl::GetFlag(FLAGS_gateway);
  const int pid = absl::GetFlag(FLAGS_gateway_pid);
  const std::string https = absl::GetFlag(FLAGS_sandbox_https);
  const std::string control = absl::GetFlag(FLAGS_sandbox_http);
  const std::string ca = absl::GetFlag(FLAGS_ca_file);
  const char* key_env = std::getenv("BARION_POS_KEY");
  if (gateway.empty() || pid == 0 || https.empty() || control.empty() || key_env == nullptr) {
    std::fprintf(stderr, "usage: see tools/bench.sh\n");
    return 2;
  }
  const std::string key = key_env;
  const double seconds = absl::GetFlag(FLAGS_seconds);

  v1::StartPaymentRequest start;
  start.set_payment_type(v1::PAYMENT_TYPE_IMMEDIATE);
  start.add_funding_sources(v1::FUNDING_SOURCE_ALL);
  start.set_payment_request_id("bench");
  start.set_currency(v1::CURRENCY_HUF);
  start.set_locale("hu-HU");
  start.set_redirect_url("https://shop.example/r");
  auto* tx = start.add_transactions();
  tx->set_pos_transaction_id("t1");
  tx->set_total("1500");
  auto* item = tx->add_items();
  item->set_name("Coffee");
  item->set_description("Flat white");
  item->set_quantity("1");
  item->set_unit("cup");
  item->set_unit_price("1500");
  item->set_item_total("1500");

  std::printf("%-8s %-7s %10s %9s %9s %7s %10s %9s %10s\n", "clients", "path", "calls/s", "p50 ms",
              "p99 ms", "errors", "CPU us", "(user)", "handshakes");
  for (absl::string_view n_text : absl::StrSplit(absl::GetFlag(FLAGS_concurrency), ',')) {
    int clients = 1;
    absl::SimpleAtoi(n_text, &clients);

    const std::string only = absl::GetFlag(FLAGS_only);
    if (!only.empty()) {
      RunOneRpc(gateway, pid, clients, seconds, start, only);
      continue;
    }
    const Result g = GatewayPhase(gateway, pid, control, start, clients, seconds);
    const std::string metrics_on = absl::GetFlag(FLAGS_metrics_on_gateway);
    const std::string metrics_off = absl::GetFlag(FLAGS_metrics_off_gateway);
    if (!metrics_on.empty() && !metrics_off.empty()) {
      // On and off alternated, and which goes first alternated too (off-on, on-off, ...), so
      // that drift on the machine and the sandbox's growing state hit both alike; medians.
      std::vector<double> on, off;
      std::string rounds;
      for (int round = 0; round < absl::GetFlag(FLAGS_metrics_rounds); ++round) {
        double cpu[2];  // [0]: off, [1]: on
        for (int k = 0; k < 2; ++k) {
          const bool metrics = (k == 1) != (round % 2 == 1);
          cpu[metrics] = GatewayPhase(metrics ? metrics_on : metrics_off,
                                      absl::GetFlag(metrics ? FLAGS_metrics_on_gateway_pid
                                                            : FLAGS_metrics_off_gateway_pid),
                                      control, start, clients, seconds)
                             .cpu_us_per_call;
        }
        off.push_back(cpu[0]);
        on.push_back(cpu[1]);
        absl::StrAppend(&rounds, rounds.empty() ? "" : ", ",
                        absl::StrFormat("%.2f", cpu[1] / cpu[0]));
      }
      // Each round is a pair measured back to back: its ratio is the paired comparison, and
      // the median of the ratios is the figure (the medians of each side are shown too).
      std::vector<double> ratios;
      for (size_t r = 0; r < on.size(); ++r) ratios.push_back(on[r] / off[r]);
      std::sort(ratios.begin(), ratios.end());
      std::sort(on.begin(), on.end());
      std::sort(off.begin(), off.end());
      const auto median = [](const std::vector<double>& v) {
        return v.size() % 2 == 1 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
      };
      std::printf(
          "%-8d ratio   metrics on/off: gateway CPU %.3fx (median of %zu rounds' ratios: %s; "
          "median CPU per call %.1f us on, %.1f us off)\n",
          clients, median(ratios), ratios.size(), rounds.c_str(), median(on), median(off));
    }
    const std::string secure = absl::GetFlag(FLAGS_secure_gateway);
    if (!secure.empty()) {
      // The same calls over mTLS to a gateway that authenticates and authorizes each one.
      const Result m = GatewayPhase(secure, absl::GetFlag(FLAGS_secure_gateway_pid), control, start,
                                    clients, seconds);
      std::printf("%-8d %-7s %10.0f %9.3f %9.3f %7lld %10.1f %9.1f %10lld\n", clients, "mtls",
                  m.calls_per_second, m.p50_ms, m.p99_ms, static_cast<long long>(m.errors),
                  m.cpu_us_per_call, m.user_us_per_call, static_cast<long long>(m.handshakes));
      std::printf(
          "%-8d ratio   mtls+authz/plaintext: gateway CPU %.2fx, p50 %.2fx; mTLS connections "
          "open %lld, opened during the window %lld\n",
          clients, m.cpu_us_per_call / g.cpu_us_per_call, m.p50_ms / g.p50_ms,
          static_cast<long long>(m.open_connections), static_cast<long long>(m.new_connections));
    }
    const Result d = DirectPhase(https, ca, key, control, clients, seconds);
    std::printf("%-8d %-7s %10.0f %9.3f %9.3f %7lld %10.1f %9.1f %10lld\n", clients, "gateway",
                g.calls_per_second, g.p50_ms, g.p99_ms, static_cast<long long>(g.errors),
                g.cpu_us_per_call, g.user_us_per_call, static_cast<long long>(g.handshakes));
    // For the direct path the CPU column is the HTTPS client's (this process): what the
    // upstream leg alone costs, whatever serves the gRPC side.
    std::printf("%-8d %-7s %10.0f %9.3f %9.3f %7lld %10.1f %9.1f %10lld\n", clients, "direct",
                d.calls_per_second, d.p50_ms, d.p99_ms, static_cast<long long>(d.errors),
                d.cpu_us_per_call, d.user_us_per_call, static_cast<long long>(d.handshakes));
    std::printf("%-8d ratio   throughput gateway/direct %.2f, p50 %.2fx, p99 %.2fx\n", clients,
                g.calls_per_second / d.calls_per_second, g.p50_ms / d.p50_ms, g.p99_ms / d.p99_ms);
    if (absl::GetFlag(FLAGS_floor)) FloorPhase(gateway, pid, clients, seconds);
    if (absl::GetFlag(FLAGS_per_rpc)) {
      RunOneRpc(gateway, pid, clients, seconds, start, "StartPayment");
      RunOneRpc(gateway, pid, clients, seconds, start, "GetPaymentState");
    }
    std::fflush(stdout);
  }
  return 0;
}
