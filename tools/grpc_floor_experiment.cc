// Experiment (not part of the product): server-side CPU per unary call for the ways a gRPC 1.51
// server can run a handler that blocks (as the gateway's wait on Barion), on this machine.
// Usage: grpc_floor_experiment MODE [SECONDS=3] [BLOCK_US=0] [CLIENTS=1]
// MODE: sync (sync API alone), sync+cb (sync API next to a callback service, as in the gateway
// before the call executor), callback (callback API, blocking inline), pool (callback API, every
// call handed to a pool), executor (callback API on the gateway's CallExecutor: one call inline,
// the rest pooled). The handler sleeps BLOCK_US microseconds; CLIENTS threads call at once.
// docs/adr/0002-sync-unary-rpcs.md and docs/PERFORMANCE.md record the figures.
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <deque>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "barion/v1/payment_event.grpc.pb.h"
#include "barion/v1/payment_service.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "server/rpc/call_executor.h"

namespace v1 = ::barion::v1;

int g_block_us = 0;

// The handler's work: a blocking wait, as on Barion's answer.
void Handle(const v1::GetPaymentStateRequest* r, v1::GetPaymentStateResponse* out) {
  if (g_block_us > 0) usleep(g_block_us);
  out->set_payment_id(r->payment_id());
}

class Sync final : public v1::PaymentService::Service {
  grpc::Status GetPaymentState(grpc::ServerContext*, const v1::GetPaymentStateRequest* r,
                               v1::GetPaymentStateResponse* out) override {
    Handle(r, out);
    return grpc::Status::OK;
  }
};

// A callback method on the server (as the gateway's event streams): gRPC starts its callback
// threads for it.
class Events final : public v1::PaymentEventService::CallbackService {};

// Hands every call to one of its threads (as many as calls in flight, grown on demand).
class Pool {
 public:
  ~Pool() {
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
    }
    for (std::thread& t : threads_) t.join();
  }
  void Submit(std::function<void()> f) {
    absl::MutexLock lock(&mu_);
    queue_.push_back(std::move(f));
    if (static_cast<int>(threads_.size()) < ++pending_) threads_.emplace_back([this] { Run(); });
  }

 private:
  void Run() {
    absl::MutexLock lock(&mu_);
    for (;;) {
      mu_.Await(absl::Condition(
          +[](Pool* p)
               ABSL_NO_THREAD_SAFETY_ANALYSIS { return !p->queue_.empty() || p->stopping_; },
          this));
      if (queue_.empty()) return;
      std::function<void()> f = std::move(queue_.front());
      queue_.pop_front();
      mu_.Unlock();
      f();
      mu_.Lock();
      --pending_;
    }
  }
  absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  int pending_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

// The callback API; `run` decides where the handler runs (null: inline).
class Callback final : public v1::PaymentService::CallbackService {
 public:
  explicit Callback(std::function<void(std::function<void()>)> run) : run_(std::move(run)) {}
  grpc::ServerUnaryReactor* GetPaymentState(grpc::CallbackServerContext* c,
                                            const v1::GetPaymentStateRequest* r,
                                            v1::GetPaymentStateResponse* out) override {
    grpc::ServerUnaryReactor* reactor = c->DefaultReactor();
    auto work = [reactor, r, out] {
      Handle(r, out);
      reactor->Finish(grpc::Status::OK);
    };
    if (run_) {
      run_(work);
    } else {
      work();
    }
    return reactor;
  }

 private:
  std::function<void(std::function<void()>)> run_;
};

double Cpu(int pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string line;
  std::getline(in, line);
  std::vector<std::string> f = absl::StrSplit(line.substr(line.rfind(')') + 2), ' ');
  double u = 0, s = 0;
  absl::SimpleAtod(f[11], &u);
  absl::SimpleAtod(f[12], &s);
  return (u + s) / sysconf(_SC_CLK_TCK);
}

void Serve(const std::string& mode, int port_fd) {
  Sync sync;
  Events events;
  Pool pool;
  barion_gateway::server::CallExecutor executor(256);
  Callback inline_callback(nullptr);
  Callback pooled([&pool](std::function<void()> f) { pool.Submit(std::move(f)); });
  Callback on_executor([&executor](std::function<void()> f) { executor.Run(std::move(f)); });
  grpc::ServerBuilder b;
  int port = 0;
  b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  if (mode == "sync") {
    b.RegisterService(&sync);
  } else if (mode == "sync+cb") {
    b.RegisterService(&sync);
    b.RegisterService(&events);
  } else if (mode == "callback") {
    b.RegisterService(&inline_callback);
  } else if (mode == "pool") {
    b.RegisterService(&pooled);
  } else {
    b.RegisterService(&on_executor);
    b.RegisterService(&events);
  }
  auto server = b.BuildAndStart();
  write(port_fd, &port, sizeof port);
  server->Wait();
}

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "sync";
  const int seconds = argc > 2 ? atoi(argv[2]) : 3;
  g_block_us = argc > 3 ? atoi(argv[3]) : 0;
  const int clients = argc > 4 ? atoi(argv[4]) : 1;
  int fds[2];
  if (pipe(fds) != 0) return 1;
  pid_t child = fork();
  if (child == 0) {
    Serve(mode, fds[1]);
    return 0;
  }
  int port = 0;
  if (read(fds[0], &port, sizeof port) != sizeof port) return 1;
  auto stub = v1::PaymentService::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  v1::GetPaymentStateRequest req;
  req.set_payment_id("x");
  auto call = [&] {
    grpc::ClientContext c;
    v1::GetPaymentStateResponse out;
    return stub->GetPaymentState(&c, req, &out).ok();
  };
  for (int i = 0; i < 500; ++i) call();
  const double c0 = Cpu(child);
  const absl::Time end = absl::Now() + absl::Seconds(seconds);
  std::atomic<long> total{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < clients; ++i) {
    threads.emplace_back([&] {
      long n = 0;
      while (absl::Now() < end) n += call();
      total += n;
    });
  }
  for (std::thread& t : threads) t.join();
  const double c1 = Cpu(child);
  const long n = total.load();
  std::printf("%s, %d us blocking, %d clients: %ld calls, %.0f calls/s, server CPU %.1f us/call\n",
              mode.c_str(), g_block_us, clients, n, n / static_cast<double>(seconds),
              n > 0 ? (c1 - c0) * 1e6 / n : 0.0);
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  return 0;
}
