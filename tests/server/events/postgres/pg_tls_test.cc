// TLS to the database (libpq's sslmode in the DSN) against a real PostgreSQL 15 serving a
// certificate of a test CA: the store connects with sslmode=verify-full and its session is
// encrypted; a server whose certificate another CA signed is refused, and the refusal names
// the certificate, never the password.
#include <memory>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/events/postgres/pg_connection.h"
#include "server/events/postgres/pg_event_store.h"
#include "tests/support/postgres_server.h"
#include "tests/support/test_pki.h"

namespace barion_gateway::server::postgres {
namespace {

using testing::HasSubstr;
using testing::Not;
using testing_support::PostgresServer;
using testing_support::TestCa;

constexpr char kPassword[] = "db-pw-7f3a9c2e51b04d68";

class PgTlsTest : public testing::Test {
 protected:
  void SetUp() override {
    auto server = PostgresServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    dir_ = testing::TempDir();
    ca_ = TestCa::Create(dir_, "db-ca");
    const auto leaf = ca_->Issue("db", {"DNS:localhost", "IP:127.0.0.1"});
    ASSERT_TRUE(server_->UseTls(leaf.cert_file, leaf.key_file).ok());
    ASSERT_TRUE(server_->CreateDatabase("gateway").ok());
  }
  std::string Dsn(const std::string& ca_file) const {
    return absl::StrCat("host=localhost port=", server_->port(),
                        " user=postgres dbname=gateway sslmode=verify-full sslrootcert=", ca_file);
  }
  std::unique_ptr<PostgresServer> server_;
  std::string dir_;
  std::unique_ptr<TestCa> ca_;
};

TEST_F(PgTlsTest, VerifiesTheServerAndEncryptsTheSession) {
  auto conn = PgConnection::Open({Dsn(ca_->certificate().cert_file), kPassword});
  ASSERT_TRUE(conn.ok()) << conn.status();
  auto ssl = (*conn)->Exec("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
  ASSERT_TRUE(ssl.ok()) << ssl.status();
  EXPECT_EQ((*ssl)[0][0], "t");

  PgEventStore::Options options;
  options.pool.settings = {Dsn(ca_->certificate().cert_file), kPassword};
  options.owner = "tls";
  auto store = PgEventStore::Open(options);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_TRUE((*store)->RecordCallback("web", "p1", absl::Now()).ok());
}

TEST_F(PgTlsTest, RefusesAServerAnotherCaVouchesFor) {
  auto other = TestCa::Create(dir_, "other-ca");
  PgEventStore::Options options;
  options.pool.settings = {Dsn(other->certificate().cert_file), kPassword};
  options.owner = "tls";
  auto store = PgEventStore::Open(options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(store.status().message(), HasSubstr("certificate"));
  EXPECT_THAT(store.status().message(), Not(HasSubstr(kPassword)));
}

}  // namespace
}  // namespace barion_gateway::server::postgres
