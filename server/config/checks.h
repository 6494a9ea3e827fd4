// The checks every section parser of the configuration shares: the error form
// ("{source}: {setting}: {problem}", never echoing a value that may be a secret), names, paths,
// secrets read from the environment or a file, URLs, and optional settings with a range.
// Internal to //server/config.
#ifndef BARION_GATEWAY_SERVER_CONFIG_CHECKS_H_
#define BARION_GATEWAY_SERVER_CONFIG_CHECKS_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"
#include "server/config/env_lookup.h"

namespace barion_gateway::server::config_internal {

// `path` relative to `base_dir` unless absolute.
std::string Resolve(const std::string& base_dir, const std::string& path);

// INVALID_ARGUMENT "{source}: {setting}: {problem}".
absl::Status Bad(const std::string& source, const std::string& setting, const std::string& problem);

// 1-64 characters of [a-z0-9_-] (shops, wallets, callers, webhook endpoints).
bool ValidShopName(const std::string& name);

// The name of entry `i` of the list `list` ("shops"): "{list}[{i}] ({name})", the prefix of its
// settings in errors. Bad "{list}[{i}].name" when `name` is not 1-64 characters of [a-z0-9_-],
// or "... ({name}).name" when `names` already holds it; otherwise `name` is added to `names`.
absl::StatusOr<std::string> NamedEntry(const std::string& source, const std::string& list, int i,
                                       const std::string& name, std::set<std::string>& names);

// The content of the file at `path` without surrounding whitespace; nullopt when it cannot be
// read.
std::optional<std::string> ReadTrimmedFile(const std::string& path);

// Whether `name` can be an environment variable's name: [A-Za-z_][A-Za-z0-9_]*, at most 128.
bool ValidEnvName(const std::string& name);

// Whether `url` starts with https:// or http:// (what is allowed where is the caller's rule).
bool ValidUrl(const std::string& url);

// The problem text of a callback URL Barion would not call.
extern const char kCallbacksNeedHttps[];

// A secret from the environment variable `env_name` or the file `file` (exactly one of them),
// for the setting `{where}.{what}_env` / `_file`. Errors name the setting and say why, but never
// print the variable's name or the file's path: an operator may have pasted the secret itself
// there.
absl::StatusOr<std::string> ReadSecret(const std::string& source, const std::string& where,
                                       const std::string& what, const std::string& env_name,
                                       const std::string& file, const std::string& base_dir,
                                       const EnvLookup& env);

absl::Duration DurationOf(const google::protobuf::Duration& d);

// An optional duration setting: when `has`, *out becomes `d`, and unless min <= *out <= max the
// result is Bad(source, setting, problem). When not `has`, *out keeps its default and OK.
absl::Status SetDuration(const std::string& source, const std::string& setting, bool has,
                         const google::protobuf::Duration& d, absl::Duration min,
                         absl::Duration max, const std::string& problem, absl::Duration* out);

// An optional number setting whose unset value is 0: when `value` is not 0, *out becomes it, and
// unless min <= value <= max the result is Bad(source, setting, problem).
absl::Status SetNumber(const std::string& source, const std::string& setting, int64_t value,
                       int64_t min, int64_t max, const std::string& problem, int* out);
absl::Status SetNumber(const std::string& source, const std::string& setting, double value,
                       double min, double max, const std::string& problem, double* out);

}  // namespace barion_gateway::server::config_internal

#endif  // BARION_GATEWAY_SERVER_CONFIG_CHECKS_H_
