#include "server/events/callback_listener.h"

#include <openssl/crypto.h>

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "server/barion/callback_request.h"
#include "server/common/log.h"
#include "server/common/safe_text.h"

namespace barion_gateway::server {
namespace {

ServedResponse Answer(int status, std::string text) {
  return ServedResponse{status, std::move(text)};
}

// Constant-time comparison: the time a wrong secret takes tells nothing about the right one.
bool SecretMatches(absl::string_view given, const std::vector<std::string>& secrets) {
  bool match = false;
  for (const std::string& secret : secrets) {
    if (given.size() == secret.size() && !secret.empty() &&
        CRYPTO_memcmp(given.data(), secret.data(), secret.size()) == 0) {
      match = true;
    }
  }
  return match;
}

// The client behind `req`: its peer, or, when the peer is a trusted proxy, the address that
// proxy says it forwarded for: X-Forwarded-For read from its right end, skipping the trusted
// proxies' own hops (the entries left of them are the client's to write, so not trusted).
std::string ClientOf(const ServedRequest& req, const NetworkList& trusted_proxies) {
  if (trusted_proxies.empty() || !trusted_proxies.Contains(req.peer)) return req.peer;
  std::string client = req.peer;
  for (const auto& [name, value] : req.headers) {
    if (name != "x-forwarded-for") continue;
    std::vector<absl::string_view> hops = absl::StrSplit(value, ',');
    for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
      const std::string hop(absl::StripAsciiWhitespace(*it));
      client = hop;
      if (!trusted_proxies.Contains(hop)) break;
    }
  }
  return client;
}

}  // namespace

class CallbackListener::Impl {
 public:
  Impl(Options options, CallbackInbox* inbox, std::function<void()> on_recorded)
      : options_(std::move(options)), inbox_(inbox), on_recorded_(std::move(on_recorded)) {}

  ServedResponse Handle(const ServedRequest& req) const;
  void Count(CallbackReceipt receipt) const {
    if (options_.metrics != nullptr) options_.metrics->Received(receipt);
  }

  Options options_;
  CallbackInbox* const inbox_;
  const std::function<void()> on_recorded_;
  std::unique_ptr<BoundedHttpServer> server_;
  std::string address_;
};

ServedResponse CallbackListener::Impl::Handle(const ServedRequest& req) const {
  const absl::Time start = absl::Now();
  // Before anything else: a source outside the allowlist costs no store write, no Barion call.
  if (!options_.allowed_sources.empty() &&
      !options_.allowed_sources.Contains(ClientOf(req, options_.trusted_proxies))) {
    Count(CallbackReceipt::kSourceRefused);
    LogLimited(LogLevel::kWarn, "callback source refused",
               absl::StrCat("callback refused: source ", SafeText(req.peer, 64),
                            " is not in listen.callback_allowed_sources"));
    return Answer(404, "not found\n");
  }
  const size_t question = req.target.find('?');
  const absl::string_view path = absl::string_view(req.target).substr(0, question);
  const absl::string_view query = question == std::string::npos
                                      ? absl::string_view()
                                      : absl::string_view(req.target).substr(question + 1);
  // /callback/{shop}/{secret}
  const std::vector<absl::string_view> parts = absl::StrSplit(path, '/');
  if (parts.size() != 4 || !parts[0].empty() || parts[1] != "callback") {
    Count(CallbackReceipt::kUnknownShop);
    return Answer(404, "not found\n");
  }
  const auto shop = options_.shop_secrets.find(std::string(parts[2]));
  if (shop == options_.shop_secrets.end() || !SecretMatches(parts[3], shop->second)) {
    // Told apart for the operator's metrics only; the caller gets the same answer.
    Count(shop == options_.shop_secrets.end() ? CallbackReceipt::kUnknownShop
                                              : CallbackReceipt::kWrongSecret);
    // The same answer for an unknown shop and a wrong secret: nothing to learn by probing.
    LogLimited(LogLevel::kWarn, "callback refused",
               absl::StrCat("callback refused (unknown shop or wrong secret): path=",
                            SafeText(parts[2], 64), "/..."));
    return Answer(404, "not found\n");
  }
  if (req.method != "POST" && req.method != "GET") {
    Count(CallbackReceipt::kMethodNotAllowed);
    ServedResponse r = Answer(405, "method not allowed\n");
    r.headers.emplace_back("Allow", "GET, POST");
    return r;
  }
  absl::StatusOr<std::string> parsed = CallbackPaymentId(query, req.body);
  if (!parsed.ok()) {
    Count(CallbackReceipt::kBadRequest);
    LogLimited(
        LogLevel::kWarn, "callback without payment id",
        absl::StrCat("callback shop=", shop->first, " refused: ", parsed.status().message()));
    return Answer(400, absl::StrCat(parsed.status().message(), "\n"));
  }
  const std::string& payment_id = *parsed;
  absl::StatusOr<int64_t> id = inbox_->RecordCallback(shop->first, payment_id, absl::Now());
  if (!id.ok()) {
    Count(CallbackReceipt::kNotRecorded);
    if (options_.metrics != nullptr) options_.metrics->StoreError(StoreOperation::kInbox);
    // Limited: while the store is down every callback fails here.
    LogLimited(LogLevel::kError, "callback not recorded",
               absl::StrCat("callback shop=", shop->first, " payment_id=", payment_id,
                            " NOT recorded (Barion will retry): ", id.status().message()));
    return Answer(503, "try again\n");
  }
  Count(CallbackReceipt::kAccepted);
  if (options_.metrics != nullptr) options_.metrics->Acknowledged(absl::Now() - start);
  if (CallLogging()) {
    LogInfo("callback recorded",
            {{"shop", shop->first}, {"payment_id", payment_id}, {"receipt", absl::StrCat(*id)}});
  }
  if (on_recorded_) on_recorded_();
  return Answer(200, "OK\n");
}

absl::StatusOr<std::unique_ptr<CallbackListener>> CallbackListener::Start(
    Options options, CallbackInbox* inbox, std::function<void()> on_recorded) {
  BoundedHttpServer::Options http = options.http;
  http.thread_name = "callback";
  if (PipelineMetrics* metrics = options.metrics; metrics != nullptr) {
    http.on_tls_handshake_failure = [metrics] { metrics->Received(CallbackReceipt::kTlsFailed); };
  }
  if (absl::Status s = BoundedHttpServer::SetAddress(options.address, "callback_address", &http);
      !s.ok()) {
    return s;
  }
  auto impl = std::make_unique<Impl>(std::move(options), inbox, std::move(on_recorded));
  const Options& o = impl->options_;
  Impl* raw = impl.get();
  absl::StatusOr<std::unique_ptr<BoundedHttpServer>> server = BoundedHttpServer::Start(
      std::move(http), [raw](const ServedRequest& req) { return raw->Handle(req); });
  if (!server.ok()) {
    return absl::UnavailableError(absl::StrCat("callback_address: cannot listen on ", o.address,
                                               ": ", server.status().message()));
  }
  impl->server_ = *std::move(server);
  impl->address_ =
      absl::StrCat(o.address.substr(0, o.address.rfind(':')), ":", impl->server_->port());
  return std::unique_ptr<CallbackListener>(new CallbackListener(std::move(impl)));
}

CallbackListener::CallbackListener(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CallbackListener::~CallbackListener() { Stop(); }
int CallbackListener::port() const { return impl_->server_->port(); }
const std::string& CallbackListener::address() const { return impl_->address_; }
void CallbackListener::Stop() {
  if (impl_ != nullptr && impl_->server_ != nullptr) impl_->server_->Stop();
}

}  // namespace barion_gateway::server
