// Sandbox::Impl: the simulator's listeners, its state under one mutex, and the handlers of each
// area, defined in server.cc (listeners, routing, faults, authentication), payment_api.cc,
// wallet_api.cc, control_api.cc (the payer and the operator) and callbacks.cc. Internal.
#ifndef BARION_GATEWAY_SANDBOX_IMPL_H_
#define BARION_GATEWAY_SANDBOX_IMPL_H_

#include "sandbox/sandbox.h"
#include "sandbox/state.h"
#include "sandbox/tls.h"
#include "sandbox/util.h"

namespace barion_gateway::sandbox {

class Sandbox::Impl {
 public:
  explicit Impl(SandboxOptions options) : options_(std::move(options)) {}
  ~Impl() { Stop(); }

  absl::Status Start();
  void Stop();

  int http_port() const { return http_port_; }
  int https_port() const { return https_port_; }
  const std::string& ca_file() const { return tls_.ca_file; }

 private:
  // The steps of Start: the configured shops and wallets, then each listener.
  absl::Status LoadAccounts();
  void Configure(httplib::Server& server);
  absl::Status StartHttp();
  absl::Status StartHttps();

  // Routing and cross-cutting behaviour.
  void Route(httplib::Server& server);
  bool ApplyFault(const httplib::Request& req, httplib::Response& res);
  const ShopState* Authenticate(const httplib::Request& req, const Value* body, bool v4,
                                httplib::Response& res) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool CheckShopOpen(const ShopState& shop, const std::string& endpoint, httplib::Response& res);
  std::string Endpoint(const httplib::Request& req) const;

  // Barion operations.
  void HandleStart(const httplib::Request& req, httplib::Response& res,
                   StartKind kind = StartKind::kStart);
  void HandleApplePaySession(const httplib::Request& req, httplib::Response& res);
  void HandleState(const httplib::Request& req, httplib::Response& res, bool v4);
  void HandleFinish(const httplib::Request& req, httplib::Response& res, bool capture);
  void HandleCancelAuthorization(const httplib::Request& req, httplib::Response& res);
  void HandleRefund(const httplib::Request& req, httplib::Response& res);
  void HandleComplete(const httplib::Request& req, httplib::Response& res);
  void HandlePayPage(const httplib::Request& req, httplib::Response& res);

  // Control API.
  void ControlPayment(const httplib::Request& req, httplib::Response& res);
  void ControlToken(const httplib::Request& req, httplib::Response& res);
  void ControlShop(const httplib::Request& req, httplib::Response& res);
  void ControlWallet(const httplib::Request& req, httplib::Response& res);
  void HandleAccounts(const httplib::Request& req, httplib::Response& res);
  void HandleTransferEmail(const httplib::Request& req, httplib::Response& res);
  void HandleBankTransfer(const httplib::Request& req, httplib::Response& res);
  void HandleStatement(const httplib::Request& req, httplib::Response& res);
  void HandleQrCode(const httplib::Request& req, httplib::Response& res);
  void HandleCreatePos(const httplib::Request& req, httplib::Response& res);
  void HandleGetPos(const httplib::Request& req, httplib::Response& res);
  void HandleHistory(const httplib::Request& req, httplib::Response& res);
  void HandleHistoryDetail(const httplib::Request& req, httplib::Response& res);
  // The wallet of the request's x-api-key, or nullptr after answering AuthenticationFailed.
  ApiWallet* AuthenticateWallet(const httplib::Request& req, httplib::Response& res)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ControlFaults(const httplib::Request& req, httplib::Response& res);
  void ControlStats(const httplib::Request& req, httplib::Response& res);
  void ControlCallbacks(const httplib::Request& req, httplib::Response& res);

  // Helpers (mu_ held).
  void SendErrors(httplib::Response& res, int status, const std::vector<ApiError>& errors,
                  const std::string& endpoint, const std::string& auth_data);
  std::string PaymentJson(const Payment& p, bool v4) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::string StartJson(const Payment& p, const std::string& recurrence_result,
                        const std::vector<ApiError>& errors, const std::string& endpoint,
                        const std::string& auth_data) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void WriteProcessedTransactions(Writer& w, const Payment& p, bool with_z);
  // The answer of FinishReservation, Capture and CancelAuthorization.
  void SendFinishAnswer(httplib::Response& res, const Payment& p);
  // The common start of the POST operations on a payment: authenticates (the body's POSKey
  // counts below v4), applies expiry, and finds the body's PaymentId among the shop's payments.
  // On failure it has answered (AuthenticationFailed / NotExistingPaymentId) and returns false.
  struct PaymentCall {
    const ShopState* shop = nullptr;
    Payment* payment = nullptr;
    std::string endpoint;
    std::string auth;  // what Barion echoes in AuthData
  };
  bool BeginPaymentCall(const httplib::Request& req, const rapidjson::Document& body,
                        httplib::Response& res, PaymentCall* call)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Sweep(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Complete(Payment& p, const std::string& status, absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ScheduleCallback(const Payment& p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Payment* FindPayment(const std::string& id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void PayPayment(Payment& p, const Value& body, httplib::Response& res)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void TokenCharge(Payment& p, const ShopState& shop, std::vector<ApiError>* errors,
                   std::string* recurrence_result) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // Callback dispatcher thread.
  void DispatchLoop();
  int Deliver(const CallbackJob& job);

  SandboxOptions options_;
  TlsFiles tls_;
  std::unique_ptr<httplib::Server> http_;
  std::unique_ptr<httplib::SSLServer> https_;
  std::vector<std::thread> listeners_;
  std::thread dispatcher_;
  int http_port_ = 0;
  int https_port_ = 0;
  std::atomic<int64_t> tls_handshakes_{0};
  std::atomic<int64_t> requests_{0};
  std::atomic<bool> stopping_{false};
  absl::Notification stopped_;

  absl::Mutex mu_;
  std::map<std::string, ShopState> shops_ ABSL_GUARDED_BY(mu_);        // by normalized POSKey
  std::set<std::string> wallets_ ABSL_GUARDED_BY(mu_);                 // lower-case e-mails
  std::map<std::string, ApiWallet> api_wallets_ ABSL_GUARDED_BY(mu_);  // by API key
  std::map<std::string, Payment> payments_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Token> tokens_ ABSL_GUARDED_BY(mu_);  // shop + '/' + recurrence id
  std::deque<Fault> faults_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::deque<absl::Time>> state_calls_ ABSL_GUARDED_BY(mu_);
  std::priority_queue<CallbackJob, std::vector<CallbackJob>, std::greater<CallbackJob>> callbacks_
      ABSL_GUARDED_BY(mu_);
  std::vector<CallbackRecord> callback_log_ ABSL_GUARDED_BY(mu_);
};

}  // namespace barion_gateway::sandbox

#endif  // BARION_GATEWAY_SANDBOX_IMPL_H_
