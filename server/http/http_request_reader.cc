#include "server/http/http_request_reader.h"

#include <algorithm>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace barion_gateway::server {
namespace {

bool IsToken(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!(absl::ascii_isalnum(c) || absl::StrContains("!#$%&'*+-.^_`|~", c))) return false;
  }
  return true;
}

}  // namespace

void HttpRequestReader::Reset() {
  phase_ = Phase::kHead;
  started_ = false;
  head_.clear();
  line_.clear();
  remaining_ = 0;
  trailer_bytes_ = 0;
  request_ = ServedRequest();
  error_status_ = 0;
  error_reason_.clear();
}

HttpRequestReader::State HttpRequestReader::Fail(int status, std::string reason) {
  error_status_ = status;
  error_reason_ = std::move(reason);
  return State::kError;
}

bool HttpRequestReader::TakeBody(absl::string_view& data) {
  const size_t take = std::min(remaining_, data.size());
  request_.body.append(data.data(), take);
  data.remove_prefix(take);
  remaining_ -= take;
  return remaining_ == 0;
}

bool HttpRequestReader::TakeLine(absl::string_view& data, size_t max, bool* too_long) {
  const size_t newline = data.find('\n');
  const size_t take = newline == absl::string_view::npos ? data.size() : newline + 1;
  if (line_.size() + take > max) {
    *too_long = true;
    return false;
  }
  line_.append(data.data(), take);
  data.remove_prefix(take);
  return newline != absl::string_view::npos;
}

HttpRequestReader::State HttpRequestReader::Feed(absl::string_view& data) {
  if (error_status_ != 0) return State::kError;
  if (phase_ == Phase::kDone) return State::kComplete;
  if (!data.empty()) started_ = true;
  while (true) {
    std::optional<State> state;
    switch (phase_) {
      case Phase::kHead:
        state = FeedHead(data);
        break;
      case Phase::kBody:
        if (!TakeBody(data)) return State::kNeedMore;
        phase_ = Phase::kDone;
        return State::kComplete;
      case Phase::kChunkSize:
        state = FeedChunkSize(data);
        break;
      case Phase::kChunkData:
        if (!TakeBody(data)) return State::kNeedMore;
        phase_ = Phase::kChunkDataEnd;
        break;
      case Phase::kChunkDataEnd:
        state = FeedChunkDataEnd(data);
        break;
      case Phase::kTrailers:
        state = FeedTrailers(data);
        break;
      case Phase::kDone:
        return State::kComplete;
    }
    if (state.has_value()) return *state;
  }
}

std::optional<HttpRequestReader::State> HttpRequestReader::FeedHead(absl::string_view& data) {
  // Leading empty lines before a request line are allowed (RFC 9112 §2.2).
  while (head_.empty() && !data.empty() && (data[0] == '\r' || data[0] == '\n')) {
    data.remove_prefix(1);
  }
  // Find the blank line that ends the head, looking only at what is new (and 3 bytes back).
  const size_t before = head_.size();
  const size_t room = limits_.max_header_bytes - std::min(before, limits_.max_header_bytes);
  const size_t take = std::min(data.size(), room);
  head_.append(data.data(), take);
  const size_t from = before >= 3 ? before - 3 : 0;
  size_t end = head_.find("\r\n\r\n", from);
  size_t end_len = 4;
  const size_t lf_end = head_.find("\n\n", from);
  if (lf_end != std::string::npos && (end == std::string::npos || lf_end < end)) {
    end = lf_end;
    end_len = 2;
  }
  if (end == std::string::npos) {
    data.remove_prefix(take);
    if (head_.size() >= limits_.max_header_bytes) {
      return Fail(431, "request line and headers are too large");
    }
    return State::kNeedMore;
  }
  // Give back what follows the head.
  const size_t used = end + end_len - before;
  data.remove_prefix(used);
  head_.resize(end);
  if (State s = ParseHead(); s != State::kNeedMore) return s;
  return std::nullopt;
}

std::optional<HttpRequestReader::State> HttpRequestReader::FeedChunkSize(absl::string_view& data) {
  bool too_long = false;
  if (!TakeLine(data, 256, &too_long)) {
    if (too_long) return Fail(400, "chunk size line is too long");
    return State::kNeedMore;
  }
  absl::string_view size = absl::StripAsciiWhitespace(line_);
  size = size.substr(0, size.find(';'));  // chunk extensions are ignored
  size = absl::StripTrailingAsciiWhitespace(size);
  uint64_t n = 0;
  if (size.empty() || size.size() > 8 || !absl::SimpleHexAtoi(size, &n) ||
      !std::all_of(size.begin(), size.end(), [](char c) { return absl::ascii_isxdigit(c); })) {
    return Fail(400, "malformed chunk size");
  }
  line_.clear();
  if (n == 0) {
    phase_ = Phase::kTrailers;
    return std::nullopt;
  }
  if (request_.body.size() + n > limits_.max_body_bytes) {
    return Fail(413, "body is too large");
  }
  remaining_ = n;
  phase_ = Phase::kChunkData;
  return std::nullopt;
}

