// Self-signed certificate authority for the local sandbox's HTTPS listener.
#ifndef BARION_GATEWAY_SANDBOX_TLS_H_
#define BARION_GATEWAY_SANDBOX_TLS_H_

#include <string>

#include "absl/status/status.h"

namespace barion_gateway::sandbox {

struct TlsFiles {
  std::string ca_file;    // PEM certificate to trust (the gateway's barion.ca_file)
  std::string cert_file;  // the server's certificate (the same self-signed CA certificate)
  std::string key_file;   // its private key (mode 0600)
};

// Returns the files in `dir`, generating an EC P-256 key and a self-signed CA:TRUE certificate
// (SAN DNS:localhost, IP:127.0.0.1, IP:::1; valid 825 days) when they do not exist yet.
// Creates `dir` if needed. FAILED_PRECONDITION / INTERNAL on I/O or OpenSSL failures.
absl::Status EnsureTlsFiles(const std::string& dir, TlsFiles* files);

}  // namespace barion_gateway::sandbox

#endif  // BARION_GATEWAY_SANDBOX_TLS_H_
