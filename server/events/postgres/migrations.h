// Versioned schema migrations of the PostgreSQL stores (docs/SCALING.md, "Schema").
//
// Each migration is one version's SQL, applied in its own transaction together with its row in
// schema_migrations, so a version is either wholly in the database or not at all. Migrate holds
// a session advisory lock while it looks and applies, so replicas that start at once migrate
// once: the first applies what is missing, the others wait and then find nothing to do.
#ifndef BARION_GATEWAY_SERVER_EVENTS_POSTGRES_MIGRATIONS_H_
#define BARION_GATEWAY_SERVER_EVENTS_POSTGRES_MIGRATIONS_H_

#include <vector>

#include "absl/status/statusor.h"
#include "server/events/postgres/pg_connection.h"

namespace barion_gateway::server::postgres {

struct Migration {
  int version;  // 1, 2, ...: consecutive
  const char* description;
  const char* sql;  // one or more statements
};

// The stores' schema, in version order.
const std::vector<Migration>& StoreMigrations();

// Applies the migrations of `migrations` that `conn`'s database lacks, in order, and returns the
// version then in force. FAILED_PRECONDITION when the database has a version `migrations` does
// not know (a newer gateway migrated it: this one must not run against it); the failing
// migration's error (its version named) when one fails, with the versions before it applied.
absl::StatusOr<int> Migrate(PgConnection& conn, const std::vector<Migration>& migrations);

}  // namespace barion_gateway::server::postgres

#endif  // BARION_GATEWAY_SERVER_EVENTS_POSTGRES_MIGRATIONS_H_
