// The conformance suite every EventStore implementation must pass. An implementation's test
// instantiates it with a factory:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, EventStoreConformanceTest,
//                            testing::Values(EventStoreFactory{"sqlite", &OpenSqlite}));
//
// The factory opens (or reopens) the store kept under `dir`: reopening must see everything
// committed before.
#ifndef BARION_GATEWAY_TESTS_SERVER_EVENT_STORE_CONFORMANCE_H_
#define BARION_GATEWAY_TESTS_SERVER_EVENT_STORE_CONFORMANCE_H_

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

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_TESTS_SERVER_EVENT_STORE_CONFORMANCE_H_
