// Exact decimals (Dec: no binary floats) and Barion's money rules: card minimums, which funding
// sources mean cards only, each currency's decimals. Internal to the sandbox.
#ifndef BARION_GATEWAY_SANDBOX_MODEL_MONEY_H_
#define BARION_GATEWAY_SANDBOX_MODEL_MONEY_H_

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/types/optional.h"

namespace barion_gateway::sandbox {

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

}  // namespace barion_gateway::sandbox

#endif  // BARION_GATEWAY_SANDBOX_MODEL_MONEY_H_
