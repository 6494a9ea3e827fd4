#include "server/common/loopback.h"

#include <arpa/inet.h>

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"

namespace barion_gateway::server {

bool IsLoopbackHost(absl::string_view host) {
  if (absl::ConsumePrefix(&host, "[") && !absl::ConsumeSuffix(&host, "]")) return false;
  const std::string text(host);
  if (absl::EqualsIgnoreCase(text, "localhost")) return true;
  in_addr v4;
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6;
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
  }
  return false;
}

bool IsLoopbackAddress(absl::string_view address) {
  if (!absl::ConsumePrefix(&address, "ipv4:")) absl::ConsumePrefix(&address, "ipv6:");
  if (absl::StartsWith(address, "[")) {
    const size_t close = address.find(']');
    if (close == absl::string_view::npos) return false;
    return IsLoopbackHost(address.substr(0, close + 1));
  }
  // One colon: host:port. More (an IPv6 address without brackets): the whole text is the host.
  const size_t colon = address.find(':');
  if (colon != absl::string_view::npos && address.find(':', colon + 1) == absl::string_view::npos) {
    return IsLoopbackHost(address.substr(0, colon));
  }
  return IsLoopbackHost(address);
}

bool IsHttpsOrLoopbackUrl(absl::string_view url) {
  constexpr absl::string_view kHttps = "https://";
  constexpr absl::string_view kHttp = "http://";
  if (absl::StartsWithIgnoreCase(url, kHttps)) return url.size() > kHttps.size();
  if (!absl::StartsWithIgnoreCase(url, kHttp)) return false;
  absl::string_view authority = url.substr(kHttp.size());
  authority = authority.substr(0, authority.find_first_of("/?#"));
  // "http://127.0.0.1@host/" names host: userinfo is never loopback.
  if (authority.find('@') != absl::string_view::npos) return false;
  return IsLoopbackAddress(authority);
}

}  // namespace barion_gateway::server
