// The payment API after the start (start_api.cc): PaymentState, FinishReservation,
// Capture, CancelAuthorization, Refund, Complete, the QR code and Apple Pay sessions.
#include "sandbox/model/simulator.h"
#include "zlib.h"

namespace barion_gateway::sandbox {

void Simulator::Complete(Payment& p, PaymentStatus status, absl::Time now) {
  p.status = status;
  p.completed = now;
  ScheduleCallback(p);
}

void Simulator::WriteProcessedTransactions(Writer& w, const Payment& p, bool with_z) {
  w.Key("Transactions");
  w.StartArray();
  for (const Tx& t : p.txs) {
    if (t.fee || t.refund) continue;
    w.StartObject();
    w.Key("POSTransactionId");
    w.String(t.pos_id.c_str());
    w.Key("TransactionId");
    w.String(t.id.c_str());
    w.Key("Status");
    w.String(Name(t.status));
    w.Key("Currency");
    w.String(p.currency.c_str());
    w.Key("TransactionTime");
    std::string time = with_z ? TimeZ(t.time) : TimeNoZ(t.time);
    w.String(time.c_str());
    w.Key("RelatedId");
    w.Null();
    w.EndObject();
  }
  w.EndArray();
}

namespace {

// PaymentState's JSON as Barion writes it: empty strings as null, times with 'Z', amounts with
// two decimals.
struct StateWriter {
  Writer& w;
  void Text(const char* key, const std::string& v) {
    w.Key(key);
    if (v.empty()) {
      w.Null();
    } else {
      w.String(v.c_str());
    }
  }
  void Time(const char* key, const absl::optional<absl::Time>& v) {
    w.Key(key);
    if (v) {
      w.String(TimeZ(*v).c_str());
    } else {
      w.Null();
    }
  }
  void Amount(const char* key, Dec d) {
    w.Key(key);
    std::string text = d.Format(2);
    w.RawValue(text.c_str(), text.size(), rapidjson::kNumberType);
  }
  // A participant: its login name and e-mail, with an organization name for Barion's fees.
  void Participant(const char* key, const std::string& email, const std::string& organization) {
    w.Key(key);
    w.StartObject();
    w.Key("Name");
    w.StartObject();
    Text("LoginName", email);
    Text("FirstName", "");
    Text("LastName", "");
    Text("OrganizationName", organization);
    w.EndObject();
    Text("Email", email);
    w.EndObject();
  }
};

void WriteFundingInformation(StateWriter& out, const Payment& p) {
  Writer& w = out.w;
  w.Key("FundingInformation");
  if (p.funding_used != "BankCard" && p.funding_used != "GooglePay" &&
      p.funding_used != "ApplePay") {
    w.Null();
    return;
  }
  w.StartObject();
  w.Key("BankCard");
  w.StartObject();
  out.Text("MaskedPan", "5559");
  out.Text("BankCardType", "Visa");
  out.Text("ValidThruYear", "2029");
  out.Text("ValidThruMonth", "09");
  w.EndObject();
  out.Text("AuthorizationCode", p.status == PaymentStatus::kFailed ? "" : "SBX1A2");
  out.Text("ProcessResult", p.process_result.empty() ? "Successful" : p.process_result);
  w.EndObject();
}

// The items as received, amounts re-printed as Barion prints them.
void WriteItems(StateWriter& out, const std::vector<Item>& items) {
  Writer& w = out.w;
  w.Key("Items");
  w.StartArray();
  for (const Item& item : items) {
    rapidjson::Document d;
    d.Parse<rapidjson::kParseNumbersAsStringsFlag>(item.json.c_str());
    w.StartObject();
    for (const char* key :
         {"Name", "Description", "Quantity", "Unit", "UnitPrice", "ItemTotal", "SKU"}) {
      const std::string v = Str(d, key);
      if (absl::string_view(key) == "Quantity" || absl::string_view(key) == "UnitPrice" ||
          absl::string_view(key) == "ItemTotal") {
        absl::optional<Dec> n = Dec::Parse(v);
        out.Amount(key, n.value_or(Dec{}));
      } else {
        out.Text(key, v);
      }
    }
    w.EndObject();
  }
  w.EndArray();
}

void WriteTransaction(StateWriter& out, const Payment& p, const Tx& tx) {
  Writer& w = out.w;
  w.StartObject();
  out.Text("TransactionId", tx.id);
  out.Text("POSTransactionId", tx.pos_id);
  out.Text("TransactionTime", TimeZ(tx.time));
  out.Amount("Total", tx.refund ? tx.total : tx.original);
  out.Text("Currency", p.currency);
  const std::string payer = tx.fee ? tx.payee : (tx.refund ? tx.payee : tx.payer_email);
  if (payer.empty() || (!tx.fee && !tx.refund && tx.status != TxStatus::kSucceeded &&
                        tx.status != TxStatus::kReserved && tx.status != TxStatus::kAuthorized)) {
    w.Key("Payer");
    w.Null();
  } else {
    out.Participant("Payer", payer, "");
  }
  const std::string payee =
      tx.fee ? "fees@barion.sandbox.local" : (tx.refund ? p.payer_email : tx.payee);
  out.Participant("Payee", payee, tx.fee ? "Barion" : "");
  out.Text("Comment", tx.comment);
  out.Text("Status", Name(tx.status));
  out.Text("TransactionType", tx.type);
  WriteItems(out, tx.items);
  out.Text("RelatedId", tx.related_id);
  out.Text("POSId", "9e8d7c6b5a4f43e2d1c0b9a8f7e6d5c4");
  out.Text("PaymentId", p.id);
  w.EndObject();
}

// PaymentState v4's PaymentMethod for the funding source used.
std::string PaymentMethodOf(const std::string& funding_used) {
  if (funding_used == "BankCard") return "BankCard";
  if (funding_used == "Balance") return "BarionWallet";
  if (funding_used == "GooglePay") return "GooglePay";
  if (funding_used == "ApplePay") return "ApplePay";
  if (funding_used == "BankTransfer") return "OpenBanking";
  return "Unknown";
}

}  // namespace

std::string Simulator::PaymentJson(const Payment& p, bool v4) {
  rapidjson::StringBuffer b;
  Writer w(b);
  StateWriter out{w};
  const ShopState* shop = nullptr;
  for (const auto& [key, st] : shops_) {
    if (st.config.name == p.shop) shop = &st;
  }
  w.StartObject();
  out.Text("PaymentId", p.id);
  out.Text("PaymentRequestId", p.request_id);
  out.Text("OrderNumber", p.order_number);
  out.Text("POSId", "9e8d7c6b5a4f43e2d1c0b9a8f7e6d5c4");
  out.Text("POSName", shop ? absl::StrCat("Sandbox shop ", shop->config.name) : "Sandbox shop");
  out.Text("POSOwnerEmail", shop ? shop->config.payee : "");
  out.Text("POSOwnerCountry", "HU");
  out.Text("Status", Name(p.status));
  out.Text("PaymentType", p.type);
  out.Text("FundingSource", p.funding_used);
  out.Text("RecurrenceType", p.recurrence_type);
  out.Text("TraceId", p.trace_id);
  WriteFundingInformation(out, p);
  w.Key("AllowedFundingSources");
  w.StartArray();
  for (const std::string& f : p.funding_sources) w.String(f.c_str());
  w.EndArray();
  w.Key("GuestCheckout");
  w.Bool(p.guest_checkout);
  out.Time("CreatedAt", p.created);
  out.Time("ValidUntil", p.valid_until);
  out.Time("CompletedAt", p.completed);
  out.Time("ReservedUntil", p.reserved_until);
  out.Time("DelayedCaptureUntil", p.delayed_capture_until);
  w.Key("Transactions");
  w.StartArray();
  Dec current;
  for (const Tx& tx : p.txs) {
    WriteTransaction(out, p, tx);
    if (!tx.fee && !tx.refund && CountsTowardTotal(p.status)) {
      current = current + tx.total - tx.refunded;
    }
  }
  w.EndArray();
  out.Amount("Total", current);
  out.Text("SuggestedLocale", p.locale);
  w.Key("FraudRiskScore");
  if (p.fraud_score) {
    w.Int(*p.fraud_score);
  } else {
    w.Null();
  }
  out.Text("RedirectUrl", absl::StrCat(p.redirect_url, "?paymentId=", p.id));
  out.Text("CallbackUrl",
           p.callback_url.empty() ? "" : absl::StrCat(p.callback_url, "?paymentId=", p.id));
  out.Text("Currency", p.currency);
  if (v4) out.Text("PaymentMethod", PaymentMethodOf(p.funding_used));
  w.Key("Errors");
  w.StartArray();
  w.EndArray();
  w.EndObject();
  return b.GetString();
}

void Simulator::HandleState(const ApiRequest& req, ApiResponse& res, bool v4) {
  absl::MutexLock lock(&mu_);
  const ShopState* shop = Authenticate(req, nullptr, v4, res);
  if (shop == nullptr) return;
  const std::string id = v4 ? std::string(req.captures[1]) : req.Param("PaymentId");
  const absl::Time now = now_();
  if (options_.rate_limit) {
    std::deque<absl::Time>& calls = payments_.StateCalls(id);
    while (!calls.empty() && now - calls.front() >= absl::Seconds(5)) calls.pop_front();
    if (calls.size() >= 2) {
      res.status = 429;
      return;
    }
    calls.push_back(now);
  }
  Sweep(now);
  Payment* p = FindPayment(id);
  if (p == nullptr || p->shop != shop->config.name) {
    SendErrors(res, 400,
               {{"NotExistingPaymentId", "Invalid payment id", "The given payment id is invalid"}},
               Endpoint(req), NormalizeId(shop->config.pos_key));
    return;
  }
  Json(res, 200, PaymentJson(*p, v4));
}

bool Simulator::BeginPaymentCall(const ApiRequest& req, const rapidjson::Document& body,
                                 ApiResponse& res, PaymentCall* call) {
  const bool json_ok = !body.HasParseError() && body.IsObject();
  call->shop = Authenticate(req, json_ok ? &body : nullptr, false, res);
  if (call->shop == nullptr) return false;
  call->endpoint = Endpoint(req);
  call->auth = NormalizeId(call->shop->config.pos_key);
  Sweep(now_());
  call->payment = json_ok ? FindPayment(Str(body, "PaymentId")) : nullptr;
  if (call->payment == nullptr || call->payment->shop != call->shop->config.name) {
    SendErrors(res, 400,
               {{"NotExistingPaymentId", "Invalid payment id", "The given payment id is invalid"}},
               call->endpoint, call->auth);
    return false;
  }
  return true;
}

void Simulator::SendFinishAnswer(ApiResponse& res, const Payment& p) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("IsSuccessful");
  w.Bool(true);
  w.Key("PaymentId");
  w.String(p.id.c_str());
  w.Key("PaymentRequestId");
  w.String(p.request_id.c_str());
  w.Key("Status");
  w.String(Name(p.status));
  WriteProcessedTransactions(w, p, /*with_z=*/false);
  w.Key("Errors");
  w.StartArray();
  w.EndArray();
  w.EndObject();
  Json(res, 200, b.GetString());
}

