// Starting payments: Payment/Start, and the Google Pay and Apple Pay starts charged at once
// with a token (synchronous token charges with Barion's token error codes).
#include <set>
#include <string>
#include <vector>

#include "sandbox/model/simulator.h"

namespace barion_gateway::sandbox {

std::string Simulator::StartJson(const Payment& p, const std::string& recurrence_result,
                                 const std::vector<ApiError>& errors, const std::string& endpoint,
                                 const std::string& auth_data) {
  rapidjson::StringBuffer b;
  Writer w(b);
  auto str_or_null = [&w](const char* key, const std::string& v) {
    w.Key(key);
    if (v.empty()) {
      w.Null();
    } else {
      w.String(v.c_str());
    }
  };
  const bool failed = p.status == PaymentStatus::kFailed;
  w.StartObject();
  w.Key("PaymentId");
  w.String(p.id.c_str());
  w.Key("PaymentRequestId");
  w.String(p.request_id.c_str());
  w.Key("Status");
  w.String(Name(p.status));
  w.Key("IsSuccessful");  // Payment-Start-v2's answer carries it
  w.Bool(!failed);
  str_or_null("QRUrl", failed ? ""
                              : absl::StrCat("https://api.test.barion.com/qr/generate?paymentId=",
                                             Hyphenated(p.id), "&size=Large"));
  WriteProcessedTransactions(w, p, /*with_z=*/false);
  w.Key("RecurrenceResult");
  w.String(recurrence_result.c_str());
  w.Key("ThreeDSAuthClientData");
  if (p.needs_3ds && p.status != PaymentStatus::kSucceeded) {
    w.StartObject();
    w.Key("ThreeDSMethodUrl");
    w.String(absl::StrCat(pay_page_base_, "/3ds/method?paymentId=", p.id).c_str());
    w.Key("ChallengeData");
    w.String("c2FuZGJveC0zZHM=");
    w.EndObject();
  } else {
    w.Null();
  }
  const std::string lang = absl::StrReplaceAll(p.locale, {{"-", "_"}});
  str_or_null("GatewayUrl",
              failed ? "" : absl::StrCat(pay_page_base_, "/Pay?Id=", p.id, "&lang=", lang));
  str_or_null("RedirectUrl", failed ? "" : absl::StrCat(p.redirect_url, "?paymentId=", p.id));
  str_or_null("CallbackUrl", failed || p.callback_url.empty()
                                 ? ""
                                 : absl::StrCat(p.callback_url, "?paymentId=", p.id));
  str_or_null("TraceId", p.trace_id);
  // An unknown property, as Barion adds them over time: readers must ignore it.
  w.Key("SandboxSimulated");
  w.Bool(true);
  WriteErrors(w, errors, endpoint, auth_data);
  w.EndObject();
  return b.GetString();
}

namespace {

// The payment's own fields, its funding sources and, for a wallet-token start, the token (whose
// text decides the simulated charge's outcome, in `token_text`).
void ReadStartFields(const Value& body, StartKind kind, Payment* p_out, std::string* token_text,
                     std::vector<ApiError>& errors) {
  Payment& p = *p_out;
  p.type = Canonical(kPaymentTypes, Str(body, "PaymentType"));
  if (p.type.empty())
    AddModelError(errors, "The PaymentType field is required or has an invalid value.");
  p.request_id = Str(body, "PaymentRequestId");
  if (p.request_id.empty()) AddModelError(errors, "The PaymentRequestId field is required.");
  if (p.request_id.size() > 100)
    AddModelError(errors, "The field PaymentRequestId must be at most 100 long.");
  p.order_number = Str(body, "OrderNumber");
  p.currency = absl::AsciiStrToUpper(Str(body, "Currency"));
  if (CurrencyScale(p.currency) < 0)
    AddModelError(errors, "The Currency field is required or has an invalid value.");
  p.locale = Str(body, "Locale");
  if (p.locale.empty()) AddModelError(errors, "The Locale field is required.");
  p.redirect_url = Str(body, "RedirectUrl");
  if (p.redirect_url.empty()) AddModelError(errors, "The redirect url is required!");
  p.callback_url = Str(body, "CallbackUrl");
  p.guest_checkout = BoolOf(body, "GuestCheckOut");
  p.initiate_recurrence = BoolOf(body, "InitiateRecurrence");
  p.recurrence_id = Str(body, "RecurrenceId");
  p.trace_id = Str(body, "TraceId");
  const std::string rt = Str(body, "RecurrenceType");
  p.recurrence_type = rt.empty() ? "" : Canonical(kRecurrenceTypes, rt);
  if (!rt.empty() && p.recurrence_type.empty())
    AddModelError(errors, "The RecurrenceType field is invalid.");
  if (const Value* fs = Get(body, "FundingSources"); fs != nullptr && fs->IsArray()) {
    for (const Value& v : fs->GetArray()) {
      std::string name = v.IsString() ? Canonical(kFundingSources, v.GetString()) : "";
      if (name.empty()) {
        AddModelError(errors, "The FundingSources field has an invalid value.");
      } else {
        p.funding_sources.push_back(name);
      }
    }
  }
  if (kind == StartKind::kGooglePay) {
    // Its input extends Payment/Start v2, where both are required (docs/BARION.md, "Google Pay").
    if (p.funding_sources.empty()) AddModelError(errors, "The FundingSources field is required.");
    if (!Has(body, "GuestCheckOut")) AddModelError(errors, "The GuestCheckOut field is required.");
    p.funding_sources = {"GooglePay"};
    const std::string payer = Str(body, "PayerEmailAddress");
    if (payer.find('@') == std::string::npos || payer.size() > 256) {
      AddModelError(errors, "The PayerEmailAddress field is required.");
    }
    *token_text = Str(body, "GooglePayToken");
    if (token_text->empty()) AddModelError(errors, "The GooglePayToken field is required.");
  } else if (kind == StartKind::kApplePay) {
    // ApplePay-StartPaymentWithAppleToken marks both contacts Required (Apple Pay JS's payment
    // contacts: GivenName, FamilyName, EmailAddress, PhoneNumber, PostalAddress).
    for (const char* contact : {"ShippingContact", "BillingContact"}) {
      const Value* c = Get(body, contact);
      if (c == nullptr || !c->IsObject()) {
        AddModelError(errors, absl::StrCat("The ", contact, " field is required."));
      }
    }
    p.funding_sources = {"ApplePay"};
    const Value* token = Get(body, "ApplePayToken");
    const Value* data = token != nullptr ? Get(*token, "PaymentData") : nullptr;
    *token_text = data != nullptr ? Str(*data, "Data") : "";
    if (token == nullptr || Str(*token, "TransactionIdentifier").empty() || token_text->empty() ||
        Str(*data, "Signature").empty()) {
      AddModelError(errors,
                    "The ApplePayToken field is required (TransactionIdentifier, PaymentData.Data, "
                    "PaymentData.Signature).");
    }
  }
  if (p.funding_sources.empty()) AddModelError(errors, "The FundingSources field is required.");
}

// The payment window and the reservation or capture period; `window` receives the first.
void ReadStartPeriods(const Value& body, const SandboxShop& shop, Payment* p_out,
                      absl::Duration* window, std::vector<ApiError>& errors) {
  Payment& p = *p_out;
  if (Has(body, "PaymentWindow")) {
    if (!ParseSpan(Str(body, "PaymentWindow"), window) || *window < absl::Minutes(1) ||
        *window > absl::Hours(24 * 7)) {
      AddModelError(errors, "The PaymentWindow must be between 1 minute and 7 days.");
    }
  }
  if (p.type == "Reservation") {
    if (Has(body, "ReservationPeriod") &&
        (!ParseSpan(Str(body, "ReservationPeriod"), &p.reservation_period) ||
         p.reservation_period < absl::Minutes(1) || p.reservation_period > absl::Hours(24 * 365))) {
      AddModelError(errors, "The ReservationPeriod must be between 1 minute and 1 year.");
    }
  }
  if (p.type == "DelayedCapture") {
    // Delayed_Capture: up to 21 days for Hungarian shops, up to 7 for others.
    const int days = shop.country == "HU" ? 21 : 7;
    if (Has(body, "DelayedCapturePeriod") &&
        (!ParseSpan(Str(body, "DelayedCapturePeriod"), &p.delayed_capture_period) ||
         p.delayed_capture_period < absl::Minutes(1) ||
         p.delayed_capture_period > absl::Hours(24 * days))) {
      AddModelError(errors, absl::StrCat("The DelayedCapturePeriod must be between 1 minute and ",
                                         days, " days."));
    }
  }
}

void CheckStartAddresses(const Value& body, std::vector<ApiError>& errors) {
  for (const char* address : {"ShippingAddress", "BillingAddress"}) {
    if (const Value* a = Get(body, address); a != nullptr) {
      const std::string region = Str(*a, "Region");
      if (!region.empty() && region.size() != 2) {
        AddModelError(
            errors,
            "The field Region must be a string or array type with a minimum length of '2'.");
      }
      if (Str(*a, "Country").size() != 2)
        AddModelError(errors, absl::StrCat("The ", address, ".Country is invalid."));
    }
  }
}

// The transactions with their items; `wallets`: the e-mails that are Barion wallets (payees).
// False when the request has none.
bool ReadStartTransactions(const Value& body, absl::Time now, const std::set<std::string>& wallets,
                           Payment* p_out, std::vector<ApiError>& errors) {
  Payment& p = *p_out;
  const int scale = CurrencyScale(p.currency);
  bool has_tx = false;
  if (const Value* txs = Get(body, "Transactions"); txs != nullptr && txs->IsArray()) {
    for (const Value& t : txs->GetArray()) {
      has_tx = true;
      Tx tx;
      tx.id = RandomHex(16);
      tx.time = now;
      tx.pos_id = Str(t, "POSTransactionId");
      if (tx.pos_id.empty()) AddModelError(errors, "The POSTransactionId field is required.");
      tx.payee = Str(t, "Payee");
      if (tx.payee.empty()) AddModelError(errors, "The Payee field is required.");
      tx.comment = Str(t, "Comment");
      absl::optional<Dec> total = Dec::Parse(Str(t, "Total"));
      if (!total || total->units <= 0) {
        AddModelError(errors, "The Total field must be greater than 0.");
      } else if (scale >= 0 && total->Scale() > scale) {
        AddModelError(errors,
                      absl::StrCat("The Total field has too many decimals for ", p.currency, "."));
      } else if (CardOnly(p.funding_sources) && *total < CardMinimum(p.currency)) {
        AddModelError(errors, absl::StrCat("The Total is below the minimum card payment in ",
                                           p.currency, "."));
      } else {
        tx.original = tx.total = *total;
      }
      if (const Value* items = Get(t, "Items"); items != nullptr && items->IsArray()) {
        for (const Value& i : items->GetArray()) {
          for (const char* required : {"Name", "Description", "Unit"}) {
            if (Str(i, required).empty())
              AddModelError(errors, absl::StrCat("The ", required, " field is required."));
          }
          for (const char* number : {"Quantity", "UnitPrice", "ItemTotal"}) {
            if (!Dec::Parse(Str(i, number)))
              AddModelError(errors, absl::StrCat("The ", number, " field is required."));
          }
          rapidjson::StringBuffer ib;
          Writer iw(ib);
          i.Accept(iw);
          tx.items.push_back({ib.GetString()});
        }
      }
      if (!tx.payee.empty() && !wallets.count(absl::AsciiStrToLower(tx.payee)) && errors.empty()) {
        errors.push_back({"InvalidUser", "Invalid user(email)!",
                          absl::StrCat("The payee ", tx.payee, " is not a valid Barion wallet.")});
      }
      p.txs.push_back(std::move(tx));
    }
  }
  return has_tx;
}

// The answer of a wallet-token start, charged at once.
std::string TokenStartAnswer(const Payment& p, const std::string& endpoint,
                             const std::string& auth) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("PaymentId");
  w.String(p.id.c_str());
  w.Key("PaymentRequestId");
  w.String(p.request_id.c_str());
  w.Key("PaymentStatus");
  w.String(Name(p.status));
  w.Key("IsSuccessful");  // whether the token was charged
  w.Bool(p.status == PaymentStatus::kSucceeded);
  w.Key("ThreeDSAuthClientData");
  w.Null();
  w.Key("TraceId");
  if (p.trace_id.empty()) {
    w.Null();
  } else {
    w.String(p.trace_id.c_str());
  }
  WriteErrors(w, {}, endpoint, auth);
  w.EndObject();
  return b.GetString();
}

// How the payer pays a wallet-token start, in the control API's terms: Barion charges the token
// at once, and a token whose text contains "decline" is refused.
rapidjson::Document WalletTokenPayment(StartKind kind, const std::string& token_text,
                                       const Value& body) {
  rapidjson::Document pay(rapidjson::kObjectType);
  auto& alloc = pay.GetAllocator();
  pay.AddMember("funding",
                rapidjson::StringRef(kind == StartKind::kGooglePay ? "GooglePay" : "ApplePay"),
                alloc);
  pay.AddMember("outcome", absl::StrContains(token_text, "decline") ? "decline" : "success", alloc);
  const std::string payer = Str(body, "PayerEmailAddress");
  if (!payer.empty()) pay.AddMember("payer", rapidjson::Value(payer.c_str(), alloc), alloc);
  return pay;
}

}  // namespace

