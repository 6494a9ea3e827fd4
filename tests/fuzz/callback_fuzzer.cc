// Fuzz target for the callback parser (server/barion/callback_request.h): the input is split at its
// first newline into the query string and the body of a callback request. Whatever the input,
// the parser must not crash, and an id it accepts must be 32 lowercase hex digits that parse back
// to itself.
//
// Built two ways: with libFuzzer by tests/fuzz/libfuzzer_test.sh (clang -fsanitize=fuzzer,
// address), and with tests/fuzz/standalone_main.cc as a Bazel test that replays the seed corpus
// and mutations of it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "server/barion/callback_request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  const std::string query = input.substr(0, newline);
  const std::string body = newline == std::string::npos ? "" : input.substr(newline + 1);
  absl::StatusOr<std::string> id = barion_gateway::server::CallbackPaymentId(query, body);
  if (!id.ok()) {
    if (id.status().code() != absl::StatusCode::kInvalidArgument) std::abort();
    return 0;
  }
  if (id->size() != 32) std::abort();
  for (char c : *id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) std::abort();
  }
  absl::StatusOr<std::string> again =
      barion_gateway::server::CallbackPaymentId("paymentId=" + *id, "");
  if (!again.ok() || *again != *id) std::abort();
  return 0;
}
