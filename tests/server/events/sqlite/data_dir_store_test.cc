// The data folder remembers its store: a missing or different events.db is refused unless the
// operator adopts a new one, so the log never starts over unnoticed.
#include "server/events/sqlite/data_dir_store.h"

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace barion_gateway::server {
namespace {

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

std::string NewDir(const std::string& name) {
  const std::string dir = absl::StrCat(::testing::TempDir(), "/", name);
  ::mkdir(dir.c_str(), 0700);
  return dir;
}

TEST(DataDirStoreTest, AFreshFolderRecordsItsStoreAndReopensIt) {
  const std::string dir = NewDir("fresh");
  auto store = OpenStoreInDataDir(dir, false);
  ASSERT_TRUE(store.ok()) << store.status();
  const std::string identity = absl::StrCat((*store)->identity());
  store->reset();
  EXPECT_EQ(Read(dir + "/STORE_IDENTITY"), identity + "\n");
  auto again = OpenStoreInDataDir(dir, false);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(absl::StrCat((*again)->identity()), identity);
}

TEST(DataDirStoreTest, AMissingStoreIsRefusedUnlessAdopted) {
  const std::string dir = NewDir("missing");
  {
    auto store = OpenStoreInDataDir(dir, false);
    ASSERT_TRUE(store.ok()) << store.status();
  }
  const std::string old_identity = Read(dir + "/STORE_IDENTITY");
  for (const char* file : {"/events.db", "/events.db-wal", "/events.db-shm"}) {
    std::remove((dir + file).c_str());
  }
  auto refused = OpenStoreInDataDir(dir, false);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "is missing"));
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "--new_event_store"));
  struct stat info;
  EXPECT_NE(::stat((dir + "/events.db").c_str(), &info), 0) << "a refusal creates no store";

  auto adopted = OpenStoreInDataDir(dir, true);
  ASSERT_TRUE(adopted.ok()) << adopted.status();
  EXPECT_EQ(Read(dir + "/STORE_IDENTITY"), absl::StrCat((*adopted)->identity(), "\n"));
  EXPECT_NE(Read(dir + "/STORE_IDENTITY"), old_identity);
}

TEST(DataDirStoreTest, AnotherFoldersStoreIsRefusedUnlessAdopted) {
  const std::string a = NewDir("a");
  const std::string b = NewDir("b");
  ASSERT_TRUE(OpenStoreInDataDir(a, false).ok());
  ASSERT_TRUE(OpenStoreInDataDir(b, false).ok());
  // b's marker beside a's store: the folder's store was swapped.
  std::ofstream(a + "/STORE_IDENTITY", std::ios::trunc) << Read(b + "/STORE_IDENTITY");
  auto refused = OpenStoreInDataDir(a, false);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "is not the event store"));
  auto adopted = OpenStoreInDataDir(a, true);
  ASSERT_TRUE(adopted.ok()) << adopted.status();
  EXPECT_EQ(Read(a + "/STORE_IDENTITY"), absl::StrCat((*adopted)->identity(), "\n"));
}

}  // namespace
}  // namespace barion_gateway::server
