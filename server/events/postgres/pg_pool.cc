#include "server/events/postgres/pg_pool.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace barion_gateway::server::postgres {

PgPool::Lease::~Lease() {
  if (pool_ != nullptr && conn_ != nullptr) pool_->Return(std::move(conn_));
}

absl::StatusOr<PgPool::Lease> PgPool::Acquire() {
  {
    absl::MutexLock lock(&mu_);
    auto available = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !idle_.empty() || open_ < options_.size;
    };
    if (!mu_.AwaitWithTimeout(absl::Condition(&available), options_.wait)) {
      return absl::UnavailableError(absl::StrCat("event store: all ", options_.size,
                                                 " PostgreSQL connections busy for ",
                                                 absl::FormatDuration(options_.wait)));
    }
    if (!idle_.empty()) {
      std::unique_ptr<PgConnection> conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
    ++open_;  // the slot is taken while connecting, outside the lock
  }
  absl::StatusOr<std::unique_ptr<PgConnection>> conn = PgConnection::Open(options_.settings);
  if (!conn.ok()) {
    absl::MutexLock lock(&mu_);
    --open_;
    return conn.status();
  }
  return Lease(this, *std::move(conn));
}

void PgPool::Return(std::unique_ptr<PgConnection> conn) {
  absl::MutexLock lock(&mu_);
  if (conn->healthy()) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;  // closed here (destroyed with the lock held: PQfinish does not block on a dead peer)
  }
}

absl::Status PgPool::WithConnection(const std::function<absl::Status(PgConnection&)>& work) {
  for (int attempt = 0;; ++attempt) {
    absl::StatusOr<Lease> lease = Acquire();
    if (!lease.ok()) return lease.status();
    absl::Status s = work(**lease);
    if (s.ok() || (*lease)->healthy() || attempt == 1) return s;
  }
}

absl::StatusOr<PgRows> PgPool::Query(absl::string_view sql,
                                     const std::vector<std::string>& params) {
  PgRows rows;
  absl::Status s = WithConnection([&](PgConnection& conn) -> absl::Status {
    absl::StatusOr<PgRows> result = conn.Exec(sql, params);
    if (!result.ok()) return result.status();
    rows = *std::move(result);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return rows;
}

int PgPool::open() const {
  absl::MutexLock lock(&mu_);
  return open_;
}

}  // namespace barion_gateway::server::postgres
