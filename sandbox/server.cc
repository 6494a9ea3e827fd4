// The sandbox's HTTP side: the HTTP and HTTPS listeners that hand each request to the Simulator
// and write its answer back, and the thread that sends the callbacks the Simulator schedules.
// Everything Barion-like is the Simulator's (sandbox/model/).
#include <signal.h>

#include <atomic>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "httplib.h"
#include "sandbox/callback_sender.h"
#include "sandbox/model/simulator.h"
#include "sandbox/sandbox.h"
#include "sandbox/tls.h"

namespace barion_gateway::sandbox {
namespace {

bool SplitAddress(const std::string& address, std::string* host, int* port) {
  size_t colon = address.rfind(':');
  if (colon == std::string::npos) return false;
  *host = address.substr(0, colon);
  return absl::SimpleAtoi(address.substr(colon + 1), port) && *port >= 0 && *port <= 65535;
}

int g_handshake_index = -1;

// OpenSSL's info callback: counts each completed handshake on the context's Simulator.
void CountServerHandshake(const SSL* ssl, int where, int) {
  if ((where & SSL_CB_HANDSHAKE_DONE) == 0) return;
  auto* simulator =
      static_cast<Simulator*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), g_handshake_index));
  if (simulator != nullptr) simulator->CountTlsHandshake();
}

ApiRequest FromWire(const httplib::Request& req) {
  ApiRequest out;
  out.method = req.method;
  out.path = req.path;
  out.body = req.body;
  for (const auto& [name, value] : req.headers) {
    out.headers.emplace(absl::AsciiStrToLower(name), value);  // the first of repeated headers
  }
  out.params.insert(req.params.begin(), req.params.end());
  return out;
}

void ToWire(const ApiResponse& answer, httplib::Response& res) {
  res.status = answer.status;
  for (const auto& [name, value] : answer.headers) res.set_header(name, value);
  switch (answer.delivery) {
    case Delivery::kWhole:
      if (!answer.body.empty() || !answer.content_type.empty()) {
        res.set_content(answer.body, answer.content_type);
      }
      return;
    case Delivery::kChunked: {
      auto text = std::make_shared<std::string>(answer.body);
      res.set_chunked_content_provider(
          answer.content_type, [text](size_t offset, httplib::DataSink& sink) {
            if (offset >= text->size()) {
              sink.done();
              return true;
            }
            const size_t n = std::min<size_t>(16 * 1024, text->size() - offset);
            return sink.write(text->data() + offset, n);
          });
      return;
    }
    case Delivery::kResetMidBody: {
      // Promise a long body, write what the answer has, then fail: the connection closes.
      auto text = std::make_shared<std::string>(answer.body);
      res.set_content_provider(text->size() + 1000, answer.content_type,
                               [text](size_t offset, size_t, httplib::DataSink& sink) {
                                 if (offset == 0) sink.write(text->data(), text->size());
                                 return false;
                               });
      return;
    }
  }
}

}  // namespace

class Sandbox::Impl {
 public:
  Impl(SandboxOptions options, std::unique_ptr<Simulator> simulator)
      : options_(std::move(options)), simulator_(std::move(simulator)) {}
  ~Impl() { Stop(); }

  absl::Status Start();
  void Stop();

  int http_port() const { return http_port_; }
  int https_port() const { return https_port_; }
  const std::string& ca_file() const { return tls_.ca_file; }

 private:
  void Configure(httplib::Server& server);
  absl::Status StartHttp();
  absl::Status StartHttps();
  void DispatchLoop();
  CallbackSendResult Deliver(const CallbackJob& job);

  SandboxOptions options_;
  std::unique_ptr<Simulator> simulator_;
  TlsFiles tls_;
  std::unique_ptr<httplib::Server> http_;
  std::unique_ptr<httplib::SSLServer> https_;
  std::vector<std::thread> listeners_;
  std::thread dispatcher_;
  int http_port_ = 0;
  int https_port_ = 0;
  std::atomic<bool> stopping_{false};
  absl::Notification stopped_;
};

absl::Status Sandbox::Impl::Start() {
  // OpenSSL writes with write(2): a client that goes away must not kill the sandbox.
  ::signal(SIGPIPE, SIG_IGN);
  if (!options_.http_address.empty()) {
    if (absl::Status s = StartHttp(); !s.ok()) return s;
  }
  if (!options_.https_address.empty()) {
    if (absl::Status s = StartHttps(); !s.ok()) return s;
  }
  if (options_.gateway_base_url.empty()) {
    simulator_->SetPayPageBase(https_port_ > 0 ? absl::StrCat("https://127.0.0.1:", https_port_)
                                               : absl::StrCat("http://127.0.0.1:", http_port_));
  }
  for (int i = 0; i < 500; ++i) {
    if ((http_ == nullptr || http_->is_running()) && (https_ == nullptr || https_->is_running())) {
      break;
    }
    absl::SleepFor(absl::Milliseconds(2));
  }
  dispatcher_ = std::thread([this] { DispatchLoop(); });
  return absl::OkStatus();
}

