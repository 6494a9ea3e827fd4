// NetworkList: a set of IPv4 and IPv6 networks in CIDR notation ("20.223.214.216/32",
// "10.0.0.0/8", "::1/128"; an address alone is its own /32 or /128), and whether an address
// belongs to one of them. Addresses are parsed, never compared as text.
#ifndef BARION_GATEWAY_SERVER_COMMON_NETWORK_LIST_H_
#define BARION_GATEWAY_SERVER_COMMON_NETWORK_LIST_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace barion_gateway::server {

class NetworkList {
 public:
  NetworkList() = default;
  // INVALID_ARGUMENT naming the first entry that is not a network ("entry 2: ...").
  static absl::StatusOr<NetworkList> Parse(const std::vector<std::string>& networks);

  bool empty() const { return networks_.empty(); }
  // Whether `address` (an IPv4 or IPv6 address; an IPv4-mapped IPv6 address counts as IPv4)
  // lies in one of the networks. False for anything that is not an address.
  bool Contains(absl::string_view address) const;

 private:
  struct Network {
    std::array<uint8_t, 16> bytes{};  // IPv4 in the IPv4-mapped IPv6 form
    int prefix = 0;                   // bits, of the 128
  };
  std::vector<Network> networks_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_COMMON_NETWORK_LIST_H_
