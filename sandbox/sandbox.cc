#include "sandbox/sandbox.h"

#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <map>
#include <queue>
#include <set>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "httplib.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "sandbox/tls.h"
#include "zlib.h"

namespace barion_gateway::sandbox {
namespace {

using Value = rapidjson::Value;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// ---------------------------------------------------------------------------------------------
// Exact decimals: 10^-4 units in a 128-bit integer. Enough for 18 integer digits.

struct Dec {
  __int128 units = 0;  // value * 10^4

  static absl::optional<Dec> Parse(absl::string_view text) {
    text = absl::StripAsciiWhitespace(text);
    bool neg = false;
    if (!text.empty() && text[0] == '-') {
      neg = true;
      text.remove_prefix(1);
    }
    size_t dot = text.find('.');
    absl::string_view ip = text.substr(0, dot);
    absl::string_view fp = dot == absl::string_view::npos ? "" : text.substr(dot + 1);
    if (ip.empty() || ip.size() > 20 || fp.size() > 4) return absl::nullopt;
    __int128 v = 0;
    for (char c : ip) {
      if (!absl::ascii_isdigit(c)) return absl::nullopt;
      v = v * 10 + (c - '0');
    }
    for (size_t i = 0; i < 4; ++i) {
      char c = i < fp.size() ? fp[i] : '0';
      if (!absl::ascii_isdigit(c)) return absl::nullopt;
      v = v * 10 + (c - '0');
    }
    return Dec{neg ? -v : v};
  }

  int Scale() const {  // decimals actually used
    __int128 a = units < 0 ? -units : units;
    if (a % 10000 == 0) return 0;
    if (a % 100 == 0) return 2;
    return 4;
  }

  // Barion prints amounts with two decimals ("84.00"), even for HUF.
  std::string Format(int decimals = 2) const {
    __int128 a = units < 0 ? -units : units;
    __int128 whole = a / 10000;
    int64_t frac = static_cast<int64_t>(a % 10000);
    std::string digits;
    do {
      digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(whole % 10)));
      whole /= 10;
    } while (whole > 0);
    std::string out = units < 0 ? "-" + digits : digits;
    if (decimals > 0) {
      std::string f = absl::StrFormat("%04d", frac);
      out += "." + f.substr(0, decimals);
    }
    return out;
  }
};

Dec operator+(Dec a, Dec b) { return Dec{a.units + b.units}; }
Dec operator-(Dec a, Dec b) { return Dec{a.units - b.units}; }
bool operator<(Dec a, Dec b) { return a.units < b.units; }

// Card payments' minimum totals (docs/BARION.md §5); zero where none is known.
Dec CardMinimum(const std::string& currency) {
  if (currency == "HUF") return *Dec::Parse("10");
  if (currency == "EUR" || currency == "USD") return *Dec::Parse("0.1");
  if (currency == "CZK") return *Dec::Parse("1");
  return Dec{};
}

// Whether only cards may pay (card minimums then apply).
bool CardOnly(const std::vector<std::string>& funding_sources) {
  if (funding_sources.empty()) return false;
  for (const std::string& f : funding_sources) {
    if (f != "BankCard" && f != "GooglePay" && f != "ApplePay") return false;
  }
  return true;
}

int CurrencyScale(const std::string& c) {
  if (c == "HUF") return 0;
  if (c == "EUR" || c == "USD" || c == "CZK" || c == "RON" || c == "PLN") return 2;
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Lenient JSON reading, like Barion's ASP.NET binder: names case-insensitive, numbers as text,
// numeric strings accepted, enum names in any case.

const Value* Get(const Value& o, const char* name) {
  if (!o.IsObject()) return nullptr;
  for (auto it = o.MemberBegin(); it != o.MemberEnd(); ++it) {
    if (absl::EqualsIgnoreCase(it->name.GetString(), name)) {
      return it->value.IsNull() ? nullptr : &it->value;
    }
  }
  return nullptr;
}

std::string Str(const Value& o, const char* name) {
  const Value* v = Get(o, name);
  if (v == nullptr) return "";
  if (v->IsString()) return std::string(v->GetString(), v->GetStringLength());
  return "";
}

bool Has(const Value& o, const char* name) { return Get(o, name) != nullptr; }

bool BoolOf(const Value& o, const char* name) {
  const Value* v = Get(o, name);
  return v != nullptr && v->IsBool() && v->GetBool();
}

std::string RandomHex(int bytes) {
  std::vector<unsigned char> buf(bytes);
  RAND_bytes(buf.data(), bytes);
  std::string out;
  for (unsigned char b : buf) absl::StrAppendFormat(&out, "%02x", b);
  return out;
}

std::string Hyphenated(const std::string& id) {
  if (id.size() != 32) return id;
  return absl::StrCat(id.substr(0, 8), "-", id.substr(8, 4), "-", id.substr(12, 4), "-",
                      id.substr(16, 4), "-", id.substr(20));
}

std::string NormalizeId(absl::string_view id) {
  return absl::AsciiStrToLower(absl::StrReplaceAll(id, {{"-", ""}}));
}

// Barion's response timestamps: UTC, 'Z', up to 3 fractional digits.
std::string TimeZ(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}
// Start's TransactionTime has no 'Z' (a quirk).
std::string TimeNoZ(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3S", t, absl::UTCTimeZone());
}

bool ParseSpan(const std::string& text, absl::Duration* out) {
  int64_t days = 0;
  std::string clock = text;
  std::vector<std::string> colon = absl::StrSplit(text, ':');
  if (colon.size() == 4) {
    if (!absl::SimpleAtoi(colon[0], &days)) return false;
    clock = text.substr(colon[0].size() + 1);
  } else if (colon.size() == 3 && colon[0].find('.') != std::string::npos) {
    if (!absl::SimpleAtoi(colon[0].substr(0, colon[0].find('.')), &days)) return false;
    clock = text.substr(colon[0].find('.') + 1);
  } else if (colon.size() != 3) {
    return false;
  }
  std::vector<std::string> p = absl::StrSplit(clock, ':');
  int64_t h, m, s;
  if (p.size() != 3 || !absl::SimpleAtoi(p[0], &h) || !absl::SimpleAtoi(p[1], &m) ||
      !absl::SimpleAtoi(p[2].substr(0, p[2].find('.')), &s)) {
    return false;
  }
  *out = absl::Hours(24 * days + h) + absl::Minutes(m) + absl::Seconds(s);
  return true;
}

const char* const kPaymentTypes[] = {"Immediate", "Reservation", "DelayedCapture"};
const char* const kFundingSources[] = {"All",       "Balance",  "BankCard",
                                       "GooglePay", "ApplePay", "BankTransfer"};
const char* const kRecurrenceTypes[] = {"MerchantInitiatedPayment", "OneClickPayment",
                                        "RecurringPayment"};

template <size_t N>
std::string Canonical(const char* const (&names)[N], const std::string& value) {
  for (const char* n : names) {
    if (absl::EqualsIgnoreCase(n, value)) return n;
  }
  return "";
}

// ---------------------------------------------------------------------------------------------
// State.

struct Item {
  std::string json;  // the item object as received, re-emitted with amounts as Barion prints
};

struct Tx {
  std::string id;
  std::string pos_id;
  std::string payee;
  std::string comment;
  Dec original;  // as requested
  Dec total;     // after finish/capture
  std::string status = "Prepared";
  std::string type = "Unspecified";
  std::string payer_email;
  std::string related_id;
  absl::Time time;
  bool fee = false;
  bool refund = false;
  bool finished = false;
  Dec refunded;
  std::vector<Item> items;
};

struct Payment {
  std::string id;
  std::string shop;
  std::string request_id;
  std::string order_number;
  std::string type;
  std::string status = "Prepared";
  std::string currency;
  std::string locale;
  std::vector<std::string> funding_sources;
  bool guest_checkout = false;
  bool initiate_recurrence = false;
  std::string recurrence_id;
  std::string recurrence_type;
  std::string trace_id;
  std::string redirect_url;
  std::string callback_url;
  absl::Time created, valid_until;
  absl::optional<absl::Time> completed, reserved_until, delayed_capture_until;
  absl::Duration reservation_period = absl::Minutes(30);
  absl::Duration delayed_capture_period = absl::Hours(24 * 7);
  std::vector<Tx> txs;
  std::string funding_used;  // "BankCard", "Balance", ...
  std::string process_result;
  absl::optional<int> fraud_score;
  bool needs_3ds = false;
  std::string payer_email;
};

struct Token {
  std::string shop;
  std::string id;
  std::string registering_payment;
  std::string state = "pending";  // pending | active | failed
  std::string funding;            // BankCard | Balance
  std::string trace_id;
  std::string wallet_currency;
  Dec wallet_balance;
  bool wallet_blocked = false;
  bool card_expired = false;
  bool require_3ds = false;
};

struct ShopState {
  SandboxShop config;
  bool draft = false;
  bool closed = false;
};

struct WalletAccount {
  std::string id;  // 32 lower-case hex digits
  std::string currency;
  Dec available;
  Dec blocked;
};

struct HistoryEntry {
  std::string id;  // 32 lower-case hex digits
  std::string type;
  absl::Time at;
  Dec amount;
  std::string currency;
  std::string description;
  std::string balance_change;  // Credit | Debit
  std::string counterpart;     // the other party's e-mail, or a bank account
};

struct PosEntry {
  std::string public_key;  // 32 lower-case hex digits
  std::string name;
  std::string url;
  std::string description;
  std::vector<std::string> categories;
  std::string status = "NewUnderApproval";
};

struct ApiWallet {
  SandboxWallet config;
  std::vector<PosEntry> shops;
  std::vector<WalletAccount> accounts;
  std::vector<HistoryEntry> history;  // oldest first
};

struct Fault {
  // status_404 | status_500 | status_503_html | slow | reset | malformed | rate_limited
  std::string mode;
  std::string path_prefix;
  int remaining = 1;
  absl::Duration delay = absl::Seconds(2);
};

struct CallbackJob {
  absl::Time due;
  std::string payment_id;
  std::string url;
  int attempt = 0;  // 0 = first delivery
  bool operator>(const CallbackJob& o) const { return due > o.due; }
};

struct CallbackRecord {
  std::string payment_id;
  std::string url;
  int attempt;
  int http_status;  // 0: no answer
  absl::Time at;
};

struct ApiError {
  std::string code;
  std::string title;
  std::string description;
};

constexpr int kRetryDelaysSeconds[] = {2, 6, 18, 54, 162};

}  // namespace

