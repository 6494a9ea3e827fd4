// The PostgreSQL connection pool against a real PostgreSQL 15: bounded, reused, a broken
// connection replaced, and connecting again by itself after the server comes back.
#include "server/events/postgres/pg_pool.h"

#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/support/postgres_server.h"

namespace barion_gateway::server::postgres {
namespace {

using testing_support::PostgresServer;

class PgPoolTest : public testing::Test {
 protected:
  void SetUp() override {
    auto server = PostgresServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }
  PgPool::Options Options(int size, absl::Duration wait) {
    PgPool::Options options;
    options.settings = {server_->dsn(), ""};
    options.size = size;
    options.wait = wait;
    return options;
  }
  std::unique_ptr<PostgresServer> server_;
};

TEST_F(PgPoolTest, LendsAtMostSizeConnectionsAndReusesThem) {
  PgPool pool(Options(2, absl::Milliseconds(200)));
  {
    auto a = pool.Acquire();
    auto b = pool.Acquire();
    ASSERT_TRUE(a.ok() && b.ok());
    const absl::Time start = absl::Now();
    auto c = pool.Acquire();
    EXPECT_EQ(c.status().code(), absl::StatusCode::kUnavailable);
    EXPECT_GE(absl::Now() - start, absl::Milliseconds(190));
    EXPECT_EQ(pool.open(), 2);
  }
  // Returned: lent again without a new connection, and a waiting caller gets one in time.
  for (int i = 0; i < 10; ++i) {
    auto lease = pool.Acquire();
    ASSERT_TRUE(lease.ok());
    EXPECT_TRUE((*lease)->Exec("SELECT 1").ok());
  }
  EXPECT_EQ(pool.open(), 2);
  auto held = pool.Acquire();
  auto other = pool.Acquire();
  ASSERT_TRUE(held.ok() && other.ok());
  std::thread release([lease = std::move(*held)]() mutable {
    absl::SleepFor(absl::Milliseconds(50));
    PgPool::Lease gone = std::move(lease);
  });
  EXPECT_TRUE(pool.Acquire().ok()) << "the returned connection reached the waiting caller";
  release.join();
}

TEST_F(PgPoolTest, ABrokenConnectionIsReplaced) {
  PgPool pool(Options(1, absl::Seconds(2)));
  std::string pid;
  {
    auto lease = pool.Acquire();
    ASSERT_TRUE(lease.ok());
    pid = (*(*lease)->Exec("SELECT pg_backend_pid()"))[0][0];
  }
  {
    // An operator (or a failover) ends the pooled session.
    auto admin = PgConnection::Open({server_->dsn(), ""});
    ASSERT_TRUE(admin.ok());
    ASSERT_TRUE((*admin)->Exec(absl::StrCat("SELECT pg_terminate_backend(", pid, ")")).ok());
  }
  {
    auto lease = pool.Acquire();
    ASSERT_TRUE(lease.ok());
    EXPECT_EQ((*lease)->Exec("SELECT 1").status().code(), absl::StatusCode::kUnavailable);
  }
  auto lease = pool.Acquire();
  ASSERT_TRUE(lease.ok());
  auto again = (*lease)->Exec("SELECT pg_backend_pid()");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_NE((*again)[0][0], pid);
  EXPECT_EQ(pool.open(), 1);
}

TEST_F(PgPoolTest, ReconnectsByItselfWhenTheServerComesBack) {
  PgPool pool(Options(2, absl::Seconds(1)));
  ASSERT_TRUE(server_->Stop().ok());
  EXPECT_EQ(pool.Acquire().status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(pool.open(), 0);
  ASSERT_TRUE(server_->Restart().ok());
  auto lease = pool.Acquire();
  ASSERT_TRUE(lease.ok()) << lease.status();
  EXPECT_TRUE((*lease)->Exec("SELECT 1").ok());
}

}  // namespace
}  // namespace barion_gateway::server::postgres
