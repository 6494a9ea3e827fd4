// What every WebhookStore must do (server/webhooks/webhook_store.h), for SQLite and PostgreSQL:
//   INSTANTIATE_TEST_SUITE_P(Sqlite, WebhookStoreConformanceTest,
//                            testing::Values(WebhookStoreFactory{"sqlite", &OpenSqlite}));
// The factory opens (or reopens) the store kept under `dir`; reopening sees what was saved.
#ifndef BARION_GATEWAY_TESTS_SERVER_WEBHOOKS_WEBHOOK_STORE_CONFORMANCE_H_
#define BARION_GATEWAY_TESTS_SERVER_WEBHOOKS_WEBHOOK_STORE_CONFORMANCE_H_

#include <functional>
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "server/webhooks/webhook_store.h"

namespace barion_gateway::server {

struct WebhookStoreFactory {
  std::string name;
  std::function<std::unique_ptr<WebhookStore>(const std::string& dir)> open;
  // Whether the store is shared by replicas (claims exclude other owners).
  bool shared = false;
};

class WebhookStoreConformanceTest : public testing::TestWithParam<WebhookStoreFactory> {
 protected:
  void SetUp() override;
  std::unique_ptr<WebhookStore> Reopen();
  std::string dir_;
  std::unique_ptr<WebhookStore> store_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_TESTS_SERVER_WEBHOOKS_WEBHOOK_STORE_CONFORMANCE_H_
