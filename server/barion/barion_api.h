// BarionApi: one Barion REST call, from an encoded body to a parsed answer or a mapped error.
//
// It adds the x-pos-key or x-api-key header (the only place the keys are used), sends through the
// HttpTransport, parses the answer once, and decides: a 2xx JSON answer with an empty `Errors`
// array is success; Barion's `Errors` become BarionErrorStatus (even on HTTP 200, as for a
// failed synchronous token charge); everything else becomes UpstreamFailureStatus, telling
// "nothing was sent" from "outcome unknown" for mutations (every POST).
// It does not retry: a retried Barion POST could take money twice.
#ifndef BARION_GATEWAY_SERVER_BARION_BARION_API_H_
#define BARION_GATEWAY_SERVER_BARION_BARION_API_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/barion/codec.h"
#include "server/barion/http_transport.h"

namespace barion_gateway::server {

// Which secret authenticates a call: a shop's POSKey (payment operations), a wallet's API key
// (wallet operations), or none (the QR code image: no secret goes where none is needed).
enum class KeyHeader { kPosKey, kApiKey, kNone };

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
  // A piece of a file with the file's Content-Type; false abandons the download.
  using FileChunkSink =
      std::function<bool(const std::string& content_type, const char* data, size_t size)>;
  // GETs a file (a statement): a 2xx answer that is not JSON goes to `on_chunk` piece by piece
  // as it arrives, never buffered whole. Barion's error answers become statuses as for Get. A
  // failure after some chunks were delivered is UPSTREAM_CONNECTION_RESET or UPSTREAM_TIMEOUT.
  // `content_type` receives the file's type (also for an empty file). Thread-safe.
  absl::Status GetFile(const std::string& path, const std::string& key, absl::Time deadline,
                       KeyHeader header, const FileChunkSink& on_chunk,
                       std::string* content_type) const;

 private:
  absl::StatusOr<ParsedAnswer> Call(HttpRequest request, const std::string& key,
                                    KeyHeader header) const;
  // Maps an HTTP answer: Barion's errors, rate limit, other HTTP errors, malformed bodies.
  static absl::StatusOr<ParsedAnswer> Interpret(HttpResponse response, bool mutation);

  HttpTransport* transport_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_BARION_BARION_API_H_
