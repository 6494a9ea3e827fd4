#include "server/common/log.h"

#include <unistd.h>

#include <atomic>
#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace barion_gateway::server {
namespace {

std::atomic<bool> call_logging{true};
std::atomic<LogFormat> log_format{LogFormat::kText};
std::atomic<LogLevel> min_level{LogLevel::kInfo};

// Per kind of limited line: the current window and what it let through.
struct Window {
  absl::Time start;
  int logged = 0;
  int64_t suppressed = 0;
};

absl::Mutex limits_mu(absl::kConstInit);
// Keyed by the callers' constant kinds, so it stays as small as the code's list of kinds.
std::map<std::string, Window, std::less<>>* limits ABSL_GUARDED_BY(limits_mu) = nullptr;

// The length of the valid UTF-8 sequence at text[i], or 0 when the byte there starts none.
size_t Utf8Length(absl::string_view text, size_t i) {
  const unsigned char c = static_cast<unsigned char>(text[i]);
  size_t n = 0;
  unsigned int min = 0, cp = 0;
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2, min = 0x80, cp = c & 0x1f;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3, min = 0x800, cp = c & 0x0f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4, min = 0x10000, cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    const unsigned char t = static_cast<unsigned char>(text[i + k]);
    if ((t & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (t & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

// Appends `value`, at most kMaxLogLineBytes of it: control characters as \xNN (text) or \u00NN
// (JSON), '"' and '\' escaped in JSON, bytes that are not UTF-8 as \xNN (a JSON string's "\\x").
void AppendEscaped(std::string& out, absl::string_view value, bool json) {
  const size_t limit = out.size() + kMaxLogLineBytes;
  for (size_t i = 0; i < value.size();) {
    if (out.size() >= limit) {
      absl::StrAppend(&out, "...(", value.size(), " bytes)");
      return;
    }
    const unsigned char c = static_cast<unsigned char>(value[i]);
    if (c < 0x20 || c == 0x7f) {
      absl::StrAppend(&out, json ? "\\u00" : "\\x", absl::Hex(c, absl::kZeroPad2));
      ++i;
    } else if (c < 0x80) {
      if (json && (c == '"' || c == '\\')) out.push_back('\\');
      out.push_back(static_cast<char>(c));
      ++i;
    } else if (const size_t n = Utf8Length(value, i); n > 0) {
      out.append(value.data() + i, n);
      i += n;
    } else {
      absl::StrAppend(&out, json ? "\\\\x" : "\\x", absl::Hex(c, absl::kZeroPad2));
      ++i;
    }
  }
}

void AppendJsonString(std::string& out, absl::string_view value) {
  out.push_back('"');
  AppendEscaped(out, value, /*json=*/true);
  out.push_back('"');
}

// A key is ours (a constant); still, only [a-z0-9_] pass, so no key can break the format.
std::string SafeKey(absl::string_view key) {
  std::string out;
  for (char c : key) {
    out.push_back(absl::ascii_isalnum(c) || c == '_' ? c : '_');
  }
  return out.empty() ? "_" : out;
}

}  // namespace

std::optional<LogFormat> ParseLogFormat(absl::string_view name) {
  if (name == "text") return LogFormat::kText;
  if (name == "json") return LogFormat::kJson;
  return std::nullopt;
}

std::optional<LogLevel> ParseLogLevel(absl::string_view name) {
  const std::string lower = absl::AsciiStrToLower(name);
  if (lower == "debug") return LogLevel::kDebug;
  if (lower == "info") return LogLevel::kInfo;
  if (lower == "warn" || lower == "warning") return LogLevel::kWarn;
  if (lower == "error") return LogLevel::kError;
  return std::nullopt;
}

void SetLogFormat(LogFormat format) { log_format.store(format); }
void SetMinLogLevel(LogLevel level) { min_level.store(level); }

absl::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "DEBUG";
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kWarn:
      return "WARN";
    case LogLevel::kError:
      return "ERROR";
  }
  return "INFO";
}
bool LogEnabled(LogLevel level) { return level >= min_level.load(); }

LogField NumberField(std::string key, double value) {
  return LogField{std::move(key), absl::StrFormat("%.3f", value), true};
}

std::string FormatLogLine(LogFormat format, absl::Time time, LogLevel level,
                          absl::string_view message, const LogFields& fields) {
  const std::string when = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", time, absl::UTCTimeZone());
  std::string line;
  if (format == LogFormat::kText) {
    line = absl::StrCat(when, " ", LogLevelName(level), " ");
    AppendEscaped(line, message, /*json=*/false);
    for (const LogField& field : fields) {
      if (!message.empty() || &field != &fields.front()) line.push_back(' ');
      absl::StrAppend(&line, SafeKey(field.key), "=");
      AppendEscaped(line, field.value, /*json=*/false);
    }
    return line;
  }
  absl::StrAppend(&line, "{\"time\":\"", when, "\",\"level\":");
  AppendJsonString(line, LogLevelName(level));
  line.append(",\"msg\":");
  AppendJsonString(line, message);
  for (const LogField& field : fields) {
    absl::StrAppend(&line, ",\"", SafeKey(field.key), "\":");
    if (field.number) {
      line.append(field.value);  // made by NumberField
    } else {
      AppendJsonString(line, field.value);
    }
  }
  line.push_back('}');
  return line;
}

void Log(LogLevel level, absl::string_view message, const LogFields& fields) {
  if (!LogEnabled(level)) return;
  std::string line = FormatLogLine(log_format.load(), absl::Now(), level, message, fields);
  line.push_back('\n');
  // One write(2) per line, so concurrent lines do not interleave.
  ssize_t unused = ::write(STDERR_FILENO, line.data(), line.size());
  (void)unused;
}

bool LogLimited(LogLevel level, absl::string_view kind, absl::string_view message,
                const LogFields& fields) {
  if (!LogEnabled(level)) return false;
  int64_t suppressed = 0;
  {
    absl::MutexLock lock(&limits_mu);
    if (limits == nullptr) limits = new std::map<std::string, Window, std::less<>>();
    auto it = limits->find(kind);
    if (it == limits->end()) it = limits->emplace(std::string(kind), Window{absl::Now()}).first;
    Window& w = it->second;
    const absl::Time now = absl::Now();
    if (now - w.start >= kLimitedWindow) {
      suppressed = w.suppressed;
      w = Window{now};
    }
    if (w.logged >= kLimitedLinesPerWindow) {
      ++w.suppressed;
      return false;
    }
    ++w.logged;
  }
  if (suppressed > 0) {
    Log(level, absl::StrCat(kind, ": ", suppressed, " similar lines suppressed"));
  }
  Log(level, message, fields);
  return true;
}

void SetCallLogging(bool on) { call_logging.store(on); }
bool CallLogging() { return call_logging.load(); }

}  // namespace barion_gateway::server
