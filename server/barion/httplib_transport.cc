#include "server/barion/httplib_transport.h"

#include <openssl/ssl.h>
#include <signal.h>

#include <algorithm>
#include <fstream>
#include <mutex>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "httplib.h"
#include "server/common/loopback.h"

namespace barion_gateway::server {
namespace {

// SSL_CTX ex_data slot holding the transport's handshake counter.
int HandshakeCounterIndex() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

void CountHandshakes(const SSL* ssl, int where, int /*ret*/) {
  if ((where & SSL_CB_HANDSHAKE_DONE) == 0) return;
  auto* counter = static_cast<std::atomic<int64_t>*>(
      SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), HandshakeCounterIndex()));
  if (counter != nullptr) counter->fetch_add(1);
}

void SetTimeout(httplib::Client& client, void (httplib::Client::*setter)(time_t, time_t),
                absl::Duration d) {
  int64_t usec = std::max<int64_t>(absl::ToInt64Microseconds(d), 1000);
  (client.*setter)(static_cast<time_t>(usec / 1000000), static_cast<time_t>(usec % 1000000));
}

// OpenSSL writes with write(2), not send(MSG_NOSIGNAL): a peer that closed a pooled keep-alive
// connection would kill the whole process with SIGPIPE. Ignore it; the write then fails with
// EPIPE, which Send() handles.
void IgnoreSigpipe() {
  static std::once_flag once;
  std::call_once(once, [] { ::signal(SIGPIPE, SIG_IGN); });
}

}  // namespace

absl::StatusOr<std::unique_ptr<HttplibTransport>> HttplibTransport::Create(Options options) {
  IgnoreSigpipe();
  const std::string& url = options.base_url;
  if (!absl::StartsWith(url, "https://") && !absl::StartsWith(url, "http://")) {
    return absl::InvalidArgumentError(
        absl::StrCat(options.setting, ".base_url: must start with https:// or http://"));
  }
  absl::string_view rest = absl::StripPrefix(absl::StripPrefix(url, "https://"), "http://");
  if (rest.empty() || rest[0] == '/' || rest[0] == ':') {
    return absl::InvalidArgumentError(absl::StrCat(options.setting, ".base_url: has no host"));
  }
  if (rest.find('/') != absl::string_view::npos && rest.substr(rest.find('/')) != "/") {
    return absl::InvalidArgumentError(
        absl::StrCat(options.setting, ".base_url: must not have a path"));
  }
  if (absl::StartsWith(url, "http://") && !IsLoopbackAddress(rest.substr(0, rest.find('/')))) {
    // Every call carries a POSKey or an API key: only the local sandbox may be spoken to in clear.
    return absl::InvalidArgumentError(
        absl::StrCat(options.setting,
                     ".base_url: http:// is allowed only to a loopback address (the local "
                     "sandbox); Barion is https:// with TLS 1.2 or later"));
  }
  if (!options.ca_file.empty() && !std::ifstream(options.ca_file).good()) {
    return absl::InvalidArgumentError(
        absl::StrCat(options.setting, ".ca_file: cannot read ", options.ca_file));
  }
  if (options.max_connections < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(options.setting, ".max_connections: must be at least 1"));
  }
  if (absl::EndsWith(options.base_url, "/")) options.base_url.pop_back();
  return std::unique_ptr<HttplibTransport>(new HttplibTransport(std::move(options)));
}

HttplibTransport::HttplibTransport(Options options)
    : options_(std::move(options)), tls_handshakes_(std::make_shared<std::atomic<int64_t>>(0)) {}

HttplibTransport::~HttplibTransport() = default;

