// W3C traceparent headers: what is accepted as the caller's trace, and what is not.
#include "server/rpc/trace_context.h"

#include "gtest/gtest.h"

namespace barion_gateway::server {
namespace {

TEST(TraceContextTest, AcceptsAValidVersion00Header) {
  auto parent = ParseTraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  ASSERT_TRUE(parent.has_value());
  EXPECT_EQ(parent->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(parent->span_id, "00f067aa0ba902b7");
  EXPECT_EQ(parent->flags, "01");
  EXPECT_EQ(parent->ToHeader(), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
}

TEST(TraceContextTest, ReadsALaterVersionByItsFirstFourFields) {
  auto parent =
      ParseTraceParent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-comes");
  ASSERT_TRUE(parent.has_value());
  EXPECT_EQ(parent->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
}

TEST(TraceContextTest, RefusesMalformedHeaders) {
  for (const char* header : {
           "",
           "garbage",
           "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",    // version ff
           "00-00000000000000000000000000000000-00f067aa0ba902b7-01",    // zero trace id
           "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",    // zero parent id
           "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",    // upper case
           "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",     // short trace id
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",  // 00 has four fields
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",     // short flags
           "00-4bf92f3577b34da6a3ce929d0e0e4736\n-00f067aa0ba902b7-01",
       }) {
    EXPECT_FALSE(ParseTraceParent(header).has_value()) << header;
  }
}

}  // namespace
}  // namespace barion_gateway::server
