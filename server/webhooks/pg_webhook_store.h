// PgWebhookStore: WebhookStore in the PostgreSQL database the replicas share (tables of schema
// migration 4), on the event store's connection pool. A claim is a row (endpoint, owner,
// expiry): taken when absent or expired, renewed by its owner, given up on Release, so one
// replica at a time delivers an endpoint and a dead replica's endpoints move after the lease.
#ifndef BARION_GATEWAY_SERVER_WEBHOOKS_PG_WEBHOOK_STORE_H_
#define BARION_GATEWAY_SERVER_WEBHOOKS_PG_WEBHOOK_STORE_H_

#include <string>
#include <vector>

#include "server/events/postgres/pg_pool.h"
#include "server/webhooks/webhook_store.h"

namespace barion_gateway::server {

class PgWebhookStore final : public WebhookStore {
 public:
  // `pool` (the event store's, whose Open applied the migrations) is not owned.
  explicit PgWebhookStore(postgres::PgPool* pool) : pool_(pool) {}

  absl::StatusOr<std::optional<std::string>> Position(const std::string& endpoint) override;
  absl::Status SavePosition(const std::string& endpoint, const std::string& cursor) override;
  absl::Status AddDeadLetter(const DeadLetter& letter) override;
  absl::StatusOr<std::vector<DeadLetter>> DeadLetters(const std::string& endpoint,
                                                      int limit) override;
  absl::StatusOr<std::optional<DeadLetter>> FindDeadLetter(const std::string& endpoint,
                                                           const std::string& cursor) override;
  absl::Status RemoveDeadLetter(const std::string& endpoint, const std::string& cursor) override;
  absl::StatusOr<int64_t> CountDeadLetters(const std::string& endpoint) override;
  absl::StatusOr<bool> Claim(const std::string& endpoint, const std::string& owner,
                             absl::Duration lease) override;
  absl::Status Release(const std::string& endpoint, const std::string& owner) override;
  absl::Status RequestReplay(const std::string& endpoint, const std::string& cursor) override;
  absl::StatusOr<std::optional<std::string>> TakeReplay(const std::string& endpoint) override;

 private:
  absl::StatusOr<std::vector<DeadLetter>> Letters(const postgres::PgRows& rows);
  postgres::PgPool* const pool_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_WEBHOOKS_PG_WEBHOOK_STORE_H_
