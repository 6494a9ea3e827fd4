// EventCursor: a position in the event log, opaque to everyone but the log that hands it out.
//
// Clients see it as text (PaymentEvent.cursor, after_cursor); inside the gateway it is this
// value, encoded and decoded only here. It is totally ordered in the log's order, so the hub can
// keep streams' positions without asking the log. A position is a pair (high, low) compared
// lexicographically: the SQLite log uses high 0 and one integer; a log whose position is a pair
// (a PostgreSQL transaction id and a sequence) uses both, and nothing above the log changes.
#ifndef BARION_GATEWAY_SERVER_EVENTS_EVENT_CURSOR_H_
#define BARION_GATEWAY_SERVER_EVENTS_EVENT_CURSOR_H_

#include <cstdint>
#include <string>
#include <tuple>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace barion_gateway::server {

class EventCursor {
 public:
  // The beginning of every log: before its first event (text "0").
  EventCursor() = default;
  // For logs only: the position (high, low), both >= 0.
  static EventCursor At(int64_t high, int64_t low) { return EventCursor(high, low); }

  // The text clients see: decimal `low` when `high` is 0 ("1099511627777"), else "high.low".
  std::string ToText() const;
  // Parses text made by ToText. INVALID_ARGUMENT for anything else; whether a log handed the
  // cursor out is that log's question (EventLog::Owns).
  static absl::StatusOr<EventCursor> FromText(absl::string_view text);

  bool is_beginning() const { return high_ == 0 && low_ == 0; }
  // For logs only.
  int64_t high() const { return high_; }
  int64_t low() const { return low_; }

  friend bool operator<(const EventCursor& a, const EventCursor& b) {
    return std::tie(a.high_, a.low_) < std::tie(b.high_, b.low_);
  }
  friend bool operator>(const EventCursor& a, const EventCursor& b) { return b < a; }
  friend bool operator<=(const EventCursor& a, const EventCursor& b) { return !(b < a); }
  friend bool operator>=(const EventCursor& a, const EventCursor& b) { return !(a < b); }
  friend bool operator==(const EventCursor& a, const EventCursor& b) {
    return a.high_ == b.high_ && a.low_ == b.low_;
  }
  friend bool operator!=(const EventCursor& a, const EventCursor& b) { return !(a == b); }

 private:
  EventCursor(int64_t high, int64_t low) : high_(high), low_(low) {}

  int64_t high_ = 0;
  int64_t low_ = 0;
};

// How many events a log appended after `from` up to `to` (0 when `to` is not after it). Both logs
// of this gateway put identity * 2^40 + the event's sequence in `low` (the beginning: 0), so the
// count is the difference of the sequences; for a backlog gauge, not for correctness.
inline int64_t EventsBetween(const EventCursor& from, const EventCursor& to) {
  constexpr int64_t kSequenceMask = (int64_t{1} << 40) - 1;
  const int64_t a = from.low() & kSequenceMask;
  const int64_t b = to.low() & kSequenceMask;
  return b > a ? b - a : 0;
}

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_EVENTS_EVENT_CURSOR_H_
