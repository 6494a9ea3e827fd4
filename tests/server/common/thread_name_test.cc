// NameThisThread: the name the kernel shows for the thread, cut to Linux's 15 bytes.
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

TEST(ThreadNameTest, NamesTheCallingThreadOnly) {
  const std::string before = NameOfThisThread();
  std::string inside;
  std::thread t([&] {
    NameThisThread("hub-writer");
    inside = NameOfThisThread();
  });
  t.join();
  EXPECT_EQ(inside, "hub-writer");
  EXPECT_EQ(NameOfThisThread(), before);
}

TEST(ThreadNameTest, LongNamesAreCutToFifteenBytes) {
  std::string inside;
  std::thread t([&] {
    NameThisThread("a-name-longer-than-fifteen-bytes");
    inside = NameOfThisThread();
  });
  t.join();
  EXPECT_EQ(inside, "a-name-longer-t");
}

}  // namespace
}  // namespace barion_gateway::server
