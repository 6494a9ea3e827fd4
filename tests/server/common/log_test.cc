// The log cannot be forged or flooded by what clients send.
#include "server/common/log.h"

#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "server/rpc/rpc_support.h"
#include "tests/support/stderr_capture.h"

namespace barion_gateway::server {
namespace {

using testing_support::StderrCapture;

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

TEST(LogTest, ControlCharactersCannotStartAForgedLine) {
  StderrCapture capture;
  LogInfo("shop=evil\n2026-01-01T00:00:00.000Z ERROR forged\r\x1b[2J");
  const std::vector<std::string> lines = Lines(capture.Text());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("shop=evil\\x0a2026"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("\\x0d\\x1b[2J"), std::string::npos) << lines[0];
}

TEST(LogTest, ALineIsCutAtItsLimit) {
  StderrCapture capture;
  LogInfo(std::string(1 << 20, 'x'));
  const std::string text = capture.Text();
  EXPECT_LT(text.size(), kMaxLogLineBytes + 100);
  EXPECT_NE(text.find("...(1048576 bytes)"), std::string::npos);
}

TEST(LogTest, LimitedLinesAreCountedAndSummarised) {
  StderrCapture capture;
  int logged = 0;
  for (int i = 0; i < 1000; ++i) logged += LogLimited("WARN", "test kind a", "bad callback");
  EXPECT_EQ(logged, kLimitedLinesPerWindow);
  // Another kind has its own budget.
  EXPECT_TRUE(LogLimited("WARN", "test kind b", "other"));
  EXPECT_EQ(Lines(capture.Text()).size(), static_cast<size_t>(kLimitedLinesPerWindow) + 1);
}

// A refused RPC whose shop holds a newline and a megabyte: one line, escaped, bounded.
TEST(LogTest, RefusedCallsLogClientValuesEscapedAndTruncated) {
  StderrCapture capture;
  const std::string shop = std::string(1 << 20, 's') + "\nforged line";
  FinishRpc("StartPayment", "web-frontend", "shop=" + shop, absl::Now(),
            absl::InvalidArgumentError("invalid shop"));
  const std::vector<std::string> lines = Lines(capture.Text());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_LT(lines[0].size(), kMaxLogLineBytes + 100);
}

}  // namespace
}  // namespace barion_gateway::server
