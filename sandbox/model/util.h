// The sandbox's shared helpers: exact decimals (Dec), Barion's money rules, tolerant JSON
// reading, Barion's ids and time formats, and answering requests (Barion's error bodies, the
// control API's answers). Internal to the sandbox; no socket, no HTTP library.
#ifndef BARION_GATEWAY_SANDBOX_MODEL_UTIL_H_
#define BARION_GATEWAY_SANDBOX_MODEL_UTIL_H_

#include <openssl/rand.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <map>
#include <queue>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "sandbox/model/exchange.h"

namespace barion_gateway::sandbox {

using Value = rapidjson::Value;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// ---------------------------------------------------------------------------------------------
// Exact decimals: 10^-4 units in a 128-bit integer. Enough for 18 integer digits.

struct Dec {
  __int128 units = 0;  // value * 10^4

  static absl::optional<Dec> Parse(absl::string_view text) {
    text = absl::StripAsciiWhitespace(text);
    bool neg = false;
    if (!text.empty() && text[0] == '-') {
      neg = true;
      text.remove_prefix(1);
    }
    size_t dot = text.find('.');
    absl::string_view ip = text.substr(0, dot);
    absl::string_view fp = dot == absl::string_view::npos ? "" : text.substr(dot + 1);
    if (ip.empty() || ip.size() > 20 || fp.size() > 4) return absl::nullopt;
    __int128 v = 0;
    for (char c : ip) {
      if (!absl::ascii_isdigit(c)) return absl::nullopt;
      v = v * 10 + (c - '0');
    }
    for (size_t i = 0; i < 4; ++i) {
      char c = i < fp.size() ? fp[i] : '0';
      if (!absl::ascii_isdigit(c)) return absl::nullopt;
      v = v * 10 + (c - '0');
    }
    return Dec{neg ? -v : v};
  }

  int Scale() const {  // decimals actually used
    __int128 a = units < 0 ? -units : units;
    if (a % 10000 == 0) return 0;
    if (a % 100 == 0) return 2;
    return 4;
  }

  // Barion prints amounts with two decimals ("84.00"), even for HUF.
  std::string Format(int decimals = 2) const {
    __int128 a = units < 0 ? -units : units;
    __int128 whole = a / 10000;
    int64_t frac = static_cast<int64_t>(a % 10000);
    std::string digits;
    do {
      digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(whole % 10)));
      whole /= 10;
    } while (whole > 0);
    std::string out = units < 0 ? "-" + digits : digits;
    if (decimals > 0) {
      std::string f = absl::StrFormat("%04d", frac);
      out += "." + f.substr(0, decimals);
    }
    return out;
  }
};

inline Dec operator+(Dec a, Dec b) { return Dec{a.units + b.units}; }
inline Dec operator-(Dec a, Dec b) { return Dec{a.units - b.units}; }
inline bool operator<(Dec a, Dec b) { return a.units < b.units; }

// Card payments' minimum totals (docs/BARION.md §5); zero where none is known.
inline Dec CardMinimum(const std::string& currency) {
  if (currency == "HUF") return *Dec::Parse("10");
  if (currency == "EUR" || currency == "USD") return *Dec::Parse("0.1");
  if (currency == "CZK") return *Dec::Parse("1");
  return Dec{};
}

// Whether only cards may pay (card minimums then apply).
inline bool CardOnly(const std::vector<std::string>& funding_sources) {
  if (funding_sources.empty()) return false;
  for (const std::string& f : funding_sources) {
    if (f != "BankCard" && f != "GooglePay" && f != "ApplePay") return false;
  }
  return true;
}

