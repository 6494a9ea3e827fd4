// Simulator: the simulated Barion without a socket. It holds every payment, transaction, token,
// shop and wallet under one mutex (an operation on a payment touches its shop, its tokens and
// the wallets it pays), the armed faults (FaultBook) and the callback schedule (CallbackBook)
// each under its own, and answers requests as Barion would (docs/SANDBOX.md). Handle() routes a
// request to the handler of its area: start_api.cc and payment_api.cc (the payment API),
// wallet_api.cc (the wallet API), control_api.cc (the payer and the operator), faults.cc (armed
// faults), callbacks.cc (the callback schedule). The HTTP listeners and the callback sender are
// sandbox/server.cc's; tests drive a Simulator directly with their own clock.
#ifndef BARION_GATEWAY_SANDBOX_MODEL_SIMULATOR_H_
#define BARION_GATEWAY_SANDBOX_MODEL_SIMULATOR_H_

#include <algorithm>
#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "sandbox/model/answers.h"
#include "sandbox/model/callback_book.h"
#include "sandbox/model/exchange.h"
#include "sandbox/model/fault_book.h"
#include "sandbox/model/ids.h"
#include "sandbox/model/json_read.h"
#include "sandbox/model/money.h"
#include "sandbox/model/options.h"
#include "sandbox/model/payment_book.h"
#include "sandbox/model/state.h"
#include "sandbox/model/times.h"
#include "sandbox/model/token_book.h"
#include "sandbox/model/wallet_book.h"

namespace barion_gateway::sandbox {

class Simulator {
 public:
  using Clock = std::function<absl::Time()>;

  // INVALID_ARGUMENT when there is no shop, or a shop or wallet lacks its key or address.
  static absl::StatusOr<std::unique_ptr<Simulator>> Create(SandboxOptions options,
                                                           Clock clock = &absl::Now);

  // Answers one request. Barion API paths count as requests and are subject to armed faults; a
  // `slow` fault waits here (until Shutdown()); a `reset` fault answers Delivery::kResetMidBody.
  ApiResponse Handle(ApiRequest request);

  // The public base of the payment page (https://host:port), once the listeners are bound.
  void SetPayPageBase(std::string base);

  // The callback schedule. TakeDueCallbacks() first applies expiry and automatic reservation
  // finishing, then removes and returns the callbacks due now; RecordDelivery() logs one attempt
  // (http_status 0 when nothing answered, with `error` saying why) and schedules the next with
  // Barion's retry delays until an HTTP 200 or the last retry; a `final` failure (a URL Barion
  // never calls) is not retried.
  std::vector<CallbackJob> TakeDueCallbacks();
  void RecordDelivery(const CallbackJob& job, int http_status, std::string error = "",
                      bool final = false);

  // Counted for the control API's stats by the HTTPS listener.
  void CountTlsHandshake() { tls_handshakes_.fetch_add(1); }

  // How many times expiry scanned every payment (for tests: a call scans only when a deadline
  // is due).
  int64_t sweep_scans() {
    absl::MutexLock lock(&mu_);
    return payments_.scans();
  }

  // Ends every wait of a `slow` fault now and all later ones at once.
  void Shutdown() {
    if (!shutdown_.HasBeenNotified()) shutdown_.Notify();
  }

 private:
  Simulator(SandboxOptions options, Clock clock)
      : options_(std::move(options)), now_(std::move(clock)), callbacks_(options_.time_scale) {}

  using Handler = std::function<void(Simulator&, const ApiRequest&, ApiResponse&)>;
  struct Route {
    const char* method;
    std::regex path;
    Handler handler;
    bool barion_api;  // counted and subject to faults
  };
  static const std::vector<Route>& Routes();
  absl::Status LoadAccounts();

  // Faults (faults.cc): the answer of an armed fault.
  void AnswerFault(const Fault& fault, const ApiRequest& req, ApiResponse& res);

  // Authentication and the common answers (router.cc).
  const ShopState* Authenticate(const ApiRequest& req, const Value* body, bool v4, ApiResponse& res)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::string Endpoint(const ApiRequest& req) const;
  void SendErrors(ApiResponse& res, int status, const std::vector<ApiError>& errors,
                  const std::string& endpoint, const std::string& auth_data);

