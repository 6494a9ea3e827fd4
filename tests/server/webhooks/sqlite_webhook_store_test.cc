// SqliteWebhookStore passes the webhook store conformance suite; its file is private (0600).
#include "server/webhooks/sqlite_webhook_store.h"

#include <sys/stat.h>

#include "tests/server/webhooks/webhook_store_conformance.h"

namespace barion_gateway::server {
namespace {

std::unique_ptr<WebhookStore> OpenSqlite(const std::string& dir) {
  auto store = SqliteWebhookStore::Open(dir + "/webhooks.db");
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? std::unique_ptr<WebhookStore>(std::move(*store)) : nullptr;
}

INSTANTIATE_TEST_SUITE_P(Sqlite, WebhookStoreConformanceTest,
                         testing::Values(WebhookStoreFactory{"sqlite", &OpenSqlite, false}));

TEST(SqliteWebhookStoreTest, ItsFileIsReadableByItsOwnerOnly) {
  const std::string path = testing::TempDir() + "/private-webhooks.db";
  ASSERT_TRUE(SqliteWebhookStore::Open(path).ok());
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
}

}  // namespace
}  // namespace barion_gateway::server
