// SqliteWebhookStore: WebhookStore in its own SQLite file beside the event store
// (data_dir/webhooks.db, mode 0600, WAL). One process owns the data folder (the event store's
// lock file), so every claim is granted. synchronous=NORMAL: a crash may lose the last commits,
// which only moves a position back (deliveries repeat); WAL keeps commits in order, so a dead
// letter is never lost while the position after it survives.
#ifndef BARION_GATEWAY_SERVER_WEBHOOKS_SQLITE_WEBHOOK_STORE_H_
#define BARION_GATEWAY_SERVER_WEBHOOKS_SQLITE_WEBHOOK_STORE_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "server/events/sqlite/statement.h"
#include "server/webhooks/webhook_store.h"

struct sqlite3;

namespace barion_gateway::server {

class SqliteWebhookStore final : public WebhookStore {
 public:
  // Opens (creating if needed) the file at `path`. UNAVAILABLE when it cannot be opened.
  static absl::StatusOr<std::unique_ptr<SqliteWebhookStore>> Open(const std::string& path);
  ~SqliteWebhookStore() override;

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
  explicit SqliteWebhookStore(sqlite3* db) : db_(db), statements_(db) {}
  absl::Status Error(const char* what) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The dead letters `sql` selects (bound to `endpoint`, and `second` when not empty).
  absl::StatusOr<std::vector<DeadLetter>> SelectLetters(const char* sql,
                                                        const std::string& endpoint,
                                                        const std::string& second, int64_t limit)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  sqlite3* const db_;
  StatementCache statements_ ABSL_GUARDED_BY(mu_);
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_WEBHOOKS_SQLITE_WEBHOOK_STORE_H_
