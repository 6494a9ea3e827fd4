#include "tests/support/postgres_server.h"

#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace barion_gateway::testing_support {
namespace {

constexpr char kBin[] = "/usr/lib/postgresql/15/bin/";

// A loopback port free now (the server binds it a moment later; tests run one server each).
int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

// Runs `command` through the shell; returns its exit status and its output (both streams).
int Run(const std::string& command, std::string* output) {
  FILE* pipe = ::popen(absl::StrCat(command, " 2>&1").c_str(), "r");
  if (pipe == nullptr) return -1;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) output->append(buffer, n);
  return ::pclose(pipe);
}

}  // namespace

absl::StatusOr<std::unique_ptr<PostgresServer>> PostgresServer::Start() {
  if (::access(absl::StrCat(kBin, "initdb").c_str(), X_OK) != 0) {
    return absl::UnavailableError(
        "PostgreSQL 15 is not installed (postgresql-15; tools/install_deps.sh installs it)");
  }
  std::unique_ptr<PostgresServer> server(new PostgresServer());
  char folder[] = "/tmp/barion-gateway-pg-XXXXXX";
  if (::mkdtemp(folder) == nullptr) return absl::UnavailableError("mkdtemp failed");
  server->dir_ = folder;
  if (::geteuid() == 0) {
    server->user_ = "postgres";
    const passwd* pw = ::getpwnam("postgres");
    if (pw == nullptr || ::chown(folder, pw->pw_uid, pw->pw_gid) != 0) {
      return absl::UnavailableError("no postgres user to run the server as");
    }
  } else {
    server->user_ = ::getpwuid(::geteuid())->pw_name;
  }
  server->port_ = FreePort();
  if (absl::Status s = server->RunTool("initdb", absl::StrCat("-D ", server->dir_,
                                                              "/data -A trust -U postgres -E UTF8 "
                                                              "--locale=C.UTF-8 --no-sync"));
      !s.ok()) {
    return s;
  }
  if (absl::Status s = server->Restart(); !s.ok()) return s;
  return server;
}

PostgresServer::~PostgresServer() {
  Stop().IgnoreError();
  std::string ignored;
  if (!dir_.empty()) Run(absl::StrCat("rm -rf '", dir_, "'"), &ignored);
}

std::string PostgresServer::dsn(const std::string& database) const {
  return absl::StrCat("host=127.0.0.1 port=", port_, " user=postgres dbname=", database);
}

absl::Status PostgresServer::CreateDatabase(const std::string& database) {
  return RunTool("createdb", absl::StrCat("-h 127.0.0.1 -p ", port_, " -U postgres ", database));
}

absl::Status PostgresServer::RunTool(const std::string& tool, const std::string& args) {
  const std::string command = absl::StrCat(
      user_ == "postgres" && ::geteuid() == 0 ? "/usr/sbin/runuser -u postgres -- " : "", kBin,
      tool, " ", args);
  std::string output;
  const int status = Run(command, &output);
  if (status != 0) {
    return absl::UnavailableError(absl::StrCat(tool, " failed (", status, "): ", output));
  }
  return absl::OkStatus();
}

absl::Status PostgresServer::Stop() {
  if (!running_) return absl::OkStatus();
  running_ = false;
  return RunTool("pg_ctl", absl::StrCat("-D ", dir_, "/data -m fast -w stop"));
}

absl::Status PostgresServer::UseTls(const std::string& cert_file, const std::string& key_file) {
  std::string output;
  const std::string owner = user_ == "postgres" && ::geteuid() == 0 ? "postgres" : user_;
  if (Run(absl::StrCat("install -m 0644 -o ", owner, " '", cert_file, "' '", dir_,
                       "/server.crt' && install -m 0600 -o ", owner, " '", key_file, "' '", dir_,
                       "/server.key'"),
          &output) != 0) {
    return absl::UnavailableError(absl::StrCat("cannot install the TLS files: ", output));
  }
  if (absl::Status s = Stop(); !s.ok()) return s;
  tls_ = true;
  return Restart();
}

absl::Status PostgresServer::Restart() {
  if (running_) return absl::OkStatus();
  const std::string tls = tls_ ? absl::StrCat(" -c ssl=on -c ssl_cert_file=", dir_,
                                              "/server.crt -c ssl_key_file=", dir_, "/server.key")
                               : "";
  // fsync off: a test's cluster need not survive a power cut, and it makes tests faster.
  absl::Status s =
      RunTool("pg_ctl", absl::StrCat("-D ", dir_, "/data -l ", dir_,
                                     "/server.log -w -t 60 -o \"-c "
                                     "listen_addresses=127.0.0.1 -p ",
                                     port_, " -k ", dir_, " -c fsync=off -c max_connections=200",
                                     tls, "\" start"));
  if (s.ok()) running_ = true;
  return s;
}

PostgresServer& SharedPostgresServer() {
  static PostgresServer* server = [] {
    absl::StatusOr<std::unique_ptr<PostgresServer>> started = PostgresServer::Start();
    if (!started.ok()) {
      std::fprintf(stderr, "PostgreSQL for the tests: %s\n", started.status().ToString().c_str());
      std::abort();
    }
    std::atexit([] { delete server; });
    return started->release();
  }();
  return *server;
}

}  // namespace barion_gateway::testing_support
