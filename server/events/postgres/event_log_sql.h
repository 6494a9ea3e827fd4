// The PostgreSQL event log's table and its read-after-cursor query (docs/SCALING.md,
// "Cursors that never skip an event").
//
// With writers on several replicas, an identity column alone is not a safe resume cursor: a
// transaction that took id 1 may commit after one that took id 2, and a reader that saw 2 and
// moved its cursor there never sees 1. Each row therefore also records the id of the
// transaction that wrote it (`tx`, a 64-bit xid8), and a reader only takes rows whose
// transaction is older than every transaction still running (`pg_snapshot_xmin` of its
// snapshot): those rows can no longer be joined by an earlier one. The cursor is the pair
// (tx, id), ordered as a row; it stays opaque to clients. The cost: a long write transaction
// holds every reader back until it ends, so appends are kept to short transactions.
#ifndef BARION_GATEWAY_SERVER_EVENTS_POSTGRES_EVENT_LOG_SQL_H_
#define BARION_GATEWAY_SERVER_EVENTS_POSTGRES_EVENT_LOG_SQL_H_

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace barion_gateway::server::postgres {

inline constexpr char kCreateEvents[] = R"sql(
  CREATE TABLE IF NOT EXISTS events (
    tx xid8 NOT NULL DEFAULT pg_current_xact_id(),
    id BIGINT GENERATED ALWAYS AS IDENTITY,
    shop TEXT NOT NULL,
    payment_id TEXT NOT NULL,
    status INTEGER NOT NULL,
    event BYTEA NOT NULL,
    PRIMARY KEY (tx, id))
)sql";

// The read after a cursor, the one statement PgEventStore::ReadAfter runs: $1 the cursor's
// transaction (xid8 text), $2 its id, then `conditions` ANDed (a filter's, each with its own
// placeholders, every value bound), and $`limit_param` rows at most. Rows after the cursor, in
// cursor order, that no running transaction can still precede.
// The text of tx has a name of its own: ORDER BY resolves a bare name to an output column
// first, and "tx" would then sort the text ("1000" before "999"). The test caught that.
inline std::string ReadAfterSql(const std::vector<std::string>& conditions, int limit_param) {
  std::string sql =
      "SELECT tx::text AS tx_text, id, event FROM events "
      "WHERE (tx, id) > ($1::xid8, $2::bigint) "
      "AND tx < pg_snapshot_xmin(pg_current_snapshot())";
  for (const std::string& condition : conditions) absl::StrAppend(&sql, " AND ", condition);
  absl::StrAppend(&sql, " ORDER BY events.tx, events.id LIMIT $", limit_param, "::int");
  return sql;
}

}  // namespace barion_gateway::server::postgres

#endif  // BARION_GATEWAY_SERVER_EVENTS_POSTGRES_EVENT_LOG_SQL_H_
