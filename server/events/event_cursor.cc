#include "server/events/event_cursor.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace barion_gateway::server {

std::string EventCursor::ToText() const {
  if (high_ == 0) return absl::StrCat(low_);
  return absl::StrCat(high_, ".", low_);
}

absl::StatusOr<EventCursor> EventCursor::FromText(absl::string_view text) {
  const size_t dot = text.find('.');
  int64_t high = 0;
  int64_t low = 0;
  const bool ok = dot == absl::string_view::npos
                      ? absl::SimpleAtoi(text, &low)
                      : absl::SimpleAtoi(text.substr(0, dot), &high) &&
                            absl::SimpleAtoi(text.substr(dot + 1), &low) && high > 0;
  if (!ok || high < 0 || low < 0) {
    return absl::InvalidArgumentError("not an event cursor");
  }
  return EventCursor(high, low);
}

}  // namespace barion_gateway::server
