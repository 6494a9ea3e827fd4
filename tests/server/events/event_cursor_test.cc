// EventCursor: the one place cursors are encoded and decoded, and their order.
#include "server/events/event_cursor.h"

#include "gtest/gtest.h"

namespace barion_gateway::server {
namespace {

TEST(EventCursorTest, OneIntegerPositionsKeepTheirDecimalText) {
  EXPECT_EQ(EventCursor().ToText(), "0");
  EXPECT_TRUE(EventCursor().is_beginning());
  const EventCursor c = EventCursor::At(0, (int64_t{7} << 40) + 12);
  EXPECT_EQ(c.ToText(), "7696581394444");
  EXPECT_EQ(*EventCursor::FromText(c.ToText()), c);
}

TEST(EventCursorTest, PairPositionsRoundTripAndOrderLexicographically) {
  const EventCursor a = EventCursor::At(5, 900);
  const EventCursor b = EventCursor::At(6, 1);
  EXPECT_EQ(a.ToText(), "5.900");
  EXPECT_EQ(*EventCursor::FromText("5.900"), a);
  EXPECT_LT(a, b);
  EXPECT_LT(EventCursor::At(0, 1'000'000), a) << "every one-integer position precedes pairs";
  EXPECT_LT(EventCursor(), EventCursor::At(0, 1));
  EXPECT_EQ(std::max(a, b), b);
}

TEST(EventCursorTest, RefusesWhatNoLogWrites) {
  for (const char* text :
       {"", "abc", "-1", "1.-2", "0.5", "1.", ".1", "1.2.3", "99999999999999999999"}) {
    EXPECT_EQ(EventCursor::FromText(text).status().code(), absl::StatusCode::kInvalidArgument)
        << text;
  }
}

}  // namespace
}  // namespace barion_gateway::server
