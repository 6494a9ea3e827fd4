// The audit log's file: one JSON object per line, hostile values escaped and cut, records on
// disk after Flush(), the file private to the gateway's user.
#include "server/audit/audit_log.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
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

namespace barion_gateway::server {
namespace {

std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "/" + name + "-" + std::to_string(::getpid());
}

TEST(AuditLogTest, ASyncedRecordIsOnDiskWhenRecordReturns) {
  const std::string path = TempPath("synced.log");
  AuditLog::Options options;
  options.path = path;
  options.flush_interval = absl::Hours(1);  // a queued record would wait that long
  absl::StatusOr<std::unique_ptr<AuditLog>> log = AuditLog::Open(options);
  ASSERT_TRUE(log.ok()) << log.status();
  const absl::Time start = absl::Now();
  ASSERT_TRUE((*log)->Record(Refund(), AuditLog::Durability::kSynced).ok());
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  EXPECT_EQ(Lines(path).size(), 1u) << "answered before its record was written";
  EXPECT_TRUE((*log)->healthy());
}

TEST(AuditLogTest, ConcurrentSyncedRecordsShareTheirSyncs) {
  const std::string path = TempPath("group.log");
  AuditLog::Options options;
  options.path = path;
  int64_t batches = 0;
  options.on_batch = [&batches](bool ok, int64_t) { batches += ok ? 1 : 0; };
  absl::StatusOr<std::unique_ptr<AuditLog>> log = AuditLog::Open(options);
  ASSERT_TRUE(log.ok());
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        EXPECT_TRUE((*log)->Record(Refund(), AuditLog::Durability::kSynced).ok());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  (*log)->Flush();
  EXPECT_EQ(Lines(path).size(), 400u);
  EXPECT_LE(batches, 400);  // never more syncs than records; usually far fewer
}

// Runs in a child process whose files may not grow past `limit` bytes (RLIMIT_FSIZE: the file
// system is full for it): records until one fails. Exits 0 when the failed record was reported
// UNAVAILABLE, the log turned unhealthy and counted the loss.
void RecordUntilFull(const std::string& path, rlim_t limit) {
  signal(SIGXFSZ, SIG_IGN);  // EFBIG instead of a signal
  struct rlimit rl = {limit, limit};
  if (setrlimit(RLIMIT_FSIZE, &rl) != 0) _exit(10);
  AuditLog::Options options;
  options.path = path;
  absl::StatusOr<std::unique_ptr<AuditLog>> log = AuditLog::Open(options);
  if (!log.ok()) _exit(11);
  for (int i = 0; i < 1000; ++i) {
    AuditRecord r = Refund();
    r.payment_request_id = std::string(static_cast<size_t>(i % 97), 'x');  // lines of all sizes
    absl::Status s = (*log)->Record(r, AuditLog::Durability::kSynced);
    if (!s.ok()) {
      if (s.code() != absl::StatusCode::kUnavailable) _exit(12);
      if ((*log)->healthy() || (*log)->lost() < 1) _exit(13);
      // Reads go on while it is full: queued, counted as lost, never half written.
      (*log)->Record(Refund());
      (*log)->Flush();
      _exit((*log)->lost() >= 2 ? 0 : 14);
    }
  }
  _exit(15);  // never full
}

TEST(AuditLogTest, AFullFileSystemFailsTheRecordAndNeverLeavesHalfALine) {
  const std::string path = TempPath("full.log");
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) RecordUntilFull(path, 20000);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  const std::string file = text.str();
  ASSERT_FALSE(file.empty());
  EXPECT_EQ(file.back(), '\n') << "the file ends in half a line";
  EXPECT_LE(file.size(), 20000u);
  for (absl::string_view line : absl::StrSplit(file, '\n', absl::SkipEmpty())) {
    rapidjson::Document d;
    d.Parse(line.data(), line.size());
    EXPECT_TRUE(d.IsObject()) << "a line that is not a whole record";
  }
}

TEST(AuditLogTest, AnUnauthenticatedPeerIsCountedPastItsRate) {
  const std::string path = TempPath("flood.log");
  AuditLog::Options options;
  options.path = path;
  options.unauthenticated_per_second = 5;
  absl::StatusOr<std::unique_ptr<AuditLog>> log = AuditLog::Open(options);
  ASSERT_TRUE(log.ok());
  AuditRecord r;
  r.time = absl::Now();
  r.caller = "-";
  r.authenticated_by = "none";
  r.peer = "ipv4:10.0.0.7:5000";
  r.unauthenticated = true;
  r.method = "/barion.v1.PaymentService/Refund";
  r.code = "UNAUTHENTICATED";
  r.outcome = "denied";
  // All within one second (the window), unless the clock turns a second meanwhile.
  const int64_t second = absl::ToUnixSeconds(absl::Now());
  for (int i = 0; i < 100; ++i) ASSERT_TRUE((*log)->Record(r).ok());
  AuditRecord other = r;
  other.peer = "ipv4:10.0.0.8:5000";
  ASSERT_TRUE((*log)->Record(other).ok());  // another peer has its own allowance
  (*log)->Flush();
  if (absl::ToUnixSeconds(absl::Now()) != second) GTEST_SKIP() << "the second turned";
  EXPECT_EQ(Lines(path).size(), 6u);
  EXPECT_EQ((*log)->suppressed(), 95);
  // The peer's next written record carries the count.
  absl::SleepFor(absl::Seconds(1));
  ASSERT_TRUE((*log)->Record(r).ok());
  (*log)->Flush();
  const std::vector<std::string> lines = Lines(path);
  ASSERT_EQ(lines.size(), 8u);
  rapidjson::Document summary;
  summary.Parse(lines[6].c_str());
  EXPECT_STREQ(summary["phase"].GetString(), "suppressed");
  EXPECT_EQ(summary["suppressed"].GetInt64(), 95);
}

}  // namespace
}  // namespace barion_gateway::server
