// The embedded store in a data folder: data_dir/events.db, and beside it STORE_IDENTITY, the
// identity of the store this folder had (docs/EVENTS.md, "The store's identity"). A missing or
// different store would start the log over, so that a retried StartPayment could create a second
// payment and resuming subscribers would silently miss events: such a folder is refused unless
// the operator asks for a new store.
#ifndef BARION_GATEWAY_SERVER_EVENTS_SQLITE_DATA_DIR_STORE_H_
#define BARION_GATEWAY_SERVER_EVENTS_SQLITE_DATA_DIR_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/events/sqlite/sqlite_event_store.h"

namespace barion_gateway::server {

// Opens (or creates) `data_dir`/events.db. FAILED_PRECONDITION when STORE_IDENTITY names a store
// and events.db is missing or another one, unless `adopt_new_store` (--new_event_store): then the
// store found (or a new empty one) is adopted and its identity recorded. UNAVAILABLE when the
// marker cannot be written. Messages start "data_dir: ".
absl::StatusOr<std::unique_ptr<SqliteEventStore>> OpenStoreInDataDir(const std::string& data_dir,
                                                                     bool adopt_new_store);

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_EVENTS_SQLITE_DATA_DIR_STORE_H_
