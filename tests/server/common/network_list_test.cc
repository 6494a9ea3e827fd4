// NetworkList: CIDR networks, IPv4 and IPv6, parsed rather than compared as text.
#include "server/common/network_list.h"

#include "gtest/gtest.h"

namespace barion_gateway::server {
namespace {

TEST(NetworkListTest, MatchesAddressesInItsNetworks) {
  absl::StatusOr<NetworkList> list =
      NetworkList::Parse({"20.223.214.216", "10.0.0.0/8", "192.168.1.128/25", "2001:db8::/32"});
  ASSERT_TRUE(list.ok()) << list.status();
  for (const char* in : {"20.223.214.216", "10.1.2.3", "192.168.1.200", "2001:db8::1",
                         "::ffff:10.9.9.9", "[2001:db8:1::5]"}) {
    EXPECT_TRUE(list->Contains(in)) << in;
  }
  for (const char* out : {"20.223.214.217", "11.0.0.1", "192.168.1.127", "2001:db9::1",
                          "10.0.0.1.example", "", "localhost"}) {
    EXPECT_FALSE(list->Contains(out)) << out;
  }
}

TEST(NetworkListTest, RefusesWhatIsNotANetworkNamingTheEntry) {
  for (const std::vector<std::string>& bad : {std::vector<std::string>{"10.0.0.0/33"},
                                              {"1.2.3.4", "10.0.0/8"},
                                              {"::1/129"},
                                              {"example.com/32"},
                                              {"10.0.0.0/x"}}) {
    absl::StatusOr<NetworkList> list = NetworkList::Parse(bad);
    EXPECT_FALSE(list.ok()) << bad.back();
    EXPECT_NE(list.status().message().find("entry"), absl::string_view::npos);
  }
  EXPECT_TRUE(NetworkList::Parse({})->empty());
}

}  // namespace
}  // namespace barion_gateway::server
