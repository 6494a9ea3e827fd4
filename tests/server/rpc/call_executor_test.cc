#include "server/rpc/call_executor.h"

#include <sys/prctl.h>

#include <atomic>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace barion_gateway::server {
namespace {

// One call at a time runs on the caller's thread (the gRPC thread that delivered it); a call
// that arrives while it runs goes to the pool.
TEST(CallExecutorTest, OneCallRunsInlineAndAnotherMeanwhileOnThePool) {
  CallExecutor executor(4);
  const std::thread::id caller = std::this_thread::get_id();
  std::thread::id first, second;
  char second_name[16] = {};
  absl::Notification second_done;
  ASSERT_TRUE(executor.Run([&] {
    first = std::this_thread::get_id();
    ASSERT_TRUE(executor.Run([&] {
      second = std::this_thread::get_id();
      prctl(PR_GET_NAME, second_name);
      second_done.Notify();
    }));
    second_done.WaitForNotification();
  }));
  EXPECT_EQ(first, caller);
  EXPECT_NE(second, caller);
  // Named as the executor's, not after the gRPC thread that started it (profiles go by name).
  EXPECT_STREQ(second_name, "call-executor");
  const CallExecutor::Stats stats = executor.stats();
  EXPECT_EQ(stats.inline_runs, 1);
  EXPECT_EQ(stats.pooled_runs, 1);
  EXPECT_EQ(stats.threads, 1);
}

// Every call in flight runs at once (a thread each): none waits behind another, which would
// stall a call behind a slow Barion answer. Fails if the pool is smaller than the calls it
// accepted.
TEST(CallExecutorTest, EveryAcceptedCallRunsAtOnce) {
  constexpr int kCalls = 12;
  CallExecutor executor(kCalls);
  std::atomic<int> running{0};
  absl::Notification all_running;
  absl::Notification release;
  std::thread holder([&] {
    // The inline slot: held by this thread's call for the whole test.
    ASSERT_TRUE(executor.Run([&] {
      if (++running == kCalls) all_running.Notify();
      release.WaitForNotification();
    }));
  });
  while (executor.stats().inline_runs == 0) absl::SleepFor(absl::Microseconds(100));
  for (int i = 1; i < kCalls; ++i) {
    ASSERT_TRUE(executor.Run([&] {
      if (++running == kCalls) all_running.Notify();
      release.WaitForNotification();
    }));
  }
  EXPECT_TRUE(all_running.WaitForNotificationWithTimeout(absl::Seconds(10)))
      << running.load() << " of " << kCalls << " running";
  release.Notify();
  holder.join();
}

// Beyond max_calls in flight, work is refused (not run); a finished call frees its place, and
// pool threads are reused rather than made per call.
TEST(CallExecutorTest, RefusesBeyondItsBoundAndReusesThreads) {
  CallExecutor executor(2);
  std::atomic<int> ran{0};
  // Holds the inline slot (on another thread) until `release`.
  auto hold_inline = [&executor, &ran](absl::Notification& started, absl::Notification& release) {
    return std::thread([&] {
      EXPECT_TRUE(executor.Run([&] {
        started.Notify();
        release.WaitForNotification();
        ++ran;
      }));
    });
  };
  absl::Notification started, release;
  std::thread holder = hold_inline(started, release);
  started.WaitForNotification();
  ASSERT_TRUE(executor.Run([&] {
    release.WaitForNotification();
    ++ran;
  }));
  EXPECT_FALSE(executor.Run([&] { ran += 100; }));
  EXPECT_EQ(executor.stats().refused, 1);
  release.Notify();
  holder.join();
  while (executor.stats().in_flight > 0) absl::SleepFor(absl::Microseconds(100));
  ASSERT_TRUE(executor.Run([&] { ++ran; }));  // its place is free again
  EXPECT_EQ(ran.load(), 3);
  for (int round = 0; round < 20; ++round) {
    absl::Notification round_started, round_release, pooled;
    std::thread t = hold_inline(round_started, round_release);
    round_started.WaitForNotification();
    ASSERT_TRUE(executor.Run([&] { pooled.Notify(); }));
    pooled.WaitForNotification();
    round_release.Notify();
    t.join();
    while (executor.stats().in_flight > 0) absl::SleepFor(absl::Microseconds(100));
  }
  EXPECT_EQ(executor.stats().pooled_runs, 21);
  EXPECT_EQ(executor.stats().threads, 1) << "a thread per pooled call, not reused";
}

// Work queued when the executor is destroyed still runs (its calls are finished, not dropped).
TEST(CallExecutorTest, DestructionRunsWhatIsQueued) {
  std::atomic<int> ran{0};
  {
    CallExecutor executor(8);
    absl::Notification release;
    std::thread holder([&] { executor.Run([&] { release.WaitForNotification(); }); });
    while (executor.stats().inline_runs == 0) absl::SleepFor(absl::Microseconds(100));
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(executor.Run([&] { ++ran; }));
    release.Notify();
    holder.join();
  }
  EXPECT_EQ(ran.load(), 5);
}

}  // namespace
}  // namespace barion_gateway::server
