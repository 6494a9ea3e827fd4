// BarionApi: one Barion REST call, from an encoded body to a parsed answer or a mapped error.
//
// It adds the x-pos-key or x-api-key header (the only place the keys are used), sends through the
// HttpTransport, parses the answer once, and decides: a 2xx JSON answer with an empty `Errors`
// array is success; Barion's `Errors` are an UpstreamError kBarionError (even on HTTP 200, as
// for a failed synchronous token charge); everything else is an UpstreamError of its failure
// kind, telling "nothing was sent" from "outcome unknown" for mutations (every POST).
// It does not retry: a retried Barion POST could take money twice.
#ifndef BARION_GATEWAY_SERVER_BARION_BARION_API_H_
#define BARION_GATEWAY_SERVER_BARION_BARION_API_H_

#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/barion/call_observer.h"
#include "server/barion/codec.h"
#include "server/barion/http_transport.h"
#include "server/barion/upstream_error.h"

namespace barion_gateway::server {

// Which secret authenticates a call: a shop's POSKey (payment operations), a wallet's API key
// (wallet operations), or none (the QR code image: no secret goes where none is needed).
enum class KeyHeader { kPosKey, kApiKey, kNone };

// Barion's parsed answer, or the typed reason there is none.
class BarionResult {
 public:
  BarionResult(ParsedAnswer answer) : answer_(std::move(answer)) {}  // NOLINT: implicit
  BarionResult(UpstreamError error) : error_(std::move(error)) {}    // NOLINT: implicit

  bool ok() const { return answer_.has_value(); }
  // Preconditions: ok().
  const ParsedAnswer& operator*() const { return *answer_; }
  const ParsedAnswer* operator->() const { return &*answer_; }
  // Precondition: !ok().
  const UpstreamError& error() const { return *error_; }
  // OK, or the error in the gateway's error model (UpstreamError::ToStatus).
  absl::Status status() const { return ok() ? absl::OkStatus() : error_->ToStatus(); }

 private:
  std::optional<ParsedAnswer> answer_;
  std::optional<UpstreamError> error_;
};

class BarionApi {
 public:
  // `transport` and `observer` (told of every call; may be null) are not owned and must outlive
  // this object.
  explicit BarionApi(HttpTransport* transport, BarionCallObserver* observer = nullptr)
      : transport_(transport), observer_(observer) {}

  // GET `path` (PaymentState v4). Thread-safe.
  BarionResult Get(const std::string& path, const std::string& key, absl::Time deadline,
                   KeyHeader header = KeyHeader::kPosKey) const;
  // POST `body` to `path`. Thread-safe.
  BarionResult Post(const std::string& path, const std::string& key, std::string body,
                    absl::Time deadline, KeyHeader header = KeyHeader::kPosKey) const;
  // A piece of a file with the file's Content-Type; false abandons the download.
  using FileChunkSink =
      std::function<bool(const std::string& content_type, const char* data, size_t size)>;
  // GETs a file (a statement): a 2xx answer that is not JSON goes to `on_chunk` piece by piece
  // as it arrives, never buffered whole. Returns nullopt when the file came whole, else the error
  // as for Get; a failure after some chunks were delivered is kConnectionReset or kTimeout.
  // `content_type` receives the file's type (also for an empty file). Thread-safe.
  std::optional<UpstreamError> GetFile(const std::string& path, const std::string& key,
                                       absl::Time deadline, KeyHeader header,
                                       const FileChunkSink& on_chunk,
                                       std::string* content_type) const;

 private:
  BarionResult Call(HttpRequest request, const std::string& key, KeyHeader header) const;
  // Maps an HTTP answer: Barion's errors, rate limit, other HTTP errors, malformed bodies.
  static BarionResult Interpret(HttpResponse response, bool mutation);
  // Tells the observer (when there is one) how the call to `path` that began at `start` ended.
  void Observe(absl::string_view path, absl::Time start, int http_status,
               const UpstreamError* error) const;

  HttpTransport* transport_;
  BarionCallObserver* observer_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_BARION_BARION_API_H_
