#include "server/barion/money.h"

#include <algorithm>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace barion_gateway::server {
namespace {

constexpr int kMaxIntegerDigits = 18;

struct Parts {
  bool negative = false;
  absl::string_view integer;   // no sign, at least one digit
  absl::string_view fraction;  // may be empty
};

bool AllDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool Split(absl::string_view text, Parts* out) {
  Parts p;
  if (!text.empty() && text[0] == '-') {
    p.negative = true;
    text.remove_prefix(1);
  }
  size_t dot = text.find('.');
  p.integer = text.substr(0, dot);
  if (!AllDigits(p.integer)) return false;
  if (dot != absl::string_view::npos) {
    p.fraction = text.substr(dot + 1);
    if (!AllDigits(p.fraction)) return false;
  }
  *out = p;
  return true;
}

bool IsZero(const Parts& p) {
  auto zero = [](absl::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c == '0'; });
  };
  return zero(p.integer) && zero(p.fraction);
}

absl::Status CheckSyntax(absl::string_view amount, Parts* p) {
  if (amount.empty()) return absl::InvalidArgumentError("is required");
  if (amount.size() > 64 || !Split(amount, p)) {
    return absl::InvalidArgumentError(
        "must be a plain decimal such as \"1500\" or \"25.20\" (no exponent, sign or spaces)");
  }
  if (p->integer.size() > 1 && p->integer[0] == '0') {
    return absl::InvalidArgumentError("must not have leading zeros");
  }
  if (p->integer.size() > kMaxIntegerDigits) {
    return absl::InvalidArgumentError(
        absl::StrCat("must have at most ", kMaxIntegerDigits, " integer digits"));
  }
  return absl::OkStatus();
}

}  // namespace

int BarionCurrencyScale(absl::string_view currency) {
  std::string c = absl::AsciiStrToUpper(currency);
  if (c == "HUF") return 0;
  if (c == "EUR" || c == "USD" || c == "CZK" || c == "RON" || c == "PLN") return 2;
  return -1;
}

absl::Status ValidateAmount(absl::string_view amount, int scale, AmountSign sign) {
  Parts p;
  if (absl::Status s = CheckSyntax(amount, &p); !s.ok()) return s;
  if (static_cast<int>(p.fraction.size()) > scale) {
    return absl::InvalidArgumentError(
        scale == 0 ? std::string("must be a whole number in this currency (no decimals)")
                   : absl::StrCat("must have at most ", scale, " decimals in this currency"));
  }
  const bool zero = IsZero(p);
  if (p.negative && zero) return absl::InvalidArgumentError("must not be negative zero");
  switch (sign) {
    case AmountSign::kPositive:
      if (p.negative || zero) return absl::InvalidArgumentError("must be greater than zero");
      break;
    case AmountSign::kNonNegative:
      if (p.negative) return absl::InvalidArgumentError("must not be negative");
      break;
    case AmountSign::kAny:
      break;
  }
  return absl::OkStatus();
}

absl::Status ValidateQuantity(absl::string_view quantity) {
  return ValidateAmount(quantity, 4, AmountSign::kNonNegative);
}

std::string CanonicalAmount(absl::string_view amount, int scale) {
  Parts p;
  if (scale < 0 || !Split(amount, &p)) return std::string(amount);
  std::string fraction(p.fraction);
  if (static_cast<int>(fraction.size()) > scale) {
    for (size_t i = scale; i < fraction.size(); ++i) {
      if (fraction[i] != '0') return std::string(amount);
    }
    fraction.resize(scale);
  } else {
    fraction.append(scale - fraction.size(), '0');
  }
  // Strip superfluous leading zeros of the integer part ("007" -> "7"), keep a single "0".
  absl::string_view integer = p.integer;
  while (integer.size() > 1 && integer[0] == '0') integer.remove_prefix(1);
  std::string out = p.negative ? "-" : "";
  absl::StrAppend(&out, integer);
  if (scale > 0) absl::StrAppend(&out, ".", fraction);
  if (out == "-0" || (p.negative && IsZero(p))) out = out.substr(1);
  return out;
}

int CompareDecimal(absl::string_view a, absl::string_view b) {
  Parts pa, pb;
  if (!Split(a, &pa) || !Split(b, &pb)) return a.compare(b);
  const bool za = IsZero(pa), zb = IsZero(pb);
  const int sa = za ? 0 : (pa.negative ? -1 : 1);
  const int sb = zb ? 0 : (pb.negative ? -1 : 1);
  if (sa != sb) return sa < sb ? -1 : 1;
  if (sa == 0) return 0;
  auto strip = [](absl::string_view s) {
    while (s.size() > 1 && s[0] == '0') s.remove_prefix(1);
    return s;
  };
  absl::string_view ia = strip(pa.integer), ib = strip(pb.integer);
  int mag;
  if (ia.size() != ib.size()) {
    mag = ia.size() < ib.size() ? -1 : 1;
  } else if (int c = ia.compare(ib); c != 0) {
    mag = c < 0 ? -1 : 1;
  } else {
    std::string fa(pa.fraction), fb(pb.fraction);
    size_t n = std::max(fa.size(), fb.size());
    fa.resize(n, '0');
    fb.resize(n, '0');
    int c2 = fa.compare(fb);
    mag = c2 == 0 ? 0 : (c2 < 0 ? -1 : 1);
  }
  return sa * mag;
}

}  // namespace barion_gateway::server