std::optional<HttpRequestReader::State> HttpRequestReader::FeedChunkDataEnd(
    absl::string_view& data) {
  bool too_long = false;
  if (!TakeLine(data, 2, &too_long)) {
    if (too_long) return Fail(400, "chunk data is longer than its size");
    return State::kNeedMore;
  }
  if (line_ != "\r\n" && line_ != "\n") return Fail(400, "chunk data is longer than its size");
  line_.clear();
  phase_ = Phase::kChunkSize;
  return std::nullopt;
}

std::optional<HttpRequestReader::State> HttpRequestReader::FeedTrailers(absl::string_view& data) {
  bool too_long = false;
  const size_t room = limits_.max_header_bytes - std::min(trailer_bytes_, limits_.max_header_bytes);
  if (!TakeLine(data, room, &too_long)) {
    if (too_long) return Fail(431, "trailers are too large");
    return State::kNeedMore;
  }
  trailer_bytes_ += line_.size();
  const bool blank = line_ == "\r\n" || line_ == "\n";
  line_.clear();
  if (blank) {
    phase_ = Phase::kDone;
    return State::kComplete;
  }
  return std::nullopt;  // trailer fields are read and dropped
}

HttpRequestReader::State HttpRequestReader::ParseHead() {
  std::vector<absl::string_view> lines = absl::StrSplit(head_, '\n');
  if (lines.size() > limits_.max_headers + 1) return Fail(431, "too many header lines");
  for (absl::string_view& l : lines) absl::ConsumeSuffix(&l, "\r");
  // Request line: METHOD SP TARGET SP HTTP/1.x
  std::vector<absl::string_view> parts = absl::StrSplit(lines[0], ' ');
  if (parts.size() != 3 || !IsToken(parts[0]) || parts[1].empty() || parts[1][0] != '/') {
    return Fail(400, "malformed request line");
  }
  if (parts[2] != "HTTP/1.1" && parts[2] != "HTTP/1.0") {
    return Fail(505, "only HTTP/1.0 and HTTP/1.1 are served");
  }
  for (char c : parts[1]) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return Fail(400, "malformed target");
  }
  request_.method = std::string(parts[0]);
  request_.target = std::string(parts[1]);
  const bool http10 = parts[2] == "HTTP/1.0";
  request_.keep_alive = !http10;

  bool has_length = false;
  uint64_t length = 0;
  bool chunked = false;
  bool has_encoding = false;
  for (size_t i = 1; i < lines.size(); ++i) {
    const absl::string_view l = lines[i];
    const size_t colon = l.find(':');
    if (colon == absl::string_view::npos || !IsToken(l.substr(0, colon))) {
      return Fail(400, "malformed header line");
    }
    std::string name = absl::AsciiStrToLower(l.substr(0, colon));
    const absl::string_view value = absl::StripAsciiWhitespace(l.substr(colon + 1));
    if (name == "content-length") {
      uint64_t n = 0;
      if (value.empty() || value.size() > 19 ||
          !std::all_of(value.begin(), value.end(), [](char c) { return absl::ascii_isdigit(c); }) ||
          !absl::SimpleAtoi(value, &n) || (has_length && n != length)) {
        return Fail(400, "malformed Content-Length");
      }
      has_length = true;
      length = n;
    } else if (name == "transfer-encoding") {
      has_encoding = true;
      if (!absl::EqualsIgnoreCase(value, "chunked")) {
        return Fail(501, "only the chunked transfer coding is served");
      }
      chunked = true;
    } else if (name == "connection") {
      const std::string lower = absl::AsciiStrToLower(value);
      if (absl::StrContains(lower, "close")) request_.keep_alive = false;
      if (http10 && absl::StrContains(lower, "keep-alive")) request_.keep_alive = true;
    }
    request_.headers.emplace_back(std::move(name), std::string(value));
  }
  if (has_length && has_encoding) {
    return Fail(400, "Content-Length and Transfer-Encoding together");
  }
  if (chunked) {
    phase_ = Phase::kChunkSize;
    return State::kNeedMore;
  }
  if (length > limits_.max_body_bytes) return Fail(413, "body is too large");
  remaining_ = static_cast<size_t>(length);
  phase_ = Phase::kBody;
  return State::kNeedMore;
}

}  // namespace barion_gateway::server
