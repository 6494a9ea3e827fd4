// PgWebhookStore against a real PostgreSQL 15 (migration 4 applied by the event store): the
// conformance suite, claims included, between replicas sharing one database.
#include "server/webhooks/pg_webhook_store.h"

#include <atomic>
#include <map>

#include "absl/strings/str_cat.h"
#include "server/events/postgres/pg_event_store.h"
#include "tests/server/webhooks/webhook_store_conformance.h"
#include "tests/support/postgres_server.h"

namespace barion_gateway::server {
namespace {

using testing_support::PostgresServer;

// One server for the whole binary; every test folder its own database.
PostgresServer& Server() { return testing_support::SharedPostgresServer(); }

// One database per test folder; the event store (which migrates it) keeps the pool.
struct Opened : WebhookStore {
  std::unique_ptr<postgres::PgEventStore> events;
  std::unique_ptr<PgWebhookStore> store;
#define FORWARD(ret, name, params, args) \
  ret name params override { return store->name args; }
  FORWARD(absl::StatusOr<std::optional<std::string>>, Position, (const std::string& e), (e))
  FORWARD(absl::Status, SavePosition, (const std::string& e, const std::string& c), (e, c))
  FORWARD(absl::Status, AddDeadLetter, (const DeadLetter& l), (l))
  FORWARD(absl::StatusOr<std::vector<DeadLetter>>, DeadLetters, (const std::string& e, int n),
          (e, n))
  FORWARD(absl::StatusOr<std::optional<DeadLetter>>, FindDeadLetter,
          (const std::string& e, const std::string& c), (e, c))
  FORWARD(absl::Status, RemoveDeadLetter, (const std::string& e, const std::string& c), (e, c))
  FORWARD(absl::StatusOr<int64_t>, CountDeadLetters, (const std::string& e), (e))
  FORWARD(absl::StatusOr<bool>, Claim,
          (const std::string& e, const std::string& o, absl::Duration l), (e, o, l))
  FORWARD(absl::Status, Release, (const std::string& e, const std::string& o), (e, o))
  FORWARD(absl::Status, RequestReplay, (const std::string& e, const std::string& c), (e, c))
  FORWARD(absl::StatusOr<std::optional<std::string>>, TakeReplay, (const std::string& e), (e))
#undef FORWARD
};

std::unique_ptr<WebhookStore> OpenPostgres(const std::string& dir) {
  static std::map<std::string, std::string> databases;
  static std::atomic<int> n{0};
  std::string& database = databases[dir];
  if (database.empty()) {
    database = absl::StrCat("webhooks_", n++);
    EXPECT_TRUE(Server().CreateDatabase(database).ok());
  }
  postgres::PgEventStore::Options options;
  options.pool.settings = {Server().dsn(database), ""};
  options.pool.size = 2;
  options.owner = "test";
  auto events = postgres::PgEventStore::Open(options);
  EXPECT_TRUE(events.ok()) << events.status();
  if (!events.ok()) return nullptr;
  auto opened = std::make_unique<Opened>();
  opened->store = std::make_unique<PgWebhookStore>((*events)->pool());
  opened->events = *std::move(events);
  return opened;
}

INSTANTIATE_TEST_SUITE_P(Postgres, WebhookStoreConformanceTest,
                         testing::Values(WebhookStoreFactory{"postgres", &OpenPostgres, true}));

}  // namespace
}  // namespace barion_gateway::server
