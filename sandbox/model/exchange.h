// One HTTP exchange without a socket: what the simulated Barion reads from a request and what
// it answers. The HTTP adapter (sandbox/server.cc) fills an ApiRequest from the wire and writes
// the ApiResponse back; unit tests build them directly.
#ifndef BARION_GATEWAY_SANDBOX_MODEL_EXCHANGE_H_
#define BARION_GATEWAY_SANDBOX_MODEL_EXCHANGE_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace barion_gateway::sandbox {

struct ApiRequest {
  std::string method;  // "GET", "POST", "DELETE"
  std::string path;    // decoded, without the query
  std::string body;
  std::map<std::string, std::string> headers;      // names in lower case
  std::multimap<std::string, std::string> params;  // the query, decoded
  std::vector<std::string> captures;               // set by routing: [0] the path, then groups

  // The first value of a header (name in any case) or query parameter, or "".
  std::string Header(absl::string_view name) const;
  bool HasHeader(absl::string_view name) const;
  std::string Param(absl::string_view name) const;
  bool HasParam(absl::string_view name) const;

  // Builders for tests and the adapter.
  void SetHeader(absl::string_view name, std::string value);
};

// How the body leaves: whole (with a Content-Length), in chunks, or cut short as a broken
// connection would (the `reset` fault: a long body promised, a few bytes sent).
enum class Delivery { kWhole, kChunked, kResetMidBody };

struct ApiResponse {
  int status = 200;
  std::string body;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;
  Delivery delivery = Delivery::kWhole;

  void SetContent(std::string content, std::string type);
  void SetHeader(std::string name, std::string value);
  // A redirect to `url` with `status` (303 after a form).
  void Redirect(const std::string& url, int status);
  // The value of a header set on the answer, or "".
  std::string Header(absl::string_view name) const;
};

// Decodes %XX escapes, and '+' as a space when `plus_is_space` (form bodies and queries).
std::string UrlDecode(absl::string_view text, bool plus_is_space);

}  // namespace barion_gateway::sandbox

#endif  // BARION_GATEWAY_SANDBOX_MODEL_EXCHANGE_H_
