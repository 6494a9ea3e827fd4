#include "server/http/http_request_reader.h"

#include <string>

#include "gtest/gtest.h"

namespace barion_gateway::server {
namespace {

using State = HttpRequestReader::State;

State FeedAll(HttpRequestReader& r, absl::string_view bytes) { return r.Feed(bytes); }

// Byte by byte, so every phase sees its input split at every place.
State FeedByteByByte(HttpRequestReader& r, absl::string_view bytes) {
  State s = State::kNeedMore;
  for (size_t i = 0; i < bytes.size() && s == State::kNeedMore; ++i) {
    absl::string_view one = bytes.substr(i, 1);
    s = r.Feed(one);
  }
  return s;
}

TEST(HttpRequestReaderTest, ReadsAContentLengthRequest) {
  const std::string req =
      "POST /callback/web/s?paymentId=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";
  for (bool bytewise : {false, true}) {
    HttpRequestReader r({});
    ASSERT_EQ(bytewise ? FeedByteByByte(r, req) : FeedAll(r, req), State::kComplete);
    EXPECT_EQ(r.request().method, "POST");
    EXPECT_EQ(r.request().target, "/callback/web/s?paymentId=1");
    EXPECT_EQ(r.request().body, "hello");
    EXPECT_TRUE(r.request().keep_alive);
  }
}

TEST(HttpRequestReaderTest, DecodesChunkedBodiesAndLeavesPipelinedBytes) {
  std::string req =
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n1\r\n!\r\n0\r\n"
      "Trailer: x\r\n\r\nGET / HTTP/1.1\r\n\r\n";
  HttpRequestReader r({});
  absl::string_view data = req;
  ASSERT_EQ(r.Feed(data), State::kComplete);
  EXPECT_EQ(r.request().body, "hello!");
  EXPECT_EQ(data, "GET / HTTP/1.1\r\n\r\n");
  r.Reset();
  ASSERT_EQ(r.Feed(data), State::kComplete);
  EXPECT_EQ(r.request().method, "GET");

  HttpRequestReader bytewise({});
  EXPECT_EQ(FeedByteByByte(bytewise, req), State::kComplete);
  EXPECT_EQ(bytewise.request().body, "hello!");
}

TEST(HttpRequestReaderTest, LimitsHoldWhileReading) {
  HttpRequestReader::Limits limits;
  limits.max_body_bytes = 10;
  HttpRequestReader chunked(limits);
  EXPECT_EQ(FeedAll(chunked,
                    "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n"),
            State::kError);
  EXPECT_EQ(chunked.error_status(), 413);
  HttpRequestReader length(limits);
  EXPECT_EQ(FeedAll(length, "POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n"), State::kError);
  EXPECT_EQ(length.error_status(), 413);
  HttpRequestReader headers({});
  std::string many = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 100; ++i) many += "X: y\r\n";
  EXPECT_EQ(FeedAll(headers, many + "\r\n"), State::kError);
  EXPECT_EQ(headers.error_status(), 431);
  HttpRequestReader huge({});
  EXPECT_EQ(FeedAll(huge, "GET / HTTP/1.1\r\nX: " + std::string(10000, 'v')), State::kError);
  EXPECT_EQ(huge.error_status(), 431);
}

TEST(HttpRequestReaderTest, RefusesMalformedAndSmugglingShapes) {
  const std::pair<const char*, int> cases[] = {
      {"POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
      {"POST / HTTP/2.0\r\n\r\n", 505},
      {"POST  / HTTP/1.1\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nno colon\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n", 400},
  };
  for (const auto& [bytes, status] : cases) {
    HttpRequestReader r({});
    EXPECT_EQ(FeedAll(r, bytes), State::kError) << bytes;
    EXPECT_EQ(r.error_status(), status) << bytes;
  }
}

TEST(HttpRequestReaderTest, ConnectionHeaderAndHttp10) {
  HttpRequestReader close({});
  ASSERT_EQ(FeedAll(close, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n"), State::kComplete);
  EXPECT_FALSE(close.request().keep_alive);
  HttpRequestReader old({});
  ASSERT_EQ(FeedAll(old, "GET / HTTP/1.0\r\n\r\n"), State::kComplete);
  EXPECT_FALSE(old.request().keep_alive);
}

}  // namespace
}  // namespace barion_gateway::server
