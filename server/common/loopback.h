// Whether an address names this machine only. The host is parsed, never matched as text:
// 127.0.0.0/8 (dotted quad), ::1 and ::ffff:127.x.y.z (IPv6), and the name "localhost". A name
// that merely starts like one ("127.corp.example", "localhost.example") is not loopback.
#ifndef BARION_GATEWAY_SERVER_COMMON_LOOPBACK_H_
#define BARION_GATEWAY_SERVER_COMMON_LOOPBACK_H_

#include "absl/strings/string_view.h"

namespace barion_gateway::server {

// `host` alone: "127.0.0.1", "::1", "[::1]", "localhost".
bool IsLoopbackHost(absl::string_view host);

// A listen or dial address "host:port" ("[::1]:50051", "127.0.0.1:0", "localhost:8080"), also
// with gRPC's "ipv4:" / "ipv6:" scheme. Without a port, the whole text is the host.
bool IsLoopbackAddress(absl::string_view address);

// Whether `url` is https://, or http:// to a loopback host (a TLS proxy or the local sandbox on
// this machine): the URLs Barion sends callbacks to (it calls nothing else, docs/BARION.md §6)
// and the gateway sends webhooks to. The scheme is matched without regard to case.
bool IsHttpsOrLoopbackUrl(absl::string_view url);

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_COMMON_LOOPBACK_H_
