#include "sandbox/callback_sender.h"

#include <arpa/inet.h>
#include <openssl/ssl.h>

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "httplib.h"

namespace barion_gateway::sandbox {
namespace {

struct Target {
  bool https = false;
  std::string host;  // without brackets
  int port = 0;
  std::string path;  // with the query
};

bool ParseUrl(const std::string& url, Target* out) {
  std::string rest;
  const std::string lower = absl::AsciiStrToLower(url.substr(0, 8));
  if (absl::StartsWith(lower, "https://")) {
    out->https = true;
    rest = url.substr(8);
  } else if (absl::StartsWith(lower, "http://")) {
    rest = url.substr(7);
  } else {
    return false;
  }
  const size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  out->path = slash == std::string::npos ? "/" : rest.substr(slash);
  out->port = out->https ? 443 : 80;
  if (!authority.empty() && authority[0] == '[') {
    const size_t close = authority.find(']');
    if (close == std::string::npos) return false;
    out->host = authority.substr(1, close - 1);
    authority = authority.substr(close + 1);
    if (authority.empty()) return !out->host.empty();
    if (authority[0] != ':') return false;
    return absl::SimpleAtoi(authority.substr(1), &out->port) && out->port > 0 && out->port <= 65535;
  }
  const size_t colon = authority.rfind(':');
  out->host = authority.substr(0, colon);
  if (colon != std::string::npos && (!absl::SimpleAtoi(authority.substr(colon + 1), &out->port) ||
                                     out->port <= 0 || out->port > 65535)) {
    return false;
  }
  return !out->host.empty();
}

// Loopback by address (127.0.0.0/8, ::1) or the name "localhost"; never by a name's prefix.
bool IsLoopback(const std::string& host) {
  if (absl::AsciiStrToLower(host) == "localhost") return true;
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return ::inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

template <typename Client>
CallbackSendResult Post(Client& client, const Target& target, const std::string& body,
                        absl::Duration timeout) {
  const int64_t usec = absl::ToInt64Microseconds(timeout);
  client.set_connection_timeout(usec / 1000000, usec % 1000000);
  client.set_read_timeout(usec / 1000000, usec % 1000000);
  client.set_write_timeout(usec / 1000000, usec % 1000000);
  client.set_tcp_nodelay(true);
  client.set_follow_location(false);
  httplib::Result result =
      client.Post(target.path.c_str(), body, "application/x-www-form-urlencoded");
  CallbackSendResult out;
  if (result) {
    out.http_status = result->status;
  } else {
    out.error = httplib::to_string(result.error());
  }
  return out;
}

}  // namespace

CallbackSendResult SendCallback(const std::string& url, const std::string& form_body,
                                const CallbackSendOptions& options) {
  Target target;
  if (!ParseUrl(url, &target)) return {0, "not an http(s) URL", true};
  if (!target.https) {
    if (!IsLoopback(target.host))
      return {0, "not https: Barion calls only https callback URLs", true};
    httplib::Client client(target.host, target.port);
    return Post(client, target, form_body, options.timeout);
  }
  httplib::SSLClient client(target.host, target.port);
  client.enable_server_certificate_verification(true);
  if (!options.ca_file.empty()) client.set_ca_cert_path(options.ca_file.c_str());
  // Barion speaks TLS 1.2 or later to callback URLs.
  SSL_CTX_set_min_proto_version(client.ssl_context(), TLS1_2_VERSION);
  return Post(client, target, form_body, options.timeout);
}

}  // namespace barion_gateway::sandbox
