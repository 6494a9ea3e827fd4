// HttpRequestReader: reads one HTTP/1.x request from bytes as they arrive, within hard limits,
// for the callback listener. Socket-free and dependency-free (Abseil only), so it is unit-tested
// and fuzzed directly.
//
// Limits hold while reading, not after: the request line and headers together at most
// `max_header_bytes` and `max_headers` lines; a body (Content-Length or chunked) at most
// `max_body_bytes` once decoded, with chunk-size lines and trailers bounded too. Memory is
// therefore bounded by the limits whatever a client sends. Request smuggling shapes are refused:
// Content-Length together with Transfer-Encoding, differing Content-Lengths, any transfer coding
// but chunked.
#ifndef BARION_GATEWAY_SERVER_HTTP_HTTP_REQUEST_READER_H_
#define BARION_GATEWAY_SERVER_HTTP_HTTP_REQUEST_READER_H_

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace barion_gateway::server {

struct ServedRequest {
  std::string method;                                        // as sent (methods are case-sensitive)
  std::string target;                                        // path and query
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;                                          // decoded
  bool keep_alive = true;
  // The client's address as the connection has it ("10.0.0.7", "::1"); set by the server.
  std::string peer;
};

class HttpRequestReader {
 public:
  struct Limits {
    size_t max_header_bytes = 8192;
    size_t max_headers = 64;
    size_t max_body_bytes = 4096;
  };
  enum class State { kNeedMore, kComplete, kError };

  explicit HttpRequestReader(Limits limits) : limits_(limits) {}

  // Consumes bytes from the front of `data` (advancing it) until the request is complete or an
  // error is found; bytes after a complete request are left in `data` (a pipelined request).
  State Feed(absl::string_view& data);

  // Whether any byte of the current request has arrived.
  bool started() const { return started_; }
  // With kComplete: the request.
  const ServedRequest& request() const { return request_; }
  // With kError: the HTTP status to answer (400, 413, 431, 501, 505) and a short reason.
  int error_status() const { return error_status_; }
  const std::string& error_reason() const { return error_reason_; }

  // Forgets the current request, to read the next one on a kept-alive connection.
  void Reset();

 private:
  enum class Phase { kHead, kBody, kChunkSize, kChunkData, kChunkDataEnd, kTrailers, kDone };
  State Fail(int status, std::string reason);
  State ParseHead();
  // Each phase of Feed: a State to return, or nullopt to go on with the next phase.
  std::optional<State> FeedHead(absl::string_view& data);
  std::optional<State> FeedChunkSize(absl::string_view& data);
  std::optional<State> FeedChunkDataEnd(absl::string_view& data);
  std::optional<State> FeedTrailers(absl::string_view& data);
  // Moves up to remaining_ body bytes from `data` into the body; true when none remain.
  bool TakeBody(absl::string_view& data);
  // A line of up to `max` bytes ending in CRLF (or LF) from `data` into `line_`; true when whole.
  bool TakeLine(absl::string_view& data, size_t max, bool* too_long);

  Limits limits_;
  Phase phase_ = Phase::kHead;
  bool started_ = false;
  std::string head_;      // request line and headers, until the empty line
  std::string line_;      // a chunk-size or trailer line being read
  size_t remaining_ = 0;  // body or chunk bytes still to read
  size_t trailer_bytes_ = 0;
  ServedRequest request_;
  int error_status_ = 0;
  std::string error_reason_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_HTTP_HTTP_REQUEST_READER_H_
