// Statement: one SQLite statement, bound and stepped by the store, reset (or finalized) when it
// goes out of scope. StatementCache: the statements of one connection prepared once per SQL text
// and kept for the connection's life, so that a hot path (a start claim, a callback receipt, an
// append) does not parse its SQL on every call; docs/PERFORMANCE.md measured the parsing at a
// fifth of a StartPayment's gateway CPU before the cache.
// Neither is thread-safe: the store uses them under the mutex that guards its connection, and a
// cached statement is used by one Statement at a time (nested use of one SQL text is a bug).
#ifndef BARION_GATEWAY_SERVER_EVENTS_SQLITE_STATEMENT_H_
#define BARION_GATEWAY_SERVER_EVENTS_SQLITE_STATEMENT_H_

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <unordered_map>

namespace barion_gateway::server {

class StatementCache {
 public:
  explicit StatementCache(sqlite3* db) : db_(db) {}
  ~StatementCache() { Clear(); }
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  // The prepared statement for `sql` (one statement), reset and without bindings; null when it
  // does not prepare (sqlite3_errmsg has why). Failures are not cached.
  sqlite3_stmt* Get(const char* sql);
  // Finalizes every statement (before the connection closes).
  void Clear();
  // How many times an SQL text was prepared: once each while the cache works (tests).
  int64_t prepares() const { return prepares_; }

 private:
  sqlite3* const db_;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
  int64_t prepares_ = 0;
};

class Statement {
 public:
  // A statement of `cache`, given back reset when this goes out of scope.
  Statement(StatementCache& cache, const char* sql) : stmt_(cache.Get(sql)), owned_(false) {}
  // A one-off statement (SQL built per call), finalized when this goes out of scope.
  Statement(sqlite3* db, const std::string& sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool ok() const { return stmt_ != nullptr; }
  sqlite3_stmt* get() { return stmt_; }
  void Bind(int i, const std::string& text) {
    sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  void BindBlob(int i, const std::string& bytes) {
    sqlite3_bind_blob(stmt_, i, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  }
  void Bind(int i, int64_t value) { sqlite3_bind_int64(stmt_, i, value); }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return sqlite3_step(stmt_); }
  // Ready to be bound and stepped again.
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::string Text(int column) {
    const void* data = sqlite3_column_blob(stmt_, column);
    const int size = sqlite3_column_bytes(stmt_, column);
    return data == nullptr ? std::string() : std::string(static_cast<const char*>(data), size);
  }
  int64_t Int(int column) { return sqlite3_column_int64(stmt_, column); }
  bool IsNull(int column) { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  bool owned_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_EVENTS_SQLITE_STATEMENT_H_
