#include "server/events/sqlite/data_dir_store.h"

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace barion_gateway::server {

absl::StatusOr<std::unique_ptr<SqliteEventStore>> OpenStoreInDataDir(const std::string& data_dir,
                                                                     bool adopt_new_store) {
  const std::string db = data_dir + "/events.db";
  const std::string marker = data_dir + "/STORE_IDENTITY";
  struct stat info;
  const bool had_store = ::stat(marker.c_str(), &info) == 0;
  const bool has_db = ::stat(db.c_str(), &info) == 0;
  if (had_store && !has_db && !adopt_new_store) {
    return absl::FailedPreconditionError(absl::StrCat(
        "data_dir: ", db, " is missing, but this folder held an event store (", marker,
        "): restore it from a backup, or start with --new_event_store to begin an empty one "
        "(StartPayment retries of earlier payments are then not recognised, and subscribers' "
        "cursors are refused)"));
  }
  absl::StatusOr<std::unique_ptr<SqliteEventStore>> store = SqliteEventStore::Open(db);
  if (!store.ok()) return store.status();
  const std::string identity = absl::StrCat((*store)->identity());
  if (had_store && !adopt_new_store) {
    std::ifstream in(marker);
    if (!in) return absl::InvalidArgumentError(absl::StrCat("data_dir: cannot read ", marker));
    std::stringstream recorded;
    recorded << in.rdbuf();
    if (absl::StripAsciiWhitespace(recorded.str()) != identity) {
      return absl::FailedPreconditionError(absl::StrCat(
          "data_dir: ", db, " is not the event store this folder had (", marker,
          "): put the right one back, or start with --new_event_store to adopt this one"));
    }
    return store;
  }
  const std::string tmp = marker + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << identity << "\n";
    if (!out.flush()) {
      return absl::UnavailableError(absl::StrCat("data_dir: cannot write ", marker));
    }
  }
  if (std::rename(tmp.c_str(), marker.c_str()) != 0) {
    return absl::UnavailableError(absl::StrCat("data_dir: cannot write ", marker));
  }
  return store;
}

}  // namespace barion_gateway::server
