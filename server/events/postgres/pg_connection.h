// PgConnection: one libpq connection to the PostgreSQL stores' database, with statements that
// take text parameters and return rows as text. The password travels apart from the DSN
// (PgSettings), as libpq's own "password" keyword, so no string the gateway formats into a
// message holds it; error messages are libpq's, with the password cut out should it ever
// appear. Not thread-safe: one connection per thread (a pool hands them out).
#ifndef BARION_GATEWAY_SERVER_EVENTS_POSTGRES_PG_CONNECTION_H_
#define BARION_GATEWAY_SERVER_EVENTS_POSTGRES_PG_CONNECTION_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

struct pg_conn;
struct pg_result;

namespace barion_gateway::server::postgres {

struct PgSettings {
  // libpq keywords without the password: "host=db.internal port=5432 dbname=gateway
  // user=gateway sslmode=verify-full".
  std::string dsn;
  std::string password;  // empty: none (trust, peer, or a client certificate)
};

// Rows of a result, each a vector of column values as text (NULL as "").
using PgRows = std::vector<std::vector<std::string>>;

// bytea as a text parameter ("\\x" and hex), and back from a text result (false when `text` is
// not in that form).
std::string PgBytea(const std::string& bytes);
bool PgFromBytea(const std::string& text, std::string* bytes);

class PgConnection {
 public:
  // Connects; UNAVAILABLE with libpq's reason when it cannot.
  static absl::StatusOr<std::unique_ptr<PgConnection>> Open(const PgSettings& settings);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs one statement with $1.. bound to `params` (text). Returns its rows (none for a
  // command). UNAVAILABLE when the connection is broken; INTERNAL with the server's message
  // (SQLSTATE first) when the statement failed.
  absl::StatusOr<PgRows> Exec(absl::string_view sql, const std::vector<std::string>& params = {});
  // Runs `sql`, which may hold several statements and no parameters (a migration), as one
  // simple query; errors as for Exec.
  absl::Status ExecScript(absl::string_view sql);

  // After LISTEN: waits up to `timeout` for notifications and returns their payloads (none when
  // the time passed). UNAVAILABLE when the connection broke.
  absl::StatusOr<std::vector<std::string>> AwaitNotifications(absl::Duration timeout);

  // Whether the connection still works as far as libpq knows (false after a broken one).
  bool healthy() const;

 private:
  PgConnection(pg_conn* conn, std::string password) : conn_(conn), password_(std::move(password)) {}
  // libpq's current error message, without the password.
  std::string Error() const;
  // The status of a finished statement's result (which it frees).
  absl::Status Check(pg_result* result);

  pg_conn* conn_;
  const std::string password_;
};

}  // namespace barion_gateway::server::postgres

#endif  // BARION_GATEWAY_SERVER_EVENTS_POSTGRES_PG_CONNECTION_H_
