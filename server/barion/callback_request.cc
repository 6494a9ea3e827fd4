#include "server/barion/callback_request.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace barion_gateway::server {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent- and plus-decoding; a malformed escape is kept as it is.
std::string FormDecode(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
               HexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

bool IsBarionGuid(absl::string_view id) {
  auto hex = [](char c) { return absl::ascii_isxdigit(static_cast<unsigned char>(c)); };
  if (id.size() == 32) {
    for (char c : id) {
      if (!hex(c)) return false;
    }
    return true;
  }
  if (id.size() == 36) {
    for (size_t i = 0; i < id.size(); ++i) {
      const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash ? id[i] != '-' : !hex(id[i])) return false;
    }
    return true;
  }
  return false;
}

std::string HyphenatedGuid(absl::string_view id) {
  std::string hex;
  for (char c : id) {
    if (c != '-') hex.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  if (hex.size() != 32) return std::string(id);
  return absl::StrCat(hex.substr(0, 8), "-", hex.substr(8, 4), "-", hex.substr(12, 4), "-",
                      hex.substr(16, 4), "-", hex.substr(20));
}

std::optional<std::string> FormParameter(absl::string_view form, absl::string_view name) {
  for (absl::string_view pair : absl::StrSplit(form, '&', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(pair, absl::MaxSplits('=', 1));
    if (absl::EqualsIgnoreCase(FormDecode(kv.first), name)) return FormDecode(kv.second);
  }
  return std::nullopt;
}

absl::StatusOr<std::string> CallbackPaymentId(absl::string_view query, absl::string_view body) {
  std::optional<std::string> raw = FormParameter(query, "paymentId");
  if (!raw.has_value()) raw = FormParameter(body, "paymentId");
  if (!raw.has_value() || raw->empty()) {
    return absl::InvalidArgumentError("paymentId is required");
  }
  if (!IsBarionGuid(*raw))
    return absl::InvalidArgumentError("paymentId is not a Barion payment id");
  std::string id;
  id.reserve(32);
  for (char c : *raw) {
    if (c != '-') id.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  return id;
}

}  // namespace barion_gateway::server
