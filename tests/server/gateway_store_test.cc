// The gateway and its data folder: a store that vanished or was replaced is not silently
// started over, and cursors of another store are refused.
#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "barion/v1/payment_event.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "server/events/sqlite/sqlite_event_store.h"
#include "server/gateway.h"
#include "tests/server/barion/fake_transport.h"
#include "tests/support/status_details.h"

namespace barion_gateway::server {
namespace {

namespace v1 = ::barion::v1;

Config TestConfig(const std::string& data_dir) {
  Config config;
  config.shops = {{"web", "0123456789abcdef0123456789abcdef", "shop@example.com",
                   "https://shop.example/return", "", "hu-HU"}};
  config.grpc_address = "127.0.0.1:0";
  config.callback_address = "127.0.0.1:0";
  config.admin_address = "127.0.0.1:0";
  config.data_dir = data_dir;
  return config;
}

absl::StatusOr<std::unique_ptr<GatewayServer>> Start(const Config& config) {
  return GatewayServer::Start(config, std::make_unique<FakeTransport>());
}

void RemoveStore(const std::string& dir) {
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::remove(absl::StrCat(dir, "/events.db", suffix).c_str());
  }
}

// Appends a Prepared event for `payment_id` of shop web; returns its cursor ("" on failure).
std::string AppendPrepared(GatewayServer& gateway, const std::string& payment_id) {
  v1::PaymentEvent e;
  e.set_shop("web");
  e.set_payment_id(payment_id);
  e.mutable_snapshot()->set_status(v1::PAYMENT_STATUS_PREPARED);
  auto appended = gateway.event_store()->AppendIfChanged(e);
  EXPECT_TRUE(appended.ok() && appended->has_value());
  return appended.ok() && appended->has_value() ? (**appended).cursor() : "";
}

TEST(GatewayStoreTest, AVanishedStoreIsNotStartedOverUnlessAskedAndOldCursorsAreRefused) {
  const std::string dir = testing::TempDir() + "/gateway-store";
  std::string old_cursor;
  {
    auto gateway = Start(TestConfig(dir));
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    old_cursor = AppendPrepared(**gateway, "p1");
    ASSERT_FALSE(old_cursor.empty());
  }
  // Restarting on the same store is fine.
  ASSERT_TRUE(Start(TestConfig(dir)).ok());

  RemoveStore(dir);
  auto refused = Start(TestConfig(dir));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("--new_event_store"), absl::string_view::npos)
      << refused.status();

  Config anew = TestConfig(dir);
  anew.new_event_store = true;
  auto gateway = Start(anew);
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  // The new store's first event does not reuse the old one's cursor.
  EXPECT_NE(AppendPrepared(**gateway, "p2"), old_cursor);

  auto channel =
      grpc::CreateChannel((*gateway)->grpc_address(), grpc::InsecureChannelCredentials());
  auto events = v1::PaymentEventService::NewStub(channel);
  grpc::ClientContext context;
  v1::ListPaymentEventsRequest list;
  list.set_after_cursor(old_cursor);
  v1::ListPaymentEventsResponse page;
  grpc::Status s = events->ListPaymentEvents(&context, list, &page);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(testing_support::BadFields(s), std::vector<std::string>{"after_cursor"});
  EXPECT_NE(s.error_message().find("another event store"), std::string::npos) << s.error_message();

  grpc::ClientContext stream_context;
  v1::SubscribePaymentEventsRequest subscribe;
  subscribe.set_after_cursor(old_cursor);
  auto reader = events->SubscribePaymentEvents(&stream_context, subscribe);
  v1::SubscribePaymentEventsResponse message;
  EXPECT_FALSE(reader->Read(&message));
  grpc::Status ended = reader->Finish();
  EXPECT_EQ(ended.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(testing_support::BadFields(ended), std::vector<std::string>{"after_cursor"});

  // A store file from somewhere else put in place is refused too.
  gateway->reset();
  RemoveStore(dir);
  ASSERT_TRUE(SqliteEventStore::Open(dir + "/events.db").ok());
  auto replaced = Start(TestConfig(dir));
  EXPECT_EQ(replaced.status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace barion_gateway::server
