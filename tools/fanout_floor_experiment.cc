// Experiment (not part of the product): what gRPC 1.51 itself costs on this machine to deliver
// one message to each of many server-streaming calls, the floor under the gateway's event
// fan-out (EventHub). A forked server process holds the streams on a raw callback method, as the
// gateway does, and publishes one pre-serialized message (shared by every stream) RATE times a
// second; the parent holds SUBSCRIBERS streams over 4 connections, as tools/event_bench does.
// Reported: the server's CPU per delivered message and the publish-to-receipt latency.
// Usage: fanout_floor_experiment MODE [SECONDS=5] [SUBSCRIBERS=1000] [RATE=10] [BYTES=300]
// MODE: serial (one thread starts every stream's write, as the hub's publisher does), split (two
// threads start half each, so that writes to one connection can meet in gRPC's combiner).
// docs/PERFORMANCE.md records the figures.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "barion/v1/payment_event.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "tools/proc_stats.h"

namespace v1 = ::barion::v1;

namespace {

class Server;

// One stream: at most one write in flight; a message published meanwhile waits (counted).
class Stream final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  explicit Stream(Server* server) : server_(server) {}
  void Publish(const grpc::ByteBuffer& bytes);
  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  Server* const server_;
  absl::Mutex mu_;
  bool writing_ = false;
  bool finished_ = false;
  int waiting_ = 0;
  grpc::ByteBuffer out_;
};

class Server final : public v1::PaymentEventService::WithRawCallbackMethod_SubscribePaymentEvents<
                         v1::PaymentEventService::Service> {
 public:
  grpc::ServerWriteReactor<grpc::ByteBuffer>* SubscribePaymentEvents(
      grpc::CallbackServerContext*, const grpc::ByteBuffer*) override {
    auto* s = new Stream(this);
    absl::MutexLock lock(&mu_);
    streams_.push_back(s);
    return s;
  }
  void Remove(Stream* s) {
    absl::MutexLock lock(&mu_);
    streams_.erase(std::find(streams_.begin(), streams_.end(), s));
  }
  // One message, its bytes shared by every stream, written by `threads` threads.
  void PublishOnce(int threads, int bytes) {
    v1::SubscribePaymentEventsResponse m;
    m.mutable_heartbeat()->set_cursor(std::string(bytes, 'c'));
    const int64_t now = absl::GetCurrentTimeNanos();
    m.mutable_heartbeat()->mutable_sent_at()->set_seconds(now / 1000000000);
    m.mutable_heartbeat()->mutable_sent_at()->set_nanos(static_cast<int32_t>(now % 1000000000));
    grpc::ByteBuffer shared;
    bool own = false;
    (void)grpc::SerializationTraits<v1::SubscribePaymentEventsResponse>::Serialize(m, &shared,
                                                                                   &own);
    std::vector<Stream*> streams;
    {
      absl::MutexLock lock(&mu_);
      streams = streams_;
    }
    auto part = [&](size_t from, size_t to) {
      for (size_t i = from; i < to; ++i) streams[i]->Publish(shared);
    };
    std::vector<std::thread> others;
    const size_t n = streams.size();
    for (int t = 1; t < threads; ++t)
      others.emplace_back(part, n * t / threads, n * (t + 1) / threads);
    part(0, n / threads);
    for (std::thread& t : others) t.join();
  }

 private:
  absl::Mutex mu_;
  std::vector<Stream*> streams_;  // a stream leaves only in OnDone, after its last write
};

void Stream::Publish(const grpc::ByteBuffer& bytes) {
  {
    absl::MutexLock lock(&mu_);
    if (finished_) return;
    if (writing_) {
      ++waiting_;
      return;
    }
    writing_ = true;
    out_ = bytes;
  }
  StartWrite(&out_);
}

void Stream::OnWriteDone(bool ok) {
  absl::MutexLock lock(&mu_);
  writing_ = false;
  if (!ok || finished_) {
    if (!finished_) {
      finished_ = true;
      Finish(grpc::Status::CANCELLED);
    }
    return;
  }
  if (waiting_ > 0) {
    --waiting_;
    writing_ = true;
    StartWrite(&out_);
  }
}

void Stream::OnCancel() {
  absl::MutexLock lock(&mu_);
  if (finished_) return;
  finished_ = true;
  Finish(grpc::Status::CANCELLED);
}

void Stream::OnDone() {
  server_->Remove(this);
  delete this;
}