void Simulator::HandleFinish(const ApiRequest& req, ApiResponse& res, bool capture) {
  const rapidjson::Document body = ParseBody(req);
  absl::MutexLock lock(&mu_);
  PaymentCall call;
  if (!BeginPaymentCall(req, body, res, &call)) return;
  Payment* p = call.payment;
  const std::string& endpoint = call.endpoint;
  const std::string& auth = call.auth;
  const absl::Time now = now_();
  const PaymentStatus wanted = capture ? PaymentStatus::kAuthorized : PaymentStatus::kReserved;
  if (p->status != wanted) {
    SendErrors(res, 400,
               {{"PaymentStatusNotValid", "Payment status is not valid",
                 absl::StrCat("The payment is ", Name(p->status), ", not ", Name(wanted), ".")}},
               endpoint, auth);
    return;
  }
  const Value* txs = Get(body, "Transactions");
  std::vector<std::pair<Tx*, Dec>> plan;
  std::vector<ApiError> errors;
  if (txs == nullptr || !txs->IsArray() || txs->Empty()) {
    errors.push_back(
        {"ModelValidationError", "Model validation error", "The Transactions field is required."});
  } else {
    for (const Value& t : txs->GetArray()) {
      const std::string tid = NormalizeId(Str(t, "TransactionId"));
      Tx* target = nullptr;
      for (Tx& tx : p->txs) {
        if (tx.id == tid && !tx.fee && !tx.refund) target = &tx;
      }
      absl::optional<Dec> total = Dec::Parse(Str(t, "Total"));
      if (target == nullptr) {
        errors.push_back({"TransactionDoesNotBelongToPayment", "Transaction does not belong",
                          "A TransactionId is not a payment transaction of this payment."});
      } else if (target->finished) {
        errors.push_back({"PaymentStatusNotValid", "Transaction already finished",
                          "A transaction can be finished only once."});
      } else if (!total || total->units < 0 || target->original < *total ||
                 total->Scale() > std::max(CurrencyScale(p->currency), 0)) {
        errors.push_back({"ModelValidationError", "Model validation error",
                          "The Total must be between 0 and the original amount."});
      } else {
        plan.emplace_back(target, *total);
      }
    }
  }
  if (capture && errors.empty()) {
    size_t payment_txs = 0;
    for (const Tx& tx : p->txs) payment_txs += (!tx.fee && !tx.refund) ? 1 : 0;
    if (plan.size() != payment_txs) {
      errors.push_back({"ModelValidationError", "Model validation error",
                        "Capture must list every payment transaction."});
    }
  }
  if (!errors.empty()) {
    SendErrors(res, 400, errors, endpoint, auth);
    return;
  }
  for (auto& [tx, total] : plan) {
    tx->finished = true;
    tx->total = total;
    tx->status = TxStatus::kSucceeded;
    tx->time = now;
  }
  bool all = true, any = false;
  for (const Tx& tx : p->txs) {
    if (tx.fee || tx.refund) continue;
    all = all && tx.finished;
    any = any || (tx.finished && tx.total.units > 0);
  }
  if (all) {
    Complete(*p, any ? PaymentStatus::kSucceeded : PaymentStatus::kCanceled, now);
  } else {
    ScheduleCallback(*p);
  }
  SendFinishAnswer(res, *p);
}

