// The log cannot be forged or flooded by what clients send.
#include "server/common/log.h"

#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
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
  for (int i = 0; i < 1000; ++i)
    logged += LogLimited(LogLevel::kWarn, "test kind a", "bad callback");
  EXPECT_EQ(logged, kLimitedLinesPerWindow);
  // Another kind has its own budget.
  EXPECT_TRUE(LogLimited(LogLevel::kWarn, "test kind b", "other"));
  EXPECT_EQ(Lines(capture.Text()).size(), static_cast<size_t>(kLimitedLinesPerWindow) + 1);
}

// A refused RPC whose shop holds a newline and a megabyte: one line, escaped, bounded.
TEST(LogTest, RefusedCallsLogClientValuesEscapedAndTruncated) {
  StderrCapture capture;
  const std::string shop = std::string(1 << 20, 's') + "\nforged line";
  FinishRpc(Rpc::kStartPayment, "web-frontend", "0af7651916cd43dd8448eb211c80319c",
            {{"shop", shop}}, absl::Now(), absl::InvalidArgumentError("invalid shop"));
  const std::vector<std::string> lines = Lines(capture.Text());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_LT(lines[0].size(), kMaxLogLineBytes + 200);
  EXPECT_NE(lines[0].find(" trace_id=0af7651916cd43dd8448eb211c80319c"), std::string::npos);
  EXPECT_NE(lines[0].find("rpc=StartPayment "), std::string::npos);
}

const absl::Time kTime = absl::FromUnixMillis(1700000000123);

TEST(LogFormatTest, TextLinesAreMessageThenKeyValues) {
  EXPECT_EQ(FormatLogLine(LogFormat::kText, kTime, LogLevel::kInfo, "event",
                          {{"shop", "web"}, NumberField("duration_ms", 1.5)}),
            "2023-11-14T22:13:20.123Z INFO event shop=web duration_ms=1.500");
  EXPECT_EQ(FormatLogLine(LogFormat::kText, kTime, LogLevel::kWarn, "", {{"rpc", "Refund"}}),
            "2023-11-14T22:13:20.123Z WARN rpc=Refund");
}

TEST(LogFormatTest, JsonLinesAreOneValidObjectWhateverTheValues) {
  std::string hostile = "a\"b\\c\n{\"level\":\"ERROR\"}\x01\x7f";
  hostile += "\xff\xc3";                               // bytes that are not UTF-8
  hostile += "\xc3\xa1rv\xc3\xadzt\xc5\xb1r\xc5\x91";  // UTF-8 that is: kept
  const std::string line =
      FormatLogLine(LogFormat::kJson, kTime, LogLevel::kError, hostile,
                    {{"shop", hostile}, NumberField("duration_ms", 2.25), {"we\"ird key", "v"}});
  EXPECT_EQ(line.find('\n'), std::string::npos);
  rapidjson::Document doc;
  doc.Parse(line.c_str(), line.size());
  ASSERT_FALSE(doc.HasParseError()) << line;
  ASSERT_TRUE(doc.IsObject());
  EXPECT_STREQ(doc["time"].GetString(), "2023-11-14T22:13:20.123Z");
  EXPECT_STREQ(doc["level"].GetString(), "ERROR");
  const std::string msg = doc["msg"].GetString();
  EXPECT_EQ(msg.substr(0, 6), "a\"b\\c\n");  // quotes and backslashes survive as text
  EXPECT_NE(msg.find("\\xff\\xc3"), std::string::npos) << msg;  // shown, not passed through
  EXPECT_NE(msg.find("\xc3\xa1rv\xc3\xadzt\xc5\xb1r\xc5\x91"), std::string::npos);
  EXPECT_EQ(doc["shop"].GetString(), msg);
  EXPECT_TRUE(doc["duration_ms"].IsNumber());
  EXPECT_DOUBLE_EQ(doc["duration_ms"].GetDouble(), 2.25);
  EXPECT_TRUE(doc.HasMember("we_ird_key"));  // keys are reduced to [A-Za-z0-9_]
}

TEST(LogFormatTest, JsonValuesAreCutAtTheLimit) {
  const std::string line =
      FormatLogLine(LogFormat::kJson, kTime, LogLevel::kInfo, std::string(1 << 20, 'x'),
                    {{"shop", std::string(1 << 20, 's')}});
  EXPECT_LT(line.size(), 2 * kMaxLogLineBytes + 200);
  rapidjson::Document doc;
  doc.Parse(line.c_str(), line.size());
  EXPECT_FALSE(doc.HasParseError());
}

TEST(LogFormatTest, FlagsAreParsedAndTheMinimumLevelFilters) {
  EXPECT_EQ(ParseLogFormat("json"), LogFormat::kJson);
  EXPECT_EQ(ParseLogFormat("xml"), std::nullopt);
  EXPECT_EQ(ParseLogLevel("WARNING"), LogLevel::kWarn);
  EXPECT_EQ(ParseLogLevel("loud"), std::nullopt);
  StderrCapture capture;
  SetMinLogLevel(LogLevel::kWarn);
  LogInfo("dropped");
  LogWarning("kept");
  SetMinLogLevel(LogLevel::kInfo);
  SetLogFormat(LogFormat::kJson);
  LogInfo("json", {{"k", "v"}});
  SetLogFormat(LogFormat::kText);
  const std::vector<std::string> lines = Lines(capture.Text());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("WARN kept"), std::string::npos);
  EXPECT_NE(lines[1].find("\"msg\":\"json\",\"k\":\"v\"}"), std::string::npos) << lines[1];
}

}  // namespace
}  // namespace barion_gateway::server
