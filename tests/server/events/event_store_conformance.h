// The conformance suites every implementation of the event pipeline's stores must pass, one per
// interface: CallbackInboxConformanceTest, EventLogConformanceTest,
// ReconcileScheduleConformanceTest and StartLedgerConformanceTest (the store must also be a
// StartLedger). An implementation's test instantiates each with a factory:
//
//   INSTANTIATE_EVENT_STORE_CONFORMANCE(Sqlite, (EventStoreFactory{"sqlite", &OpenSqlite}));
//
// The factory opens (or reopens) the stores kept under `dir`: reopening must see everything
// committed before.
#ifndef BARION_GATEWAY_TESTS_SERVER_EVENTS_EVENT_STORE_CONFORMANCE_H_
#define BARION_GATEWAY_TESTS_SERVER_EVENTS_EVENT_STORE_CONFORMANCE_H_

#include <functional>
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "server/events/event_store.h"

namespace barion_gateway::server {

struct EventStoreFactory {
  std::string name;
  std::function<std::unique_ptr<EventStore>(const std::string& dir)> open;
};

class EventStoreConformanceTest : public testing::TestWithParam<EventStoreFactory> {
 protected:
  void SetUp() override;
  std::unique_ptr<EventStore> Reopen();

  std::string dir_;
  std::unique_ptr<EventStore> store_;
};

class CallbackInboxConformanceTest : public EventStoreConformanceTest {};
class EventLogConformanceTest : public EventStoreConformanceTest {};
class ReconcileScheduleConformanceTest : public EventStoreConformanceTest {};
class StartLedgerConformanceTest : public EventStoreConformanceTest {};

// A cursor from its text, for tests.
inline EventCursor Cursor(const std::string& text) { return *EventCursor::FromText(text); }

#define INSTANTIATE_EVENT_STORE_CONFORMANCE(name, factory)                                   \
  INSTANTIATE_TEST_SUITE_P(name, CallbackInboxConformanceTest, testing::Values factory);     \
  INSTANTIATE_TEST_SUITE_P(name, EventLogConformanceTest, testing::Values factory);          \
  INSTANTIATE_TEST_SUITE_P(name, ReconcileScheduleConformanceTest, testing::Values factory); \
  INSTANTIATE_TEST_SUITE_P(name, StartLedgerConformanceTest, testing::Values factory)

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_TESTS_SERVER_EVENTS_EVENT_STORE_CONFORMANCE_H_
