// The Simulator's routing table, its accounts, and what every area shares: authentication by
// POSKey, Barion's error answers, finding a payment.
#include "sandbox/model/simulator.h"

namespace barion_gateway::sandbox {

absl::StatusOr<std::unique_ptr<Simulator>> Simulator::Create(SandboxOptions options, Clock clock) {
  std::unique_ptr<Simulator> simulator(new Simulator(std::move(options), std::move(clock)));
  if (absl::Status s = simulator->LoadAccounts(); !s.ok()) return s;
  return simulator;
}

absl::Status Simulator::LoadAccounts() {
  if (options_.shops.empty()) return absl::InvalidArgumentError("the sandbox needs a shop");
  absl::MutexLock lock(&mu_);
  pay_page_base_ = options_.gateway_base_url;
  for (const SandboxShop& s : options_.shops) {
    if (s.pos_key.empty() || s.payee.empty()) {
      return absl::InvalidArgumentError("every sandbox shop needs a POSKey and a payee");
    }
    shops_[NormalizeId(s.pos_key)] = ShopState{s};
    wallets_.Know(s.payee);
  }
  for (const SandboxWallet& w : options_.wallets) {
    if (w.api_key.empty() || w.email.empty()) {
      return absl::InvalidArgumentError("every sandbox wallet needs an API key and an e-mail");
    }
    ApiWallet wallet{w, {}};
    wallet.accounts.push_back({RandomHex(16), "HUF", *Dec::Parse("1000000"), Dec{}});
    wallet.accounts.push_back({RandomHex(16), "EUR", *Dec::Parse("5000"), Dec{}});
    for (const WalletAccount& a : wallet.accounts) {
      wallet.history.push_back({RandomHex(16), "CashTopUp", now_(), a.available, a.currency,
                                "Opening balance", "Credit", "cashier"});
    }
    wallets_.Add(w.api_key, std::move(wallet));
  }
  return absl::OkStatus();
}

void Simulator::SetPayPageBase(std::string base) {
  absl::MutexLock lock(&mu_);
  pay_page_base_ = std::move(base);
}

namespace {

// ASP.NET's answer to a wrong method on a known path.
void WrongMethod(Simulator&, const ApiRequest& req, ApiResponse& res) {
  Json(res, 405,
       absl::StrCat("{\"Message\":\"The requested resource does not support http method '",
                    req.method, "'.\"}"));
}

}  // namespace

const std::vector<Simulator::Route>& Simulator::Routes() {
  using S = Simulator;
  using Q = const ApiRequest&;
  using R = ApiResponse&;
  auto api = [](const char* method, const char* path, Handler h) {
    return Route{method, std::regex(path), std::move(h), true};
  };
  auto page = [](const char* method, const char* path, Handler h) {
    return Route{method, std::regex(path), std::move(h), false};
  };
  static const auto* routes = new std::vector<Route>{
      // The payment API.
      api("POST", "/v2/Payment/Start", [](S& s, Q q, R r) { s.HandleStart(q, r); }),
      api("POST", "/v3/Payment/StartPaymentWithGoogleToken",
          [](S& s, Q q, R r) { s.HandleStart(q, r, StartKind::kGooglePay); }),
      api("POST", "/v2/ApplePay/StartPaymentWithAppleToken",
          [](S& s, Q q, R r) { s.HandleStart(q, r, StartKind::kApplePay); }),
      api("POST", "/v2/ApplePay/ValidateSession",
          [](S& s, Q q, R r) { s.HandleApplePaySession(q, r); }),
      api("GET", "/v2/Payment/GetPaymentState", [](S& s, Q q, R r) { s.HandleState(q, r, false); }),
      api("GET", R"(/v4/Payment/([0-9a-fA-F-]+)/PaymentState)",
          [](S& s, Q q, R r) { s.HandleState(q, r, true); }),
      api("POST", "/v2/Payment/FinishReservation",
          [](S& s, Q q, R r) { s.HandleFinish(q, r, false); }),
      api("POST", "/v2/Payment/Capture", [](S& s, Q q, R r) { s.HandleFinish(q, r, true); }),
      api("POST", "/v2/Payment/CancelAuthorization",
          [](S& s, Q q, R r) { s.HandleCancelAuthorization(q, r); }),
      api("POST", "/v2/Payment/Refund", [](S& s, Q q, R r) { s.HandleRefund(q, r); }),
      api("POST", "/v2/Payment/Complete", [](S& s, Q q, R r) { s.HandleComplete(q, r); }),
      api("GET", "/qr/generate", [](S& s, Q q, R r) { s.HandleQrCode(q, r); }),
      // The wallet API.
      api("GET", "/v2/Accounts/Get", [](S& s, Q q, R r) { s.HandleAccounts(q, r); }),
      api("GET", "/v2/Accounts", [](S& s, Q q, R r) { s.HandleAccounts(q, r); }),
      api("POST", "/v2/Transfer/Email", [](S& s, Q q, R r) { s.HandleTransferEmail(q, r); }),
      api("GET", "/v2/Statement/Download", [](S& s, Q q, R r) { s.HandleStatement(q, r); }),
      api("GET", "/v3/UserHistory/GetHistory", [](S& s, Q q, R r) { s.HandleHistory(q, r); }),
      api("GET", "/v3/TransactionHistory/GetDetail",
          [](S& s, Q q, R r) { s.HandleHistoryDetail(q, r); }),
      api("POST", "/v1/Pos", [](S& s, Q q, R r) { s.HandleCreatePos(q, r); }),
      api("GET", R"(/v1/Pos/([0-9a-fA-F-]+))", [](S& s, Q q, R r) { s.HandleGetPos(q, r); }),
      api("POST", "/v3/Withdraw/BankTransfer", [](S& s, Q q, R r) { s.HandleBankTransfer(q, r); }),
      // The payer's page and the control API: never faulted, not counted.
      page("GET", "/Pay", [](S& s, Q q, R r) { s.HandlePayPage(q, r); }),
      page("POST", R"(/_sandbox/payments/([0-9a-fA-F-]+)/(pay|start|cancel|expire))",
           [](S& s, Q q, R r) { s.ControlPayment(q, r); }),
      page("POST", R"(/_sandbox/tokens/([^/]+)/([^/]+))",
           [](S& s, Q q, R r) { s.ControlToken(q, r); }),
      page("POST", R"(/_sandbox/shops/([^/]+))", [](S& s, Q q, R r) { s.ControlShop(q, r); }),
      page("POST", "/_sandbox/wallets", [](S& s, Q q, R r) { s.ControlWallet(q, r); }),
      page("POST", "/_sandbox/faults", [](S& s, Q q, R r) { s.ControlFaults(q, r); }),
      page("DELETE", "/_sandbox/faults", [](S& s, Q q, R r) { s.ControlFaults(q, r); }),
      page("GET", "/_sandbox/stats", [](S& s, Q q, R r) { s.ControlStats(q, r); }),
      page("GET", "/_sandbox/callbacks", [](S& s, Q q, R r) { s.ControlCallbacks(q, r); }),
      // ASP.NET's 405 for a GET on a POST operation.
      page("GET", "/v2/Payment/Start", &WrongMethod),
      page("GET", "/v2/Payment/FinishReservation", &WrongMethod),
      page("GET", "/v2/Payment/Capture", &WrongMethod),
      page("GET", "/v2/Payment/CancelAuthorization", &WrongMethod),
      page("GET", "/v2/Payment/Refund", &WrongMethod),
      page("GET", "/v2/Payment/Complete", &WrongMethod),
  };
  return *routes;
}

ApiResponse Simulator::Handle(ApiRequest req) {
  ApiResponse res;
  // HEAD is answered as GET (the listener drops the body).
  const std::string method = req.method == "HEAD" ? "GET" : req.method;
  for (const Route& route : Routes()) {
    std::smatch match;
    if (method != route.method || !std::regex_match(req.path, match, route.path)) continue;
    req.captures.assign(match.begin(), match.end());
    if (route.barion_api) {
      requests_.fetch_add(1);
      if (absl::optional<Fault> fault = faults_.Take(req.path)) {
        if (fault->mode != FaultMode::kSlow) {
          AnswerFault(*fault, req, res);
          return res;
        }
        shutdown_.WaitForNotificationWithTimeout(fault->delay);  // then answer normally, late
      }
    }
    route.handler(*this, req, res);
    return res;
  }
  res.status = 404;
  return res;
}

std::string Simulator::Endpoint(const ApiRequest& req) const {
  return absl::StrCat("https://api.test.barion.com", req.path);
}

void Simulator::SendErrors(ApiResponse& res, int status, const std::vector<ApiError>& errors,
                           const std::string& endpoint, const std::string& auth_data) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  WriteErrors(w, errors, endpoint, auth_data);
  w.EndObject();
  Json(res, status, b.GetString());
}

const ShopState* Simulator::Authenticate(const ApiRequest& req, const Value* body, bool v4,
                                         ApiResponse& res) {
  std::string key = req.Header("x-pos-key");
  if (key.empty() && !v4) {
    if (body != nullptr) key = Str(*body, "POSKey");
    if (key.empty()) key = req.Param("POSKey");
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

Payment* Simulator::FindPayment(const std::string& id) { return payments_.Find(id); }

}  // namespace barion_gateway::sandbox