inline int CurrencyScale(const std::string& c) {
  if (c == "HUF") return 0;
  if (c == "EUR" || c == "USD" || c == "CZK" || c == "RON" || c == "PLN") return 2;
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Lenient JSON reading, like Barion's ASP.NET binder: names case-insensitive, numbers as text,
// numeric strings accepted, enum names in any case.

inline const Value* Get(const Value& o, const char* name) {
  if (!o.IsObject()) return nullptr;
  for (auto it = o.MemberBegin(); it != o.MemberEnd(); ++it) {
    if (absl::EqualsIgnoreCase(it->name.GetString(), name)) {
      return it->value.IsNull() ? nullptr : &it->value;
    }
  }
  return nullptr;
}

inline std::string Str(const Value& o, const char* name) {
  const Value* v = Get(o, name);
  if (v == nullptr) return "";
  if (v->IsString()) return std::string(v->GetString(), v->GetStringLength());
  return "";
}

inline bool Has(const Value& o, const char* name) { return Get(o, name) != nullptr; }

inline bool BoolOf(const Value& o, const char* name) {
  const Value* v = Get(o, name);
  return v != nullptr && v->IsBool() && v->GetBool();
}

inline std::string RandomHex(int bytes) {
  std::vector<unsigned char> buf(bytes);
  RAND_bytes(buf.data(), bytes);
  std::string out;
  for (unsigned char b : buf) absl::StrAppendFormat(&out, "%02x", b);
  return out;
}

inline std::string Hyphenated(const std::string& id) {
  if (id.size() != 32) return id;
  return absl::StrCat(id.substr(0, 8), "-", id.substr(8, 4), "-", id.substr(12, 4), "-",
                      id.substr(16, 4), "-", id.substr(20));
}

inline std::string NormalizeId(absl::string_view id) {
  return absl::AsciiStrToLower(absl::StrReplaceAll(id, {{"-", ""}}));
}

// Barion's response timestamps: UTC, 'Z', up to 3 fractional digits.
inline std::string TimeZ(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}
// Start's TransactionTime has no 'Z' (a quirk).
inline std::string TimeNoZ(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3S", t, absl::UTCTimeZone());
}

inline bool ParseSpan(const std::string& text, absl::Duration* out) {
  int64_t days = 0;
  std::string clock = text;
  std::vector<std::string> colon = absl::StrSplit(text, ':');
  if (colon.size() == 4) {
    if (!absl::SimpleAtoi(colon[0], &days)) return false;
    clock = text.substr(colon[0].size() + 1);
  } else if (colon.size() == 3 && colon[0].find('.') != std::string::npos) {
    if (!absl::SimpleAtoi(colon[0].substr(0, colon[0].find('.')), &days)) return false;
    clock = text.substr(colon[0].find('.') + 1);
  } else if (colon.size() != 3) {
    return false;
  }
  std::vector<std::string> p = absl::StrSplit(clock, ':');
  int64_t h, m, s;
  if (p.size() != 3 || !absl::SimpleAtoi(p[0], &h) || !absl::SimpleAtoi(p[1], &m) ||
      !absl::SimpleAtoi(p[2].substr(0, p[2].find('.')), &s)) {
    return false;
  }
  *out = absl::Hours(24 * days + h) + absl::Minutes(m) + absl::Seconds(s);
  return true;
}

const char* const kPaymentTypes[] = {"Immediate", "Reservation", "DelayedCapture"};
const char* const kFundingSources[] = {"All",       "Balance",  "BankCard",
                                       "GooglePay", "ApplePay", "BankTransfer"};
const char* const kRecurrenceTypes[] = {"MerchantInitiatedPayment", "OneClickPayment",
                                        "RecurringPayment"};

template <size_t N>
std::string Canonical(const char* const (&names)[N], const std::string& value) {
  for (const char* n : names) {
    if (absl::EqualsIgnoreCase(n, value)) return n;
  }
  return "";
}

// Barion retries a callback after these delays (seconds, times SandboxOptions::time_scale) until
// an HTTP 200.
inline constexpr int kRetryDelaysSeconds[] = {2, 6, 18, 54, 162};

// ---------------------------------------------------------------------------------------------
// Answering.

// One of Barion's errors.
struct ApiError {
  std::string code;
  std::string title;
  std::string description;
};

// Adds one of Barion's ModelValidationErrors.
inline void AddModelError(std::vector<ApiError>& errors, std::string description) {
  errors.push_back({"ModelValidationError", "Model validation error", std::move(description)});
}

// Barion's `Errors` array. Like Barion, it echoes the caller's POSKey in AuthData (null when
// authentication itself failed): the gateway must never pass that on.
inline void WriteErrors(Writer& w, const std::vector<ApiError>& errors, const std::string& endpoint,
                        const std::string& auth_data) {
  w.Key("Errors");
  w.StartArray();
  const std::string now =
      absl::FormatTime("%Y-%m-%dT%H:%M:%E7SZ", absl::Now(), absl::UTCTimeZone());
  for (const ApiError& e : errors) {
    w.StartObject();
    w.Key("Title");
    w.String(e.title.c_str());
    w.Key("Description");
    w.String(e.description.c_str());
    w.Key("ErrorCode");
    w.String(e.code.c_str());
    w.Key("HappenedAt");
    w.String(now.c_str());
    w.Key("AuthData");
    if (auth_data.empty()) {
      w.Null();
    } else {
      w.String(auth_data.c_str());
    }
    w.Key("EndPoint");
    w.String(endpoint.c_str());
    w.EndObject();
  }
  w.EndArray();
}

inline void Json(ApiResponse& res, int status, const std::string& body) {
  res.status = status;
  res.SetHeader("Cache-Control", "no-cache");
  res.SetHeader("Pragma", "no-cache");
  res.SetHeader("Expires", "-1");
  res.SetContent(body, "application/json; charset=utf-8");
}

inline rapidjson::Document ParseBody(const ApiRequest& req) {
  rapidjson::Document body;
  body.Parse<rapidjson::kParseNumbersAsStringsFlag>(req.body.c_str());
  return body;
}

inline void ControlAnswer(ApiResponse& res, int status, const std::string& message) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key(status < 300 ? "result" : "error");
  w.String(message.c_str());
  w.EndObject();
  Json(res, status, b.GetString());
}

// Parses a control API body: JSON, or an HTML form (the payment page's buttons). A body that
// starts with '{' is JSON whatever its Content-Type: `curl -d '{...}'` labels JSON as a form.
inline rapidjson::Document ControlBody(const ApiRequest& req) {
  rapidjson::Document doc;
  doc.SetObject();
  const bool json = absl::StartsWith(absl::StripLeadingAsciiWhitespace(req.body), "{");
  if (!json && absl::StrContains(req.Header("Content-Type"), "x-www-form-urlencoded")) {
    for (absl::string_view pair : absl::StrSplit(req.body, '&', absl::SkipEmpty())) {
      std::vector<std::string> kv = absl::StrSplit(pair, absl::MaxSplits('=', 1));
      if (kv.size() != 2) continue;
      Value key(kv[0].c_str(), doc.GetAllocator());
      Value val(UrlDecode(kv[1], true).c_str(), doc.GetAllocator());
      doc.AddMember(key, val, doc.GetAllocator());
    }
    return doc;
  }
  rapidjson::Document parsed;
  parsed.Parse<rapidjson::kParseNumbersAsStringsFlag>(req.body.c_str());
  if (!parsed.HasParseError() && parsed.IsObject()) return parsed;
  return doc;
}

}  // namespace barion_gateway::sandbox

#endif  // BARION_GATEWAY_SANDBOX_MODEL_UTIL_H_
