#include "server/barion/barion_api.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/barion/limited_transport.h"
#include "server/common/errors.h"

namespace barion_gateway::server {
namespace {

UpstreamFailure FailureOf(const absl::Status& status) {
  absl::optional<absl::Cord> kind = status.GetPayload(kTransportFailurePayloadUrl);
  const std::string k = kind ? std::string(*kind) : "";
  if (k == kFailureBusy) return UpstreamFailure::kGatewayBusy;
  if (k == kFailureConnect) return UpstreamFailure::kUnreachable;
  if (k == kFailureTls) return UpstreamFailure::kTlsFailure;
  if (k == kFailureTimeoutNotSent) return UpstreamFailure::kTimeoutNotSent;
  if (k == kFailureTimeout) return UpstreamFailure::kTimeout;
  if (status.code() == absl::StatusCode::kDeadlineExceeded) return UpstreamFailure::kTimeout;
  return UpstreamFailure::kConnectionReset;
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

absl::StatusOr<ParsedAnswer> BarionApi::Get(const std::string& path, const std::string& key,
                                            absl::Time deadline, KeyHeader header) const {
  HttpRequest request;
  request.method = "GET";
  request.path = path;
  request.deadline = deadline;
  return Call(std::move(request), key, header);
}

absl::StatusOr<ParsedAnswer> BarionApi::Post(const std::string& path, const std::string& key,
                                             std::string body, absl::Time deadline,
                                             KeyHeader header) const {
  HttpRequest request;
  request.method = "POST";
  request.path = path;
  request.body = std::move(body);
  request.deadline = deadline;
  return Call(std::move(request), key, header);
}

absl::Status BarionApi::GetFile(const std::string& path, const std::string& key,
                                absl::Time deadline, KeyHeader header,
                                const FileChunkSink& on_chunk, std::string* content_type) const {
  HttpRequest request;
  request.method = "GET";
  request.path = path;
  request.deadline = deadline;
  request.on_file_chunk = on_chunk;
  AddKey(request, header, key);
  absl::StatusOr<HttpResponse> response = transport_->Send(request);
  if (!response.ok()) {
    return UpstreamFailureStatus(FailureOf(response.status()), /*mutation=*/false, 0,
                                 response.status().message());
  }
  if (response->status >= 200 && response->status < 300 &&
      !absl::StrContains(response->content_type, "json")) {
    *content_type = response->content_type;
    return absl::OkStatus();  // the file went to on_chunk
  }
  absl::StatusOr<ParsedAnswer> answer = Interpret(*std::move(response), /*mutation=*/false);
  if (!answer.ok()) return answer.status();
  return UpstreamFailureStatus(UpstreamFailure::kMalformedResponse, /*mutation=*/false, 200,
                               "Barion answered JSON where a file was expected");
}

absl::StatusOr<ParsedAnswer> BarionApi::Call(HttpRequest request, const std::string& key,
                                             KeyHeader header) const {
  const bool mutation = request.method != "GET";
  AddKey(request, header, key);
  absl::StatusOr<HttpResponse> response = transport_->Send(request);
  if (!response.ok()) {
    // The transport's message is its own secret-free text.
    return UpstreamFailureStatus(FailureOf(response.status()), mutation, 0,
                                 response.status().message());
  }
  return Interpret(*std::move(response), mutation);
}

absl::StatusOr<ParsedAnswer> BarionApi::Interpret(HttpResponse response, bool mutation) {
  ParsedAnswer answer = ParsedAnswer::Parse(response.body);
  const ErrorEnvelope& env = answer.envelope();
  if (!env.errors.empty()) {
    return BarionErrorStatus(env.errors, response.status, env.payment_id);
  }
  const int http = response.status;
  if (http == 429) {
    return UpstreamFailureStatus(UpstreamFailure::kRateLimited, mutation, http,
                                 "Barion's rate limit (2 PaymentState calls per payment per 5 s)");
  }
  if (http < 200 || http >= 300) {
    std::string detail = absl::StrCat("HTTP ", http);
    if (!env.message.empty()) absl::StrAppend(&detail, ": ", Shorten(env.message));
    if (!env.is_json_object) absl::StrAppend(&detail, ", body is not JSON");
    return UpstreamFailureStatus(UpstreamFailure::kHttpError, mutation, http, detail);
  }
  if (!env.is_json_object) {
    return UpstreamFailureStatus(UpstreamFailure::kMalformedResponse, mutation, http,
                                 "HTTP 2xx answer is not a JSON object");
  }
  return answer;
}

}  // namespace barion_gateway::server