  // The payment API.
  void HandleStart(const ApiRequest& req, ApiResponse& res, StartKind kind = StartKind::kStart);
  void HandleApplePaySession(const ApiRequest& req, ApiResponse& res);
  void HandleState(const ApiRequest& req, ApiResponse& res, bool v4);
  void HandleFinish(const ApiRequest& req, ApiResponse& res, bool capture);
  void HandleCancelAuthorization(const ApiRequest& req, ApiResponse& res);
  void HandleRefund(const ApiRequest& req, ApiResponse& res);
  void HandleComplete(const ApiRequest& req, ApiResponse& res);
  void HandleQrCode(const ApiRequest& req, ApiResponse& res);

  // The wallet API.
  void HandleAccounts(const ApiRequest& req, ApiResponse& res);
  void HandleTransferEmail(const ApiRequest& req, ApiResponse& res);
  void HandleBankTransfer(const ApiRequest& req, ApiResponse& res);
  void HandleStatement(const ApiRequest& req, ApiResponse& res);
  void HandleCreatePos(const ApiRequest& req, ApiResponse& res);
  void HandleGetPos(const ApiRequest& req, ApiResponse& res);
  void HandleHistory(const ApiRequest& req, ApiResponse& res);
  void HandleHistoryDetail(const ApiRequest& req, ApiResponse& res);
  // The wallet of the request's x-api-key, or nullptr after answering AuthenticationFailed.
  ApiWallet* AuthenticateWallet(const ApiRequest& req, ApiResponse& res)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // The control API: the payer and the operator.
  void HandlePayPage(const ApiRequest& req, ApiResponse& res);
  void ControlPayment(const ApiRequest& req, ApiResponse& res);
  void ControlToken(const ApiRequest& req, ApiResponse& res);
  void ControlShop(const ApiRequest& req, ApiResponse& res);
  void ControlWallet(const ApiRequest& req, ApiResponse& res);
  void ControlFaults(const ApiRequest& req, ApiResponse& res);
  void ControlStats(const ApiRequest& req, ApiResponse& res);
  void ControlCallbacks(const ApiRequest& req, ApiResponse& res);

  // Helpers (mu_ held).
  std::string PaymentJson(const Payment& p, bool v4) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::string StartJson(const Payment& p, const std::string& recurrence_result,
                        const std::vector<ApiError>& errors, const std::string& endpoint,
                        const std::string& auth_data) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void WriteProcessedTransactions(Writer& w, const Payment& p, bool with_z);
  // The answer of FinishReservation, Capture and CancelAuthorization.
  void SendFinishAnswer(ApiResponse& res, const Payment& p);
  // The common start of the POST operations on a payment: authenticates (the body's POSKey
  // counts below v4), applies expiry, and finds the body's PaymentId among the shop's payments.
  // On failure it has answered (AuthenticationFailed / NotExistingPaymentId) and returns false.
  struct PaymentCall {
    const ShopState* shop = nullptr;
    Payment* payment = nullptr;
    std::string endpoint;
    std::string auth;  // what Barion echoes in AuthData
  };
  bool BeginPaymentCall(const ApiRequest& req, const rapidjson::Document& body, ApiResponse& res,
                        PaymentCall* call) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Expires payments past their payer window and ends reservations past their deadline. Scans
  // the payments only when the earliest such deadline has come (PaymentBook), so a call costs
  // O(1) however many payments the sandbox holds.
  void Sweep(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // A payment got a deadline Sweep acts on (valid_until, reserved_until).
  void ExpectDeadline(absl::Time at) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    payments_.ExpectDeadline(at);
  }
  void Complete(Payment& p, PaymentStatus status, absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ScheduleCallback(const Payment& p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Payment* FindPayment(const std::string& id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void PayPayment(Payment& p, const Value& body, ApiResponse& res)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void TokenCharge(Payment& p, const ShopState& shop, std::vector<ApiError>* errors,
                   std::string* recurrence_result) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  SandboxOptions options_;
  const Clock now_;
  std::atomic<int64_t> tls_handshakes_{0};
  std::atomic<int64_t> requests_{0};
  absl::Notification shutdown_;
  // Areas with their own lock (taken after mu_ when both are held).
  FaultBook faults_;
  CallbackBook callbacks_;

  absl::Mutex mu_;
  std::string pay_page_base_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, ShopState> shops_ ABSL_GUARDED_BY(mu_);  // by normalized POSKey
  WalletBook wallets_ ABSL_GUARDED_BY(mu_);
  PaymentBook payments_ ABSL_GUARDED_BY(mu_);
  TokenBook tokens_ ABSL_GUARDED_BY(mu_);
};

}  // namespace barion_gateway::sandbox

#endif  // BARION_GATEWAY_SANDBOX_MODEL_SIMULATOR_H_
