// The wallet API: accounts, transfers, history, statements and shops (POS), with an API key.
#include "sandbox/model/simulator.h"

namespace barion_gateway::sandbox {

ApiWallet* Simulator::AuthenticateWallet(const ApiRequest& req, ApiResponse& res) {
  ApiWallet* const wallet = wallets_.ByApiKey(req.Header("x-api-key"));
  if (wallet == nullptr) {
    SendErrors(res, options_.auth_failure_status,
               {{"AuthenticationFailed", "User authentication failed.",
                 "The login information provided is incorrect."}},
               Endpoint(req), "");
    return nullptr;
  }
  return wallet;
}

void Simulator::HandleAccounts(const ApiRequest& req, ApiResponse& res) {
  absl::MutexLock lock(&mu_);
  const ApiWallet* wallet = AuthenticateWallet(req, res);
  if (wallet == nullptr) return;
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("Accounts");
  w.StartArray();
  for (const WalletAccount& a : wallet->accounts) {
    w.StartObject();
    w.Key("AccountId");
    w.String(Hyphenated(a.id).c_str());
    w.Key("Currency");
    w.String(a.currency.c_str());
    w.Key("Balance");
    w.StartObject();
    w.Key("Available");
    w.RawValue(a.available.Format().c_str(), a.available.Format().size(), rapidjson::kNumberType);
    w.Key("Blocked");
    w.RawValue(a.blocked.Format().c_str(), a.blocked.Format().size(), rapidjson::kNumberType);
    w.EndObject();
    w.Key("TopUpInfo");
    w.StartObject();
    w.Key("BBANCountry");
    w.String("HU");
    w.Key("IBAN");
    w.String(absl::StrCat("HU42", a.id.substr(0, 20)).c_str());
    w.Key("Reference");
    w.String(a.id.substr(0, 10).c_str());
    w.Key("SwiftCode");
    w.String("GIBAHUHB");
    w.Key("Beneficiary");
    w.StartObject();
    w.Key("Name");
    w.String("Barion Payment Zrt.");
    w.Key("Country");
    w.String("HU");
    w.Key("City");
    w.String("Budapest");
    w.Key("Zip");
    w.String("1117");
    w.Key("Street");
    w.String("Infopark setany 1.");
    w.EndObject();
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  WriteErrors(w, {}, Endpoint(req), "");
  w.EndObject();
  Json(res, 200, b.GetString());
}

void Simulator::HandleTransferEmail(const ApiRequest& req, ApiResponse& res) {
  const rapidjson::Document body = ParseBody(req);
  absl::MutexLock lock(&mu_);
  ApiWallet* wallet = AuthenticateWallet(req, res);
  if (wallet == nullptr) return;
  const std::string endpoint = Endpoint(req);
  auto invalid = [&](const std::string& description) {
    SendErrors(res, 400, {{"ModelValidationError", "Model validation error", description}},
               endpoint, "");
  };
  if (!body.IsObject()) return invalid("The request body is not a JSON object.");
  const std::string source = Str(body, "SourceAccountId");
  if (NormalizeId(source).size() != 32) {
    return invalid("The SourceAccountId field is not a valid GUID.");
  }
  const Value* amount = Get(body, "Amount");
  const std::string currency = amount != nullptr ? Str(*amount, "Currency") : "";
  absl::optional<Dec> value =
      amount != nullptr ? Dec::Parse(Str(*amount, "Value")) : absl::optional<Dec>();
  if (CurrencyScale(currency) < 0) return invalid("The Amount.Currency field is invalid.");
  if (!value || value->units <= 0 || value->Scale() > std::max(CurrencyScale(currency), 0)) {
    return invalid("The Amount.Value must be greater than 0.");
  }
  const std::string target = absl::AsciiStrToLower(Str(body, "TargetEmail"));
  if (target.find('@') == std::string::npos) {
    return invalid("The TargetEmail field is not a valid e-mail address.");
  }
  if (Str(body, "Comment").size() > 1000) {
    return invalid("The field Comment must be a string with a maximum length of 1000.");
  }
  auto account = std::find_if(wallet->accounts.begin(), wallet->accounts.end(),
                              [&](const WalletAccount& a) { return a.id == NormalizeId(source); });
  if (account == wallet->accounts.end()) {
    return invalid("The SourceAccountId is not an account of this wallet.");
  }
  if (account->currency != currency) {
    SendErrors(res, 400,
               {{"InvalidCurrency", "Invalid currency",
                 "The currency of the amount differs from the source account's."}},
               endpoint, "");
    return;
  }
  if (target == absl::AsciiStrToLower(wallet->config.email)) {
    SendErrors(res, 400,
               {{"TheSourceAndDestinationAccountsAreMatched", "Same account",
                 "The source and the destination accounts are the same."}},
               endpoint, "");
    return;
  }
  if (account->available < *value) {
    SendErrors(res, 400,
               {{"InsufficientFunds", "Insufficient funds",
                 "The balance of the source account is not enough for the transfer."}},
               endpoint, "");
    return;
  }
  account->available = account->available - *value;
  const std::string comment = Str(body, "Comment");
  wallet->history.push_back(
      {RandomHex(16), "InternalTransfer", now_(), *value, currency, comment, "Debit", target});
  // The recipient's money: credited when it is one of the sandbox's API wallets.
  if (ApiWallet* other = wallets_.ByEmail(target); other != nullptr) {
    for (WalletAccount& a : other->accounts) {
      if (a.currency == currency) a.available = a.available + *value;
    }
    other->history.push_back({RandomHex(16), "InternalTransfer", now_(), *value, currency, comment,
                              "Credit", absl::AsciiStrToLower(wallet->config.email)});
  }
  Json(res, 200, "{\"IsTransferSuccessful\":true,\"Errors\":[]}");
}

namespace {

// A v3 Withdraw/BankTransfer request as the sandbox reads it (absent parts read as empty).
struct BankTransfer {
  std::string currency;
  absl::optional<Dec> amount;
  std::string comment;
  std::string country;          // BankAccount.Country
  std::string format;           // BankAccount.Format
  std::string number;           // BankAccount.AccountNumber
  std::string swift;            // Bank.SwiftCode
  std::string name;             // Recipient.Name
  std::string address_country;  // Recipient.Address.Country
  std::string street;           // Recipient.Address.Street
  std::string city;             // Recipient.Address.City
  std::string zip;              // Recipient.Address.Zip
};

BankTransfer ReadBankTransfer(const rapidjson::Document& body) {
  const Value empty(rapidjson::kObjectType);
  const bool object = body.IsObject();
  auto part = [&](const Value& parent, const char* name) -> const Value& {
    const Value* v = parent.IsObject() ? Get(parent, name) : nullptr;
    return v != nullptr && v->IsObject() ? *v : empty;
  };
  const Value& account = part(body, "BankAccount");
  const Value& recipient = part(body, "Recipient");
  BankTransfer t;
  t.currency = object ? Str(body, "Currency") : "";
  t.amount = object ? Dec::Parse(Str(body, "Amount")) : absl::optional<Dec>();
  t.comment = object ? Str(body, "Comment") : "";
  t.country = Str(account, "Country");
  t.format = Str(account, "Format");
  t.number = Str(account, "AccountNumber");
  t.swift = Str(part(body, "Bank"), "SwiftCode");
  t.name = Str(recipient, "Name");
  const Value& address = part(recipient, "Address");
  t.address_country = Str(address, "Country");
  t.street = Str(address, "Street");
  t.city = Str(address, "City");
  t.zip = Str(address, "Zip");
  return t;
}

// Barion's ModelValidationErrors for a bank transfer.
std::vector<ApiError> CheckBankTransfer(const BankTransfer& t) {
  std::vector<ApiError> errors;
  // Bank transfer v3's BankAccountNumberFormat, Other included.
  static const std::set<std::string> kFormats = {"Unknown", "Giro", "IBAN", "Czech", "Other"};
  const bool alpha3 =
      t.country.size() == 3 &&
      std::all_of(t.country.begin(), t.country.end(), [](char x) { return x >= 'A' && x <= 'Z'; });
  if (CurrencyScale(t.currency) < 0) AddModelError(errors, "The Currency field is invalid.");
  if (!t.amount || t.amount->units <= 0 ||
      t.amount->Scale() > std::max(CurrencyScale(t.currency), 0)) {
    AddModelError(errors, "The Amount must be greater than 0.");
  }
  if (t.comment.size() > 90) {
    AddModelError(errors, "The field Comment must be a string with a maximum length of 90.");
  }
  if (!alpha3) AddModelError(errors, "The BankAccount.Country field is invalid.");
  if (!kFormats.count(t.format)) AddModelError(errors, "The BankAccount.Format field is invalid.");
  if (t.number.empty() || t.number.size() > 34) {
    AddModelError(errors,
                  "The BankAccount.AccountNumber field is required (at most 34 characters).");
  }
  if ((t.format == "IBAN" || !t.swift.empty()) && t.swift.size() != 8 && t.swift.size() != 11) {
    AddModelError(errors, "The Bank.SwiftCode must be 8 or 11 characters.");
  }
  if (t.name.empty() || t.name.size() > 100) {
    AddModelError(errors, "The Recipient.Name field is required (at most 100 characters).");
  }
  if (t.zip.size() > 16) AddModelError(errors, "The Recipient.Address.Zip is too long.");
  return errors;
}

std::string BankTransferAnswer(const BankTransfer& t, const std::string& endpoint) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("TransactionId");
  w.String(Hyphenated(RandomHex(16)).c_str());
  w.Key("Currency");
  w.String(t.currency.c_str());
  const std::string formatted = t.amount->Format(std::max(CurrencyScale(t.currency), 0));
  w.Key("Amount");
  w.RawValue(formatted.c_str(), formatted.size(), rapidjson::kNumberType);
  w.Key("Comment");
  w.String(t.comment.c_str());
  w.Key("BankAccount");
  w.StartObject();
  w.Key("Country");
  w.String(t.country.c_str());
  w.Key("Format");
  w.String(t.format.c_str());
  w.Key("AccountNumber");
  w.String(t.number.c_str());
  w.EndObject();
  // The answer echoes the request: Comment, BankAccount, Bank and Recipient.
  w.Key("Bank");
  w.StartObject();
  w.Key("SwiftCode");
  w.String(t.swift.c_str());
  w.EndObject();
  w.Key("Recipient");
  w.StartObject();
  w.Key("Name");
  w.String(t.name.c_str());
  w.Key("Address");
  w.StartObject();
  for (auto [key, value] :
       {std::pair{"Country", &t.address_country}, std::pair{"Street", &t.street},
        std::pair{"City", &t.city}, std::pair{"Zip", &t.zip}}) {
    w.Key(key);
    w.String(value->c_str());
  }
  w.EndObject();
  w.EndObject();
  WriteErrors(w, {}, endpoint, "");
  w.EndObject();
  return b.GetString();
}

}  // namespace

void Simulator::HandleBankTransfer(const ApiRequest& req, ApiResponse& res) {
  const rapidjson::Document body = ParseBody(req);
  absl::MutexLock lock(&mu_);
  ApiWallet* wallet = AuthenticateWallet(req, res);
  if (wallet == nullptr) return;
  const std::string endpoint = Endpoint(req);
  const BankTransfer t = ReadBankTransfer(body);
  if (std::vector<ApiError> errors = CheckBankTransfer(t); !errors.empty()) {
    SendErrors(res, 400, errors, endpoint, "");
    return;
  }
  auto source = std::find_if(wallet->accounts.begin(), wallet->accounts.end(),
                             [&](const WalletAccount& a) { return a.currency == t.currency; });
  if (source == wallet->accounts.end()) {
    SendErrors(
        res, 400,
        {{"InvalidCurrency", "Invalid currency", "The wallet has no account in the currency."}},
        endpoint, "");
    return;
  }
  if (source->available < *t.amount) {
    SendErrors(res, 400,
               {{"InsufficientFunds", "Insufficient funds",
                 "The balance of the account is not enough for the transfer."}},
               endpoint, "");
    return;
  }
  source->available = source->available - *t.amount;
  wallet->history.push_back(
      {RandomHex(16), "Withdraw", now_(), *t.amount, t.currency, t.comment, "Debit", t.number});
  Json(res, 200, BankTransferAnswer(t, endpoint));
}

// The common fields of a history item; `detail` uses GetDetail's names (HistoryId, HistoryType).
static void WriteHistoryItem(Writer& w, const ApiWallet& wallet, const HistoryEntry& e,
                             bool detail) {
  const bool credit = e.balance_change == "Credit";
  auto participant = [&](const std::string& login, const char* type) {
    w.StartObject();
    w.Key("UserAccountId");
    w.String(Hyphenated(RandomHex(16)).c_str());
    w.Key("Type");
    w.String(type);
    w.Key("LoginName");
    w.String(login.c_str());
    w.EndObject();
  };
  w.Key(detail ? "HistoryId" : "Id");
  w.String(Hyphenated(e.id).c_str());
  w.Key(detail ? "HistoryType" : "Type");
  w.String(e.type.c_str());
  w.Key("HappenedAtUtc");
  w.String(TimeZ(e.at).c_str());
  w.Key("SourceAccount");
  participant(credit ? e.counterpart : wallet.config.email, credit ? "System" : "User");
  w.Key("TargetAccount");
  participant(credit ? wallet.config.email : e.counterpart, "User");
  const std::string amount = e.amount.Format(std::max(CurrencyScale(e.currency), 0));
  w.Key("Amount");
  w.RawValue(amount.c_str(), amount.size(), rapidjson::kNumberType);
  w.Key("Currency");
  w.String(e.currency.c_str());
  w.Key("Description");
  w.String(e.description.c_str());
  w.Key("IsInProgress");
  w.Bool(false);
  if (!detail) {
    w.Key("BalanceChangeType");
    w.String(e.balance_change.c_str());
  }
}

void Simulator::HandleHistory(const ApiRequest& req, ApiResponse& res) {
  absl::MutexLock lock(&mu_);
  const ApiWallet* wallet = AuthenticateWallet(req, res);
  if (wallet == nullptr) return;
  int limit = 20;
  if (req.HasParam("Limit") &&
      (!absl::SimpleAtoi(req.Param("Limit"), &limit) || limit < 1 || limit > 20)) {
    SendErrors(res, 400,
               {{"ModelValidationError", "Model validation error",
                 "The Limit field must be between 1 and 20."}},
               Endpoint(req), "");
    return;
  }
  const std::string currency = req.Param("Currency");
  const std::string after = NormalizeId(req.Param("LastVisibleItemId"));
  // Newest first; a page continues after (older than) LastVisibleItemId.
  int from = static_cast<int>(wallet->history.size()) - 1;
  if (!after.empty()) {
    for (int i = 0; i < static_cast<int>(wallet->history.size()); ++i) {
      if (wallet->history[i].id == after) from = i - 1;
    }
  }
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("UserHistory");
  w.StartArray();
  for (int i = from, n = 0; i >= 0 && n < limit; --i) {
    const HistoryEntry& e = wallet->history[i];
    if (!currency.empty() && e.currency != currency) continue;
    w.StartObject();
    WriteHistoryItem(w, *wallet, e, /*detail=*/false);
    w.Key("ConcurrencyOrder");
    w.Int(i + 1);
    w.EndObject();
    ++n;
  }
  w.EndArray();
  WriteErrors(w, {}, Endpoint(req), "");
  w.EndObject();
  Json(res, 200, b.GetString());
}

void Simulator::HandleHistoryDetail(const ApiRequest& req, ApiResponse& res) {
  absl::MutexLock lock(&mu_);
  const ApiWallet* wallet = AuthenticateWallet(req, res);
  if (wallet == nullptr) return;
  const std::string id = NormalizeId(req.Param("ItemId"));
  auto it = std::find_if(wallet->history.begin(), wallet->history.end(),
                         [&](const HistoryEntry& e) { return e.id == id; });
  if (id.empty() || it == wallet->history.end()) {
    SendErrors(res, 400,
               {{"ModelValidationError", "Model validation error",
                 "The ItemId is not an item of this wallet's history."}},
               Endpoint(req), "");
    return;
  }
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("DetailInformation");
  w.StartObject();
  WriteHistoryItem(w, *wallet, *it, /*detail=*/true);
  if (it->type == "Withdraw") {
    w.Key("BankAccountNumber");
    w.String(it->counterpart.c_str());
  }
  w.EndObject();
  WriteErrors(w, {}, Endpoint(req), "");
  w.EndObject();
  Json(res, 200, b.GetString());
}

// The content of a simulated statement: a PDF (monthly) or an XLSX (daily) header and then
// ~300 KB of deterministic text, so that clients see it arrive in many pieces.
static std::string StatementText(const std::string& wallet, const std::string& currency,
                                 const std::string& period, bool daily) {
  std::string out = daily ? std::string("PK\x03\x04", 4) : "%PDF-1.4\n";
  for (int line = 1; out.size() < 300 * 1024; ++line) {
    absl::StrAppend(&out, "Barion statement of ", wallet, ", ", currency, " account, ", period,
                    ", line ", line, "\n");
  }
  return out;
}

void Simulator::HandleStatement(const ApiRequest& req, ApiResponse& res) {
  absl::MutexLock lock(&mu_);
  const ApiWallet* wallet = AuthenticateWallet(req, res);
  if (wallet == nullptr) return;
  const std::string endpoint = Endpoint(req);
  int year = 0, month = 0, day = 0;
  std::vector<ApiError> errors;
  auto invalid = [&](const std::string& d) {
    errors.push_back({"ModelValidationError", "Model validation error", d});
  };
  if (!absl::SimpleAtoi(req.Param("Year"), &year) || year < 2000 || year > 9999) {
    invalid("The Year field is required.");
  }
  if (!absl::SimpleAtoi(req.Param("Month"), &month) || month < 1 || month > 12) {
    invalid("The Month field must be between 1 and 12.");
  }
  if (req.HasParam("Day") && (!absl::SimpleAtoi(req.Param("Day"), &day) || day < 1 || day > 31)) {
    invalid("The Day field must be between 1 and 31.");
  }
  const std::string currency = req.Param("Currency");
  const bool has_account =
      std::any_of(wallet->accounts.begin(), wallet->accounts.end(),
                  [&](const WalletAccount& a) { return a.currency == currency; });
  if (!has_account) invalid("The wallet has no account in the Currency.");
  if (!errors.empty()) {
    SendErrors(res, 400, errors, endpoint, "");
    return;
  }
  // A statement exists once its period is over.
  const absl::CivilDay first_after = day != 0 ? absl::CivilDay(year, month, day) + 1
                                              : absl::CivilDay(absl::CivilMonth(year, month) + 1);
  if (absl::FromCivil(first_after, absl::UTCTimeZone()) > now_()) {
    SendErrors(res, 404,
               {{"StatementNotFound", "Statement not found",
                 "There is no statement for the given period."}},
               endpoint, "");
    return;
  }
  const std::string period = day != 0 ? absl::StrFormat("%04d-%02d-%02d", year, month, day)
                                      : absl::StrFormat("%04d-%02d", year, month);
  res.status = 200;
  res.SetContent(StatementText(wallet->config.name, currency, period, day != 0),
                 day != 0 ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                          : "application/pdf");
  res.delivery = Delivery::kChunked;
}

static void WriteContact(Writer& w, const char* key, const PosContactEntry& c) {
  w.Key(key);
  w.StartObject();
  w.Key("Name");
  w.String(c.name.c_str());
  w.Key("PhoneNumber");
  w.String(c.phone_number.c_str());
  w.Key("Email");
  w.String(c.email.c_str());
  w.EndObject();
}

static PosContactEntry ReadContact(const Value& c) {
  return {Str(c, "Name"), Str(c, "PhoneNumber"), Str(c, "Email")};
}

// The shop as Pos-Get-v1 documents its answer, SecretKey included: a gateway that forwards this
// verbatim hands out the POSKey, and the tests must be able to see that.
static void WritePos(Writer& w, const PosEntry& pos, const std::string& logo_base_url) {
  auto text = [&w](const char* key, const std::string& value) {
    w.Key(key);
    w.String(value.c_str());
  };
  text("PublicKey", Hyphenated(pos.public_key));
  text("SecretKey", Hyphenated(pos.secret_key));
  text("Name", pos.name);
  text("Url", pos.url);
  text("Description", pos.description);
  text("Logo", absl::StrCat(logo_base_url, "/shop-logos/", pos.public_key, ".png"));
  w.Key("Category");
  w.StartArray();
  for (const std::string& c : pos.categories) w.String(c.c_str());
  w.EndArray();
  text("Status", pos.status);
  w.Key("IsOpen");
  w.Bool(pos.status == "Open");
  WriteContact(w, "BusinessContact", pos.business_contact);
  WriteContact(w, "TechnicalContact", pos.technical_contact);
  WriteContact(w, "CustomerServiceContact", pos.customer_service_contact);
  text("CallBackUrl", pos.callback_url);
  text("ReferenceId", pos.reference_id);
  text("CustomTemplate", pos.custom_template);
  text("CustomCss", pos.custom_css);
}

void Simulator::HandleCreatePos(const ApiRequest& req, ApiResponse& res) {
  const rapidjson::Document body = ParseBody(req);
  absl::MutexLock lock(&mu_);
  ApiWallet* wallet = AuthenticateWallet(req, res);
  if (wallet == nullptr) return;
  std::vector<ApiError> errors;
  auto invalid = [&](const std::string& d) {
    errors.push_back({"ModelValidationError", "Model validation error", d});
  };
  const bool ok = !body.HasParseError() && body.IsObject();
  PosEntry pos;
  pos.name = ok ? Str(body, "Name") : "";
  pos.url = ok ? Str(body, "Url") : "";
  pos.description = ok ? Str(body, "Description") : "";
  if (pos.name.empty() || pos.name.size() > 200) invalid("The Name field is required.");
  if (!absl::StartsWith(pos.url, "https://")) invalid("The Url must be an https URL.");
  if (pos.description.size() < 20 || pos.description.size() > 200) {
    invalid("The Description must be 20 to 200 characters.");
  }
  if (const Value* c = ok ? Get(body, "Category") : nullptr; c != nullptr && c->IsArray()) {
    for (const Value& v : c->GetArray()) {
      if (v.IsString()) pos.categories.push_back(v.GetString());
    }
  }
  if (pos.categories.empty()) invalid("The Category field is required.");
  // Pos-Create-v1: the logo is required, a base64 image of at most 10 MB.
  const std::string logo = ok ? Str(body, "Logo") : "";
  if (logo.empty()) {
    invalid("The Logo field is required.");
  } else if (logo.size() > 10 * 1024 * 1024 / 3 * 4 + 4) {
    invalid("The Logo must be at most 10 MB.");
  }
  for (auto [contact, into] :
       {std::pair{"BusinessContact", &pos.business_contact},
        std::pair{"TechnicalContact", &pos.technical_contact},
        std::pair{"CustomerServiceContact", &pos.customer_service_contact}}) {
    const Value* c = ok ? Get(body, contact) : nullptr;
    if (c == nullptr || !c->IsObject() || Str(*c, "Email").find('@') == std::string::npos) {
      invalid(absl::StrCat("The ", contact, " field is required."));
    } else {
      *into = ReadContact(*c);
    }
  }
  if (ok) {
    pos.callback_url = Str(body, "CallBackUrl");
    pos.reference_id = Str(body, "ReferenceId");
    pos.custom_template = Str(body, "CustomTemplate");
    pos.custom_css = Str(body, "CustomCss");
  }
  int turnover = 0;
  if (!ok || !absl::SimpleAtoi(Str(body, "ExpectedTurnover"), &turnover) || turnover < 1 ||
      turnover > 6) {
    invalid("The ExpectedTurnover must be between 1 and 6.");
  }
  if (!errors.empty()) {
    SendErrors(res, 400, errors, Endpoint(req), "");
    return;
  }
  pos.public_key = RandomHex(16);
  pos.secret_key = RandomHex(16);
  wallet->shops.push_back(pos);
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  WritePos(w, pos, options_.gateway_base_url);
  WriteErrors(w, {}, Endpoint(req), "");
  w.EndObject();
  Json(res, 200, b.GetString());
}

void Simulator::HandleGetPos(const ApiRequest& req, ApiResponse& res) {
  absl::MutexLock lock(&mu_);
  const ApiWallet* wallet = AuthenticateWallet(req, res);
  if (wallet == nullptr) return;
  const std::string key = NormalizeId(std::string(req.captures[1]));
  for (const PosEntry& pos : wallet->shops) {
    if (pos.public_key != key) continue;
    rapidjson::StringBuffer b;
    Writer w(b);
    w.StartObject();
    WritePos(w, pos, options_.gateway_base_url);
    WriteErrors(w, {}, Endpoint(req), "");
    w.EndObject();
    Json(res, 200, b.GetString());
    return;
  }
  Json(res, 404, "{\"Message\":\"The requested shop was not found.\"}");
}

}  // namespace barion_gateway::sandbox
