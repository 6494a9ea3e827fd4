#include "server/webhooks/pg_webhook_store.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace barion_gateway::server {
namespace {

using postgres::PgRows;

constexpr char kLetterColumns[] =
    "endpoint, cursor, payment_id, event, attempts, last_error, failed_at_us";

int64_t Int(const std::string& text) {
  int64_t value = 0;
  return absl::SimpleAtoi(text, &value) ? value : 0;
}

}  // namespace

absl::StatusOr<std::optional<std::string>> PgWebhookStore::Position(const std::string& endpoint) {
  absl::StatusOr<PgRows> rows =
      pool_->Query("SELECT cursor FROM webhook_positions WHERE endpoint = $1", {endpoint});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<std::string>();
  return std::optional<std::string>((*rows)[0][0]);
}

absl::Status PgWebhookStore::SavePosition(const std::string& endpoint, const std::string& cursor) {
  return pool_
      ->Query(
          "INSERT INTO webhook_positions (endpoint, cursor) VALUES ($1, $2) "
          "ON CONFLICT (endpoint) DO UPDATE SET cursor = excluded.cursor",
          {endpoint, cursor})
      .status();
}

absl::Status PgWebhookStore::AddDeadLetter(const DeadLetter& l) {
  return pool_
      ->Query(
          "INSERT INTO webhook_dead_letters (endpoint, cursor, payment_id, event, attempts, "
          "last_error, failed_at_us) VALUES ($1, $2, $3, $4, $5, $6, $7) "
          "ON CONFLICT (endpoint, cursor) DO UPDATE SET attempts = excluded.attempts, "
          "last_error = excluded.last_error, failed_at_us = excluded.failed_at_us",
          {l.endpoint, l.cursor, l.payment_id, postgres::PgBytea(l.event), absl::StrCat(l.attempts),
           l.last_error, absl::StrCat(absl::ToUnixMicros(l.failed_at))})
      .status();
}

absl::StatusOr<std::vector<DeadLetter>> PgWebhookStore::Letters(const PgRows& rows) {
  std::vector<DeadLetter> out;
  for (const auto& row : rows) {
    DeadLetter l;
    l.endpoint = row[0];
    l.cursor = row[1];
    l.payment_id = row[2];
    if (!postgres::PgFromBytea(row[3], &l.event)) {
      return absl::DataLossError("webhook store: an unreadable dead letter");
    }
    l.attempts = static_cast<int>(Int(row[4]));
    l.last_error = row[5];
    l.failed_at = absl::FromUnixMicros(Int(row[6]));
    out.push_back(std::move(l));
  }
  return out;
}

absl::StatusOr<std::vector<DeadLetter>> PgWebhookStore::DeadLetters(const std::string& endpoint,
                                                                    int limit) {
  absl::StatusOr<PgRows> rows =
      pool_->Query(absl::StrCat("SELECT ", kLetterColumns,
                                " FROM webhook_dead_letters WHERE endpoint = $1 "
                                "ORDER BY failed_at_us DESC, cursor DESC LIMIT $2"),
                   {endpoint, absl::StrCat(limit)});
  if (!rows.ok()) return rows.status();
  return Letters(*rows);
}

absl::StatusOr<std::optional<DeadLetter>> PgWebhookStore::FindDeadLetter(
    const std::string& endpoint, const std::string& cursor) {
  absl::StatusOr<PgRows> rows =
      pool_->Query(absl::StrCat("SELECT ", kLetterColumns,
                                " FROM webhook_dead_letters WHERE endpoint = $1 AND cursor = $2"),
                   {endpoint, cursor});
  if (!rows.ok()) return rows.status();
  absl::StatusOr<std::vector<DeadLetter>> letters = Letters(*rows);
  if (!letters.ok()) return letters.status();
  if (letters->empty()) return std::optional<DeadLetter>();
  return std::optional<DeadLetter>(std::move(letters->front()));
}

absl::Status PgWebhookStore::RemoveDeadLetter(const std::string& endpoint,
                                              const std::string& cursor) {
  return pool_
      ->Query("DELETE FROM webhook_dead_letters WHERE endpoint = $1 AND cursor = $2",
              {endpoint, cursor})
      .status();
}

absl::StatusOr<int64_t> PgWebhookStore::CountDeadLetters(const std::string& endpoint) {
  absl::StatusOr<PgRows> rows =
      pool_->Query("SELECT COUNT(*) FROM webhook_dead_letters WHERE endpoint = $1", {endpoint});
  if (!rows.ok()) return rows.status();
  return Int((*rows)[0][0]);
}

absl::StatusOr<bool> PgWebhookStore::Claim(const std::string& endpoint, const std::string& owner,
                                           absl::Duration lease) {
  const int64_t now = absl::ToUnixMicros(absl::Now());
  // One statement: insert, or take over an expired claim, or renew our own; a claim another
  // owner holds makes the WHERE false and no row comes back.
  absl::StatusOr<PgRows> rows = pool_->Query(
      "INSERT INTO webhook_claims (endpoint, owner, expires_us) VALUES ($1, $2, $3) "
      "ON CONFLICT (endpoint) DO UPDATE SET owner = excluded.owner, expires_us = "
      "excluded.expires_us WHERE webhook_claims.owner = excluded.owner "
      "OR webhook_claims.expires_us < $4 RETURNING owner",
      {endpoint, owner, absl::StrCat(now + absl::ToInt64Microseconds(lease)), absl::StrCat(now)});
  if (!rows.ok()) return rows.status();
  return !rows->empty();
}

absl::Status PgWebhookStore::Release(const std::string& endpoint, const std::string& owner) {
  return pool_
      ->Query("DELETE FROM webhook_claims WHERE endpoint = $1 AND owner = $2", {endpoint, owner})
      .status();
}

absl::Status PgWebhookStore::RequestReplay(const std::string& endpoint, const std::string& cursor) {
  return pool_
      ->Query(
          "INSERT INTO webhook_replays (endpoint, cursor) VALUES ($1, $2) "
          "ON CONFLICT (endpoint) DO UPDATE SET cursor = excluded.cursor",
          {endpoint, cursor})
      .status();
}

absl::StatusOr<std::optional<std::string>> PgWebhookStore::TakeReplay(const std::string& endpoint) {
  absl::StatusOr<PgRows> rows =
      pool_->Query("DELETE FROM webhook_replays WHERE endpoint = $1 RETURNING cursor", {endpoint});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<std::string>();
  return std::optional<std::string>((*rows)[0][0]);
}

}  // namespace barion_gateway::server
