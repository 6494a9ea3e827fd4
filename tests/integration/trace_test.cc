// Trace context through the real gateway: the caller's W3C traceparent comes back in the
// initial metadata with the same trace id and the gateway's own span, and the call's JSON log
// line carries that trace id; without a (valid) traceparent the gateway makes a trace id.
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "server/common/log.h"
#include "server/rpc/trace_context.h"
#include "tests/integration/harness.h"
#include "tests/support/stderr_capture.h"

namespace barion_gateway::testing_support {
namespace {

namespace v1 = ::barion::v1;
constexpr char kTrace[] = "4bf92f3577b34da6a3ce929d0e0e4736";

// The traceparent the gateway answered with.
std::optional<server::TraceParent> Answered(const grpc::ClientContext& context) {
  const auto& metadata = context.GetServerInitialMetadata();
  auto it = metadata.find("traceparent");
  if (it == metadata.end()) return std::nullopt;
  return server::ParseTraceParent(std::string(it->second.data(), it->second.size()));
}

grpc::Status Start(Harness& h, grpc::ClientContext& context) {
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::StartPaymentResponse response;
  return h.stub().StartPayment(&context, Harness::CardPayment("1000", v1::CURRENCY_HUF), &response);
}

TEST(TraceTest, TheCallersTraceIsAnsweredAndLogged) {
  Harness h;
  server::SetCallLogging(true);  // the harness turns the per-call lines off
  StderrCapture capture;
  server::SetLogFormat(server::LogFormat::kJson);
  grpc::ClientContext traced;
  traced.AddMetadata("traceparent", std::string("00-") + kTrace + "-00f067aa0ba902b7-01");
  ASSERT_TRUE(Start(h, traced).ok());
  grpc::ClientContext untraced;
  ASSERT_TRUE(Start(h, untraced).ok());
  grpc::ClientContext forged;
  forged.AddMetadata("traceparent", "00-00000000000000000000000000000000-00f067aa0ba902b7-01");
  ASSERT_TRUE(Start(h, forged).ok());
  server::SetLogFormat(server::LogFormat::kText);
  server::SetCallLogging(false);

  const std::optional<server::TraceParent> answer = Answered(traced);
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->trace_id, kTrace);
  EXPECT_NE(answer->span_id, "00f067aa0ba902b7");  // the gateway's own span
  EXPECT_EQ(answer->flags, "01");
  const std::optional<server::TraceParent> made = Answered(untraced);
  const std::optional<server::TraceParent> replaced = Answered(forged);
  ASSERT_TRUE(made.has_value() && replaced.has_value());
  EXPECT_NE(made->trace_id, kTrace);
  EXPECT_NE(made->trace_id, replaced->trace_id);

  // Each call's log line is one JSON object with its trace id.
  std::vector<std::string> traces;
  const std::vector<std::string> lines = absl::StrSplit(capture.Text(), '\n', absl::SkipEmpty());
  for (const std::string& line : lines) {
    rapidjson::Document doc;
    doc.Parse(line.c_str(), line.size());
    ASSERT_FALSE(doc.HasParseError()) << line;
    if (!doc.HasMember("rpc")) continue;
    EXPECT_STREQ(doc["rpc"].GetString(), "StartPayment");
    EXPECT_STREQ(doc["code"].GetString(), "OK");
    EXPECT_STREQ(doc["level"].GetString(), "INFO");
    EXPECT_TRUE(doc["duration_ms"].IsNumber());
    EXPECT_STREQ(doc["caller"].GetString(), "anonymous");
    EXPECT_TRUE(doc.HasMember("payment_id"));
    traces.push_back(doc["trace_id"].GetString());
  }
  EXPECT_THAT(traces, testing::ElementsAre(kTrace, made->trace_id, replaced->trace_id));
}

}  // namespace
}  // namespace barion_gateway::testing_support
