#include "server/common/safe_text.h"

#include "absl/strings/str_cat.h"

namespace barion_gateway::server {
namespace {

// The length of the valid UTF-8 sequence at the start of `s`, or 0 when it is not one.
size_t Utf8Length(absl::string_view s) {
  const auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = b(0);
  size_t n;
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
  } else {
    return 0;
  }
  if (s.size() < n) return 0;
  for (size_t i = 1; i < n; ++i) {
    if ((b(i) & 0xc0) != 0x80) return 0;
  }
  // Overlong forms, surrogates and code points past U+10FFFF.
  if (c == 0xe0 && b(1) < 0xa0) return 0;
  if (c == 0xed && b(1) > 0x9f) return 0;
  if (c == 0xf0 && b(1) < 0x90) return 0;
  if (c == 0xf4 && b(1) > 0x8f) return 0;
  return n;
}

}  // namespace

std::string SafeText(absl::string_view value, size_t max_bytes) {
  std::string out;
  out.reserve(std::min(value.size(), max_bytes) + 8);
  size_t i = 0;
  while (i < value.size()) {
    const unsigned char c = static_cast<unsigned char>(value[i]);
    std::string piece;
    size_t consumed = 1;
    if (c == '\n') {
      piece = "\\n";
    } else if (c == '\r') {
      piece = "\\r";
    } else if (c == '\t') {
      piece = "\\t";
    } else if (c == '\\') {
      piece = "\\\\";
    } else if (c < 0x20 || c == 0x7f) {
      piece = absl::StrCat("\\x", absl::Hex(c, absl::kZeroPad2));
    } else if (c < 0x80) {
      piece.assign(1, static_cast<char>(c));
    } else if (const size_t n = Utf8Length(value.substr(i)); n > 0) {
      piece.assign(value.data() + i, n);
      consumed = n;
    } else {
      piece = absl::StrCat("\\x", absl::Hex(c, absl::kZeroPad2));
    }
    if (out.size() + piece.size() > max_bytes) {
      absl::StrAppend(&out, "...(", value.size(), " bytes)");
      return out;
    }
    out += piece;
    i += consumed;
  }
  return out;
}

}  // namespace barion_gateway::server
