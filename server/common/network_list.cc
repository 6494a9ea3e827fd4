#include "server/common/network_list.h"

#include <arpa/inet.h>

#include <cstring>
#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace barion_gateway::server {
namespace {

// `text` as 16 bytes (IPv4 mapped into IPv6), and whether it was IPv4.
std::optional<std::array<uint8_t, 16>> ParseAddress(absl::string_view text, bool* v4) {
  absl::ConsumePrefix(&text, "[");
  absl::ConsumeSuffix(&text, "]");
  const std::string s(text);
  std::array<uint8_t, 16> out{};
  in_addr a4;
  if (inet_pton(AF_INET, s.c_str(), &a4) == 1) {
    out[10] = out[11] = 0xff;
    std::memcpy(out.data() + 12, &a4, 4);
    *v4 = true;
    return out;
  }
  in6_addr a6;
  if (inet_pton(AF_INET6, s.c_str(), &a6) == 1) {
    std::memcpy(out.data(), &a6, 16);
    *v4 = false;
    return out;
  }
  return std::nullopt;
}

bool SamePrefix(const std::array<uint8_t, 16>& a, const std::array<uint8_t, 16>& b, int bits) {
  int i = 0;
  for (; bits >= 8; bits -= 8, ++i) {
    if (a[i] != b[i]) return false;
  }
  if (bits == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xff << (8 - bits));
  return (a[i] & mask) == (b[i] & mask);
}

}  // namespace

absl::StatusOr<NetworkList> NetworkList::Parse(const std::vector<std::string>& networks) {
  NetworkList list;
  for (size_t i = 0; i < networks.size(); ++i) {
    absl::string_view text = networks[i];
    const size_t slash = text.find('/');
    bool v4 = false;
    std::optional<std::array<uint8_t, 16>> address = ParseAddress(text.substr(0, slash), &v4);
    int prefix = v4 ? 32 : 128;
    const bool prefix_ok =
        slash == absl::string_view::npos || (absl::SimpleAtoi(text.substr(slash + 1), &prefix) &&
                                             prefix >= 0 && prefix <= (v4 ? 32 : 128));
    if (!address || !prefix_ok) {
      return absl::InvalidArgumentError(
          absl::StrCat("entry ", i, ": not a network in CIDR notation (\"10.0.0.0/8\")"));
    }
    list.networks_.push_back({*address, v4 ? prefix + 96 : prefix});
  }
  return list;
}

bool NetworkList::Contains(absl::string_view address) const {
  bool v4 = false;
  std::optional<std::array<uint8_t, 16>> a = ParseAddress(address, &v4);
  if (!a) return false;
  for (const Network& n : networks_) {
    if (SamePrefix(*a, n.bytes, n.prefix)) return true;
  }
  return false;
}

}  // namespace barion_gateway::server