// ---------------------------------------------------------------------------------------------

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
  // Routing and cross-cutting behaviour.
  void Route(httplib::Server& server);
  bool ApplyFault(const httplib::Request& req, httplib::Response& res);
  const ShopState* Authenticate(const httplib::Request& req, const Value* body, bool v4,
                                httplib::Response& res) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool CheckShopOpen(const ShopState& shop, const std::string& endpoint, httplib::Response& res);
  std::string Endpoint(const httplib::Request& req) const;

  // Barion operations.
  // How a payment is started: Payment/Start, or with a wallet token, charged at once.
  enum class StartKind { kStart, kGooglePay, kApplePay };
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

namespace {

int g_handshake_index = -1;

void CountServerHandshake(const SSL* ssl, int where, int) {
  if ((where & SSL_CB_HANDSHAKE_DONE) == 0) return;
  auto* counter = static_cast<std::atomic<int64_t>*>(
      SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), g_handshake_index));
  if (counter != nullptr) counter->fetch_add(1);
}

bool SplitAddress(const std::string& address, std::string* host, int* port) {
  size_t colon = address.rfind(':');
  if (colon == std::string::npos) return false;
  *host = address.substr(0, colon);
  return absl::SimpleAtoi(address.substr(colon + 1), port) && *port >= 0 && *port <= 65535;
}

// Barion's `Errors` array. Like Barion, it echoes the caller's POSKey in AuthData (null when
// authentication itself failed): the gateway must never pass that on.
void WriteErrors(Writer& w, const std::vector<ApiError>& errors, const std::string& endpoint,
                 const std::string& auth_data) {
  w.Key("Errors");
  w.StartArray();
  const std::string now =
      absl::FormatTime("%Y-%m-%dT%H:%M:%E7SZ", absl::Now(), absl::UTCTimeZone());
  for (const ApiError& e : errors) {
    w.StartObject();
    w.Key("Title");
    w.String(e.title.c_str());
    w.Key("Description");
    w.String(e.description.c_str());
    w.Key("ErrorCode");
    w.String(e.code.c_str());
    w.Key("HappenedAt");
    w.String(now.c_str());
    w.Key("AuthData");
    if (auth_data.empty()) {
      w.Null();
    } else {
      w.String(auth_data.c_str());
    }
    w.Key("EndPoint");
    w.String(endpoint.c_str());
    w.EndObject();
  }
  w.EndArray();
}

void Json(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-cache");
  res.set_header("Pragma", "no-cache");
  res.set_header("Expires", "-1");
  res.set_content(body, "application/json; charset=utf-8");
}

rapidjson::Document ParseBody(const httplib::Request& req) {
  rapidjson::Document body;
  body.Parse<rapidjson::kParseNumbersAsStringsFlag>(req.body.c_str());
  return body;
}

void ControlAnswer(httplib::Response& res, int status, const std::string& message) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key(status < 300 ? "result" : "error");
  w.String(message.c_str());
  w.EndObject();
  Json(res, status, b.GetString());
}

// Parses a control API body: JSON, or an HTML form (the payment page's buttons).
rapidjson::Document ControlBody(const httplib::Request& req) {
  rapidjson::Document doc;
  doc.SetObject();
  if (req.has_header("Content-Type") &&
      absl::StrContains(req.get_header_value("Content-Type"), "x-www-form-urlencoded")) {
    for (absl::string_view pair : absl::StrSplit(req.body, '&', absl::SkipEmpty())) {
      std::vector<std::string> kv = absl::StrSplit(pair, absl::MaxSplits('=', 1));
      if (kv.size() != 2) continue;
      Value key(kv[0].c_str(), doc.GetAllocator());
      Value val(httplib::detail::decode_url(kv[1], true).c_str(), doc.GetAllocator());
      doc.AddMember(key, val, doc.GetAllocator());
    }
    return doc;
  }
  rapidjson::Document parsed;
  parsed.Parse<rapidjson::kParseNumbersAsStringsFlag>(req.body.c_str());
  if (!parsed.HasParseError() && parsed.IsObject()) return parsed;
  return doc;
}

}  // namespace

