// The control API under /_sandbox/: the payer (the payment page) and the operator (payments,
// tokens, shops, wallets, stats, callbacks). Faults are faults.cc's.
#include "sandbox/model/control_fields.h"
#include "sandbox/model/simulator.h"

namespace barion_gateway::sandbox {

void Simulator::HandlePayPage(const ApiRequest& req, ApiResponse& res) {
  std::string id = req.HasParam("Id") ? req.Param("Id") : req.Param("id");
  absl::MutexLock lock(&mu_);
  Sweep(now_());
  Payment* p = FindPayment(id);
  if (p == nullptr) {
    res.status = 404;
    res.SetContent("<html><body>Unknown payment.</body></html>", "text/html; charset=utf-8");
    return;
  }
  Dec total;
  for (const Tx& t : p->txs) {
    if (!t.fee && !t.refund) total = total + t.original;
  }
  const std::string action = absl::StrCat("/_sandbox/payments/", p->id);
  std::string html = absl::StrCat(
      "<!doctype html><html><head><meta charset=\"utf-8\"><title>Barion sandbox payment</title>"
      "</head><body><h1>Barion sandbox</h1><p>Payment <code>",
      p->id, "</code>: <b>", total.Format(std::max(CurrencyScale(p->currency), 0)), " ",
      p->currency, "</b> (", p->type, "), status <b>", Name(p->status), "</b>.</p>",
      "<form method=\"post\" action=\"", action,
      "/pay\"><input type=\"hidden\" name=\"funding\" value=\"BankCard\">"
      "<button>Pay with test card 4444 8888 8888 5559</button></form>",
      "<form method=\"post\" action=\"", action,
      "/pay\"><input type=\"hidden\" name=\"outcome\" value=\"decline\">"
      "<button>Card declined</button></form>",
      "<form method=\"post\" action=\"", action, "/cancel\"><button>Cancel</button></form>",
      "</body></html>");
  res.SetContent(html, "text/html; charset=utf-8");
}

namespace {

// Barion's card processing fee for a paid transaction: 1 %, at the currency's scale, at least
// one unit.
Tx CardProcessingFee(const Tx& t, const std::string& currency, absl::Time now) {
  const int scale = std::max(CurrencyScale(currency), 0);
  __int128 unit = scale == 0 ? 10000 : 100;
  __int128 fee_units = t.original.units / 100;
  fee_units = std::max<__int128>(unit, (fee_units + unit - 1) / unit * unit);
  Tx fee;
  fee.id = RandomHex(16);
  fee.fee = true;
  fee.original = fee.total = Dec{fee_units};
  fee.status = TxStatus::kSucceeded;
  fee.type = "CardProcessingFee";
  fee.payee = t.payee;
  fee.related_id = t.id;
  fee.time = now;
  fee.finished = true;
  return fee;
}

// A token registered by a successful payment: usable, with the control API's wallet settings.
void ActivateToken(Token& token, const std::string& funding, const std::string& currency,
                   const Value& body) {
  token.state = TokenState::kActive;
  token.funding = funding == "Balance" ? "Balance" : "BankCard";
  // Scheme trace ids may hold runs of spaces; the sandbox's always do, to catch trimming.
  token.trace_id = absl::StrCat("SBX", absl::AsciiStrToUpper(RandomHex(5)), "  ",
                                absl::StrCat(RandomHex(1).substr(0, 1)));
  token.wallet_currency =
      Str(body, "wallet_currency").empty() ? currency : Str(body, "wallet_currency");
  token.wallet_balance = Dec::Parse(Str(body, "wallet_balance")).value_or(Dec{0});
}

}  // namespace

void Simulator::PayPayment(Payment& p, const Value& body, ApiResponse& res) {
  const absl::Time now = now_();
  if (!AwaitsPayer(p.status)) {
    ControlAnswer(res, 409,
                  absl::StrCat("payment is ", Name(p.status),
                               "; only Prepared or Started "
                               "payments can be paid"));
    return;
  }
  std::string funding = Str(body, "funding");
  if (funding.empty()) funding = "BankCard";
  funding = Canonical(kFundingSources, funding);
  if (funding.empty() || funding == "All") {
    ControlAnswer(res, 400,
                  "funding must be BankCard, Balance, GooglePay, ApplePay or BankTransfer");
    return;
  }
  const bool decline = Str(body, "outcome") == "decline";
  p.funding_used = funding;
  p.payer_email = Str(body, "payer").empty() ? "payer@sandbox.local" : Str(body, "payer");
  p.fraud_score = decline ? 61 : 7;
  Token* token = nullptr;
  if (p.initiate_recurrence) {
    token = tokens_.Find(p.shop, p.recurrence_id);
  }
  if (decline) {
    p.process_result =
        Str(body, "process_result").empty() ? "Declined" : Str(body, "process_result");
    for (Tx& t : p.txs) t.status = TxStatus::kRejected;
    if (token != nullptr) token->state = TokenState::kFailed;
    Complete(p, PaymentStatus::kFailed, now);
    ControlAnswer(res, 200, "declined");
    return;
  }
  p.process_result = "Successful";
  PaymentStatus status = PaymentStatus::kSucceeded;
  TxStatus tx_status = TxStatus::kSucceeded;
  if (p.type == "Reservation") {
    status = PaymentStatus::kReserved;
    tx_status = TxStatus::kReserved;
    p.reserved_until = now + p.reservation_period;
    ExpectDeadline(*p.reserved_until);
  } else if (p.type == "DelayedCapture") {
    status = PaymentStatus::kAuthorized;
    tx_status = TxStatus::kAuthorized;
    p.delayed_capture_until = now + p.delayed_capture_period;
  }
  std::vector<Tx> fees;
  for (Tx& t : p.txs) {
    if (t.fee || t.refund) continue;
    t.status = tx_status;
    t.payer_email = p.payer_email;
    t.type = funding == "Balance" ? "Shop" : "CardPayment";
    t.time = now;
    if (status == PaymentStatus::kSucceeded) t.finished = true;
    if (funding != "Balance" && status == PaymentStatus::kSucceeded) {
      fees.push_back(CardProcessingFee(t, p.currency, now));
    }
  }
  for (Tx& f : fees) p.txs.push_back(std::move(f));
  if (token != nullptr) {
    ActivateToken(*token, funding, p.currency, body);
    p.trace_id = token->trace_id;
  }
  if (status == PaymentStatus::kSucceeded) {
    Complete(p, status, now);
  } else {
    p.status = status;
    ScheduleCallback(p);
  }
  ControlAnswer(res, 200, Name(p.status));
}

void Simulator::ControlPayment(const ApiRequest& req, ApiResponse& res) {
  rapidjson::Document body = ControlBody(req);
  const std::string action = req.captures[2];
  absl::MutexLock lock(&mu_);
  const absl::Time now = now_();
  Sweep(now);
  Payment* p = FindPayment(req.captures[1]);
  if (p == nullptr) {
    ControlAnswer(res, 404, "unknown payment");
    return;
  }
  if (action == "pay") {
    PayPayment(*p, body, res);
  } else if (action == "start") {
    if (p->status != PaymentStatus::kPrepared) {
      ControlAnswer(res, 409, "only a Prepared payment can start");
      return;
    }
    p->status = PaymentStatus::kStarted;
    for (Tx& t : p->txs) t.status = TxStatus::kStarted;
    ScheduleCallback(*p);
    ControlAnswer(res, 200, Name(p->status));
  } else if (action == "cancel") {
    if (!AwaitsPayer(p->status)) {
      ControlAnswer(res, 409, "only a Prepared or Started payment can be cancelled by the payer");
      return;
    }
    for (Tx& t : p->txs) t.status = TxStatus::kRejected;
    Complete(*p, PaymentStatus::kCanceled, now);
    ControlAnswer(res, 200, Name(p->status));
  } else {  // expire
    if (!AwaitsPayer(p->status)) {
      ControlAnswer(res, 409, "only a Prepared or Started payment can expire");
      return;
    }
    p->valid_until = now;
    ExpectDeadline(now);
    Sweep(now);
    ControlAnswer(res, 200, Name(p->status));
  }
  // The payment page's forms go back to the shop, as Barion redirects the payer.
  if (res.status == 200 &&
      req.Header("Content-Type").find("x-www-form-urlencoded") != std::string::npos) {
    res.Redirect(absl::StrCat(p->redirect_url, "?paymentId=", p->id), 303);
  }
}

void Simulator::ControlToken(const ApiRequest& req, ApiResponse& res) {
  rapidjson::Document body = ControlBody(req);
  absl::MutexLock lock(&mu_);
  Token* const token =
      tokens_.Find(std::string(req.captures[1]), UrlDecode(req.captures[2], false));
  if (token == nullptr) {
    ControlAnswer(res, 404, "unknown token (shop/recurrence id)");
    return;
  }
  ControlFields fields(body);
  const std::optional<bool> blocked = fields.Bool("wallet_blocked");
  const std::optional<bool> expired = fields.Bool("card_expired");
  const std::optional<bool> require_3ds = fields.Bool("require_3ds");
  const std::optional<Dec> balance = fields.Decimal("wallet_balance");
  const std::optional<std::string> currency = fields.Text("wallet_currency");
  if (!fields.error().empty()) {  // nothing changes
    ControlAnswer(res, 400, fields.error());
    return;
  }
  Token& t = *token;
  t.wallet_blocked = blocked.value_or(t.wallet_blocked);
  t.card_expired = expired.value_or(t.card_expired);
  t.require_3ds = require_3ds.value_or(t.require_3ds);
  t.wallet_balance = balance.value_or(t.wallet_balance);
  t.wallet_currency = currency.value_or(t.wallet_currency);
  ControlAnswer(res, 200, Name(t.state));
}

void Simulator::ControlShop(const ApiRequest& req, ApiResponse& res) {
  rapidjson::Document body = ControlBody(req);
  ControlFields fields(body);
  const std::optional<bool> recurring = fields.Bool("recurring_allowed");
  const std::optional<bool> draft = fields.Bool("draft");
  const std::optional<bool> closed = fields.Bool("closed");
  const std::optional<std::string> country = fields.Text("country");
  if (country.has_value() && country->size() != 2) {
    ControlAnswer(res, 400, "country must be an ISO 3166-1 alpha-2 code (\"HU\")");
    return;
  }
  if (!fields.error().empty()) {  // nothing changes
    ControlAnswer(res, 400, fields.error());
    return;
  }
  absl::MutexLock lock(&mu_);
  for (auto& [key, shop] : shops_) {
    if (shop.config.name != req.captures[1]) continue;
    shop.config.recurring_allowed = recurring.value_or(shop.config.recurring_allowed);
    shop.draft = draft.value_or(shop.draft);
    shop.closed = closed.value_or(shop.closed);
    if (country.has_value()) shop.config.country = absl::AsciiStrToUpper(*country);
    ControlAnswer(res, 200, "updated");
    return;
  }
  ControlAnswer(res, 404, "unknown shop");
}

void Simulator::ControlWallet(const ApiRequest& req, ApiResponse& res) {
  rapidjson::Document body = ControlBody(req);
  const std::string email = absl::AsciiStrToLower(Str(body, "email"));
  if (email.find('@') == std::string::npos) {
    ControlAnswer(res, 400, "email is required");
    return;
  }
  absl::MutexLock lock(&mu_);
  wallets_.Know(email);
  ControlAnswer(res, 200, "created");
}

void Simulator::ControlStats(const ApiRequest&, ApiResponse& res) {
  size_t payments;
  size_t scheduled;
  {
    absl::MutexLock lock(&mu_);
    payments = payments_.size();
  }
  scheduled = callbacks_.scheduled();
  Json(res, 200,
       absl::StrCat("{\"tls_handshakes\":", tls_handshakes_.load(),
                    ",\"requests\":", requests_.load(), ",\"payments\":", payments,
                    ",\"callbacks_scheduled\":", scheduled, "}"));
}

void Simulator::ControlCallbacks(const ApiRequest& req, ApiResponse& res) {
  const std::string filter = NormalizeId(req.Param("paymentId"));
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartArray();
  for (const CallbackRecord& r : callbacks_.Log(filter)) {
    w.StartObject();
    w.Key("payment_id");
    w.String(r.payment_id.c_str());
    w.Key("url");
    w.String(r.url.c_str());
    w.Key("attempt");
    w.Int(r.attempt);
    w.Key("http_status");
    w.Int(r.http_status);
    w.Key("at");
    w.String(TimeZ(r.at).c_str());
    if (!r.error.empty()) {
      w.Key("error");
      w.String(r.error.c_str());
    }
    w.EndObject();
  }
  w.EndArray();
  Json(res, 200, b.GetString());
}

}  // namespace barion_gateway::sandbox