void Simulator::HandleCancelAuthorization(const ApiRequest& req, ApiResponse& res) {
  const rapidjson::Document body = ParseBody(req);
  absl::MutexLock lock(&mu_);
  PaymentCall call;
  if (!BeginPaymentCall(req, body, res, &call)) return;
  Payment* p = call.payment;
  const std::string& endpoint = call.endpoint;
  const std::string& auth = call.auth;
  if (p->status != PaymentStatus::kAuthorized) {
    SendErrors(res, 400,
               {{"PaymentStatusNotValid", "Payment status is not valid",
                 absl::StrCat("The payment is ", Name(p->status), ", not Authorized.")}},
               endpoint, auth);
    return;
  }
  for (Tx& tx : p->txs) {
    if (tx.fee || tx.refund) continue;
    tx.status = TxStatus::kReversed;
    tx.finished = true;
    tx.total = Dec{};
  }
  Complete(*p, PaymentStatus::kCanceled, now_());
  SendFinishAnswer(res, *p);
}

namespace {

// One refund the request asks for, checked against what is left to refund.
struct RefundLine {
  size_t index;  // of the refunded payment transaction in Payment::txs
  Dec amount;
  std::string pos_id;
  std::string comment;
};

// The refunds of a Refund request's TransactionsToRefund, or (in `errors`) why not: each must
// name a payment transaction of `p`, a POSTransactionId, and an amount at the currency's scale
// within what is left of that transaction (earlier lines of the same request included).
std::vector<RefundLine> PlanRefunds(const Value& body, const Payment& p,
                                    std::vector<ApiError>* errors) {
  std::vector<RefundLine> plan;
  const Value* list = Get(body, "TransactionsToRefund");
  if (list == nullptr || !list->IsArray() || list->Empty()) {
    errors->push_back({"ModelValidationError", "Model validation error",
                       "The TransactionsToRefund field is required."});
    return plan;
  }
  std::map<size_t, Dec> pending;
  for (const Value& t : list->GetArray()) {
    const std::string tid = NormalizeId(Str(t, "TransactionId"));
    size_t index = p.txs.size();
    for (size_t i = 0; i < p.txs.size(); ++i) {
      if (p.txs[i].id == tid && !p.txs[i].fee && !p.txs[i].refund) index = i;
    }
    absl::optional<Dec> amount = Dec::Parse(Str(t, "AmountToRefund"));
    if (index == p.txs.size()) {
      errors->push_back({"TransactionDoesNotBelongToPayment", "Transaction does not belong",
                         "A TransactionId is not a payment transaction of this payment."});
      continue;
    }
    const Tx& tx = p.txs[index];
    const Dec remaining = tx.total - tx.refunded - pending[index];
    if (Str(t, "POSTransactionId").empty()) {
      errors->push_back({"ModelValidationError", "Model validation error",
                         "The POSTransactionId field is required."});
    } else if (!amount || amount->units <= 0 ||
               amount->Scale() > std::max(CurrencyScale(p.currency), 0)) {
      errors->push_back({"ModelValidationError", "Model validation error",
                         "The AmountToRefund must be greater than 0."});
    } else if (remaining < *amount) {
      errors->push_back({"ModelValidationError", "Model validation error",
                         absl::StrCat("The AmountToRefund exceeds the refundable amount of ",
                                      remaining.Format(2), ".")});
    } else {
      pending[index] = pending[index] + *amount;
      plan.push_back({index, *amount, Str(t, "POSTransactionId"), Str(t, "Comment")});
    }
  }
  return plan;
}

// Books the planned refunds on `p` (a refund transaction each) and writes Refund's answer.
std::string ApplyRefunds(Payment& p, const std::vector<RefundLine>& plan, absl::Time now) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("PaymentId");
  w.String(p.id.c_str());
  w.Key("RefundedTransactions");
  w.StartArray();
  for (const RefundLine& line : plan) {
    Tx& original = p.txs[line.index];
    original.refunded = original.refunded + line.amount;
    Tx refund;
    refund.id = RandomHex(16);
    refund.pos_id = line.pos_id;
    refund.comment = line.comment;
    refund.original = refund.total = line.amount;
    refund.status = TxStatus::kSucceeded;
    refund.type = p.funding_used == "Balance" ? "Refund" : "RefundToBankCard";
    refund.payee = original.payee;
    refund.related_id = original.id;
    refund.time = now;
    refund.refund = true;
    w.StartObject();
    w.Key("TransactionId");
    w.String(refund.id.c_str());
    w.Key("Total");
    std::string text = line.amount.Format(2);
    w.RawValue(text.c_str(), text.size(), rapidjson::kNumberType);
    w.Key("POSTransactionId");
    w.String(line.pos_id.c_str());
    w.Key("Comment");
    if (line.comment.empty()) {
      w.Null();
    } else {
      w.String(line.comment.c_str());
    }
    w.Key("Status");
    w.String("Succeeded");
    w.EndObject();
    p.txs.push_back(std::move(refund));
  }
  w.EndArray();
  w.Key("Errors");
  w.StartArray();
  w.EndArray();
  w.EndObject();
  return b.GetString();
}

}  // namespace