void Simulator::HandleStart(const ApiRequest& req, ApiResponse& res, StartKind kind) {
  const bool token_start = kind != StartKind::kStart;
  const rapidjson::Document body = ParseBody(req);
  absl::MutexLock lock(&mu_);
  const bool json_ok = !body.HasParseError() && body.IsObject();
  const ShopState* shop = Authenticate(req, json_ok ? &body : nullptr, false, res);
  if (shop == nullptr) return;
  const std::string endpoint = Endpoint(req);
  const std::string auth = NormalizeId(shop->config.pos_key);
  if (!json_ok) {
    SendErrors(
        res, 400,
        {{"ModelValidationError", "Model validation error", "The request body is not valid JSON."}},
        endpoint, auth);
    return;
  }

  std::vector<ApiError> errors;
  Payment p;
  p.shop = shop->config.name;
  std::string token_text;  // what decides the simulated charge's outcome
  ReadStartFields(body, kind, &p, &token_text, errors);
  const absl::Time now = now_();
  absl::Duration window = absl::Minutes(30);
  ReadStartPeriods(body, shop->config, &p, &window, errors);
  CheckStartAddresses(body, errors);
  if (!ReadStartTransactions(body, now, wallets_.known(), &p, errors)) {
    AddModelError(errors, "The Transactions field is required.");
  }
  if (!errors.empty()) {
    SendErrors(res, 400, errors, endpoint, auth);
    return;
  }
  if ((p.initiate_recurrence || !p.recurrence_id.empty()) && !shop->config.recurring_allowed) {
    SendErrors(res, 400,
               {{"RecurringPaymentNotAllowed", "Recurring payment is not allowed.",
                 "The shop is not enabled for token payments."}},
               endpoint, auth);
    return;
  }
  if (p.initiate_recurrence) {
    const Token* existing = tokens_.Find(p.shop, p.recurrence_id);
    if (existing != nullptr && existing->state == TokenState::kActive) {
      SendErrors(res, 400,
                 {{"ModelValidationError", "Model validation error",
                   "The RecurrenceId is already registered."}},
                 endpoint, auth);
      return;
    }
  }

  p.id = RandomHex(16);
  p.created = now;
  p.valid_until = now + window;
  ExpectDeadline(p.valid_until);
  std::string recurrence_result = "None";
  std::vector<ApiError> charge_errors;
  if (!p.initiate_recurrence && !p.recurrence_id.empty()) {
    TokenCharge(p, *shop, &charge_errors, &recurrence_result);
  } else if (p.initiate_recurrence) {
    Token& token = tokens_.Register(p.shop, p.recurrence_id);
    token.registering_payment = p.id;
  }
  if (token_start) {
    ApiResponse ignored;
    PayPayment(p, WalletTokenPayment(kind, token_text, body), ignored);
    const std::string answer = TokenStartAnswer(p, endpoint, auth);
    payments_.Add(std::move(p));
    Json(res, 200, answer);
    return;
  }
  const std::string answer = StartJson(p, recurrence_result, charge_errors, endpoint, auth);
  if (p.status != PaymentStatus::kPrepared) ScheduleCallback(p);
  payments_.Add(std::move(p));
  Json(res, 200, answer);
}

