#include "server/barion/limited_transport.h"

#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "server/barion/barion_api.h"
#include "server/barion/upstream_error.h"
#include "server/common/errors.h"
#include "server/grpc_status/grpc_status.h"
#include "tests/support/status_details.h"

namespace barion_gateway::server {
namespace {

// A Barion that hangs until released, counting the calls it got.
class HungTransport final : public HttpTransport {
 public:
  absl::StatusOr<HttpResponse> Send(const HttpRequest&) override {
    {
      absl::MutexLock lock(&mu_);
      ++calls_;
    }
    release_.WaitForNotification();
    return HttpResponse{200, R"({"Errors":[]})", "application/json"};
  }
  void Release() { release_.Notify(); }
  int calls() {
    absl::MutexLock lock(&mu_);
    return calls_;
  }

 private:
  absl::Notification release_;
  absl::Mutex mu_;
  int calls_ ABSL_GUARDED_BY(mu_) = 0;
};

TEST(LimitedTransportTest, BeyondTheLimitACallFailsAtOnceWithoutBeingSent) {
  HungTransport hung;
  LimitedTransport limited(&hung, 2);
  BarionApi api(&limited);
  std::vector<std::thread> waiting;
  for (int i = 0; i < 2; ++i) {
    waiting.emplace_back([&api] {
      EXPECT_TRUE(
          api.Get("/v4/Payment/x/PaymentState", "key", absl::Now() + absl::Seconds(10)).ok());
    });
  }
  while (hung.calls() < 2) absl::SleepFor(absl::Milliseconds(1));
  const absl::Status busy =
      api.Post("/v2/Payment/Start", "key", "{}", absl::Now() + absl::Seconds(10)).status();
  EXPECT_EQ(busy.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ErrorReasons(busy), std::vector<std::string>{"UPSTREAM_CALLS_EXHAUSTED"});
  EXPECT_EQ(testing_support::Metadata(ToGrpcStatus(busy), "outcome"), "not_sent")
      << "a mutation, yet safe to retry";
  EXPECT_EQ(hung.calls(), 2) << "the refused call never reached Barion";
  hung.Release();
  for (auto& t : waiting) t.join();
  // Slots are given back.
  EXPECT_TRUE(api.Get("/v4/Payment/x/PaymentState", "key", absl::Now() + absl::Seconds(10)).ok());
}

}  // namespace
}  // namespace barion_gateway::server