void Simulator::HandleRefund(const ApiRequest& req, ApiResponse& res) {
  const rapidjson::Document body = ParseBody(req);
  absl::MutexLock lock(&mu_);
  PaymentCall call;
  if (!BeginPaymentCall(req, body, res, &call)) return;
  Payment* p = call.payment;
  if (p->status != PaymentStatus::kSucceeded && p->status != PaymentStatus::kPartiallySucceeded) {
    SendErrors(res, 400,
               {{"PaymentStatusNotValid", "Payment status is not valid",
                 absl::StrCat("Only succeeded payments can be refunded; this one is ",
                              Name(p->status), ".")}},
               call.endpoint, call.auth);
    return;
  }
  std::vector<ApiError> errors;
  const std::vector<RefundLine> plan = PlanRefunds(body, *p, &errors);
  if (!errors.empty()) {
    SendErrors(res, 400, errors, call.endpoint, call.auth);
    return;
  }
  const std::string answer = ApplyRefunds(*p, plan, now_());
  ScheduleCallback(*p);  // a refund changes no status, but Barion still calls back
  Json(res, 200, answer);
}

void Simulator::HandleComplete(const ApiRequest& req, ApiResponse& res) {
  const rapidjson::Document body = ParseBody(req);
  absl::MutexLock lock(&mu_);
  PaymentCall call;
  if (!BeginPaymentCall(req, body, res, &call)) return;
  Payment* p = call.payment;
  const std::string& endpoint = call.endpoint;
  const std::string& auth = call.auth;
  if (!p->needs_3ds || p->status != PaymentStatus::kInProgress) {
    SendErrors(res, 400,
               {{"PaymentStatusNotValid", "Payment status is not valid",
                 "The payment does not wait for a 3-D Secure completion."}},
               endpoint, auth);
    return;
  }
  const Token* token = tokens_.Find(p->shop, p->recurrence_id);
  for (Tx& tx : p->txs) {
    tx.status = TxStatus::kSucceeded;
    tx.type = "CardPayment";
    tx.finished = true;
  }
  p->funding_used = "BankCard";
  if (token != nullptr) p->trace_id = token->trace_id;
  Complete(*p, PaymentStatus::kSucceeded, now_());
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("PaymentId");
  w.String(p->id.c_str());
  w.Key("PaymentRequestId");
  w.String(p->request_id.c_str());
  w.Key("PaymentStatus");
  w.String(Name(p->status));
  w.Key("IsSuccessful");
  w.Bool(true);
  w.Key("TraceId");
  w.String(p->trace_id.c_str());
  w.Key("Errors");
  w.StartArray();
  w.EndArray();
  w.EndObject();
  Json(res, 200, b.GetString());
}