void Simulator::TokenCharge(Payment& p, const ShopState& shop, std::vector<ApiError>* errors,
                            std::string* recurrence_result) {
  const absl::Time now = now_();
  auto fail = [&](const char* code, const char* title, const char* description,
                  const char* result) {
    errors->push_back({code, title, description});
    *recurrence_result = result;
    for (Tx& t : p.txs) t.status = TxStatus::kRejected;
    p.status = PaymentStatus::kFailed;
    p.completed = now;
  };
  Token* const found = tokens_.Find(shop.config.name, p.recurrence_id);
  if (found == nullptr || found->state == TokenState::kPending) {
    fail("InvalidRecurrenceId", "Invalid recurrence id",
         "The RecurrenceId is unknown for this shop.", "NotFound");
    return;
  }
  Token& token = *found;
  Dec total;
  for (const Tx& t : p.txs) total = total + t.original;
  if (token.state == TokenState::kFailed) {
    fail("OriginalPaymentWasntSuccessful", "Original payment was not successful",
         "The payment that registered this token did not succeed.", "Failed");
  } else if (token.wallet_blocked) {
    fail("RecurringPaymentDenied", "Recurring payment denied",
         "The payer's wallet was deleted, suspended or blocked.", "Failed");
  } else if (token.funding == "Balance" && token.wallet_currency != p.currency) {
    fail("InvalidCurrency", "Invalid currency",
         "The payer's wallet has no account in this currency.", "Failed");
  } else if (token.funding == "Balance" && token.wallet_balance < total) {
    fail("InsufficientFunds", "Insufficient funds", "The payer's balance is too low.", "Failed");
  } else if (token.funding != "Balance" && token.card_expired) {
    fail("CardExpired", "Card expired",
         "The card stored for this token is no longer valid; register a new RecurrenceId.",
         "Failed");
  } else if ((p.recurrence_type == "MerchantInitiatedPayment" ||
              p.recurrence_type == "RecurringPayment") &&
             token.funding != "Balance" && p.trace_id != token.trace_id) {
    // The trace id must come back byte for byte (it may hold runs of spaces).
    fail("ThreeDsNotEnabled", "3DS not enabled",
         "The issuer declined for lack of strong customer authentication (check the TraceId).",
         "Failed");
  } else if (p.recurrence_type == "OneClickPayment" && token.require_3ds) {
    p.needs_3ds = true;
    p.status = PaymentStatus::kInProgress;
    *recurrence_result = "ThreeDSAuthenticationRequired";
  } else {
    for (Tx& t : p.txs) {
      t.status = TxStatus::kSucceeded;
      t.type = token.funding == "Balance" ? "Shop" : "CardPayment";
      t.finished = true;
    }
    if (token.funding == "Balance") token.wallet_balance = token.wallet_balance - total;
    p.funding_used = token.funding;
    p.trace_id = token.trace_id;
    p.status = PaymentStatus::kSucceeded;
    p.completed = now;
    p.fraud_score = 3;
    *recurrence_result = "Successful";
  }
}

}  // namespace barion_gateway::sandbox
