// Fuzz target for the callback listener's HTTP reader (server/http/http_request_reader.h): the
// input is fed as the bytes of one connection, in pieces whose sizes come from the input's first
// byte, and every request read from it is checked: whatever arrives, no crash, memory within the
// limits (a body never over max_body_bytes, headers never over their limits), and only the
// documented error statuses.
//
// Built like callback_fuzzer.cc: with libFuzzer (tests/fuzz/libfuzzer_test.sh) and as a replay
// test with tests/fuzz/standalone_main.cc.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "server/http/http_request_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  using barion_gateway::server::HttpRequestReader;
  HttpRequestReader::Limits limits;
  limits.max_body_bytes = 64;
  limits.max_header_bytes = 512;
  limits.max_headers = 8;
  HttpRequestReader reader(limits);
  const size_t piece = 1 + data[0] % 37;
  absl::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  int requests = 0;
  while (!rest.empty()) {
    absl::string_view chunk = rest.substr(0, piece);
    const size_t before = chunk.size();
    HttpRequestReader::State state = reader.Feed(chunk);
    rest.remove_prefix(before - chunk.size());
    if (state == HttpRequestReader::State::kError) {
      const int s = reader.error_status();
      if (s != 400 && s != 413 && s != 431 && s != 501 && s != 505) std::abort();
      return 0;
    }
    if (state == HttpRequestReader::State::kComplete) {
      const auto& r = reader.request();
      if (r.body.size() > limits.max_body_bytes) std::abort();
      if (r.headers.size() > limits.max_headers) std::abort();
      if (r.method.empty() || r.target.empty() || r.target[0] != '/') std::abort();
      if (++requests > 1000) std::abort();
      reader.Reset();
    } else if (chunk.size() != 0) {
      std::abort();  // it needs more, yet left bytes unread
    }
  }
  return 0;
}
