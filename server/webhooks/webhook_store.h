// WebhookStore: what webhook delivery keeps durably (docs/WEBHOOKS.md, "Ordering, duplicates
// and crashes"), per endpoint:
//   - its position in the event log: every event up to it was delivered or dead-lettered. It is
//     saved after the deliveries it covers, never before, so a crash repeats deliveries and never
//     skips one;
//   - its dead letters: deliveries whose every attempt failed, with the event itself, until an
//     operator retries one successfully;
//   - on a store several replicas share, a claim with a lease: one replica at a time delivers an
//     endpoint's events, and a dead replica's claim is taken over when its lease ends.
// Implementations: SqliteWebhookStore (one process: claims always granted), PgWebhookStore.
// Both pass tests/server/webhooks/webhook_store_conformance.h.
#ifndef BARION_GATEWAY_SERVER_WEBHOOKS_WEBHOOK_STORE_H_
#define BARION_GATEWAY_SERVER_WEBHOOKS_WEBHOOK_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace barion_gateway::server {

struct DeadLetter {
  std::string endpoint;
  std::string cursor;      // the event's cursor (text)
  std::string payment_id;  // for listing
  std::string event;       // the PaymentEvent, serialized
  int attempts = 0;
  std::string last_error;  // "HTTP 500", "timed out after 15s", ...
  absl::Time failed_at;
};

class WebhookStore {
 public:
  virtual ~WebhookStore() = default;

  // The endpoint's position (a cursor's text); nullopt for an endpoint never saved.
  virtual absl::StatusOr<std::optional<std::string>> Position(const std::string& endpoint) = 0;
  virtual absl::Status SavePosition(const std::string& endpoint, const std::string& cursor) = 0;

  // Records (or replaces) the dead letter of (endpoint, cursor).
  virtual absl::Status AddDeadLetter(const DeadLetter& letter) = 0;
  // The endpoint's dead letters, most recently failed first, at most `limit`.
  virtual absl::StatusOr<std::vector<DeadLetter>> DeadLetters(const std::string& endpoint,
                                                              int limit) = 0;
  virtual absl::StatusOr<std::optional<DeadLetter>> FindDeadLetter(const std::string& endpoint,
                                                                   const std::string& cursor) = 0;
  virtual absl::Status RemoveDeadLetter(const std::string& endpoint, const std::string& cursor) = 0;
  virtual absl::StatusOr<int64_t> CountDeadLetters(const std::string& endpoint) = 0;

  // Whether `owner` may deliver `endpoint` until now + `lease`: takes a claim that is free or
  // expired, renews `owner`'s own. False while another owner's claim holds.
  virtual absl::StatusOr<bool> Claim(const std::string& endpoint, const std::string& owner,
                                     absl::Duration lease) = 0;
  // Gives the claim up (a stopping replica), so another takes it over at once.
  virtual absl::Status Release(const std::string& endpoint, const std::string& owner) = 0;

  // An operator's replay: the replica delivering `endpoint` restarts after `cursor`. Recorded
  // here so that whichever replica holds the claim carries it out (TakeReplay, on renewal).
  virtual absl::Status RequestReplay(const std::string& endpoint, const std::string& cursor) = 0;
  // The pending replay of `endpoint`, removed as it is returned; nullopt when none.
  virtual absl::StatusOr<std::optional<std::string>> TakeReplay(const std::string& endpoint) = 0;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_WEBHOOKS_WEBHOOK_STORE_H_
