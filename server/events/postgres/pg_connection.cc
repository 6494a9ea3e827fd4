#include "server/events/postgres/pg_connection.h"

#include <poll.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "postgresql/libpq-fe.h"

namespace barion_gateway::server::postgres {

std::string PgBytea(const std::string& bytes) {
  return absl::StrCat("\\x", absl::BytesToHexString(bytes));
}

bool PgFromBytea(const std::string& text, std::string* bytes) {
  if (text.size() < 2 || text[0] != '\\' || text[1] != 'x') return false;
  *bytes = absl::HexStringToBytes(absl::string_view(text).substr(2));
  return true;
}

absl::StatusOr<std::unique_ptr<PgConnection>> PgConnection::Open(const PgSettings& settings) {
  // The DSN is expanded first (expand_dbname), then the password is a keyword of its own.
  std::vector<const char*> keywords = {"dbname", "connect_timeout"};
  std::vector<const char*> values = {settings.dsn.c_str(), "10"};
  if (!settings.password.empty()) {
    keywords.push_back("password");
    values.push_back(settings.password.c_str());
  }
  keywords.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* conn = PQconnectdbParams(keywords.data(), values.data(), /*expand_dbname=*/1);
  std::unique_ptr<PgConnection> connection(new PgConnection(conn, settings.password));
  // Notices ("relation ... already exists, skipping") are not errors; libpq would print them.
  if (conn != nullptr)
    PQsetNoticeProcessor(
        conn, [](void*, const char*) {}, nullptr);
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    return absl::UnavailableError(
        absl::StrCat("event store: cannot connect to PostgreSQL: ", connection->Error()));
  }
  return connection;
}

PgConnection::~PgConnection() { PQfinish(conn_); }

bool PgConnection::healthy() const { return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK; }

std::string PgConnection::Error() const {
  std::string message =
      conn_ == nullptr ? "out of memory"
                       : std::string(absl::StripTrailingAsciiWhitespace(PQerrorMessage(conn_)));
  if (!password_.empty()) message = absl::StrReplaceAll(message, {{password_, "[password]"}});
  return message;
}

absl::Status PgConnection::Check(PGresult* result) {
  const ExecStatusType status = PQresultStatus(result);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return absl::OkStatus();
  const char* field = result == nullptr ? nullptr : PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const std::string sqlstate = field == nullptr ? "" : field;
  if (PQstatus(conn_) != CONNECTION_OK) {
    return absl::UnavailableError(absl::StrCat("event store: PostgreSQL: ", Error()));
  }
  return absl::InternalError(absl::StrCat("event store: PostgreSQL ", sqlstate, ": ", Error()));
}

absl::Status PgConnection::ExecScript(absl::string_view sql) {
  PGresult* result = PQexec(conn_, std::string(sql).c_str());
  absl::Status status = Check(result);
  PQclear(result);
  return status;
}

absl::StatusOr<PgRows> PgConnection::Exec(absl::string_view sql,
                                          const std::vector<std::string>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const std::string& p : params) values.push_back(p.c_str());
  const std::string statement(sql);
  PGresult* result = PQexecParams(conn_, statement.c_str(), static_cast<int>(values.size()),
                                  nullptr, values.data(), nullptr, nullptr, /*resultFormat=*/0);
  if (absl::Status status = Check(result); !status.ok()) {
    PQclear(result);
    return status;
  }
  PgRows rows;
  for (int r = 0; r < PQntuples(result); ++r) {
    std::vector<std::string> row;
    for (int c = 0; c < PQnfields(result); ++c) row.emplace_back(PQgetvalue(result, r, c));
    rows.push_back(std::move(row));
  }
  PQclear(result);
  return rows;
}

absl::StatusOr<std::vector<std::string>> PgConnection::AwaitNotifications(absl::Duration timeout) {
  std::vector<std::string> payloads;
  auto take = [&] {
    while (PGnotify* n = PQnotifies(conn_)) {
      payloads.emplace_back(n->extra);
      PQfreemem(n);
    }
  };
  take();
  if (!payloads.empty()) return payloads;
  pollfd fd{PQsocket(conn_), POLLIN, 0};
  if (fd.fd < 0) return absl::UnavailableError("event store: PostgreSQL: no connection");
  const int ready = ::poll(&fd, 1, static_cast<int>(absl::ToInt64Milliseconds(timeout)));
  if (ready < 0) return payloads;  // interrupted: the caller waits again
  if (ready > 0 && PQconsumeInput(conn_) == 0) {
    return absl::UnavailableError(absl::StrCat("event store: PostgreSQL: ", Error()));
  }
  take();
  return payloads;
}

}  // namespace barion_gateway::server::postgres
