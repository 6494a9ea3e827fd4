// Loopback detection parses the address: a name that only starts like a loopback one is not.
#include "server/common/loopback.h"

#include "gtest/gtest.h"

namespace barion_gateway::server {
namespace {

TEST(LoopbackTest, LoopbackAddressesAreRecognised) {
  for (const char* address :
       {"127.0.0.1:50051", "127.255.0.9:1", "[::1]:50051", "localhost:80", "LOCALHOST:80",
        "ipv4:127.0.0.1:5", "ipv6:[::1]:5", "[::ffff:127.0.0.1]:9", "127.0.0.1", "::1"}) {
    EXPECT_TRUE(IsLoopbackAddress(address)) << address;
  }
  EXPECT_TRUE(IsLoopbackHost("[::1]"));
  EXPECT_TRUE(IsLoopbackHost("127.0.0.53"));
}

TEST(LoopbackTest, LookAlikesAreNot) {
  for (const char* address :
       {"127.corp.example:50051", "127.0.0.1.nip.io:80", "localhost.example:80", "0.0.0.0:50051",
        "[::]:50051", "10.0.0.1:1", "[::2]:80", "128.0.0.1:1", "[::1:80", "1270.0.0.1:5",
        "unix:/run/gateway.sock", "", ":50051", "[::ffff:10.0.0.1]:9"}) {
    EXPECT_FALSE(IsLoopbackAddress(address)) << address;
  }
}

TEST(LoopbackTest, BarionCallsHttpsAndOnlyLoopbackInClear) {
  for (const char* url : {"https://pay.example.com/cb", "HTTPS://pay.example.com",
                          "http://127.0.0.1:8090/callback/web/x", "http://localhost/cb",
                          "http://[::1]:8090/cb", "http://127.0.0.1?x"}) {
    EXPECT_TRUE(IsHttpsOrLoopbackUrl(url)) << url;
  }
  for (const char* url :
       {"http://pay.example.com/cb", "http://127.corp.example/cb", "http://127.0.0.1@evil.test/",
        "http://10.0.0.1:8090/cb", "ftp://127.0.0.1/", "https://", "http://", "/cb", ""}) {
    EXPECT_FALSE(IsHttpsOrLoopbackUrl(url)) << url;
  }
}

}  // namespace
}  // namespace barion_gateway::server
