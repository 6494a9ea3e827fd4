// ParallelRunner: every item runs once, ForEach returns only when all have run, large batches
// run on several threads at once, small ones and those after Stop() on the caller alone.
#include "server/common/parallel_runner.h"

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace barion_gateway::server {
namespace {

// Runs a batch of `n` items, each recording its thread; returns the threads seen.
std::set<std::thread::id> RunBatch(ParallelRunner& runner, size_t n,
                                   std::vector<std::atomic<int>>& runs) {
  absl::Mutex mu;
  std::set<std::thread::id> threads;
  runner.ForEach(n, [&](size_t i) {
    runs[i].fetch_add(1);
    absl::MutexLock lock(&mu);
    threads.insert(std::this_thread::get_id());
  });
  return threads;
}

TEST(ParallelRunnerTest, EveryItemRunsOnceAndTheCallReturnsAfterAll) {
  ParallelRunner runner(3, 8, "test-helper");
  for (size_t n : {0, 1, 15, 16, 17, 1000, 20000}) {
    std::vector<std::atomic<int>> runs(n);
    RunBatch(runner, n, runs);
    for (size_t i = 0; i < n; ++i) ASSERT_EQ(runs[i].load(), 1) << "item " << i << " of " << n;
  }
}

// The property the event hub relies on: the items of a large batch run at the same time on
// different threads. Item 0 (on whichever thread claims it) waits until another item runs on
// another thread meanwhile.
TEST(ParallelRunnerTest, ALargeBatchRunsOnSeveralThreadsAtOnce) {
  ParallelRunner runner(3, 8, "test-helper");
  std::atomic<std::thread::id> first_thread{};
  absl::Notification first_claimed;
  absl::Notification other_thread_ran;
  std::atomic<bool> notified{false};
  std::atomic<bool> waited_ok{false};
  std::vector<std::atomic<int>> runs(64);
  runner.ForEach(64, [&](size_t i) {
    runs[i].fetch_add(1);
    if (i == 0) {
      first_thread = std::this_thread::get_id();
      first_claimed.Notify();
      waited_ok = other_thread_ran.WaitForNotificationWithTimeout(absl::Seconds(10));
      return;
    }
    first_claimed.WaitForNotificationWithTimeout(absl::Seconds(10));
    if (std::this_thread::get_id() != first_thread.load() && !notified.exchange(true)) {
      other_thread_ran.Notify();
    }
  });
  EXPECT_TRUE(waited_ok.load()) << "no item ran on another thread while item 0 ran";
  for (auto& r : runs) EXPECT_EQ(r.load(), 1);
  EXPECT_EQ(runner.shared_batches(), 1);
}

TEST(ParallelRunnerTest, ASmallBatchRunsOnTheCaller) {
  ParallelRunner runner(3, 8, "test-helper");
  std::vector<std::atomic<int>> runs(15);
  const std::set<std::thread::id> threads = RunBatch(runner, 15, runs);
  EXPECT_EQ(threads, std::set<std::thread::id>{std::this_thread::get_id()});
  EXPECT_EQ(runner.shared_batches(), 0);
}

TEST(ParallelRunnerTest, AfterStopEveryBatchRunsOnTheCaller) {
  ParallelRunner runner(3, 8, "test-helper");
  runner.Stop();
  runner.Stop();
  std::vector<std::atomic<int>> runs(1000);
  const std::set<std::thread::id> threads = RunBatch(runner, 1000, runs);
  EXPECT_EQ(threads, std::set<std::thread::id>{std::this_thread::get_id()});
  for (auto& r : runs) EXPECT_EQ(r.load(), 1);
}

TEST(ParallelRunnerTest, BatchesFromSeveralCallersAtOnceEachRunCompletely) {
  ParallelRunner runner(2, 4, "test-helper");
  std::vector<std::thread> callers;
  std::atomic<int> incomplete{0};
  for (int c = 0; c < 6; ++c) {
    callers.emplace_back([&] {
      for (int round = 0; round < 50; ++round) {
        std::vector<std::atomic<int>> runs(200);
        RunBatch(runner, 200, runs);
        for (auto& r : runs) {
          if (r.load() != 1) ++incomplete;
        }
      }
    });
  }
  for (std::thread& t : callers) t.join();
  EXPECT_EQ(incomplete.load(), 0);
}

}  // namespace
}  // namespace barion_gateway::server
