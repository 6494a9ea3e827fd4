// The admin listener on its own: /readyz follows the gateway's readiness, /metrics serves the
// registry's text, and nothing else is answered.
#include "server/admin/admin_server.h"

#include <atomic>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"

namespace barion_gateway::server {
namespace {

TEST(AdminServerTest, ReadinessFollowsTheGatewayAndMetricsAreServed) {
  GatewayMetrics metrics("1.0", "c0ffee", {});
  std::atomic<bool> ready{true};
  auto admin = AdminServer::Start("127.0.0.1:0", &metrics, [&] { return ready.load(); });
  ASSERT_TRUE(admin.ok()) << admin.status();
  httplib::Client client("http://" + (*admin)->address());
  EXPECT_EQ(client.Get("/readyz")->status, 200);
  ready = false;  // draining
  EXPECT_EQ(client.Get("/readyz")->status, 503);
  EXPECT_EQ(client.Get("/healthz")->status, 200);  // still up
  auto text = client.Get("/metrics?x=1");
  ASSERT_TRUE(text);
  EXPECT_THAT(text->body, testing::HasSubstr("barion_gateway_build_info{commit=\"c0ffee\""));
  EXPECT_EQ(client.Get("/metrics/../healthz")->status, 404);
  EXPECT_EQ(client.Delete("/healthz")->status, 405);
  EXPECT_EQ(AdminServer::Start("no-port", &metrics, [] { return true; }).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(AdminServerTest, WithMetricsOffOnlyHealthIsServed) {
  auto admin = AdminServer::Start("127.0.0.1:0", nullptr, [] { return true; });
  ASSERT_TRUE(admin.ok()) << admin.status();
  httplib::Client client("http://" + (*admin)->address());
  EXPECT_EQ(client.Get("/metrics")->status, 404);
  EXPECT_EQ(client.Get("/readyz")->status, 200);
}

TEST(AdminServerTest, AnswersCarryTheirContentTypesAndHeadHasNoBody) {
  GatewayMetrics metrics("1.0", "c0ffee", {});
  auto admin = AdminServer::Start("127.0.0.1:0", &metrics, [] { return true; });
  ASSERT_TRUE(admin.ok()) << admin.status();
  httplib::Client client("http://" + (*admin)->address());
  auto scrape = client.Get("/metrics");
  ASSERT_TRUE(scrape);
  EXPECT_EQ(scrape->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  auto health = client.Get("/healthz");
  EXPECT_EQ(health->body, "ok\n");
  EXPECT_EQ(health->get_header_value("Content-Type"), "text/plain; charset=utf-8");
  auto head = client.Head("/readyz");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(head->body.empty());
  EXPECT_EQ(client.Post("/readyz", "", "text/plain")->status, 405);
}

TEST(AdminServerTest, AnAddressInUseIsUnavailableNamingTheSetting) {
  auto first = AdminServer::Start("127.0.0.1:0", nullptr, [] { return true; });
  ASSERT_TRUE(first.ok()) << first.status();
  const absl::Status second =
      AdminServer::Start((*first)->address(), nullptr, [] { return true; }).status();
  EXPECT_EQ(second.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(second.message()), testing::StartsWith("admin_address: "));
}

}  // namespace
}  // namespace barion_gateway::server
