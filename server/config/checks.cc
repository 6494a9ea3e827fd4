#include "server/config/checks.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace barion_gateway::server {

EnvLookup ProcessEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

namespace config_internal {

const char kCallbacksNeedHttps[] =
    "must be https: Barion calls only https callback URLs (http only to loopback, docs/BARION.md)";

std::string Resolve(const std::string& base_dir, const std::string& path) {
  if (path.empty() || path[0] == '/' || base_dir.empty() || base_dir == ".") return path;
  return absl::StrCat(base_dir, "/", path);
}

absl::Status Bad(const std::string& source, const std::string& setting,
                 const std::string& problem) {
  return absl::InvalidArgumentError(absl::StrCat(source, ": ", setting, ": ", problem));
}

bool ValidShopName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_' || c == '-')) return false;
  }
  return true;
}

absl::StatusOr<std::string> NamedEntry(const std::string& source, const std::string& list, int i,
                                       const std::string& name, std::set<std::string>& names) {
  const std::string at = absl::StrCat(list, "[", i, "]");
  if (!ValidShopName(name))
    return Bad(source, at + ".name", "must be 1-64 characters of [a-z0-9_-]");
  const std::string where = absl::StrCat(at, " (", name, ")");
  if (!names.insert(name).second) return Bad(source, where + ".name", "is used twice");
  return where;
}

std::optional<std::string> ReadTrimmedFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream content;
  content << in.rdbuf();
  return std::string(absl::StripAsciiWhitespace(content.str()));
}

bool ValidEnvName(const std::string& name) {
  if (name.empty() || name.size() > 128 || absl::ascii_isdigit(name[0])) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return absl::ascii_isalnum(c) || c == '_'; });
}

bool ValidUrl(const std::string& url) {
  return absl::StartsWith(url, "https://") || absl::StartsWith(url, "http://");
}

absl::StatusOr<std::string> ReadSecret(const std::string& source, const std::string& where,
                                       const std::string& what, const std::string& env_name,
                                       const std::string& file, const std::string& base_dir,
                                       const EnvLookup& env) {
  if (!env_name.empty() && !file.empty()) {
    return Bad(source, where, absl::StrCat("set ", what, "_env or ", what, "_file, not both"));
  }
  if (!env_name.empty()) {
    const std::string setting = absl::StrCat(where, ".", what, "_env");
    if (!ValidEnvName(env_name)) {
      return Bad(source, setting,
                 "is not an environment variable name (letters, digits and _, not starting "
                 "with a digit): name the variable that holds the secret, not the secret");
    }
    std::optional<std::string> key = env(env_name);
    if (!key || key->empty()) {
      return Bad(source, setting, "the environment variable it names is not set");
    }
    return *key;
  }
  if (!file.empty()) {
    const std::string setting = absl::StrCat(where, ".", what, "_file");
    std::optional<std::string> key = ReadTrimmedFile(Resolve(base_dir, file));
    if (!key.has_value()) {
      return Bad(source, setting,
                 "the file it names cannot be read (name the file that holds the secret, not "
                 "the secret)");
    }
    if (key->empty()) return Bad(source, setting, "the file it names is empty");
    return *std::move(key);
  }
  return Bad(source, where, absl::StrCat(what, "_env or ", what, "_file is required"));
}

absl::Duration DurationOf(const google::protobuf::Duration& d) {
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

absl::Status SetDuration(const std::string& source, const std::string& setting, bool has,
                         const google::protobuf::Duration& d, absl::Duration min,
                         absl::Duration max, const std::string& problem, absl::Duration* out) {
  if (!has) return absl::OkStatus();
  *out = DurationOf(d);
  if (*out < min || *out > max) return Bad(source, setting, problem);
  return absl::OkStatus();
}

absl::Status SetNumber(const std::string& source, const std::string& setting, int64_t value,
                       int64_t min, int64_t max, const std::string& problem, int* out) {
  if (value == 0) return absl::OkStatus();
  if (value < min || value > max) return Bad(source, setting, problem);
  *out = static_cast<int>(value);
  return absl::OkStatus();
}

absl::Status SetNumber(const std::string& source, const std::string& setting, double value,
                       double min, double max, const std::string& problem, double* out) {
  if (value == 0) return absl::OkStatus();
  // Written so that NaN is out of range.
  if (!(value >= min && value <= max)) return Bad(source, setting, problem);
  *out = value;
  return absl::OkStatus();
}

}  // namespace config_internal
}  // namespace barion_gateway::server
