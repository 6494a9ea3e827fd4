// The stores' backend (store { postgres { ... } }): docs/CONFIGURATION.md, docs/SCALING.md.
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/config/sections.h"

namespace barion_gateway::server::config_internal {
namespace {

namespace cfg = ::barion::gateway::config::v1;

// Whether a libpq DSN carries a password: the keyword "password" in key=value form, or a
// password in a postgresql:// URI (user:password@ or ?password=).
bool DsnHoldsPassword(absl::string_view dsn) {
  for (absl::string_view scheme : {"postgresql://", "postgres://"}) {
    if (!absl::StartsWithIgnoreCase(dsn, scheme)) continue;
    absl::string_view rest = dsn.substr(scheme.size());
    const size_t end = rest.find_first_of("/?");
    const absl::string_view authority = rest.substr(0, end);
    const size_t at = authority.rfind('@');
    if (at != absl::string_view::npos &&
        authority.substr(0, at).find(':') != absl::string_view::npos) {
      return true;
    }
    const size_t query = rest.find('?');
    if (query == absl::string_view::npos) return false;
    for (absl::string_view pair : absl::StrSplit(rest.substr(query + 1), '&')) {
      if (absl::EqualsIgnoreCase(pair.substr(0, pair.find('=')), "password")) return true;
    }
    return false;
  }
  // key = value pairs: a keyword starts the text or follows white space.
  size_t from = 0;
  while ((from = dsn.find("password", from)) != absl::string_view::npos) {
    const bool starts = from == 0 || absl::ascii_isspace(dsn[from - 1]);
    size_t after = from + 8;
    while (after < dsn.size() && absl::ascii_isspace(dsn[after])) ++after;
    if (starts && after < dsn.size() && dsn[after] == '=') return true;
    from += 8;
  }
  return false;
}

}  // namespace

absl::Status ParseStore(const GatewayConfigFile& file, const std::string& source,
                        const std::string& base_dir, const EnvLookup& env, Config* config) {
  if (!file.store().has_postgres()) return absl::OkStatus();
  const cfg::Postgres& pg = file.store().postgres();
  PostgresStoreConfig store;
  if (!pg.dsn().empty() && !pg.dsn_env().empty()) {
    return Bad(source, "store.postgres.dsn", "set dsn or dsn_env, not both");
  }
  if (!pg.dsn_env().empty()) {
    if (!ValidEnvName(pg.dsn_env())) {
      return Bad(source, "store.postgres.dsn_env",
                 "is not an environment variable name (letters, digits and _, not starting with "
                 "a digit)");
    }
    std::optional<std::string> dsn = env(pg.dsn_env());
    if (!dsn || dsn->empty()) {
      return Bad(source, "store.postgres.dsn_env", "the environment variable it names is not set");
    }
    store.dsn = *dsn;
  } else {
    store.dsn = pg.dsn();
  }
  if (absl::StripAsciiWhitespace(store.dsn).empty()) {
    return Bad(source, "store.postgres.dsn", "is required (or dsn_env)");
  }
  // Never echoed: the value may be exactly the secret this refuses.
  if (DsnHoldsPassword(store.dsn)) {
    return Bad(source, pg.dsn_env().empty() ? "store.postgres.dsn" : "store.postgres.dsn_env",
               "holds a password; put it in the environment or a file and name that with "
               "password_env or password_file");
  }
  if (!pg.password_env().empty() || !pg.password_file().empty()) {
    absl::StatusOr<std::string> password = ReadSecret(
        source, "store.postgres", "password", pg.password_env(), pg.password_file(), base_dir, env);
    if (!password.ok()) return password.status();
    store.password = *password;
  }
  absl::Status status = SetNumber(source, "store.postgres.pool_size", int64_t{pg.pool_size()}, 1,
                                  64, "must be between 1 and 64", &store.pool_size);
  status.Update(SetDuration(source, "store.postgres.claim_lease", pg.has_claim_lease(),
                            pg.claim_lease(), absl::Seconds(1), absl::Minutes(10),
                            "must be between 1s and 10min", &store.claim_lease));
  if (!status.ok()) return status;
  config->postgres = std::move(store);
  return absl::OkStatus();
}

}  // namespace barion_gateway::server::config_internal
