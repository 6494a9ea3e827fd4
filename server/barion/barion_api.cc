#include "server/barion/barion_api.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace barion_gateway::server {
namespace {

UpstreamFailure FailureOf(TransportFailure failure) {
  switch (failure) {
    case TransportFailure::kBusy:
      return UpstreamFailure::kGatewayBusy;
    case TransportFailure::kConnect:
      return UpstreamFailure::kUnreachable;
    case TransportFailure::kTls:
      return UpstreamFailure::kTlsFailure;
    case TransportFailure::kTimeoutNotSent:
      return UpstreamFailure::kTimeoutNotSent;
    case TransportFailure::kTimeout:
      return UpstreamFailure::kTimeout;
    case TransportFailure::kReset:
      return UpstreamFailure::kConnectionReset;
  }
  return UpstreamFailure::kConnectionReset;
}

// An error without an HTTP answer; the transport's message is its own secret-free text.
UpstreamError NoAnswer(const absl::Status& transport_status, bool mutation) {
  UpstreamError error;
  error.failure = FailureOf(TransportFailureOf(transport_status));
  error.mutation = mutation;
  error.detail = std::string(transport_status.message());
  return error;
}

UpstreamError Failure(UpstreamFailure failure, bool mutation, int http_status, std::string detail) {
  UpstreamError error;
  error.failure = failure;
  error.mutation = mutation;
  error.http_status = http_status;
  error.detail = std::move(detail);
  return error;
}

// Barion's ASP.NET "Message" is generic text ("An error has occurred."); keep it short.
std::string Shorten(absl::string_view text) {
  return std::string(text.size() > 200 ? text.substr(0, 200) : text);
}

void AddKey(HttpRequest& request, KeyHeader header, const std::string& key) {
  if (header == KeyHeader::kNone) return;
  request.headers.emplace_back(header == KeyHeader::kApiKey ? "x-api-key" : "x-pos-key", key);
}

}  // namespace

BarionResult BarionApi::Get(const std::string& path, const std::string& key, absl::Time deadline,
                            KeyHeader header) const {
  HttpRequest request;
  request.method = "GET";
  request.path = path;
  request.deadline = deadline;
  return Call(std::move(request), key, header);
}

BarionResult BarionApi::Post(const std::string& path, const std::string& key, std::string body,
                             absl::Time deadline, KeyHeader header) const {
  HttpRequest request;
  request.method = "POST";
  request.path = path;
  request.body = std::move(body);
  request.deadline = deadline;
  return Call(std::move(request), key, header);
}

std::optional<UpstreamError> BarionApi::GetFile(const std::string& path, const std::string& key,
                                                absl::Time deadline, KeyHeader header,
                                                const FileChunkSink& on_chunk,
                                                std::string* content_type) const {
  HttpRequest request;
  request.method = "GET";
  request.path = path;
  request.deadline = deadline;
  request.on_file_chunk = on_chunk;
  AddKey(request, header, key);
  const absl::Time start = absl::Now();
  absl::StatusOr<HttpResponse> response = transport_->Send(request);
  if (!response.ok()) {
    UpstreamError error = NoAnswer(response.status(), /*mutation=*/false);
    Observe(path, start, 0, &error);
    return error;
  }
  const int http = response->status;
  if (http >= 200 && http < 300 && !absl::StrContains(response->content_type, "json")) {
    *content_type = response->content_type;
    Observe(path, start, http, nullptr);
    return std::nullopt;  // the file went to on_chunk
  }
  BarionResult answer = Interpret(*std::move(response), /*mutation=*/false);
  UpstreamError error = answer.ok() ? Failure(UpstreamFailure::kMalformedResponse,
                                              /*mutation=*/false, http,
                                              "Barion answered JSON where a file was expected")
                                    : answer.error();
  Observe(path, start, http, &error);
  return error;
}

BarionResult BarionApi::Call(HttpRequest request, const std::string& key, KeyHeader header) const {
  const bool mutation = request.method != "GET";
  AddKey(request, header, key);
  const absl::Time start = absl::Now();
  absl::StatusOr<HttpResponse> response = transport_->Send(request);
  if (!response.ok()) {
    UpstreamError error = NoAnswer(response.status(), mutation);
    Observe(request.path, start, 0, &error);
    return error;
  }
  const int http = response->status;
  BarionResult result = Interpret(*std::move(response), mutation);
  Observe(request.path, start, http, result.ok() ? nullptr : &result.error());
  return result;
}

void BarionApi::Observe(absl::string_view path, absl::Time start, int http_status,
                        const UpstreamError* error) const {
  if (observer_ == nullptr) return;
  BarionCall call;
  call.path = path;
  call.http_status = http_status;
  if (error != nullptr) {
    call.failure = error->failure;
    call.errors = &error->barion_errors;
  }
  call.took = absl::Now() - start;
  observer_->BarionCalled(call);
}

BarionResult BarionApi::Interpret(HttpResponse response, bool mutation) {
  ParsedAnswer answer = ParsedAnswer::Parse(response.body);
  const ErrorEnvelope& env = answer.envelope();
  const int http = response.status;
  if (!env.errors.empty()) {
    UpstreamError error = Failure(UpstreamFailure::kBarionError, mutation, http, "");
    error.barion_errors = env.errors;
    error.payment_id = env.payment_id;
    return error;
  }
  if (http == 429) {
    return Failure(UpstreamFailure::kRateLimited, mutation, http,
                   "Barion's rate limit (2 PaymentState calls per payment per 5 s)");
  }
  if (http < 200 || http >= 300) {
    std::string detail = absl::StrCat("HTTP ", http);
    if (!env.message.empty()) absl::StrAppend(&detail, ": ", Shorten(env.message));
    if (!env.is_json_object) absl::StrAppend(&detail, ", body is not JSON");
    return Failure(UpstreamFailure::kHttpError, mutation, http, std::move(detail));
  }
  if (!env.is_json_object) {
    return Failure(UpstreamFailure::kMalformedResponse, mutation, http,
                   "HTTP 2xx answer is not a JSON object");
  }
  return answer;
}

}  // namespace barion_gateway::server
