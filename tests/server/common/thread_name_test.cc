// NameThisThread and NamedThread: the name the kernel shows for the thread, cut to Linux's 15
// bytes, set before the thread's work begins and on that thread only.
#include "server/common/thread_name.h"

#include <sys/prctl.h>

#include <string>
#include <thread>

#include "gtest/gtest.h"

namespace barion_gateway::server {
namespace {

std::string NameOfThisThread() {
  char name[16] = {};
  prctl(PR_GET_NAME, name);
  return name;
}

// The name a new thread has after NameThisThread(`name`).
std::string NameAfterNaming(const std::string& name) {
  std::string seen;
  std::thread t([&] {
    NameThisThread(name);
    seen = NameOfThisThread();
  });
  t.join();
  return seen;
}

TEST(ThreadNameTest, NamesTheCallingThreadOnly) {
  const std::string before = NameOfThisThread();
  EXPECT_EQ(NameAfterNaming("hub-writer"), "hub-writer");
  EXPECT_EQ(NameOfThisThread(), before);
}

TEST(ThreadNameTest, LongNamesAreCutToFifteenBytes) {
  EXPECT_EQ(NameAfterNaming("a-name-longer-than-fifteen-bytes"), "a-name-longer-t");
}

TEST(ThreadNameTest, ANamedThreadHasItsNameWhenItsWorkBegins) {
  std::string seen;
  std::thread t = NamedThread("cb-fetcher", [&] { seen = NameOfThisThread(); });
  t.join();
  EXPECT_EQ(seen, "cb-fetcher");
}

}  // namespace
}  // namespace barion_gateway::server
