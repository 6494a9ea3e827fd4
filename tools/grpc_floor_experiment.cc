// Experiment (not part of the product): server-side CPU per trivial unary call, gRPC's sync API
// vs its callback API, on this machine. Usage: grpc_floor_experiment sync|callback SECONDS
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "barion/v1/payment_service.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"

namespace v1 = ::barion::v1;

class Sync final : public v1::PaymentService::Service {
  grpc::Status GetPaymentState(grpc::ServerContext*, const v1::GetPaymentStateRequest* r,
                               v1::GetPaymentStateResponse* out) override {
    out->set_payment_id(r->payment_id());
    return grpc::Status::OK;
  }
};

class Callback final : public v1::PaymentService::CallbackService {
  grpc::ServerUnaryReactor* GetPaymentState(grpc::CallbackServerContext* c,
                                            const v1::GetPaymentStateRequest* r,
                                            v1::GetPaymentStateResponse* out) override {
    out->set_payment_id(r->payment_id());
    auto* reactor = c->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
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

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "sync";
  const int seconds = argc > 2 ? atoi(argv[2]) : 3;
  int fds[2];
  pipe(fds);
  pid_t child = fork();
  if (child == 0) {
    Sync sync;
    Callback callback;
    grpc::ServerBuilder b;
    int port = 0;
    b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    if (mode == "sync")
      b.RegisterService(&sync);
    else
      b.RegisterService(&callback);
    auto server = b.BuildAndStart();
    write(fds[1], &port, sizeof port);
    server->Wait();
    return 0;
  }
  int port = 0;
  read(fds[0], &port, sizeof port);
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
  long n = 0;
  while (absl::Now() < end) n += call();
  const double c1 = Cpu(child);
  std::printf("%s: %ld calls, %.0f calls/s, server CPU %.1f us/call\n", mode.c_str(), n,
              n / static_cast<double>(seconds), (c1 - c0) * 1e6 / n);
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  return 0;
}
