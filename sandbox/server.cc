// The sandbox's listeners, routing, fault injection and authentication, and Sandbox itself.
#include "sandbox/impl.h"

namespace barion_gateway::sandbox {

absl::Status Sandbox::Impl::Start() {
  // OpenSSL writes with write(2): a client that goes away must not kill the sandbox.
  ::signal(SIGPIPE, SIG_IGN);
  if (absl::Status s = LoadAccounts(); !s.ok()) return s;
  if (!options_.http_address.empty()) {
    if (absl::Status s = StartHttp(); !s.ok()) return s;
  }
  if (!options_.https_address.empty()) {
    if (absl::Status s = StartHttps(); !s.ok()) return s;
  }
  if (options_.gateway_base_url.empty()) {
    options_.gateway_base_url = https_port_ > 0 ? absl::StrCat("https://127.0.0.1:", https_port_)
                                                : absl::StrCat("http://127.0.0.1:", http_port_);
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

absl::Status Sandbox::Impl::LoadAccounts() {
  {
    absl::MutexLock lock(&mu_);
    for (const SandboxShop& s : options_.shops) {
      if (s.pos_key.empty() || s.payee.empty()) {
        return absl::InvalidArgumentError("every sandbox shop needs a POSKey and a payee");
      }
      shops_[NormalizeId(s.pos_key)] = ShopState{s};
      wallets_.insert(absl::AsciiStrToLower(s.payee));
    }
  }
  if (options_.shops.empty()) return absl::InvalidArgumentError("the sandbox needs a shop");
  {
    absl::MutexLock lock(&mu_);
    for (const SandboxWallet& w : options_.wallets) {
      if (w.api_key.empty() || w.email.empty()) {
        return absl::InvalidArgumentError("every sandbox wallet needs an API key and an e-mail");
      }
      ApiWallet wallet{w, {}};
      wallet.accounts.push_back({RandomHex(16), "HUF", *Dec::Parse("1000000"), Dec{}});
      wallet.accounts.push_back({RandomHex(16), "EUR", *Dec::Parse("5000"), Dec{}});
      for (const WalletAccount& a : wallet.accounts) {
        wallet.history.push_back({RandomHex(16), "CashTopUp", absl::Now(), a.available, a.currency,
                                  "Opening balance", "Credit", "cashier"});
      }
      api_wallets_[absl::AsciiStrToLower(w.api_key)] = std::move(wallet);
      wallets_.insert(absl::AsciiStrToLower(w.email));
    }
  }
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
  Route(server);
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
  SSL_CTX_set_ex_data(https_->ssl_context(), g_handshake_index, &tls_handshakes_);
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
  if (http_) http_->stop();
  if (https_) https_->stop();
  for (std::thread& t : listeners_) t.join();
  listeners_.clear();
  if (dispatcher_.joinable()) dispatcher_.join();
}

std::string Sandbox::Impl::Endpoint(const httplib::Request& req) const {
  return absl::StrCat("https://api.test.barion.com", req.path);
}

void Sandbox::Impl::Route(httplib::Server& server) {
  auto op = [this](auto handler) {
    return [this, handler](const httplib::Request& req, httplib::Response& res) {
      requests_.fetch_add(1);
      if (ApplyFault(req, res)) return;
      handler(req, res);
    };
  };
  server.Post("/v2/Payment/Start", op([this](const auto& q, auto& r) { HandleStart(q, r); }));
  server.Post("/v3/Payment/StartPaymentWithGoogleToken",
              op([this](const auto& q, auto& r) { HandleStart(q, r, StartKind::kGooglePay); }));
  server.Post("/v2/ApplePay/StartPaymentWithAppleToken",
              op([this](const auto& q, auto& r) { HandleStart(q, r, StartKind::kApplePay); }));
  server.Post("/v2/ApplePay/ValidateSession",
              op([this](const auto& q, auto& r) { HandleApplePaySession(q, r); }));
  server.Get("/v2/Payment/GetPaymentState",
             op([this](const auto& q, auto& r) { HandleState(q, r, false); }));
  server.Get(R"(/v4/Payment/([0-9a-fA-F-]+)/PaymentState)",
             op([this](const auto& q, auto& r) { HandleState(q, r, true); }));
  server.Post("/v2/Payment/FinishReservation",
              op([this](const auto& q, auto& r) { HandleFinish(q, r, false); }));
  server.Post("/v2/Payment/Capture",
              op([this](const auto& q, auto& r) { HandleFinish(q, r, true); }));
  server.Post("/v2/Payment/CancelAuthorization",
              op([this](const auto& q, auto& r) { HandleCancelAuthorization(q, r); }));
  server.Post("/v2/Payment/Refund", op([this](const auto& q, auto& r) { HandleRefund(q, r); }));
  server.Post("/v2/Payment/Complete", op([this](const auto& q, auto& r) { HandleComplete(q, r); }));
  server.Get("/v2/Accounts/Get", op([this](const auto& q, auto& r) { HandleAccounts(q, r); }));
  server.Get("/v2/Accounts", op([this](const auto& q, auto& r) { HandleAccounts(q, r); }));
  server.Post("/v2/Transfer/Email",
              op([this](const auto& q, auto& r) { HandleTransferEmail(q, r); }));
  server.Get("/v2/Statement/Download",
             op([this](const auto& q, auto& r) { HandleStatement(q, r); }));
  server.Get("/v3/UserHistory/GetHistory",
             op([this](const auto& q, auto& r) { HandleHistory(q, r); }));
  server.Get("/v3/TransactionHistory/GetDetail",
             op([this](const auto& q, auto& r) { HandleHistoryDetail(q, r); }));
  server.Post("/v1/Pos", op([this](const auto& q, auto& r) { HandleCreatePos(q, r); }));
  server.Get(R"(/v1/Pos/([0-9a-fA-F-]+))",
             op([this](const auto& q, auto& r) { HandleGetPos(q, r); }));
  server.Post("/v3/Withdraw/BankTransfer",
              op([this](const auto& q, auto& r) { HandleBankTransfer(q, r); }));
  server.Get("/qr/generate", op([this](const auto& q, auto& r) { HandleQrCode(q, r); }));
  server.Get("/Pay", [this](const auto& q, auto& r) { HandlePayPage(q, r); });

  server.Post(R"(/_sandbox/payments/([0-9a-fA-F-]+)/(pay|start|cancel|expire))",
              [this](const auto& q, auto& r) { ControlPayment(q, r); });
  server.Post(R"(/_sandbox/tokens/([^/]+)/([^/]+))",
              [this](const auto& q, auto& r) { ControlToken(q, r); });
  server.Post(R"(/_sandbox/shops/([^/]+))", [this](const auto& q, auto& r) { ControlShop(q, r); });
  server.Post("/_sandbox/wallets", [this](const auto& q, auto& r) { ControlWallet(q, r); });
  server.Post("/_sandbox/faults", [this](const auto& q, auto& r) { ControlFaults(q, r); });
  server.Delete("/_sandbox/faults", [this](const auto& q, auto& r) { ControlFaults(q, r); });
  server.Get("/_sandbox/stats", [this](const auto& q, auto& r) { ControlStats(q, r); });
  server.Get("/_sandbox/callbacks", [this](const auto& q, auto& r) { ControlCallbacks(q, r); });

  // ASP.NET's answer to a wrong method on a known path.
  auto wrong_method = [](const httplib::Request& req, httplib::Response& res) {
    Json(res, 405,
         absl::StrCat("{\"Message\":\"The requested resource does not support http method '",
                      req.method, "'.\"}"));
  };
  for (const char* path :
       {"/v2/Payment/Start", "/v2/Payment/FinishReservation", "/v2/Payment/Capture",
        "/v2/Payment/CancelAuthorization", "/v2/Payment/Refund", "/v2/Payment/Complete"}) {
    server.Get(path, wrong_method);
  }
  server.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        Json(res, 500, "{\"Message\":\"An error has occurred.\"}");
      });
}

bool Sandbox::Impl::ApplyFault(const httplib::Request& req, httplib::Response& res) {
  Fault fault;
  {
    absl::MutexLock lock(&mu_);
    auto it = std::find_if(faults_.begin(), faults_.end(), [&](const Fault& f) {
      return f.remaining > 0 && absl::StartsWith(req.path, f.path_prefix);
    });
    if (it == faults_.end()) return false;
    fault = *it;
    if (--it->remaining == 0) faults_.erase(it);
  }
  if (fault.mode == "slow") {
    stopped_.WaitForNotificationWithTimeout(fault.delay);
    return false;  // then answer normally, late
  }
  if (fault.mode == "status_404") {
    Json(res, 404,
         absl::StrCat("{\"Message\":\"No HTTP resource was found that matches the request URI '",
                      Endpoint(req), "'.\"}"));
  } else if (fault.mode == "status_500") {
    Json(res, 500, "{\"Message\":\"An error has occurred.\"}");
  } else if (fault.mode == "status_503_html") {
    res.status = 503;
    res.set_content("<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>",
                    "text/html");
  } else if (fault.mode == "malformed") {
    Json(res, 200, "{\"PaymentId\":\"4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6\",\"Status\":\"Prep");
  } else if (fault.mode == "rate_limited") {
    res.status = 429;
  } else if (fault.mode == "reset") {
    // Promise a long body, write a little, then fail: the connection closes mid-answer.
    res.set_content_provider(1000, "application/json",
                             [](size_t offset, size_t, httplib::DataSink& sink) {
                               if (offset == 0) sink.write("{\"Paym", 6);
                               return false;
                             });
  } else {
    return false;
  }
  return true;
}

void Sandbox::Impl::SendErrors(httplib::Response& res, int status,
                               const std::vector<ApiError>& errors, const std::string& endpoint,
                               const std::string& auth_data) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  WriteErrors(w, errors, endpoint, auth_data);
  w.EndObject();
  Json(res, status, b.GetString());
}

