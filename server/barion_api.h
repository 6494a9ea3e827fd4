// BarionApi: one Barion REST call, from an encoded body to a parsed answer or a mapped error.
//
// It adds the x-pos-key or x-api-key header (the only place the keys are used), sends through the
// HttpTransport, parses the answer once, and decides: a 2xx JSON answer with an empty `Errors`
// array is success; Barion's `Errors` become BarionErrorStatus (even on HTTP 200, as for a
// failed synchronous token charge); everything else becomes UpstreamFailureStatus, telling
// "nothing was sent" from "outcome unknown" for mutations (every POST).
// It does not retry: a retried Barion POST could take money twice.
#ifndef BARION_GATEWAY_SERVER_BARION_API_H_
#define BARION_GATEWAY_SERVER_BARION_API_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/codec.h"
#include "server/http_transport.h"

namespace barion_gateway::server {

// Which secret authenticates a call: a shop's POSKey (payment operations) or a wallet's API key
// (wallet operations).
enum class KeyHeader { kPosKey, kApiKey };

class BarionApi {
 public:
  // `transport` is not owned and must outlive this object.
  explicit BarionApi(HttpTransport* transport) : transport_(transport) {}

  // GET `path` (PaymentState v4). Thread-safe.
  absl::StatusOr<ParsedAnswer> Get(const std::string& path, const std::string& key,
                                   absl::Time deadline,
                                   KeyHeader header = KeyHeader::kPosKey) const;
  // POST `body` to `path`. Thread-safe.
  absl::StatusOr<ParsedAnswer> Post(const std::string& path, const std::string& key,
                                    std::string body, absl::Time deadline,
                                    KeyHeader header = KeyHeader::kPosKey) const;

 private:
  absl::StatusOr<ParsedAnswer> Call(HttpRequest request, const std::string& key,
                                    KeyHeader header) const;

  HttpTransport* transport_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_BARION_API_H_