// A grayscale PNG of `side` x `side` pixels whose 25 x 25 modules are drawn from the bits of
// `seed`: it looks like a QR code and is a valid image, but it does not encode anything.
static std::string PatternPng(const std::string& seed, int side) {
  auto be32 = [](std::string& out, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
  };
  auto chunk = [&](std::string& png, const char* type, const std::string& data) {
    be32(png, static_cast<uint32_t>(data.size()));
    std::string body = std::string(type, 4) + data;
    png += body;
    be32(png,
         static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(body.data()), body.size())));
  };
  std::string raw;
  const int module = std::max(1, side / 25);
  for (int y = 0; y < side; ++y) {
    raw.push_back('\0');  // filter: none
    for (int x = 0; x < side; ++x) {
      const size_t bit = static_cast<size_t>((y / module) * 25 + x / module);
      const unsigned char c = static_cast<unsigned char>(seed[(bit / 8) % seed.size()]);
      raw.push_back(((c >> (bit % 8)) & 1) ? '\0' : static_cast<char>(0xff));
    }
  }
  uLongf size = compressBound(raw.size());
  std::string compressed(size, '\0');
  compress2(reinterpret_cast<Bytef*>(compressed.data()), &size,
            reinterpret_cast<const Bytef*>(raw.data()), raw.size(), 6);
  compressed.resize(size);
  std::string header;
  be32(header, static_cast<uint32_t>(side));
  be32(header, static_cast<uint32_t>(side));
  header += std::string("\x08\x00\x00\x00\x00", 5);  // 8-bit grayscale, no interlace
  std::string png("\x89PNG\r\n\x1a\n", 8);
  chunk(png, "IHDR", header);
  chunk(png, "IDAT", compressed);
  chunk(png, "IEND", "");
  return png;
}

