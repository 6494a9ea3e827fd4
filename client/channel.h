// Connecting to a gateway: plaintext on loopback, TLS, mTLS (a client certificate) and a bearer
// token, as the gateway's callers need (docs/SECURITY.md). A PaymentClient, WalletClient or
// EventSubscription takes the channel through MakeGrpcConnection / MakeGrpcWalletConnection.
#ifndef BARION_GATEWAY_CLIENT_CHANNEL_H_
#define BARION_GATEWAY_CLIENT_CHANNEL_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"

namespace barion_gateway::client {

struct ChannelOptions {
  std::string address = "127.0.0.1:50051";  // host:port
  // TLS. Implied by ca_file, cert_file and key_file.
  bool tls = false;
  std::string ca_file;    // PEM roots that sign the gateway's certificate; empty: system roots
  std::string cert_file;  // the caller's certificate (mTLS), with key_file
  std::string key_file;
  // The name the gateway's certificate must carry when it differs from the address's host.
  std::string server_name;
  // Sent with every call as "authorization: Bearer <token>". Never logged or put in an error.
  std::string token;
};

// The channel, or INVALID_ARGUMENT naming the option at fault: a file that cannot be read,
// cert_file without key_file, or a token to be sent in clear text to an address that is not
// loopback (the gateway would refuse it, and anyone on the path could read it). The token is
// attached by an interceptor to every call of the channel.
absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(const ChannelOptions& options);

// The options from the environment, over `defaults`: BARION_GATEWAY_ADDRESS, BARION_GATEWAY_CA,
// BARION_GATEWAY_CERT, BARION_GATEWAY_KEY, BARION_GATEWAY_SERVER_NAME, BARION_GATEWAY_TLS
// ("1"), BARION_GATEWAY_TOKEN_FILE (a file holding the token; surrounding whitespace ignored).
// `getenv` is injected for tests. INVALID_ARGUMENT when the token file cannot be read.
absl::StatusOr<ChannelOptions> ChannelOptionsFromEnvironment(
    ChannelOptions defaults,
    const std::function<std::optional<std::string>(const std::string&)>& getenv);

// Reads a bearer token from `path` (surrounding whitespace ignored); INVALID_ARGUMENT naming
// `setting` when it cannot be read or is empty. The error never holds the file's content.
absl::StatusOr<std::string> ReadTokenFile(const std::string& path, const std::string& setting);

}  // namespace barion_gateway::client

#endif  // BARION_GATEWAY_CLIENT_CHANNEL_H_
