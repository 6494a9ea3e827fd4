// ObserverFanout: one EventLogObserver that tells several, for a log that takes one observer
// (EventLog::SetObserver): the hub first, then the others (webhook delivery), each call in
// cursor order as the log makes it. Where a shared log's follower starts (ObservedThrough) is the
// first observer's answer. The list is fixed at construction.
#ifndef BARION_GATEWAY_SERVER_EVENTS_OBSERVER_FANOUT_H_
#define BARION_GATEWAY_SERVER_EVENTS_OBSERVER_FANOUT_H_

#include <vector>

#include "server/events/event_log.h"

namespace barion_gateway::server {

class ObserverFanout final : public EventLogObserver {
 public:
  // `observers` (not owned, not empty, none null) must outlive the fan-out's use.
  explicit ObserverFanout(std::vector<EventLogObserver*> observers)
      : observers_(std::move(observers)) {}

  void EventAppended(const EventCursor& cursor, const barion::v1::PaymentEvent& event) override {
    for (EventLogObserver* o : observers_) o->EventAppended(cursor, event);
  }
  void LogUnavailable() override {
    for (EventLogObserver* o : observers_) o->LogUnavailable();
  }
  EventCursor ObservedThrough() const override { return observers_.front()->ObservedThrough(); }

 private:
  const std::vector<EventLogObserver*> observers_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_EVENTS_OBSERVER_FANOUT_H_
