// A PostgreSQL 15 server of a test's own, from Debian's binaries: a cluster made by initdb in a
// fresh folder under /tmp, listening on a loopback port the OS picked (and a Unix socket in the
// same folder), stopped and removed when the object goes. PostgreSQL refuses to run as root, so
// as root the cluster belongs to, and runs as, the `postgres` user the package creates (its
// folder is under /tmp because that user cannot enter the test's own temporary folder).
#ifndef BARION_GATEWAY_TESTS_SUPPORT_POSTGRES_SERVER_H_
#define BARION_GATEWAY_TESTS_SUPPORT_POSTGRES_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace barion_gateway::testing_support {

class PostgresServer {
 public:
  // initdb (trust authentication on loopback only), then starts the server and waits until it
  // accepts connections. UNAVAILABLE, with the tools' output, when something fails.
  static absl::StatusOr<std::unique_ptr<PostgresServer>> Start();
  ~PostgresServer();

  // A libpq connection string for the cluster's superuser and `database` over TCP.
  std::string dsn(const std::string& database = "postgres") const;
  // Creates an empty database (createdb).
  absl::Status CreateDatabase(const std::string& database);
  int port() const { return port_; }

  // Stops the server (fast shutdown: open transactions are rolled back), and starts it again
  // on the same port: a database outage, for tests.
  absl::Status Stop();
  absl::Status Restart();
  // Restarts the server with TLS on, presenting the certificate and key of these PEM files
  // (copied into its folder, the key readable by the server's user only). Clients may still
  // connect without TLS unless they ask for it (sslmode).
  absl::Status UseTls(const std::string& cert_file, const std::string& key_file);

 private:
  PostgresServer() = default;
  // Runs a PostgreSQL tool as the cluster's owner; its output is kept for error messages.
  absl::Status RunTool(const std::string& tool, const std::string& args);

  std::string dir_;   // the folder: data/ and the Unix socket
  std::string user_;  // who runs the server: "postgres" when we are root, else ourselves
  int port_ = 0;
  bool running_ = false;
  bool tls_ = false;
};

// One server for a whole test binary (each test makes a database of its own): started on first
// use, stopped when the binary exits. A server that cannot start ends the binary with its reason.
PostgresServer& SharedPostgresServer();

}  // namespace barion_gateway::testing_support

#endif  // BARION_GATEWAY_TESTS_SUPPORT_POSTGRES_SERVER_H_
