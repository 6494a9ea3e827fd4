// The PostgreSQL stores' tables besides the event log (schema version 2; docs/SCALING.md): the
// callback inbox with its claims, the last snapshot of each payment, the reconcile schedule, the
// start ledger, and the store's identity (drawn once, carried in every cursor).
#ifndef BARION_GATEWAY_SERVER_EVENTS_POSTGRES_STORES_SQL_H_
#define BARION_GATEWAY_SERVER_EVENTS_POSTGRES_STORES_SQL_H_

namespace barion_gateway::server::postgres {

// Times are microseconds since the Unix epoch (as in the SQLite store), except a claim's end,
// which is the database's own clock (every replica compares it with the same now()).
inline constexpr char kCreateStores[] = R"sql(
  CREATE TABLE callbacks (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    shop TEXT NOT NULL,
    payment_id TEXT NOT NULL,
    received_at_us BIGINT NOT NULL,
    source INTEGER NOT NULL,
    trace_id TEXT NOT NULL DEFAULT '',
    done BOOLEAN NOT NULL DEFAULT false,
    claimed_by TEXT NOT NULL DEFAULT '',
    claimed_until TIMESTAMPTZ NOT NULL DEFAULT '-infinity');
  CREATE INDEX callbacks_pending ON callbacks (id) WHERE NOT done;
  CREATE INDEX callbacks_by_payment ON callbacks (shop, payment_id) WHERE NOT done;
  CREATE INDEX callbacks_done ON callbacks (received_at_us) WHERE done;
  CREATE TABLE payments (
    shop TEXT NOT NULL,
    payment_id TEXT NOT NULL,
    snapshot BYTEA NOT NULL,
    PRIMARY KEY (shop, payment_id));
  CREATE INDEX events_by_payment ON events (shop, payment_id);
  CREATE TABLE watched (
    shop TEXT NOT NULL,
    payment_id TEXT NOT NULL,
    next_check_us BIGINT NOT NULL,
    interval_us BIGINT NOT NULL,
    PRIMARY KEY (shop, payment_id));
  CREATE INDEX watched_due ON watched (next_check_us);
  CREATE TABLE starts (
    shop TEXT NOT NULL,
    request_id TEXT NOT NULL,
    request BYTEA NOT NULL,
    response BYTEA,
    PRIMARY KEY (shop, request_id));
  CREATE TABLE store_info (
    key TEXT PRIMARY KEY,
    value BIGINT NOT NULL);
  INSERT INTO store_info (key, value)
    VALUES ('identity', 1 + floor(random() * 4194303)::bigint);
  SELECT setval(pg_get_serial_sequence('events', 'id'),
                (SELECT value FROM store_info WHERE key = 'identity') << 40, false);
)sql";

// The channel on which every append is announced (payload: its transaction id, as text).
inline constexpr char kEventsChannel[] = "barion_gateway_events";

}  // namespace barion_gateway::server::postgres

// Migration 3: the indexes a stream or listing limited to shops, statuses or payments reads by, so
// that neither scans the whole log (docs/SCALING.md).
inline constexpr char kIndexEventFilters[] = R"sql(
  CREATE INDEX IF NOT EXISTS events_by_shop ON events (shop, tx, id);
  CREATE INDEX IF NOT EXISTS events_by_status ON events (status, tx, id);
  CREATE INDEX IF NOT EXISTS events_by_payment_id ON events (payment_id, tx, id);
)sql";

// Migration 4: webhook delivery's positions, dead letters and claims (server/webhooks,
// docs/WEBHOOKS.md).
inline constexpr char kCreateWebhooks[] = R"sql(
  CREATE TABLE webhook_positions (
    endpoint TEXT PRIMARY KEY,
    cursor TEXT NOT NULL);
  CREATE TABLE webhook_dead_letters (
    endpoint TEXT NOT NULL,
    cursor TEXT NOT NULL,
    payment_id TEXT NOT NULL,
    event BYTEA NOT NULL,
    attempts INTEGER NOT NULL,
    last_error TEXT NOT NULL,
    failed_at_us BIGINT NOT NULL,
    PRIMARY KEY (endpoint, cursor));
  CREATE INDEX webhook_dead_letters_by_time ON webhook_dead_letters (endpoint, failed_at_us);
  CREATE TABLE webhook_claims (
    endpoint TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    expires_us BIGINT NOT NULL);
  CREATE TABLE webhook_replays (
    endpoint TEXT PRIMARY KEY,
    cursor TEXT NOT NULL);
)sql";

#endif  // BARION_GATEWAY_SERVER_EVENTS_POSTGRES_STORES_SQL_H_