std::unique_ptr<httplib::Client> HttplibTransport::NewClient() {
  auto client = std::make_unique<httplib::Client>(options_.base_url);
  client->set_keep_alive(true);
  client->set_tcp_nodelay(true);
  client->set_follow_location(false);
  client->set_compress(false);
  if (absl::StartsWith(options_.base_url, "https://")) {
    client->enable_server_certificate_verification(true);
    if (!options_.ca_file.empty()) client->set_ca_cert_path(options_.ca_file);
    if (SSL_CTX* ctx = client->ssl_context(); ctx != nullptr) {
      SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
      SSL_CTX_set_ex_data(ctx, HandshakeCounterIndex(), tls_handshakes_.get());
      SSL_CTX_set_info_callback(ctx, CountHandshakes);
    }
  }
  return client;
}

absl::StatusOr<HttplibTransport::Pooled> HttplibTransport::Acquire(absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  auto available = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !idle_.empty() || in_use_ < options_.max_connections;
  };
  const bool waits = !available();
  if (waits) ++waiting_;
  const bool got = mu_.AwaitWithDeadline(absl::Condition(&available), deadline);
  if (waits) --waiting_;
  if (!got) {
    return TransportError(TransportFailure::kTimeoutNotSent,
                          "no upstream connection became free before the deadline");
  }
  ++in_use_;
  const absl::Time now = absl::Now();
  while (!idle_.empty()) {
    Pooled pooled = std::move(idle_.back());
    idle_.pop_back();
    if (now - pooled.last_used < options_.idle_keep_alive) return pooled;
    // Idle too long: the peer has probably closed it; let it go.
  }
  return Pooled{nullptr, now};
}

TransportStats HttplibTransport::Stats() const {
  TransportStats stats;
  stats.tls_handshakes = tls_handshakes_->load();
  absl::MutexLock lock(&mu_);
  stats.connections_in_use = in_use_;
  stats.connections_idle = static_cast<int>(idle_.size());
  stats.waiting = waiting_;
  return stats;
}

void HttplibTransport::Release(Pooled pooled) {
  absl::MutexLock lock(&mu_);
  --in_use_;
  if (pooled.client != nullptr) idle_.push_back(std::move(pooled));
}

namespace {

// What a failed exchange means: nothing sent (connect, TLS), or a timeout or reset after sending.
absl::Status FailureOf(httplib::Error error, bool past_deadline) {
  switch (error) {
    case httplib::Error::Connection:
      return past_deadline ? TransportError(TransportFailure::kTimeoutNotSent, "connect timed out")
                           : TransportError(TransportFailure::kConnect,
                                            "connection refused or host unreachable");
    case httplib::Error::ConnectionTimeout:
      return TransportError(TransportFailure::kTimeoutNotSent, "connect timed out");
    case httplib::Error::SSLConnection:
    case httplib::Error::SSLServerVerification:
    case httplib::Error::SSLLoadingCerts:
      return TransportError(TransportFailure::kTls, error == httplib::Error::SSLServerVerification
                                                        ? "server certificate verification failed"
                                                        : "TLS handshake failed");
    case httplib::Error::Read:
    case httplib::Error::Write:
    default:
      if (past_deadline) {
        return TransportError(TransportFailure::kTimeout, "no answer before the deadline");
      }
      return TransportError(TransportFailure::kReset,
                            "connection closed or reset before a complete answer");
  }
}

// One exchange on `client`, within the request's deadline. The answer's body is read through a
// receiver, never whole by cpp-httplib: a file (request.on_file_chunk) goes to the caller as it
// arrives (`delivered` is set once a chunk has); any other body is kept in `kept_body` up to
// request.max_body_bytes, where reading stops (`*truncated`; the status stays readable). Reading
// also stops at the deadline, whatever pace the bytes come at.
httplib::Result Exchange(httplib::Client& client, const HttpRequest& request,
                         const httplib::Headers& headers, absl::Duration max_connect_timeout,
                         std::string* kept_body, bool* delivered, bool* truncated) {
  const absl::Duration remaining = request.deadline - absl::Now();
  SetTimeout(client, &httplib::Client::set_connection_timeout,
             std::min(remaining, max_connect_timeout));
  SetTimeout(client, &httplib::Client::set_read_timeout, remaining);
  SetTimeout(client, &httplib::Client::set_write_timeout, remaining);
  kept_body->clear();
  *truncated = false;
  bool to_caller = false;
  std::string content_type;
  httplib::Request req;
  req.method = request.method;
  req.path = request.path;
  req.headers = headers;
  if (request.method == "POST") {
    req.body = request.body;
    req.headers.emplace("Content-Type", "application/json");
  }
  req.response_handler = [&](const httplib::Response& head) {
    content_type = head.get_header_value("Content-Type");
    to_caller = request.on_file_chunk && head.status >= 200 && head.status < 300 &&
                !absl::StrContains(content_type, "json");
    return true;
  };
  req.content_receiver = [&](const char* data, size_t size, uint64_t, uint64_t) {
    if (absl::Now() >= request.deadline) return false;
    if (to_caller) {
      *delivered = true;
      return request.on_file_chunk(content_type, data, size);
    }
    if (kept_body->size() + size > request.max_body_bytes) {
      kept_body->append(data, request.max_body_bytes - kept_body->size());
      *truncated = true;
      return false;
    }
    kept_body->append(data, size);
    return true;
  };
  auto response = std::make_unique<httplib::Response>();
  httplib::Error error = httplib::Error::Success;
  if (client.send(req, *response, error) || (*truncated && response->status > 0)) {
    return httplib::Result(std::move(response), httplib::Error::Success);
  }
  return httplib::Result(nullptr, error);
}

}  // namespace

