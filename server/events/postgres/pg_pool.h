// PgPool: at most `size` connections to the PostgreSQL stores' database, lent one caller at a
// time. A connection is made when none is idle and fewer than `size` exist; a caller waits up to
// `wait` for one to come back. A connection that broke (the server restarted, a network cut) is
// closed when it is returned, and the next caller gets a new one: the pool reconnects by itself.
// (libpq notices a broken idle connection only when it is used: its next statement fails with
// UNAVAILABLE and the connection is replaced, so a caller retries once on a fresh lease.)
// Thread-safe.
#ifndef BARION_GATEWAY_SERVER_EVENTS_POSTGRES_PG_POOL_H_
#define BARION_GATEWAY_SERVER_EVENTS_POSTGRES_PG_POOL_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/events/postgres/pg_connection.h"

namespace barion_gateway::server::postgres {

class PgPool {
 public:
  struct Options {
    PgSettings settings;
    int size = 8;                            // connections at most
    absl::Duration wait = absl::Seconds(5);  // for a connection to come back
  };

  // A connection lent by the pool; returned when the lease goes.
  class Lease {
   public:
    Lease(Lease&& other) noexcept : pool_(other.pool_), conn_(std::move(other.conn_)) {
      other.pool_ = nullptr;
    }
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    PgConnection& operator*() const { return *conn_; }
    PgConnection* operator->() const { return conn_.get(); }

   private:
    friend class PgPool;
    Lease(PgPool* pool, std::unique_ptr<PgConnection> conn) : pool_(pool), conn_(std::move(conn)) {}
    PgPool* pool_;
    std::unique_ptr<PgConnection> conn_;
  };

  explicit PgPool(Options options) : options_(std::move(options)) {}

  // An idle connection, or a new one while fewer than `size` exist, or one returned within
  // `wait`. UNAVAILABLE when none came in time or a new one cannot connect.
  absl::StatusOr<Lease> Acquire();

  // Connections that exist (lent or idle).
  int open() const;

  // Runs `work` on a lent connection; once more on a new one when the first turned out broken
  // (the server restarted since it was made).
  absl::Status WithConnection(const std::function<absl::Status(PgConnection&)>& work);
  // One statement through WithConnection: its rows.
  absl::StatusOr<PgRows> Query(absl::string_view sql, const std::vector<std::string>& params = {});

 private:
  void Return(std::unique_ptr<PgConnection> conn);

  const Options options_;
  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<PgConnection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace barion_gateway::server::postgres

#endif  // BARION_GATEWAY_SERVER_EVENTS_POSTGRES_PG_POOL_H_