void Sandbox::Impl::Configure(httplib::Server& server) {
  const int threads = options_.threads;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_keep_alive_max_count(1000000);
  server.set_keep_alive_timeout(5);  // also bounds how long Stop() waits for idle clients
  server.set_read_timeout(30, 0);
  server.set_write_timeout(30, 0);
  server.set_payload_max_length(1 << 20);
  server.set_tcp_nodelay(true);
  auto forward = [this](const httplib::Request& req, httplib::Response& res) {
    ToWire(simulator_->Handle(FromWire(req)), res);
  };
  server.Get(".*", forward);
  server.Post(".*", forward);
  server.Delete(".*", forward);
  server.set_exception_handler([](const httplib::Request&, httplib::Response& res,
                                  std::exception_ptr) {
    res.status = 500;
    res.set_header("Cache-Control", "no-cache");
    res.set_header("Pragma", "no-cache");
    res.set_header("Expires", "-1");
    res.set_content("{\"Message\":\"An error has occurred.\"}", "application/json; charset=utf-8");
  });
}

absl::Status Sandbox::Impl::StartHttp() {
  std::string host;
  int port;
  if (!SplitAddress(options_.http_address, &host, &port)) {
    return absl::InvalidArgumentError("http_address must be host:port");
  }
  http_ = std::make_unique<httplib::Server>();
  Configure(*http_);
  http_port_ =
      port == 0 ? http_->bind_to_any_port(host) : (http_->bind_to_port(host, port) ? port : -1);
  if (http_port_ <= 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options_.http_address));
  }
  listeners_.emplace_back([this] { http_->listen_after_bind(); });
  return absl::OkStatus();
}

absl::Status Sandbox::Impl::StartHttps() {
  std::string host;
  int port;
  if (options_.tls_dir.empty()) return absl::InvalidArgumentError("HTTPS needs tls_dir");
  if (absl::Status s = EnsureTlsFiles(options_.tls_dir, &tls_); !s.ok()) return s;
  if (!SplitAddress(options_.https_address, &host, &port)) {
    return absl::InvalidArgumentError("https_address must be host:port");
  }
  https_ = std::make_unique<httplib::SSLServer>(tls_.cert_file.c_str(), tls_.key_file.c_str());
  if (!https_->is_valid()) return absl::InternalError("cannot load the sandbox's TLS files");
  if (g_handshake_index < 0) {
    g_handshake_index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  }
  SSL_CTX_set_ex_data(https_->ssl_context(), g_handshake_index, simulator_.get());
  SSL_CTX_set_info_callback(https_->ssl_context(), CountServerHandshake);
  Configure(*https_);
  https_port_ =
      port == 0 ? https_->bind_to_any_port(host) : (https_->bind_to_port(host, port) ? port : -1);
  if (https_port_ <= 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options_.https_address));
  }
  listeners_.emplace_back([this] { https_->listen_after_bind(); });
  return absl::OkStatus();
}

void Sandbox::Impl::Stop() {
  if (stopping_.exchange(true)) return;
  stopped_.Notify();
  simulator_->Shutdown();
  if (http_) http_->stop();
  if (https_) https_->stop();
  for (std::thread& t : listeners_) t.join();
  listeners_.clear();
  if (dispatcher_.joinable()) dispatcher_.join();
}

void Sandbox::Impl::DispatchLoop() {
  while (!stopping_.load()) {
    for (const CallbackJob& job : simulator_->TakeDueCallbacks()) {
      if (stopping_.load()) return;
      // No lock is held during network I/O.
      CallbackSendResult sent = Deliver(job);
      simulator_->RecordDelivery(job, sent.http_status, std::move(sent.error), sent.final);
    }
    stopped_.WaitForNotificationWithTimeout(absl::Milliseconds(5));
  }
}

CallbackSendResult Sandbox::Impl::Deliver(const CallbackJob& job) {
  CallbackSendOptions send;
  send.timeout = std::max(absl::Milliseconds(200), absl::Seconds(15) * options_.time_scale);
  send.ca_file = options_.callback_ca_file;
  return SendCallback(job.url, absl::StrCat("paymentId=", job.payment_id), send);
}

absl::StatusOr<std::unique_ptr<Sandbox>> Sandbox::Start(SandboxOptions options) {
  absl::StatusOr<std::unique_ptr<Simulator>> simulator = Simulator::Create(options);
  if (!simulator.ok()) return simulator.status();
  auto impl = std::make_unique<Impl>(std::move(options), *std::move(simulator));
  if (absl::Status s = impl->Start(); !s.ok()) return s;
  return std::unique_ptr<Sandbox>(new Sandbox(std::move(impl)));
}

Sandbox::Sandbox(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Sandbox::~Sandbox() { Stop(); }

void Sandbox::Stop() { impl_->Stop(); }

int Sandbox::http_port() const { return impl_->http_port(); }

int Sandbox::https_port() const { return impl_->https_port(); }

std::string Sandbox::http_url() const { return absl::StrCat("http://127.0.0.1:", http_port()); }

std::string Sandbox::https_url() const { return absl::StrCat("https://127.0.0.1:", https_port()); }

std::string Sandbox::ca_file() const { return impl_->ca_file(); }

}  // namespace barion_gateway::sandbox
