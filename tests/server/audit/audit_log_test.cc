// The audit log's file: one JSON object per line, hostile values escaped and cut, records on
// disk after Flush(), the file private to the gateway's user.
#include "server/audit/audit_log.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"

namespace barion_gateway::server {
namespace {

std::vector<std::string> Lines(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return absl::StrSplit(text.str(), '\n', absl::SkipEmpty());
}

AuditRecord Refund() {
  AuditRecord r;
  r.time = absl::FromUnixSeconds(1800000000);
  r.caller = "billing";
  r.authenticated_by = "certificate";
  r.method = "/barion.v1.PaymentService/Refund";
  r.shop = "web";
  r.payment_id = "4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6";
  r.amounts = {"1200.50", "0.01"};
  r.currency = "EUR";
  r.code = "FAILED_PRECONDITION";
  r.barion_errors = {"PaymentStatusNotValid"};
  r.outcome = "rejected";
  return r;
}

TEST(AuditLineTest, IsOneJsonObjectWithEveryField) {
  rapidjson::Document d;
  const std::string line = AuditLine(Refund());
  ASSERT_EQ(line.back(), '\n');
  d.Parse(line.c_str());
  ASSERT_TRUE(d.IsObject()) << line;
  EXPECT_STREQ(d["time"].GetString(), "2027-01-15T08:00:00.000Z");
  EXPECT_STREQ(d["caller"].GetString(), "billing");
  EXPECT_STREQ(d["method"].GetString(), "/barion.v1.PaymentService/Refund");
  EXPECT_STREQ(d["amounts"][0].GetString(), "1200.50");  // exact decimal text
  EXPECT_STREQ(d["barion_errors"][0].GetString(), "PaymentStatusNotValid");
  EXPECT_STREQ(d["outcome"].GetString(), "rejected");
  EXPECT_FALSE(d.HasMember("wallet"));  // empty fields are left out
}

TEST(AuditLineTest, AHostileValueStaysOneBoundedLine) {
  AuditRecord r = Refund();
  r.payment_request_id = std::string(1 << 20, 'x') + "\n{\"forged\":true}\"";
  const std::string line = AuditLine(r);
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_LT(line.size(), 2048u);
  rapidjson::Document d;
  d.Parse(line.c_str());
  ASSERT_TRUE(d.IsObject());
  EXPECT_FALSE(d.HasMember("forged"));
}

TEST(AuditLogTest, RecordsFromManyThreadsAreOnDiskAfterFlush) {
  const std::string path = testing::TempDir() + "/audit.log";
  std::remove(path.c_str());
  AuditLog::Options options;
  options.path = path;
  options.flush_interval = absl::Milliseconds(20);
  auto log = AuditLog::Open(options);
  ASSERT_TRUE(log.ok()) << log.status();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 250; ++i) (*log)->Record(Refund());
    });
  }
  for (std::thread& t : threads) t.join();
  (*log)->Flush();
  EXPECT_EQ(Lines(path).size(), 1000u);
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  log->reset();  // the destructor writes what is queued
  auto reopened = AuditLog::Open(options);
  ASSERT_TRUE(reopened.ok());
  (*reopened)->Record(Refund());
  reopened->reset();
  EXPECT_EQ(Lines(path).size(), 1001u);  // appended, never truncated
}

// logrotate moves the file away and the gateway reopens it (on SIGHUP): later records go to a
// new file at the path, none is lost.
TEST(AuditLogTest, ReopenContinuesInANewFileAtThePath) {
  const std::string path = testing::TempDir() + "/rotated.log";
  std::remove(path.c_str());
  std::remove((path + ".1").c_str());
  AuditLog::Options options;
  options.path = path;
  options.flush_interval = absl::Milliseconds(5);
  auto log = AuditLog::Open(options);
  ASSERT_TRUE(log.ok());
  (*log)->Record(Refund());
  (*log)->Flush();
  ASSERT_EQ(std::rename(path.c_str(), (path + ".1").c_str()), 0);
  (*log)->Record(Refund());  // queued before the reopen: it may land in either file
  ASSERT_TRUE((*log)->Reopen().ok());
  (*log)->Record(Refund());
  (*log)->Flush();
  const size_t old_lines = Lines(path + ".1").size(), new_lines = Lines(path).size();
  EXPECT_EQ(old_lines + new_lines, 3u);
  EXPECT_GE(new_lines, 1u);
  EXPECT_GE(old_lines, 1u);
}

}  // namespace
}  // namespace barion_gateway::server