void Serve(int port_fd, int threads, int rate, int bytes) {
  Server service;
  grpc::ServerBuilder b;
  int port = 0;
  b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  b.RegisterService(&service);
  auto server = b.BuildAndStart();
  if (write(port_fd, &port, sizeof port) != sizeof port) return;
  for (absl::Time next = absl::Now();; next += absl::Seconds(1) / rate) {
    absl::SleepFor(next - absl::Now());
    service.PublishOnce(threads, bytes);
  }
}

// One subscriber: reads every message and records its latency from the publisher's clock.
class Reader final : public grpc::ClientReadReactor<v1::SubscribePaymentEventsResponse> {
 public:
  Reader(v1::PaymentEventService::Stub* stub, std::atomic<int64_t>* received)
      : received_(received) {
    stub->async()->SubscribePaymentEvents(&context_, &request_, this);
    StartRead(&message_);
    StartCall();
  }
  void OnReadDone(bool ok) override {
    if (!ok) return;
    const int64_t sent = message_.heartbeat().sent_at().seconds() * 1000000000 +
                         message_.heartbeat().sent_at().nanos();
    {
      absl::MutexLock lock(&mu_);
      if (recording_) latencies_ns_.push_back(absl::GetCurrentTimeNanos() - sent);
    }
    received_->fetch_add(1);
    StartRead(&message_);
  }
  void OnDone(const grpc::Status&) override {
    absl::MutexLock lock(&mu_);
    done_ = true;
  }
  void Record(bool on) {
    absl::MutexLock lock(&mu_);
    recording_ = on;
  }
  std::vector<int64_t> Latencies() {
    absl::MutexLock lock(&mu_);
    return latencies_ns_;
  }
  void CancelAndWait() {
    context_.TryCancel();
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&done_));
  }

 private:
  std::atomic<int64_t>* const received_;
  grpc::ClientContext context_;
  v1::SubscribePaymentEventsRequest request_;
  v1::SubscribePaymentEventsResponse message_;
  absl::Mutex mu_;
  bool recording_ = false;
  bool done_ = false;
  std::vector<int64_t> latencies_ns_;
};

double Percentile(std::vector<int64_t>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))] / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "serial";
  const int seconds = argc > 2 ? atoi(argv[2]) : 5;
  const int subscribers = argc > 3 ? atoi(argv[3]) : 1000;
  const int rate = argc > 4 ? atoi(argv[4]) : 10;
  const int bytes = argc > 5 ? atoi(argv[5]) : 300;
  int threads = 1;
  if (mode.rfind("split:", 0) == 0) threads = atoi(mode.c_str() + 6);
  if (threads < 1 || (mode != "serial" && threads == 1)) {
    std::fprintf(stderr, "MODE is serial or split:THREADS\n");
    return 2;
  }
  int fds[2];
  if (pipe(fds) != 0) return 1;
  pid_t child = fork();
  if (child == 0) {
    Serve(fds[1], threads, std::max(rate, 1), bytes);
    return 0;
  }
  int port = 0;
  if (read(fds[0], &port, sizeof port) != sizeof port) return 1;
  std::vector<std::unique_ptr<v1::PaymentEventService::Stub>> stubs;
  for (int i = 0; i < 4; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("barion.experiment.connection", i);
    stubs.push_back(v1::PaymentEventService::NewStub(grpc::CreateCustomChannel(
        absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials(), args)));
  }
  std::atomic<int64_t> received{0};
  std::vector<std::unique_ptr<Reader>> readers;
  for (int i = 0; i < subscribers; ++i) {
    readers.push_back(std::make_unique<Reader>(stubs[i % stubs.size()].get(), &received));
  }
  // Every stream has had a message: all are open.
  const absl::Time give_up = absl::Now() + absl::Seconds(60);
  while (received.load() < 2 * subscribers && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  for (auto& r : readers) r->Record(true);
  const int64_t m0 = received.load();
  const double c0 = CpuOf(child).total();
  absl::SleepFor(absl::Seconds(seconds));
  const double c1 = CpuOf(child).total();
  const int64_t m1 = received.load();
  for (auto& r : readers) r->Record(false);
  std::vector<int64_t> all;
  for (auto& r : readers) {
    std::vector<int64_t> l = r->Latencies();
    all.insert(all.end(), l.begin(), l.end());
  }
  const int64_t n = m1 - m0;
  std::printf(
      "%s, %d subscribers, %d messages/s of %d bytes: %lld delivered, server CPU %.1f us per "
      "delivered message, latency p50 %.2f ms, p99 %.2f ms\n",
      mode.c_str(), subscribers, rate, bytes, static_cast<long long>(n),
      n > 0 ? (c1 - c0) * 1e6 / n : 0.0, Percentile(all, 0.5), Percentile(all, 0.99));
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  for (auto& r : readers) r->CancelAndWait();
  return 0;
}