void Simulator::HandleQrCode(const ApiRequest& req, ApiResponse& res) {
  absl::MutexLock lock(&mu_);
  const std::string id = NormalizeId(req.Param("paymentId"));
  const Payment* p = FindPayment(id);
  if (id.empty() || p == nullptr) {
    SendErrors(res, 404,
               {{"NotExistingPaymentId", "Payment does not exist.",
                 "The paymentId does not name a payment."}},
               Endpoint(req), "");
    return;
  }
  const std::string size = req.Param("size");
  const int side = size == "Small" ? 125 : size == "Normal" ? 200 : 300;
  res.status = 200;
  res.SetContent(PatternPng(p->id, side), "image/png");
}

void Simulator::HandleApplePaySession(const ApiRequest& req, ApiResponse& res) {
  const rapidjson::Document body = ParseBody(req);
  absl::MutexLock lock(&mu_);
  const bool json_ok = !body.HasParseError() && body.IsObject();
  const ShopState* shop = Authenticate(req, json_ok ? &body : nullptr, false, res);
  if (shop == nullptr) return;
  const std::string session_url = json_ok ? Str(body, "SessionRequestUrl") : "";
  const std::string shop_url = json_ok ? Str(body, "ShopUrl") : "";
  if (!absl::StartsWith(session_url, "https://") || !absl::StartsWith(shop_url, "https://")) {
    SendErrors(res, 400,
               {{"ModelValidationError", "Model validation error",
                 "The SessionRequestUrl and ShopUrl fields must be https URLs."}},
               Endpoint(req), NormalizeId(shop->config.pos_key));
    return;
  }
  // Apple's merchant session object, as Apple Pay JS expects it.
  const absl::Time now = now_();
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("epochTimestamp");
  w.Int64(absl::ToUnixMillis(now));
  w.Key("expiresAt");
  w.Int64(absl::ToUnixMillis(now + absl::Minutes(60)));
  w.Key("merchantSessionIdentifier");
  w.String(absl::StrCat("SSH", absl::AsciiStrToUpper(RandomHex(16))).c_str());
  w.Key("nonce");
  w.String(RandomHex(4).c_str());
  w.Key("merchantIdentifier");
  w.String(absl::AsciiStrToUpper(RandomHex(32)).c_str());
  w.Key("domainName");
  w.String(std::string(absl::StripPrefix(shop_url, "https://"))
               .substr(0, std::string(absl::StripPrefix(shop_url, "https://")).find('/'))
               .c_str());
  w.Key("displayName");
  w.String(shop->config.name.c_str());
  w.Key("signature");
  w.String(RandomHex(64).c_str());
  w.EndObject();
  Json(res, 200, b.GetString());
}

}  // namespace barion_gateway::sandbox