absl::Status Sandbox::Impl::Start() {
  // OpenSSL writes with write(2): a client that goes away must not kill the sandbox.
  ::signal(SIGPIPE, SIG_IGN);
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

  auto configure = [this](httplib::Server& server) {
    const int threads = options_.threads;
    server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    server.set_keep_alive_max_count(1000000);
    server.set_keep_alive_timeout(5);  // also bounds how long Stop() waits for idle clients
    server.set_read_timeout(30, 0);
    server.set_write_timeout(30, 0);
    server.set_payload_max_length(1 << 20);
    server.set_tcp_nodelay(true);
    Route(server);
  };

  std::string host;
  int port;
  if (!options_.http_address.empty()) {
    if (!SplitAddress(options_.http_address, &host, &port)) {
      return absl::InvalidArgumentError("http_address must be host:port");
    }
    http_ = std::make_unique<httplib::Server>();
    configure(*http_);
    http_port_ =
        port == 0 ? http_->bind_to_any_port(host) : (http_->bind_to_port(host, port) ? port : -1);
    if (http_port_ <= 0) {
      return absl::UnavailableError(absl::StrCat("cannot listen on ", options_.http_address));
    }
    listeners_.emplace_back([this] { http_->listen_after_bind(); });
  }
  if (!options_.https_address.empty()) {
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
    configure(*https_);
    https_port_ =
        port == 0 ? https_->bind_to_any_port(host) : (https_->bind_to_port(host, port) ? port : -1);
    if (https_port_ <= 0) {
      return absl::UnavailableError(absl::StrCat("cannot listen on ", options_.https_address));
    }
    listeners_.emplace_back([this] { https_->listen_after_bind(); });
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

void Sandbox::Impl::Complete(Payment& p, const std::string& status, absl::Time now) {
  p.status = status;
  p.completed = now;
  ScheduleCallback(p);
}

void Sandbox::Impl::ScheduleCallback(const Payment& p) {
  if (p.callback_url.empty()) return;
  std::string url = p.callback_url;
  absl::StrAppend(&url, url.find('?') == std::string::npos ? "?" : "&", "paymentId=", p.id);
  callbacks_.push(CallbackJob{absl::Now(), p.id, url, 0});
}

// Expiry and automatic reservation finishing, applied lazily and by the dispatcher.
void Sandbox::Impl::Sweep(absl::Time now) {
  for (auto& [id, p] : payments_) {
    if ((p.status == "Prepared" || p.status == "Started") && now >= p.valid_until) {
      for (Tx& t : p.txs) {
        if (!t.fee) t.status = "Expired";
      }
      Complete(p, "Expired", now);
    } else if (p.status == "Reserved" && p.reserved_until && now >= *p.reserved_until) {
      // Unfinished transactions are finished with 0: the money goes back.
      bool any = false;
      for (Tx& t : p.txs) {
        if (t.fee || t.refund) continue;
        if (!t.finished) {
          t.finished = true;
          t.total = Dec{};
          t.status = "Succeeded";
        }
        any = any || t.total.units > 0;
      }
      Complete(p, any ? "Succeeded" : "Canceled", now);
    }
  }
}

void Sandbox::Impl::WriteProcessedTransactions(Writer& w, const Payment& p, bool with_z) {
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
    w.String(t.status.c_str());
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

std::string Sandbox::Impl::StartJson(const Payment& p, const std::string& recurrence_result,
                                     const std::vector<ApiError>& errors,
                                     const std::string& endpoint, const std::string& auth_data) {
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
  const bool failed = p.status == "Failed";
  w.StartObject();
  w.Key("PaymentId");
  w.String(p.id.c_str());
  w.Key("PaymentRequestId");
  w.String(p.request_id.c_str());
  w.Key("Status");
  w.String(p.status.c_str());
  str_or_null("QRUrl", failed ? ""
                              : absl::StrCat("https://api.test.barion.com/qr/generate?paymentId=",
                                             Hyphenated(p.id), "&size=Large"));
  WriteProcessedTransactions(w, p, /*with_z=*/false);
  w.Key("RecurrenceResult");
  w.String(recurrence_result.c_str());
  w.Key("ThreeDSAuthClientData");
  if (p.needs_3ds && p.status != "Succeeded") {
    w.StartObject();
    w.Key("ThreeDSMethodUrl");
    w.String(absl::StrCat(options_.gateway_base_url, "/3ds/method?paymentId=", p.id).c_str());
    w.Key("ChallengeData");
    w.String("c2FuZGJveC0zZHM=");
    w.EndObject();
  } else {
    w.Null();
  }
  const std::string lang = absl::StrReplaceAll(p.locale, {{"-", "_"}});
  str_or_null(
      "GatewayUrl",
      failed ? "" : absl::StrCat(options_.gateway_base_url, "/Pay?Id=", p.id, "&lang=", lang));
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

void Sandbox::Impl::HandleStart(const httplib::Request& req, httplib::Response& res,
                                StartKind kind) {
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
  auto invalid = [&errors](std::string description) {
    errors.push_back({"ModelValidationError", "Model validation error", std::move(description)});
  };
  Payment p;
  p.shop = shop->config.name;
  p.type = Canonical(kPaymentTypes, Str(body, "PaymentType"));
  if (p.type.empty()) invalid("The PaymentType field is required or has an invalid value.");
  p.request_id = Str(body, "PaymentRequestId");
  if (p.request_id.empty()) invalid("The PaymentRequestId field is required.");
  if (p.request_id.size() > 100) invalid("The field PaymentRequestId must be at most 100 long.");
  p.order_number = Str(body, "OrderNumber");
  p.currency = absl::AsciiStrToUpper(Str(body, "Currency"));
  const int scale = CurrencyScale(p.currency);
  if (scale < 0) invalid("The Currency field is required or has an invalid value.");
  p.locale = Str(body, "Locale");
  if (p.locale.empty()) invalid("The Locale field is required.");
  p.redirect_url = Str(body, "RedirectUrl");
  if (p.redirect_url.empty()) invalid("The redirect url is required!");
  p.callback_url = Str(body, "CallbackUrl");
  p.guest_checkout = BoolOf(body, "GuestCheckOut");
  p.initiate_recurrence = BoolOf(body, "InitiateRecurrence");
  p.recurrence_id = Str(body, "RecurrenceId");
  p.trace_id = Str(body, "TraceId");
  const std::string rt = Str(body, "RecurrenceType");
  p.recurrence_type = rt.empty() ? "" : Canonical(kRecurrenceTypes, rt);
  if (!rt.empty() && p.recurrence_type.empty()) invalid("The RecurrenceType field is invalid.");
  if (const Value* fs = Get(body, "FundingSources"); fs != nullptr && fs->IsArray()) {
    for (const Value& v : fs->GetArray()) {
      std::string name = v.IsString() ? Canonical(kFundingSources, v.GetString()) : "";
      if (name.empty()) {
        invalid("The FundingSources field has an invalid value.");
      } else {
        p.funding_sources.push_back(name);
      }
    }
  }
  std::string token_text;  // what decides the simulated charge's outcome
  if (kind == StartKind::kGooglePay) {
    p.funding_sources = {"GooglePay"};
    const std::string payer = Str(body, "PayerEmailAddress");
    if (payer.find('@') == std::string::npos || payer.size() > 256) {
      invalid("The PayerEmailAddress field is required.");
    }
    token_text = Str(body, "GooglePayToken");
    if (token_text.empty()) invalid("The GooglePayToken field is required.");
  } else if (kind == StartKind::kApplePay) {
    p.funding_sources = {"ApplePay"};
    const Value* token = Get(body, "ApplePayToken");
    const Value* data = token != nullptr ? Get(*token, "PaymentData") : nullptr;
    token_text = data != nullptr ? Str(*data, "Data") : "";
    if (token == nullptr || Str(*token, "TransactionIdentifier").empty() || token_text.empty() ||
        Str(*data, "Signature").empty()) {
      invalid(
          "The ApplePayToken field is required (TransactionIdentifier, PaymentData.Data, "
          "PaymentData.Signature).");
    }
  }
  if (p.funding_sources.empty()) invalid("The FundingSources field is required.");
  const absl::Time now = absl::Now();
  absl::Duration window = absl::Minutes(30);
  if (Has(body, "PaymentWindow")) {
    if (!ParseSpan(Str(body, "PaymentWindow"), &window) || window < absl::Minutes(1) ||
        window > absl::Hours(24 * 7)) {
      invalid("The PaymentWindow must be between 1 minute and 7 days.");
    }
  }
  if (p.type == "Reservation") {
    if (Has(body, "ReservationPeriod") &&
        (!ParseSpan(Str(body, "ReservationPeriod"), &p.reservation_period) ||
         p.reservation_period < absl::Minutes(1) || p.reservation_period > absl::Hours(24 * 365))) {
      invalid("The ReservationPeriod must be between 1 minute and 1 year.");
    }
  }
  if (p.type == "DelayedCapture") {
    if (Has(body, "DelayedCapturePeriod") &&
        (!ParseSpan(Str(body, "DelayedCapturePeriod"), &p.delayed_capture_period) ||
         p.delayed_capture_period < absl::Minutes(1) ||
         p.delayed_capture_period > absl::Hours(24 * 21))) {
      invalid("The DelayedCapturePeriod must be between 1 minute and 21 days.");
    }
  }
  for (const char* address : {"ShippingAddress", "BillingAddress"}) {
    if (const Value* a = Get(body, address); a != nullptr) {
      const std::string region = Str(*a, "Region");
      if (!region.empty() && region.size() != 2) {
        invalid("The field Region must be a string or array type with a minimum length of '2'.");
      }
      if (Str(*a, "Country").size() != 2)
        invalid(absl::StrCat("The ", address, ".Country is invalid."));
    }
  }
  bool has_tx = false;
  if (const Value* txs = Get(body, "Transactions"); txs != nullptr && txs->IsArray()) {
    for (const Value& t : txs->GetArray()) {
      has_tx = true;
      Tx tx;
      tx.id = RandomHex(16);
      tx.time = now;
      tx.pos_id = Str(t, "POSTransactionId");
      if (tx.pos_id.empty()) invalid("The POSTransactionId field is required.");
      tx.payee = Str(t, "Payee");
      if (tx.payee.empty()) invalid("The Payee field is required.");
      tx.comment = Str(t, "Comment");
      absl::optional<Dec> total = Dec::Parse(Str(t, "Total"));
      if (!total || total->units <= 0) {
        invalid("The Total field must be greater than 0.");
      } else if (scale >= 0 && total->Scale() > scale) {
        invalid(absl::StrCat("The Total field has too many decimals for ", p.currency, "."));
      } else if (CardOnly(p.funding_sources) && *total < CardMinimum(p.currency)) {
        invalid(absl::StrCat("The Total is below the minimum card payment in ", p.currency, "."));
      } else {
        tx.original = tx.total = *total;
      }
      if (const Value* items = Get(t, "Items"); items != nullptr && items->IsArray()) {
        for (const Value& i : items->GetArray()) {
          for (const char* required : {"Name", "Description", "Unit"}) {
            if (Str(i, required).empty())
              invalid(absl::StrCat("The ", required, " field is required."));
          }
          for (const char* number : {"Quantity", "UnitPrice", "ItemTotal"}) {
            if (!Dec::Parse(Str(i, number)))
              invalid(absl::StrCat("The ", number, " field is required."));
          }
          rapidjson::StringBuffer ib;
          Writer iw(ib);
          i.Accept(iw);
          tx.items.push_back({ib.GetString()});
        }
      }
      if (!tx.payee.empty() && !wallets_.count(absl::AsciiStrToLower(tx.payee)) && errors.empty()) {
        errors.push_back({"InvalidUser", "Invalid user(email)!",
                          absl::StrCat("The payee ", tx.payee, " is not a valid Barion wallet.")});
      }
      p.txs.push_back(std::move(tx));
    }
  }
  if (!has_tx) invalid("The Transactions field is required.");
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
  const std::string token_key = p.shop + "/" + p.recurrence_id;
  if (p.initiate_recurrence) {
    auto existing = tokens_.find(token_key);
    if (existing != tokens_.end() && existing->second.state == "active") {
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
  std::string recurrence_result = "None";
  std::vector<ApiError> charge_errors;
  if (!p.initiate_recurrence && !p.recurrence_id.empty()) {
    TokenCharge(p, *shop, &charge_errors, &recurrence_result);
  } else if (p.initiate_recurrence) {
    Token& token = tokens_[token_key];
    token = Token();
    token.shop = p.shop;
    token.id = p.recurrence_id;
    token.registering_payment = p.id;
  }
  if (token_start) {
    // Barion charges a wallet token at once; a token containing "decline" is refused.
    rapidjson::Document pay(rapidjson::kObjectType);
    auto& alloc = pay.GetAllocator();
    pay.AddMember("funding",
                  rapidjson::StringRef(kind == StartKind::kGooglePay ? "GooglePay" : "ApplePay"),
                  alloc);
    pay.AddMember("outcome", absl::StrContains(token_text, "decline") ? "decline" : "success",
                  alloc);
    const std::string payer = Str(body, "PayerEmailAddress");
    if (!payer.empty()) pay.AddMember("payer", rapidjson::Value(payer.c_str(), alloc), alloc);
    httplib::Response ignored;
    PayPayment(p, pay, ignored);
    rapidjson::StringBuffer b;
    Writer w(b);
    w.StartObject();
    w.Key("PaymentId");
    w.String(p.id.c_str());
    w.Key("PaymentRequestId");
    w.String(p.request_id.c_str());
    w.Key("PaymentStatus");
    w.String(p.status.c_str());
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
    payments_[p.id] = std::move(p);
    Json(res, 200, b.GetString());
    return;
  }
  const std::string answer = StartJson(p, recurrence_result, charge_errors, endpoint, auth);
  if (p.status != "Prepared") ScheduleCallback(p);
  payments_[p.id] = std::move(p);
  Json(res, 200, answer);
}

void Sandbox::Impl::TokenCharge(Payment& p, const ShopState& shop, std::vector<ApiError>* errors,
                                std::string* recurrence_result) {
  const absl::Time now = absl::Now();
  auto fail = [&](const char* code, const char* title, const char* description,
                  const char* result) {
    errors->push_back({code, title, description});
    *recurrence_result = result;
    for (Tx& t : p.txs) t.status = "Rejected";
    p.status = "Failed";
    p.completed = now;
  };
  auto it = tokens_.find(shop.config.name + "/" + p.recurrence_id);
  if (it == tokens_.end() || it->second.state == "pending") {
    fail("InvalidRecurrenceId", "Invalid recurrence id",
         "The RecurrenceId is unknown for this shop.", "NotFound");
    return;
  }
  Token& token = it->second;
  Dec total;
  for (const Tx& t : p.txs) total = total + t.original;
  if (token.state == "failed") {
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
    p.status = "InProgress";
    *recurrence_result = "ThreeDSAuthenticationRequired";
  } else {
    for (Tx& t : p.txs) {
      t.status = "Succeeded";
      t.type = token.funding == "Balance" ? "Shop" : "CardPayment";
      t.finished = true;
    }
    if (token.funding == "Balance") token.wallet_balance = token.wallet_balance - total;
    p.funding_used = token.funding;
    p.trace_id = token.trace_id;
    p.status = "Succeeded";
    p.completed = now;
    p.fraud_score = 3;
    *recurrence_result = "Successful";
  }
}

std::string Sandbox::Impl::PaymentJson(const Payment& p, bool v4) {
  rapidjson::StringBuffer b;
  Writer w(b);
  auto s = [&w](const char* key, const std::string& v) {
    w.Key(key);
    if (v.empty()) {
      w.Null();
    } else {
      w.String(v.c_str());
    }
  };
  auto t = [&w](const char* key, const absl::optional<absl::Time>& v) {
    w.Key(key);
    if (v) {
      w.String(TimeZ(*v).c_str());
    } else {
      w.Null();
    }
  };
  auto amount = [&w](const char* key, Dec d) {
    w.Key(key);
    std::string text = d.Format(2);
    w.RawValue(text.c_str(), text.size(), rapidjson::kNumberType);
  };
  const ShopState* shop = nullptr;
  for (const auto& [key, st] : shops_) {
    if (st.config.name == p.shop) shop = &st;
  }
  w.StartObject();
  s("PaymentId", p.id);
  s("PaymentRequestId", p.request_id);
  s("OrderNumber", p.order_number);
  s("POSId", "9e8d7c6b5a4f43e2d1c0b9a8f7e6d5c4");
  s("POSName", shop ? absl::StrCat("Sandbox shop ", shop->config.name) : "Sandbox shop");
  s("POSOwnerEmail", shop ? shop->config.payee : "");
  s("POSOwnerCountry", "HU");
  s("Status", p.status);
  s("PaymentType", p.type);
  s("FundingSource", p.funding_used);
  s("RecurrenceType", p.recurrence_type);
  s("TraceId", p.trace_id);
  w.Key("FundingInformation");
  if (p.funding_used == "BankCard" || p.funding_used == "GooglePay" ||
      p.funding_used == "ApplePay") {
    w.StartObject();
    w.Key("BankCard");
    w.StartObject();
    s("MaskedPan", "5559");
    s("BankCardType", "Visa");
    s("ValidThruYear", "2029");
    s("ValidThruMonth", "09");
    w.EndObject();
    s("AuthorizationCode", p.status == "Failed" ? "" : "SBX1A2");
    s("ProcessResult", p.process_result.empty() ? "Successful" : p.process_result);
    w.EndObject();
  } else {
    w.Null();
  }
  w.Key("AllowedFundingSources");
  w.StartArray();
  for (const std::string& f : p.funding_sources) w.String(f.c_str());
  w.EndArray();
  w.Key("GuestCheckout");
  w.Bool(p.guest_checkout);
  t("CreatedAt", p.created);
  t("ValidUntil", p.valid_until);
  t("CompletedAt", p.completed);
  t("ReservedUntil", p.reserved_until);
  t("DelayedCaptureUntil", p.delayed_capture_until);
  w.Key("Transactions");
  w.StartArray();
  Dec current;
  for (const Tx& tx : p.txs) {
    w.StartObject();
    s("TransactionId", tx.id);
    s("POSTransactionId", tx.pos_id);
    s("TransactionTime", TimeZ(tx.time));
    amount("Total", tx.refund ? tx.total : tx.original);
    s("Currency", p.currency);
    w.Key("Payer");
    const std::string payer = tx.fee ? tx.payee : (tx.refund ? tx.payee : tx.payer_email);
    if (payer.empty() || (!tx.fee && !tx.refund && tx.status != "Succeeded" &&
                          tx.status != "Reserved" && tx.status != "Authorized")) {
      w.Null();
    } else {
      w.StartObject();
      w.Key("Name");
      w.StartObject();
      s("LoginName", payer);
      s("FirstName", "");
      s("LastName", "");
      s("OrganizationName", "");
      w.EndObject();
      s("Email", payer);
      w.EndObject();
    }
    w.Key("Payee");
    w.StartObject();
    w.Key("Name");
    w.StartObject();
    const std::string payee =
        tx.fee ? "fees@barion.sandbox.local" : (tx.refund ? p.payer_email : tx.payee);
    s("LoginName", payee);
    s("FirstName", "");
    s("LastName", "");
    s("OrganizationName", tx.fee ? "Barion" : "");
    w.EndObject();
    s("Email", payee);
    w.EndObject();
    s("Comment", tx.comment);
    s("Status", tx.status);
    s("TransactionType", tx.type);
    w.Key("Items");
    w.StartArray();
    for (const Item& item : tx.items) {
      rapidjson::Document d;
      d.Parse<rapidjson::kParseNumbersAsStringsFlag>(item.json.c_str());
      w.StartObject();
      for (const char* key :
           {"Name", "Description", "Quantity", "Unit", "UnitPrice", "ItemTotal", "SKU"}) {
        const std::string v = Str(d, key);
        if (absl::string_view(key) == "Quantity" || absl::string_view(key) == "UnitPrice" ||
            absl::string_view(key) == "ItemTotal") {
          absl::optional<Dec> n = Dec::Parse(v);
          amount(key, n.value_or(Dec{}));
        } else {
          s(key, v);
        }
      }
      w.EndObject();
    }
    w.EndArray();
    s("RelatedId", tx.related_id);
    s("POSId", "9e8d7c6b5a4f43e2d1c0b9a8f7e6d5c4");
    s("PaymentId", p.id);
    w.EndObject();
    if (!tx.fee && !tx.refund && p.status != "Expired" && p.status != "Failed" &&
        p.status != "Canceled") {
      current = current + tx.total - tx.refunded;
    }
  }
  w.EndArray();
  amount("Total", current);
  s("SuggestedLocale", p.locale);
  w.Key("FraudRiskScore");
  if (p.fraud_score) {
    w.Int(*p.fraud_score);
  } else {
    w.Null();
  }
  s("RedirectUrl", absl::StrCat(p.redirect_url, "?paymentId=", p.id));
  s("CallbackUrl", p.callback_url.empty() ? "" : absl::StrCat(p.callback_url, "?paymentId=", p.id));
  s("Currency", p.currency);
  if (v4) {
    std::string method = "Unknown";
    if (p.funding_used == "BankCard") method = "BankCard";
    if (p.funding_used == "Balance") method = "BarionWallet";
    if (p.funding_used == "GooglePay") method = "GooglePay";
    if (p.funding_used == "ApplePay") method = "ApplePay";
    if (p.funding_used == "BankTransfer") method = "OpenBanking";
    s("PaymentMethod", method);
  }
  w.Key("Errors");
  w.StartArray();
  w.EndArray();
  w.EndObject();
  return b.GetString();
}

void Sandbox::Impl::HandleState(const httplib::Request& req, httplib::Response& res, bool v4) {
  absl::MutexLock lock(&mu_);
  const ShopState* shop = Authenticate(req, nullptr, v4, res);
  if (shop == nullptr) return;
  const std::string id = v4 ? std::string(req.matches[1]) : req.get_param_value("PaymentId");
  const absl::Time now = absl::Now();
  if (options_.rate_limit) {
    std::deque<absl::Time>& calls = state_calls_[NormalizeId(id)];
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

bool Sandbox::Impl::BeginPaymentCall(const httplib::Request& req, const rapidjson::Document& body,
                                     httplib::Response& res, PaymentCall* call) {
  const bool json_ok = !body.HasParseError() && body.IsObject();
  call->shop = Authenticate(req, json_ok ? &body : nullptr, false, res);
  if (call->shop == nullptr) return false;
  call->endpoint = Endpoint(req);
  call->auth = NormalizeId(call->shop->config.pos_key);
  Sweep(absl::Now());
  call->payment = json_ok ? FindPayment(Str(body, "PaymentId")) : nullptr;
  if (call->payment == nullptr || call->payment->shop != call->shop->config.name) {
    SendErrors(res, 400,
               {{"NotExistingPaymentId", "Invalid payment id", "The given payment id is invalid"}},
               call->endpoint, call->auth);
    return false;
  }
  return true;
}

void Sandbox::Impl::SendFinishAnswer(httplib::Response& res, const Payment& p) {
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
  w.String(p.status.c_str());
  WriteProcessedTransactions(w, p, /*with_z=*/false);
  w.Key("Errors");
  w.StartArray();
  w.EndArray();
  w.EndObject();
  Json(res, 200, b.GetString());
}

void Sandbox::Impl::HandleFinish(const httplib::Request& req, httplib::Response& res,
                                 bool capture) {
  const rapidjson::Document body = ParseBody(req);
  absl::MutexLock lock(&mu_);
  PaymentCall call;
  if (!BeginPaymentCall(req, body, res, &call)) return;
  Payment* p = call.payment;
  const std::string& endpoint = call.endpoint;
  const std::string& auth = call.auth;
  const absl::Time now = absl::Now();
  const std::string wanted = capture ? "Authorized" : "Reserved";
  if (p->status != wanted) {
    SendErrors(res, 400,
               {{"PaymentStatusNotValid", "Payment status is not valid",
                 absl::StrCat("The payment is ", p->status, ", not ", wanted, ".")}},
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
    tx->status = "Succeeded";
    tx->time = now;
  }
  bool all = true, any = false;
  for (const Tx& tx : p->txs) {
    if (tx.fee || tx.refund) continue;
    all = all && tx.finished;
    any = any || (tx.finished && tx.total.units > 0);
  }
  if (all) {
    Complete(*p, any ? "Succeeded" : "Canceled", now);
  } else {
    ScheduleCallback(*p);
  }
  SendFinishAnswer(res, *p);
}

void Sandbox::Impl::HandleCancelAuthorization(const httplib::Request& req, httplib::Response& res) {
  const rapidjson::Document body = ParseBody(req);
  absl::MutexLock lock(&mu_);
  PaymentCall call;
  if (!BeginPaymentCall(req, body, res, &call)) return;
  Payment* p = call.payment;
  const std::string& endpoint = call.endpoint;
  const std::string& auth = call.auth;
  if (p->status != "Authorized") {
    SendErrors(res, 400,
               {{"PaymentStatusNotValid", "Payment status is not valid",
                 absl::StrCat("The payment is ", p->status, ", not Authorized.")}},
               endpoint, auth);
    return;
  }
  for (Tx& tx : p->txs) {
    if (tx.fee || tx.refund) continue;
    tx.status = "Reversed";
    tx.finished = true;
    tx.total = Dec{};
  }
  Complete(*p, "Canceled", absl::Now());
  SendFinishAnswer(res, *p);
}

void Sandbox::Impl::HandleRefund(const httplib::Request& req, httplib::Response& res) {
  const rapidjson::Document body = ParseBody(req);
  absl::MutexLock lock(&mu_);
  PaymentCall call;
  if (!BeginPaymentCall(req, body, res, &call)) return;
  Payment* p = call.payment;
  const std::string& endpoint = call.endpoint;
  const std::string& auth = call.auth;
  if (p->status != "Succeeded" && p->status != "PartiallySucceeded") {
    SendErrors(
        res, 400,
        {{"PaymentStatusNotValid", "Payment status is not valid",
          absl::StrCat("Only succeeded payments can be refunded; this one is ", p->status, ".")}},
        endpoint, auth);
    return;
  }
  const Value* list = Get(body, "TransactionsToRefund");
  std::vector<ApiError> errors;
  std::vector<std::tuple<size_t, Dec, std::string, std::string>> plan;
  std::map<size_t, Dec> pending;
  if (list == nullptr || !list->IsArray() || list->Empty()) {
    errors.push_back({"ModelValidationError", "Model validation error",
                      "The TransactionsToRefund field is required."});
  } else {
    for (const Value& t : list->GetArray()) {
      const std::string tid = NormalizeId(Str(t, "TransactionId"));
      size_t index = p->txs.size();
      for (size_t i = 0; i < p->txs.size(); ++i) {
        if (p->txs[i].id == tid && !p->txs[i].fee && !p->txs[i].refund) index = i;
      }
      absl::optional<Dec> amount = Dec::Parse(Str(t, "AmountToRefund"));
      if (index == p->txs.size()) {
        errors.push_back({"TransactionDoesNotBelongToPayment", "Transaction does not belong",
                          "A TransactionId is not a payment transaction of this payment."});
        continue;
      }
      const Tx& tx = p->txs[index];
      const Dec remaining = tx.total - tx.refunded - pending[index];
      if (Str(t, "POSTransactionId").empty()) {
        errors.push_back({"ModelValidationError", "Model validation error",
                          "The POSTransactionId field is required."});
      } else if (!amount || amount->units <= 0 ||
                 amount->Scale() > std::max(CurrencyScale(p->currency), 0)) {
        errors.push_back({"ModelValidationError", "Model validation error",
                          "The AmountToRefund must be greater than 0."});
      } else if (remaining < *amount) {
        errors.push_back({"ModelValidationError", "Model validation error",
                          absl::StrCat("The AmountToRefund exceeds the refundable amount of ",
                                       remaining.Format(2), ".")});
      } else {
        pending[index] = pending[index] + *amount;
        plan.emplace_back(index, *amount, Str(t, "POSTransactionId"), Str(t, "Comment"));
      }
    }
  }
  if (!errors.empty()) {
    SendErrors(res, 400, errors, endpoint, auth);
    return;
  }
  const absl::Time now = absl::Now();
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("PaymentId");
  w.String(p->id.c_str());
  w.Key("RefundedTransactions");
  w.StartArray();
  for (const auto& [index, amount, pos_id, comment] : plan) {
    Tx& original = p->txs[index];
    original.refunded = original.refunded + amount;
    Tx refund;
    refund.id = RandomHex(16);
    refund.pos_id = pos_id;
    refund.comment = comment;
    refund.original = refund.total = amount;
    refund.status = "Succeeded";
    refund.type = p->funding_used == "Balance" ? "Refund" : "RefundToBankCard";
    refund.payee = original.payee;
    refund.related_id = original.id;
    refund.time = now;
    refund.refund = true;
    w.StartObject();
    w.Key("TransactionId");
    w.String(refund.id.c_str());
    w.Key("Total");
    std::string text = amount.Format(2);
    w.RawValue(text.c_str(), text.size(), rapidjson::kNumberType);
    w.Key("POSTransactionId");
    w.String(pos_id.c_str());
    w.Key("Comment");
    if (comment.empty()) {
      w.Null();
    } else {
      w.String(comment.c_str());
    }
    w.Key("Status");
    w.String("Succeeded");
    w.EndObject();
    p->txs.push_back(std::move(refund));
  }
  w.EndArray();
  w.Key("Errors");
  w.StartArray();
  w.EndArray();
  w.EndObject();
  ScheduleCallback(*p);  // a refund changes no status, but Barion still calls back
  Json(res, 200, b.GetString());
}

void Sandbox::Impl::HandleComplete(const httplib::Request& req, httplib::Response& res) {
  const rapidjson::Document body = ParseBody(req);
  absl::MutexLock lock(&mu_);
  PaymentCall call;
  if (!BeginPaymentCall(req, body, res, &call)) return;
  Payment* p = call.payment;
  const std::string& endpoint = call.endpoint;
  const std::string& auth = call.auth;
  if (!p->needs_3ds || p->status != "InProgress") {
    SendErrors(res, 400,
               {{"PaymentStatusNotValid", "Payment status is not valid",
                 "The payment does not wait for a 3-D Secure completion."}},
               endpoint, auth);
    return;
  }
  auto token = tokens_.find(p->shop + "/" + p->recurrence_id);
  for (Tx& tx : p->txs) {
    tx.status = "Succeeded";
    tx.type = "CardPayment";
    tx.finished = true;
  }
  p->funding_used = "BankCard";
  if (token != tokens_.end()) p->trace_id = token->second.trace_id;
  Complete(*p, "Succeeded", absl::Now());
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("PaymentId");
  w.String(p->id.c_str());
  w.Key("PaymentRequestId");
  w.String(p->request_id.c_str());
  w.Key("PaymentStatus");
  w.String(p->status.c_str());
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

void Sandbox::Impl::HandlePayPage(const httplib::Request& req, httplib::Response& res) {
  std::string id = req.has_param("Id") ? req.get_param_value("Id") : req.get_param_value("id");
  absl::MutexLock lock(&mu_);
  Sweep(absl::Now());
  Payment* p = FindPayment(id);
  if (p == nullptr) {
    res.status = 404;
    res.set_content("<html><body>Unknown payment.</body></html>", "text/html; charset=utf-8");
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
      p->currency, "</b> (", p->type, "), status <b>", p->status, "</b>.</p>",
      "<form method=\"post\" action=\"", action,
      "/pay\"><input type=\"hidden\" name=\"funding\" value=\"BankCard\">"
      "<button>Pay with test card 4444 8888 8888 5559</button></form>",
      "<form method=\"post\" action=\"", action,
      "/pay\"><input type=\"hidden\" name=\"outcome\" value=\"decline\">"
      "<button>Card declined</button></form>",
      "<form method=\"post\" action=\"", action, "/cancel\"><button>Cancel</button></form>",
      "</body></html>");
  res.set_content(html, "text/html; charset=utf-8");
}

void Sandbox::Impl::PayPayment(Payment& p, const Value& body, httplib::Response& res) {
  const absl::Time now = absl::Now();
  if (p.status != "Prepared" && p.status != "Started") {
    ControlAnswer(res, 409,
                  absl::StrCat("payment is ", p.status,
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
    auto it = tokens_.find(p.shop + "/" + p.recurrence_id);
    if (it != tokens_.end()) token = &it->second;
  }
  if (decline) {
    p.process_result =
        Str(body, "process_result").empty() ? "Declined" : Str(body, "process_result");
    for (Tx& t : p.txs) t.status = "Rejected";
    if (token != nullptr) token->state = "failed";
    Complete(p, "Failed", now);
    ControlAnswer(res, 200, "declined");
    return;
  }
  p.process_result = "Successful";
  std::string status = "Succeeded", tx_status = "Succeeded";
  if (p.type == "Reservation") {
    status = tx_status = "Reserved";
    p.reserved_until = now + p.reservation_period;
  } else if (p.type == "DelayedCapture") {
    status = tx_status = "Authorized";
    p.delayed_capture_until = now + p.delayed_capture_period;
  }
  std::vector<Tx> fees;
  for (Tx& t : p.txs) {
    if (t.fee || t.refund) continue;
    t.status = tx_status;
    t.payer_email = p.payer_email;
    t.type = funding == "Balance" ? "Shop" : "CardPayment";
    t.time = now;
    if (status == "Succeeded") t.finished = true;
    if (funding != "Balance" && status == "Succeeded") {
      // Barion's card processing fee (1 %, at the currency's scale, at least one unit).
      const int scale = std::max(CurrencyScale(p.currency), 0);
      __int128 unit = scale == 0 ? 10000 : 100;
      __int128 fee_units = t.original.units / 100;
      fee_units = std::max<__int128>(unit, (fee_units + unit - 1) / unit * unit);
      Tx fee;
      fee.id = RandomHex(16);
      fee.fee = true;
      fee.original = fee.total = Dec{fee_units};
      fee.status = "Succeeded";
      fee.type = "CardProcessingFee";
      fee.payee = t.payee;
      fee.related_id = t.id;
      fee.time = now;
      fee.finished = true;
      fees.push_back(std::move(fee));
    }
  }
  for (Tx& f : fees) p.txs.push_back(std::move(f));
  if (token != nullptr) {
    token->state = "active";
    token->funding = funding == "Balance" ? "Balance" : "BankCard";
    // Scheme trace ids may hold runs of spaces; the sandbox's always do, to catch trimming.
    token->trace_id = absl::StrCat("SBX", absl::AsciiStrToUpper(RandomHex(5)), "  ",
                                   absl::StrCat(RandomHex(1).substr(0, 1)));
    token->wallet_currency =
        Str(body, "wallet_currency").empty() ? p.currency : Str(body, "wallet_currency");
    token->wallet_balance = Dec::Parse(Str(body, "wallet_balance")).value_or(Dec{0});
    p.trace_id = token->trace_id;
  }
  if (status == "Succeeded") {
    Complete(p, status, now);
  } else {
    p.status = status;
    ScheduleCallback(p);
  }
  ControlAnswer(res, 200, p.status);
}

void Sandbox::Impl::ControlPayment(const httplib::Request& req, httplib::Response& res) {
  rapidjson::Document body = ControlBody(req);
  const std::string action = req.matches[2];
  absl::MutexLock lock(&mu_);
  const absl::Time now = absl::Now();
  Sweep(now);
  Payment* p = FindPayment(req.matches[1]);
  if (p == nullptr) {
    ControlAnswer(res, 404, "unknown payment");
    return;
  }
  if (action == "pay") {
    PayPayment(*p, body, res);
  } else if (action == "start") {
    if (p->status != "Prepared") {
      ControlAnswer(res, 409, "only a Prepared payment can start");
      return;
    }
    p->status = "Started";
    for (Tx& t : p->txs) t.status = "Started";
    ScheduleCallback(*p);
    ControlAnswer(res, 200, p->status);
  } else if (action == "cancel") {
    if (p->status != "Prepared" && p->status != "Started") {
      ControlAnswer(res, 409, "only a Prepared or Started payment can be cancelled by the payer");
      return;
    }
    for (Tx& t : p->txs) t.status = "Rejected";
    Complete(*p, "Canceled", now);
    ControlAnswer(res, 200, p->status);
  } else {  // expire
    if (p->status != "Prepared" && p->status != "Started") {
      ControlAnswer(res, 409, "only a Prepared or Started payment can expire");
      return;
    }
    p->valid_until = now;
    Sweep(now);
    ControlAnswer(res, 200, p->status);
  }
  // The payment page's forms go back to the shop, as Barion redirects the payer.
  if (res.status == 200 &&
      req.get_header_value("Content-Type").find("x-www-form-urlencoded") != std::string::npos) {
    res.set_redirect(absl::StrCat(p->redirect_url, "?paymentId=", p->id), 303);
  }
}

void Sandbox::Impl::ControlToken(const httplib::Request& req, httplib::Response& res) {
  rapidjson::Document body = ControlBody(req);
  absl::MutexLock lock(&mu_);
  auto it = tokens_.find(absl::StrCat(std::string(req.matches[1]), "/",
                                      httplib::detail::decode_url(req.matches[2], false)));
  if (it == tokens_.end()) {
    ControlAnswer(res, 404, "unknown token (shop/recurrence id)");
    return;
  }
  Token& t = it->second;
  if (Has(body, "wallet_blocked")) t.wallet_blocked = BoolOf(body, "wallet_blocked");
  if (Has(body, "card_expired")) t.card_expired = BoolOf(body, "card_expired");
  if (Has(body, "require_3ds")) t.require_3ds = BoolOf(body, "require_3ds");
  if (Has(body, "wallet_balance")) {
    t.wallet_balance = Dec::Parse(Str(body, "wallet_balance")).value_or(t.wallet_balance);
  }
  if (Has(body, "wallet_currency")) t.wallet_currency = Str(body, "wallet_currency");
  ControlAnswer(res, 200, t.state);
}

void Sandbox::Impl::ControlShop(const httplib::Request& req, httplib::Response& res) {
  rapidjson::Document body = ControlBody(req);
  absl::MutexLock lock(&mu_);
  for (auto& [key, shop] : shops_) {
    if (shop.config.name != req.matches[1]) continue;
    if (Has(body, "recurring_allowed")) {
      shop.config.recurring_allowed = BoolOf(body, "recurring_allowed");
    }
    if (Has(body, "draft")) shop.draft = BoolOf(body, "draft");
    if (Has(body, "closed")) shop.closed = BoolOf(body, "closed");
    ControlAnswer(res, 200, "updated");
    return;
  }
  ControlAnswer(res, 404, "unknown shop");
}

ApiWallet* Sandbox::Impl::AuthenticateWallet(const httplib::Request& req, httplib::Response& res) {
  auto it = api_wallets_.find(absl::AsciiStrToLower(req.get_header_value("x-api-key")));
  if (it == api_wallets_.end()) {
    SendErrors(res, options_.auth_failure_status,
               {{"AuthenticationFailed", "User authentication failed.",
                 "The login information provided is incorrect."}},
               Endpoint(req), "");
    return nullptr;
  }
  return &it->second;
}

void Sandbox::Impl::HandleAccounts(const httplib::Request& req, httplib::Response& res) {
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

void Sandbox::Impl::HandleTransferEmail(const httplib::Request& req, httplib::Response& res) {
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
      {RandomHex(16), "InternalTransfer", absl::Now(), *value, currency, comment, "Debit", target});
  // The recipient's money: credited when it is one of the sandbox's API wallets.
  for (auto& [key, other] : api_wallets_) {
    if (absl::AsciiStrToLower(other.config.email) != target) continue;
    for (WalletAccount& a : other.accounts) {
      if (a.currency == currency) a.available = a.available + *value;
    }
    other.history.push_back({RandomHex(16), "InternalTransfer", absl::Now(), *value, currency,
                             comment, "Credit", absl::AsciiStrToLower(wallet->config.email)});
  }
  Json(res, 200, "{\"IsTransferSuccessful\":true,\"Errors\":[]}");
}

void Sandbox::Impl::HandleBankTransfer(const httplib::Request& req, httplib::Response& res) {
  const rapidjson::Document body = ParseBody(req);
  absl::MutexLock lock(&mu_);
  ApiWallet* wallet = AuthenticateWallet(req, res);
  if (wallet == nullptr) return;
  const std::string endpoint = Endpoint(req);
  std::vector<ApiError> errors;
  auto invalid = [&](const std::string& description) {
    errors.push_back({"ModelValidationError", "Model validation error", description});
  };
  auto alpha3 = [](const std::string& c) {
    return c.size() == 3 &&
           std::all_of(c.begin(), c.end(), [](char x) { return x >= 'A' && x <= 'Z'; });
  };
  static const std::set<std::string> kFormats = {"Unknown", "Giro", "IBAN", "Czech"};
  const Value empty(rapidjson::kObjectType);
  const Value* account = body.IsObject() ? Get(body, "BankAccount") : nullptr;
  const Value* bank = body.IsObject() ? Get(body, "Bank") : nullptr;
  const Value* recipient = body.IsObject() ? Get(body, "Recipient") : nullptr;
  const Value& acc = account != nullptr && account->IsObject() ? *account : empty;
  const Value& bnk = bank != nullptr && bank->IsObject() ? *bank : empty;
  const Value& rec = recipient != nullptr && recipient->IsObject() ? *recipient : empty;
  const Value* address = Get(rec, "Address");
  const Value& addr = address != nullptr && address->IsObject() ? *address : empty;
  const std::string currency = body.IsObject() ? Str(body, "Currency") : "";
  absl::optional<Dec> amount =
      body.IsObject() ? Dec::Parse(Str(body, "Amount")) : absl::optional<Dec>();
  if (CurrencyScale(currency) < 0) invalid("The Currency field is invalid.");
  if (!amount || amount->units <= 0 || amount->Scale() > std::max(CurrencyScale(currency), 0)) {
    invalid("The Amount must be greater than 0.");
  }
  if (body.IsObject() && Str(body, "Comment").size() > 90) {
    invalid("The field Comment must be a string with a maximum length of 90.");
  }
  if (!alpha3(Str(acc, "Country"))) invalid("The BankAccount.Country field is invalid.");
  const std::string format = Str(acc, "Format");
  if (!kFormats.count(format)) invalid("The BankAccount.Format field is invalid.");
  const std::string number = Str(acc, "AccountNumber");
  if (number.empty() || number.size() > 34) {
    invalid("The BankAccount.AccountNumber field is required (at most 34 characters).");
  }
  const std::string swift = Str(bnk, "SwiftCode");
  if ((format == "IBAN" || !swift.empty()) && swift.size() != 8 && swift.size() != 11) {
    invalid("The Bank.SwiftCode must be 8 or 11 characters.");
  }
  const std::string name = Str(rec, "Name");
  if (name.empty() || name.size() > 100) {
    invalid("The Recipient.Name field is required (at most 100 characters).");
  }
  if (Str(addr, "Zip").size() > 16) invalid("The Recipient.Address.Zip is too long.");
  if (!errors.empty()) {
    SendErrors(res, 400, errors, endpoint, "");
    return;
  }
  auto source = std::find_if(wallet->accounts.begin(), wallet->accounts.end(),
                             [&](const WalletAccount& a) { return a.currency == currency; });
  if (source == wallet->accounts.end()) {
    SendErrors(
        res, 400,
        {{"InvalidCurrency", "Invalid currency", "The wallet has no account in the currency."}},
        endpoint, "");
    return;
  }
  if (source->available < *amount) {
    SendErrors(res, 400,
               {{"InsufficientFunds", "Insufficient funds",
                 "The balance of the account is not enough for the transfer."}},
               endpoint, "");
    return;
  }
  source->available = source->available - *amount;
  wallet->history.push_back({RandomHex(16), "Withdraw", absl::Now(), *amount, currency,
                             Str(body, "Comment"), "Debit", number});
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("TransactionId");
  w.String(Hyphenated(RandomHex(16)).c_str());
  w.Key("Currency");
  w.String(currency.c_str());
  const std::string formatted = amount->Format(std::max(CurrencyScale(currency), 0));
  w.Key("Amount");
  w.RawValue(formatted.c_str(), formatted.size(), rapidjson::kNumberType);
  w.Key("Comment");
  w.String(Str(body, "Comment").c_str());
  w.Key("BankAccount");
  w.StartObject();
  w.Key("Country");
  w.String(Str(acc, "Country").c_str());
  w.Key("Format");
  w.String(format.c_str());
  w.Key("AccountNumber");
  w.String(number.c_str());
  w.EndObject();
  w.Key("Recipient");
  w.StartObject();
  w.Key("Name");
  w.String(name.c_str());
  w.EndObject();
  WriteErrors(w, {}, endpoint, "");
  w.EndObject();
  Json(res, 200, b.GetString());
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

void Sandbox::Impl::HandleHistory(const httplib::Request& req, httplib::Response& res) {
  absl::MutexLock lock(&mu_);
  const ApiWallet* wallet = AuthenticateWallet(req, res);
  if (wallet == nullptr) return;
  int limit = 20;
  if (req.has_param("Limit") &&
      (!absl::SimpleAtoi(req.get_param_value("Limit"), &limit) || limit < 1 || limit > 20)) {
    SendErrors(res, 400,
               {{"ModelValidationError", "Model validation error",
                 "The Limit field must be between 1 and 20."}},
               Endpoint(req), "");
    return;
  }
  const std::string currency = req.get_param_value("Currency");
  const std::string after = NormalizeId(req.get_param_value("LastVisibleItemId"));
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

void Sandbox::Impl::HandleHistoryDetail(const httplib::Request& req, httplib::Response& res) {
  absl::MutexLock lock(&mu_);
  const ApiWallet* wallet = AuthenticateWallet(req, res);
  if (wallet == nullptr) return;
  const std::string id = NormalizeId(req.get_param_value("ItemId"));
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

void Sandbox::Impl::HandleQrCode(const httplib::Request& req, httplib::Response& res) {
  absl::MutexLock lock(&mu_);
  const std::string id = NormalizeId(req.get_param_value("paymentId"));
  const Payment* p = FindPayment(id);
  if (id.empty() || p == nullptr) {
    SendErrors(res, 404,
               {{"NotExistingPaymentId", "Payment does not exist.",
                 "The paymentId does not name a payment."}},
               Endpoint(req), "");
    return;
  }
  const std::string size = req.get_param_value("size");
  const int side = size == "Small" ? 125 : size == "Normal" ? 200 : 300;
  res.status = 200;
  res.set_content(PatternPng(p->id, side), "image/png");
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

void Sandbox::Impl::HandleStatement(const httplib::Request& req, httplib::Response& res) {
  absl::MutexLock lock(&mu_);
  const ApiWallet* wallet = AuthenticateWallet(req, res);
  if (wallet == nullptr) return;
  const std::string endpoint = Endpoint(req);
  int year = 0, month = 0, day = 0;
  std::vector<ApiError> errors;
  auto invalid = [&](const std::string& d) {
    errors.push_back({"ModelValidationError", "Model validation error", d});
  };
  if (!absl::SimpleAtoi(req.get_param_value("Year"), &year) || year < 2000 || year > 9999) {
    invalid("The Year field is required.");
  }
  if (!absl::SimpleAtoi(req.get_param_value("Month"), &month) || month < 1 || month > 12) {
    invalid("The Month field must be between 1 and 12.");
  }
  if (req.has_param("Day") &&
      (!absl::SimpleAtoi(req.get_param_value("Day"), &day) || day < 1 || day > 31)) {
    invalid("The Day field must be between 1 and 31.");
  }
  const std::string currency = req.get_param_value("Currency");
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
  if (absl::FromCivil(first_after, absl::UTCTimeZone()) > absl::Now()) {
    SendErrors(res, 404,
               {{"StatementNotFound", "Statement not found",
                 "There is no statement for the given period."}},
               endpoint, "");
    return;
  }
  const std::string period = day != 0 ? absl::StrFormat("%04d-%02d-%02d", year, month, day)
                                      : absl::StrFormat("%04d-%02d", year, month);
  auto text =
      std::make_shared<std::string>(StatementText(wallet->config.name, currency, period, day != 0));
  res.status = 200;
  res.set_chunked_content_provider(
      day != 0 ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
               : "application/pdf",
      [text](size_t offset, httplib::DataSink& sink) {
        if (offset >= text->size()) {
          sink.done();
          return true;
        }
        const size_t n = std::min<size_t>(16 * 1024, text->size() - offset);
        return sink.write(text->data() + offset, n);
      });
}

void Sandbox::Impl::HandleApplePaySession(const httplib::Request& req, httplib::Response& res) {
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
  const absl::Time now = absl::Now();
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

static void WritePos(Writer& w, const PosEntry& pos) {
  w.Key("PublicKey");
  w.String(Hyphenated(pos.public_key).c_str());
  w.Key("Name");
  w.String(pos.name.c_str());
  w.Key("Url");
  w.String(pos.url.c_str());
  w.Key("Description");
  w.String(pos.description.c_str());
  w.Key("Category");
  w.StartArray();
  for (const std::string& c : pos.categories) w.String(c.c_str());
  w.EndArray();
  w.Key("Status");
  w.String(pos.status.c_str());
}

void Sandbox::Impl::HandleCreatePos(const httplib::Request& req, httplib::Response& res) {
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
  for (const char* contact : {"BusinessContact", "TechnicalContact", "CustomerServiceContact"}) {
    const Value* c = ok ? Get(body, contact) : nullptr;
    if (c == nullptr || !c->IsObject() || Str(*c, "Email").find('@') == std::string::npos) {
      invalid(absl::StrCat("The ", contact, " field is required."));
    }
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
  wallet->shops.push_back(pos);
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  WritePos(w, pos);
  WriteErrors(w, {}, Endpoint(req), "");
  w.EndObject();
  Json(res, 200, b.GetString());
}

void Sandbox::Impl::HandleGetPos(const httplib::Request& req, httplib::Response& res) {
  absl::MutexLock lock(&mu_);
  const ApiWallet* wallet = AuthenticateWallet(req, res);
  if (wallet == nullptr) return;
  const std::string key = NormalizeId(std::string(req.matches[1]));
  for (const PosEntry& pos : wallet->shops) {
    if (pos.public_key != key) continue;
    rapidjson::StringBuffer b;
    Writer w(b);
    w.StartObject();
    WritePos(w, pos);
    WriteErrors(w, {}, Endpoint(req), "");
    w.EndObject();
    Json(res, 200, b.GetString());
    return;
  }
  Json(res, 404, "{\"Message\":\"The requested shop was not found.\"}");
}

void Sandbox::Impl::ControlWallet(const httplib::Request& req, httplib::Response& res) {
  rapidjson::Document body = ControlBody(req);
  const std::string email = absl::AsciiStrToLower(Str(body, "email"));
  if (email.find('@') == std::string::npos) {
    ControlAnswer(res, 400, "email is required");
    return;
  }
  absl::MutexLock lock(&mu_);
  wallets_.insert(email);
  ControlAnswer(res, 200, "created");
}

void Sandbox::Impl::ControlFaults(const httplib::Request& req, httplib::Response& res) {
  absl::MutexLock lock(&mu_);
  if (req.method == "DELETE") {
    faults_.clear();
    ControlAnswer(res, 200, "cleared");
    return;
  }
  rapidjson::Document body = ControlBody(req);
  Fault f;
  f.mode = Str(body, "mode");
  static const std::set<std::string> kModes = {
      "status_404", "status_500", "status_503_html", "slow", "reset", "malformed", "rate_limited"};
  if (!kModes.count(f.mode)) {
    ControlAnswer(res, 400,
                  "mode must be status_404, status_500, status_503_html, slow, reset, malformed "
                  "or rate_limited");
    return;
  }
  f.path_prefix = Str(body, "path_prefix");
  int count = 1, delay_ms = 2000;
  if (Has(body, "count") && !absl::SimpleAtoi(Str(body, "count"), &count)) count = 1;
  if (Has(body, "delay_ms") && !absl::SimpleAtoi(Str(body, "delay_ms"), &delay_ms)) {
    delay_ms = 2000;
  }
  f.remaining = std::max(1, count);
  f.delay = absl::Milliseconds(std::max(0, delay_ms));
  faults_.push_back(f);
  ControlAnswer(res, 200, "armed");
}

void Sandbox::Impl::ControlStats(const httplib::Request&, httplib::Response& res) {
  size_t payments;
  size_t scheduled;
  {
    absl::MutexLock lock(&mu_);
    payments = payments_.size();
    scheduled = callbacks_.size();
  }
  Json(res, 200,
       absl::StrCat("{\"tls_handshakes\":", tls_handshakes_.load(),
                    ",\"requests\":", requests_.load(), ",\"payments\":", payments,
                    ",\"callbacks_scheduled\":", scheduled, "}"));
}

void Sandbox::Impl::ControlCallbacks(const httplib::Request& req, httplib::Response& res) {
  const std::string filter = NormalizeId(req.get_param_value("paymentId"));
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartArray();
  absl::MutexLock lock(&mu_);
  for (const CallbackRecord& r : callback_log_) {
    if (!filter.empty() && r.payment_id != filter) continue;
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
    w.EndObject();
  }
  w.EndArray();
  Json(res, 200, b.GetString());
}

void Sandbox::Impl::DispatchLoop() {
  while (!stopping_.load()) {
    std::vector<CallbackJob> due;
    {
      absl::MutexLock lock(&mu_);
      const absl::Time now = absl::Now();
      Sweep(now);
      while (!callbacks_.empty() && callbacks_.top().due <= now) {
        due.push_back(callbacks_.top());
        callbacks_.pop();
      }
    }
    for (const CallbackJob& job : due) {
      if (stopping_.load()) return;
      const int status = Deliver(job);  // no lock held during network I/O
      absl::MutexLock lock(&mu_);
      callback_log_.push_back({job.payment_id, job.url, job.attempt, status, absl::Now()});
      if (status != 200 && job.attempt < 5) {
        CallbackJob next = job;
        next.attempt = job.attempt + 1;
        next.due =
            absl::Now() + absl::Seconds(kRetryDelaysSeconds[job.attempt]) * options_.time_scale;
        callbacks_.push(next);
      }
    }
    stopped_.WaitForNotificationWithTimeout(absl::Milliseconds(5));
  }
}

int Sandbox::Impl::Deliver(const CallbackJob& job) {
  // Split "scheme://host[:port]/path?query".
  size_t scheme_end = job.url.find("://");
  if (scheme_end == std::string::npos) return 0;
  size_t path_start = job.url.find('/', scheme_end + 3);
  const std::string origin = job.url.substr(0, path_start);
  const std::string path = path_start == std::string::npos ? "/" : job.url.substr(path_start);
  httplib::Client client(origin);
  const absl::Duration timeout =
      std::max(absl::Milliseconds(200), absl::Seconds(15) * options_.time_scale);
  const int64_t usec = absl::ToInt64Microseconds(timeout);
  client.set_connection_timeout(usec / 1000000, usec % 1000000);
  client.set_read_timeout(usec / 1000000, usec % 1000000);
  client.set_write_timeout(usec / 1000000, usec % 1000000);
  client.set_tcp_nodelay(true);
  httplib::Result result = client.Post(path.c_str(), absl::StrCat("paymentId=", job.payment_id),
                                       "application/x-www-form-urlencoded");
  return result ? result->status : 0;
}

// ---------------------------------------------------------------------------------------------

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