absl::StatusOr<HttpResponse> HttplibTransport::Send(const HttpRequest& request) {
  const absl::Time start = absl::Now();
  if (request.deadline <= start) {
    return TransportError(TransportFailure::kTimeoutNotSent,
                          "deadline already passed before the call");
  }
  absl::StatusOr<Pooled> acquired = Acquire(request.deadline);
  if (!acquired.ok()) return acquired.status();
  Pooled pooled = *std::move(acquired);
  // The mutex is not held here: network I/O never runs under a lock.
  const bool reused = pooled.client != nullptr;
  if (!reused) pooled.client = NewClient();

  httplib::Headers headers;
  for (const auto& [name, value] : request.headers) headers.emplace(name, value);
  headers.emplace("Accept", "application/json");

  std::string kept_body;   // the answer's body (not a file passed to the caller)
  bool delivered = false;  // part of a file went to the caller
  bool truncated = false;  // the body was longer than request.max_body_bytes
  auto attempt = [&]() {
    return Exchange(*pooled.client, request, headers, options_.max_connect_timeout, &kept_body,
                    &delivered, &truncated);
  };
  httplib::Result result = attempt();
  // The server closed this idle keep-alive connection as we reused it (servers close idle ones
  // on their own timer, which can fire just as a request goes out). One retry on a fresh
  // connection is safe when the request could not be written (no complete request reached
  // Barion), and for a GET that failed before answering anything to the caller (a read applies
  // nothing). A POST that was written is never retried: Barion may have applied it.
  const bool repeatable =
      !result &&
      (result.error() == httplib::Error::Write ||
       (request.method == "GET" && !delivered && result.error() == httplib::Error::Read));
  if (repeatable && reused && absl::Now() < request.deadline) {
    pooled.client = NewClient();
    result = attempt();
  }

  if (!result) {
    const httplib::Error error = result.error();
    // A failed client is not reused: its connection state is unknown.
    pooled.client.reset();
    Release(std::move(pooled));
    return FailureOf(error,
                     /*past_deadline=*/absl::Now() >= request.deadline - absl::Milliseconds(5));
  }

  HttpResponse response;
  response.status = result->status;
  response.body = std::move(kept_body);
  response.body_truncated = truncated;
  response.content_type = result->get_header_value("Content-Type");
  // A connection whose answer was not read to its end cannot carry another request.
  const bool close =
      truncated || absl::EqualsIgnoreCase(result->get_header_value("Connection"), "close");
  pooled.last_used = absl::Now();
  if (close) pooled.client.reset();
  Release(std::move(pooled));
  return response;
}

}  // namespace barion_gateway::server