const ShopState* Sandbox::Impl::Authenticate(const httplib::Request& req, const Value* body,
                                             bool v4, httplib::Response& res) {
  std::string key = req.get_header_value("x-pos-key");
  if (key.empty() && !v4) {
    if (body != nullptr) key = Str(*body, "POSKey");
    if (key.empty()) key = req.get_param_value("POSKey");
  }
  auto it = shops_.find(NormalizeId(key));
  if (key.empty() || it == shops_.end()) {
    SendErrors(res, options_.auth_failure_status,
               {{"AuthenticationFailed", "User authentication failed.",
                 "The login information provided is incorrect. There is no such user in the "
                 "system or the password is incorrect."}},
               Endpoint(req), "");
    return nullptr;
  }
  const ShopState& shop = it->second;
  if (shop.draft) {
    SendErrors(res, 400,
               {{"ShopIsInDraftState", "Shop is in draft state.",
                 "The shop has not been submitted for approval."}},
               Endpoint(req), NormalizeId(key));
    return nullptr;
  }
  if (shop.closed) {
    SendErrors(res, 400, {{"ShopIsClosed", "Shop is closed.", "The shop is closed."}},
               Endpoint(req), NormalizeId(key));
    return nullptr;
  }
  return &shop;
}

Payment* Sandbox::Impl::FindPayment(const std::string& id) {
  auto it = payments_.find(NormalizeId(id));
  return it == payments_.end() ? nullptr : &it->second;
}

absl::StatusOr<std::unique_ptr<Sandbox>> Sandbox::Start(SandboxOptions options) {
  auto impl = std::make_unique<Impl>(std::move(options));
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
