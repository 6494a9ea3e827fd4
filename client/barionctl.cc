// barionctl: drive and watch payments, and operate wallets, through barion-grpc-gateway from a
// terminal.
// Run `barionctl --help` or `barionctl SUBCOMMAND --help`.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "client/payment_client.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace {

namespace v1 = ::barion::v1;
namespace bc = ::barion_gateway::client;

// Exit codes: local failures (a file), usage errors, refusals (by Barion or the gateway's
// validation), unavailability.
constexpr int kOk = 0, kLocal = 1, kUsage = 2, kRefused = 3, kUnavailable = 4;

constexpr char kUsageText[] = R"(barionctl: payments through barion-grpc-gateway

Usage: barionctl [--gateway HOST:PORT] [--output human|json] [--timeout SECONDS] COMMAND [FLAGS]

Commands:
  start       start a payment              state       a payment's state
  finish      finish a reservation         capture     capture an authorization
  cancel      cancel an authorization      refund      refund a transaction
  complete    complete a payment           qr          save a payment's QR code
  events      page through payment events  watch       follow payment events live
  google-pay  charge a Google Pay token    apple-pay   charge an Apple Pay token
  apple-pay-session  validate an Apple Pay merchant session

Wallet commands (barionctl wallet --help):
  wallet accounts       balances         wallet send-email     send e-money to an e-mail
  wallet bank-transfer  pay to a bank    wallet statement      download a statement file
  wallet history        recent items     wallet history-item   one item's details
  wallet pos-create     create a shop    wallet pos-get        a shop by its public key

Global flags: --gateway (default 127.0.0.1:50051), --output (human), --timeout (30).
Every command takes --help; those that send a request also take --json FILE|- for the full
request in proto JSON (see each command's --help).
Exit codes: 0 ok, 1 local failure (a file could not be written), 2 usage error,
3 refused (by Barion or the gateway's checks), 4 unavailable.
)";

const std::map<std::string, std::string>& CommandHelp() {
  static const auto* help = new std::map<std::string, std::string>{
      {"start",
       "barionctl start --amount AMOUNT [--currency HUF|EUR|USD|CZK] [--request-id ID]\n"
       "    [--type immediate|reservation|delayed-capture] [--shop S] [--json FILE|-]\n"
       "Starts a payment with one transaction and one item; prints its id and gateway URL.\n"
       "Without --request-id a fresh id is made; run again with the same --request-id after\n"
       "an error, and the gateway answers with the first start instead of a second payment.\n"},
      {"state", "barionctl state --payment ID [--shop S]\nPrints the payment's state.\n"},
      {"finish",
       "barionctl finish --payment ID --transaction TID --amount AMOUNT [--shop S] "
       "[--json FILE|-]\nFinishes a reservation with AMOUNT for the transaction.\n"},
      {"capture",
       "barionctl capture --payment ID --transaction TID --amount AMOUNT [--shop S] "
       "[--json FILE|-]\nCaptures an authorized transaction.\n"},
      {"cancel", "barionctl cancel --payment ID [--shop S]\nCancels an authorization.\n"},
      {"refund",
       "barionctl refund --payment ID --transaction TID --amount AMOUNT "
       "[--refund-id R] [--shop S] [--json FILE|-]\nRefunds AMOUNT of the transaction.\n"},
      {"complete", "barionctl complete --payment ID [--shop S]\nCompletes a payment.\n"},
      {"events",
       "barionctl events [--after CURSOR] [--shop S] [--payment ID] [--limit N]\n"
       "Pages through the event log, oldest first.\n"},
      {"watch",
       "barionctl watch [--shop S] [--payment ID] [--from CURSOR] [--count N]\n"
       "Prints events as they happen, resuming after disconnects; --from 0 replays all;\n"
       "--count stops after N events.\n"},
      {"qr",
       "barionctl qr --payment ID [--size small|normal|large] [--shop S] --out FILE|-\n"
       "Saves the payment's QR code (PNG) for the payer's Barion app; - writes it to stdout.\n"},
      {"google-pay",
       "barionctl google-pay --amount AMOUNT --email PAYER_EMAIL --token GOOGLE_PAY_TOKEN\n"
       "    [--currency HUF] [--request-id ID] [--shop S] [--json FILE|-]\n"
       "Starts a payment charged at once with a token from Google Pay's JavaScript API.\n"
       "Not retried once sent: after an unknown outcome, check `events` or `state` first.\n"},
      {"apple-pay",
       "barionctl apple-pay --json FILE|-\n"
       "Starts a payment charged at once with an Apple Pay token: a StartApplePayPaymentRequest\n"
       "in proto JSON. Not retried once sent, like google-pay.\n"},
      {"apple-pay-session",
       "barionctl apple-pay-session --validation-url URL --shop-url URL [--shop S] "
       "[--json FILE|-]\n"
       "Prints the merchant session (JSON) for Apple Pay JS's completeMerchantValidation.\n"},
      {"wallet",
       "barionctl wallet COMMAND [--wallet NAME] [FLAGS]\n"
       "Operations on a business wallet named in the gateway's configuration (`wallets`);\n"
       "--wallet may be left out when the gateway has only one wallet (the embedded\n"
       "configuration's is demo).\n"
       "  accounts       the wallet's accounts and balances\n"
       "  send-email     send e-money to an e-mail address\n"
       "  bank-transfer  send money to a bank account\n"
       "  statement      download a monthly (or daily) statement into a file\n"
       "  history        the newest history items, a page at a time\n"
       "  history-item   one history item with its details\n"
       "  pos-create     create a shop (POS) under the wallet\n"
       "  pos-get        a shop by its public key\n"
       "Transfers and pos-create are never retried once sent: after an error whose outcome is\n"
       "unknown, look at `wallet history` or `wallet pos-get` before trying again.\n"},
      {"wallet accounts",
       "barionctl wallet accounts [--wallet NAME]\n"
       "Lists the wallet's accounts: currency, available and blocked balance, account id.\n"},
      {"wallet send-email",
       "barionctl wallet send-email --to EMAIL --amount AMOUNT [--currency HUF|EUR|USD|CZK]\n"
       "    [--account ACCOUNT_ID] [--comment TEXT] [--wallet NAME] [--json FILE|-]\n"
       "Sends e-money from the account of the currency (or --account) to an e-mail address.\n"},
      {"wallet bank-transfer",
       "barionctl wallet bank-transfer --amount AMOUNT --currency C --account-number N\n"
       "    --recipient NAME [--country HUN] [--format giro|iban|czech|unknown] [--swift BIC]\n"
       "    [--comment TEXT] [--wallet NAME] [--json FILE|-]\n"
       "Sends money from the wallet's account in C to a bank account (--swift for IBAN).\n"},
      {"wallet statement",
       "barionctl wallet statement --year Y --month M [--day D] [--currency HUF] --out FILE|-\n"
       "    [--wallet NAME]\n"
       "Downloads a statement (monthly PDF, or daily XLSX with --day) into FILE, streamed;\n"
       "FILE appears only when the download is complete. - writes the file to stdout.\n"},
      {"wallet history",
       "barionctl wallet history [--limit N] [--after ITEM_ID] [--currency C] [--wallet NAME]\n"
       "Lists history items, newest first; --after continues after an item of a page.\n"},
      {"wallet history-item",
       "barionctl wallet history-item --item ITEM_ID [--wallet NAME]\n"
       "Prints one history item and Barion's details of its type.\n"},
      {"wallet pos-create",
       "barionctl wallet pos-create --name NAME --url HTTPS_URL --description TEXT\n"
       "    --category C[,C...] --contact-name NAME --contact-email EMAIL --contact-phone PHONE\n"
       "    [--currency HUF] [--turnover 1-6] [--callback-url URL] [--wallet NAME]\n"
       "    [--json FILE|-]\n"
       "Creates a shop; the contact serves as business, technical and customer-service contact\n"
       "(use --json for different ones). Barion reviews the shop before it opens.\n"},
      {"wallet pos-get",
       "barionctl wallet pos-get --public-key KEY [--wallet NAME]\n"
       "Prints a shop of the wallet.\n"},
  };
  return *help;
}

// The help of `command`; of `wallet` for an unknown wallet command; nullptr for other unknowns.
const std::string* HelpFor(const std::string& command) {
  auto it = CommandHelp().find(command);
  if (it == CommandHelp().end() && command.rfind("wallet ", 0) == 0)
    it = CommandHelp().find("wallet");
  return it == CommandHelp().end() ? nullptr : &it->second;
}

// "PREFIX-<unix ms>-<8 random hex digits>": a default id that two people starting payments in the
// same millisecond do not share (the gateway would answer the second with the first's payment).
std::string UniqueId(const std::string& prefix) {
  std::random_device random;
  return absl::StrFormat("%s-%d-%08x", prefix, absl::ToUnixMillis(absl::Now()),
                         static_cast<uint32_t>(random()));
}

struct Args {
  std::string command;
  std::map<std::string, std::string> flags;
  bool help = false;
};

// --name=value or --name value; "--help" alone.
absl::StatusOr<Args> Parse(int argc, char** argv, std::map<std::string, std::string>* global) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      args.help = true;
      continue;
    }
    if (a.rfind("--", 0) == 0) {
      std::string name = a.substr(2), value;
      const size_t eq = name.find('=');
      if (eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        return absl::InvalidArgumentError(absl::StrCat("--", name, " needs a value"));
      }
      (args.command.empty() ? *global : args.flags)[name] = value;
      continue;
    }
    if (args.command == "wallet") {
      args.command += " " + a;  // "wallet accounts"
      continue;
    }
    if (!args.command.empty()) return absl::InvalidArgumentError("unexpected argument " + a);
    args.command = a;
  }
  return args;
}

// A file written under PATH.partial and renamed to PATH when complete, so that a failed download
// leaves nothing behind; "-" is stdout. Write errors are DATA_LOSS (exit code 1).
class OutputFile {
 public:
  ~OutputFile() { Abandon(); }
  // INVALID_ARGUMENT when `path` is empty or cannot be created.
  absl::Status Open(const std::string& path) {
    if (path.empty()) return absl::InvalidArgumentError("--out FILE (or - for stdout) is required");
    path_ = path;
    if (to_stdout()) {
      file_ = stdout;
      return absl::OkStatus();
    }
    file_ = std::fopen(Partial().c_str(), "wb");
    if (file_ == nullptr) return absl::InvalidArgumentError("cannot write " + Partial());
    return absl::OkStatus();
  }
  absl::Status Write(absl::string_view data) {
    if (std::fwrite(data.data(), 1, data.size(), file_) != data.size()) {
      return absl::DataLossError(absl::StrCat("writing ", to_stdout() ? "stdout" : Partial(),
                                              " failed: ", std::strerror(errno)));
    }
    bytes_ += data.size();
    return absl::OkStatus();
  }
  // Flushes and closes; renames PATH.partial to PATH.
  absl::Status Commit() {
    std::FILE* file = std::exchange(file_, nullptr);
    if (to_stdout()) {
      if (std::fflush(file) != 0) {
        return absl::DataLossError(absl::StrCat("writing stdout failed: ", std::strerror(errno)));
      }
      return absl::OkStatus();
    }
    if (std::fclose(file) != 0) {
      std::remove(Partial().c_str());
      return absl::DataLossError(
          absl::StrCat("writing ", Partial(), " failed: ", std::strerror(errno)));
    }
    if (std::rename(Partial().c_str(), path_.c_str()) != 0) {
      std::remove(Partial().c_str());
      return absl::DataLossError(
          absl::StrCat("renaming ", Partial(), " to ", path_, " failed: ", std::strerror(errno)));
    }
    return absl::OkStatus();
  }
  // Drops what was written (nothing after Commit()); also on destruction.
  void Abandon() {
    if (file_ == nullptr || to_stdout()) return;
    std::fclose(std::exchange(file_, nullptr));
    std::remove(Partial().c_str());
  }
  bool to_stdout() const { return path_ == "-"; }
  const std::string& path() const { return path_; }
  int64_t bytes() const { return bytes_; }

 private:
  std::string Partial() const { return path_ + ".partial"; }
  std::string path_;
  std::FILE* file_ = nullptr;
  int64_t bytes_ = 0;
};

class Cli {
 public:
  Cli(std::map<std::string, std::string> global, Args args)
      : global_(std::move(global)), args_(std::move(args)) {
    json_ = Global("output", "human") == "json";
    double seconds = 30;
    absl::SimpleAtod(Global("timeout", "30"), &seconds);
    bc::ClientOptions options;
    options.timeout = absl::Seconds(seconds);
    auto channel = grpc::CreateChannel(Global("gateway", "127.0.0.1:50051"),
                                       grpc::InsecureChannelCredentials());
    connection_ = bc::MakeGrpcConnection(channel);
    client_ = std::make_unique<bc::PaymentClient>(connection_, options);
    wallets_ = std::make_unique<bc::WalletClient>(bc::MakeGrpcWalletConnection(channel), options);
    options_ = options;
  }

  int Run() {
    const std::string& c = args_.command;
    if (c == "start") return Start();
    if (c == "state") return State();
    if (c == "finish") return FinishLike(true);
    if (c == "capture") return FinishLike(false);
    if (c == "cancel") return Cancel();
    if (c == "refund") return Refund();
    if (c == "complete") return Complete();
    if (c == "events") return Events();
    if (c == "watch") return Watch();
    if (c == "qr") return Qr();
    if (c == "google-pay") return GooglePay();
    if (c == "apple-pay") return ApplePay();
    if (c == "apple-pay-session") return ApplePaySession();
    if (c == "wallet") return Usage("which wallet command?");
    if (c == "wallet accounts") return WalletAccounts();
    if (c == "wallet send-email") return SendEmail();
    if (c == "wallet bank-transfer") return BankTransfer();
    if (c == "wallet statement") return Statement();
    if (c == "wallet history") return History();
    if (c == "wallet history-item") return HistoryItem();
    if (c == "wallet pos-create") return PosCreate();
    if (c == "wallet pos-get") return PosGet();
    return Usage("unknown command " + c);
  }

 private:
  std::string Global(const std::string& name, const std::string& fallback) const {
    auto it = global_.find(name);
    return it == global_.end() ? fallback : it->second;
  }
  std::string Flag(const std::string& name, const std::string& fallback = "") const {
    auto it = args_.flags.find(name);
    return it == args_.flags.end() ? fallback : it->second;
  }
  int Usage(const std::string& problem) {
    std::fprintf(stderr, "barionctl: %s\n", problem.c_str());
    const std::string* help = HelpFor(args_.command);
    std::fputs(help != nullptr ? help->c_str() : kUsageText, stderr);
    return kUsage;
  }
  // Fills `request` from --json FILE|- when given. False (after a message) when it cannot.
  template <typename Message>
  bool FromJson(Message* request, int* code) {
    const std::string source = Flag("json");
    if (source.empty()) return true;
    std::string text;
    if (source == "-") {
      text.assign(std::istreambuf_iterator<char>(std::cin), {});
    } else {
      std::ifstream in(source);
      if (!in) {
        *code = Usage("cannot read " + source);
        return false;
      }
      std::stringstream s;
      s << in.rdbuf();
      text = s.str();
    }
    const auto status = google::protobuf::util::JsonStringToMessage(text, request);
    if (!status.ok()) {
      *code = Usage(absl::StrCat("--json: not a ", Message::descriptor()->full_name(), ": ",
                                 status.ToString()));
      return false;
    }
    return true;
  }
  int Fail(const absl::Status& s) {
    std::fprintf(stderr, "error: %s: %s\n", absl::StatusCodeToString(s.code()).c_str(),
                 std::string(s.message()).c_str());
    const bc::ErrorDetails d = bc::DetailsOf(s);
    for (const bc::ErrorInfo& e : d.errors) {
      std::string line = absl::StrCat("  reason: ", e.reason, " (", e.domain, ")");
      for (const char* key : {"title", "description", "outcome"}) {
        auto it = e.metadata.find(key);
        if (it != e.metadata.end()) absl::StrAppend(&line, "\n    ", key, ": ", it->second);
      }
      std::fprintf(stderr, "%s\n", line.c_str());
    }
    for (const bc::FieldViolation& v : d.violations) {
      std::fprintf(stderr, "  field %s: %s\n", v.field.c_str(), v.description.c_str());
    }
    switch (s.code()) {
      case absl::StatusCode::kInvalidArgument:
      case absl::StatusCode::kFailedPrecondition:
      case absl::StatusCode::kNotFound:
      case absl::StatusCode::kAlreadyExists:
      case absl::StatusCode::kPermissionDenied:
      case absl::StatusCode::kOutOfRange:
        return kRefused;
      case absl::StatusCode::kDataLoss:  // ours: a file could not be written
        return kLocal;
      default:
        return kUnavailable;
    }
  }
  int Print(const google::protobuf::Message& m, const std::string& human) {
    if (json_) {
      std::string out;
      google::protobuf::util::JsonPrintOptions options;
      (void)google::protobuf::util::MessageToJsonString(m, &out, options);
      std::printf("%s\n", out.c_str());
    } else {
      std::printf("%s", human.c_str());
    }
    return kOk;
  }
  static std::string Row(const std::string& label, const std::string& value) {
    return absl::StrFormat("%-16s %s\n", label, value);
  }

  // A one-transaction, one-item payment from --amount, --currency, --type, --request-id, --item
  // and --shop. False (after a usage message in *code) when a flag is wrong.
  bool PaymentFromFlags(v1::StartPaymentRequest* r, int* code) {
    const std::string amount = Flag("amount");
    if (amount.empty()) {
      *code = Usage("--amount is required");
      return false;
    }
    v1::Currency currency;
    if (!CurrencyFlag("HUF", &currency)) {
      *code = Usage("--currency must be HUF, EUR, USD or CZK");
      return false;
    }
    const std::string type = Flag("type", "immediate");
    if (type == "immediate") {
      r->set_payment_type(v1::PAYMENT_TYPE_IMMEDIATE);
    } else if (type == "reservation") {
      r->set_payment_type(v1::PAYMENT_TYPE_RESERVATION);
      r->mutable_reservation_period()->set_seconds(7 * 24 * 3600);
    } else if (type == "delayed-capture") {
      r->set_payment_type(v1::PAYMENT_TYPE_DELAYED_CAPTURE);
      r->mutable_delayed_capture_period()->set_seconds(7 * 24 * 3600);
    } else {
      *code = Usage("--type must be immediate, reservation or delayed-capture");
      return false;
    }
    r->set_shop(Flag("shop"));
    r->set_currency(currency);
    const std::string id = Flag("request-id", UniqueId("barionctl"));
    r->set_payment_request_id(id);
    v1::PaymentTransaction* t = r->add_transactions();
    t->set_pos_transaction_id(id + "-1");
    t->set_total(amount);
    v1::Item* item = t->add_items();
    item->set_name(Flag("item", "Payment"));
    item->set_description(Flag("item", "Payment"));
    item->set_quantity("1");
    item->set_unit("piece");
    item->set_unit_price(amount);
    item->set_item_total(amount);
    return true;
  }

  int Start() {
    v1::StartPaymentRequest r;
    int code = kOk;
    if (!FromJson(&r, &code)) return code;
    if (Flag("json").empty()) {
      if (!PaymentFromFlags(&r, &code)) return code;
      r.add_funding_sources(v1::FUNDING_SOURCE_ALL);
    }
    absl::StatusOr<v1::StartPaymentResponse> res = client_->StartPayment(r);
    if (!res.ok()) return Fail(res.status());
    std::string human = Row("payment", res->payment_id()) +
                        Row("status", v1::PaymentStatus_Name(res->status())) +
                        Row("pay at", res->gateway_url());
    for (const auto& t : res->transactions()) human += Row("transaction", t.transaction_id());
    return Print(*res, human);
  }

  // The answer of a Google Pay or Apple Pay start.
  template <typename Response>
  int PrintCharge(const Response& res) {
    std::string human =
        Row("payment", res.payment_id()) + Row("status", v1::PaymentStatus_Name(res.status()));
    if (!res.trace_id().empty()) human += Row("trace id", res.trace_id());
    if (!res.three_ds_auth_client_data().empty()) {
      human += Row("3-D Secure", res.three_ds_auth_client_data());
    }
    return Print(res, human);
  }

  int GooglePay() {
    v1::StartGooglePayPaymentRequest r;
    int code = kOk;
    if (!FromJson(&r, &code)) return code;
    if (Flag("json").empty()) {
      if (Flag("email").empty() || Flag("token").empty()) {
        return Usage("--email and --token are required (or --json)");
      }
      if (!PaymentFromFlags(r.mutable_payment(), &code)) return code;
      r.set_payer_email_address(Flag("email"));
      r.set_google_pay_token(Flag("token"));
    }
    auto res = client_->StartGooglePayPayment(r);
    if (!res.ok()) return Fail(res.status());
    return PrintCharge(*res);
  }

  int ApplePay() {
    v1::StartApplePayPaymentRequest r;
    int code = kOk;
    if (Flag("json").empty()) return Usage("--json FILE|- is required: the token is a structure");
    if (!FromJson(&r, &code)) return code;
    auto res = client_->StartApplePayPayment(r);
    if (!res.ok()) return Fail(res.status());
    return PrintCharge(*res);
  }

  int ApplePaySession() {
    v1::ValidateApplePaySessionRequest r;
    int code = kOk;
    if (!FromJson(&r, &code)) return code;
    if (Flag("json").empty()) {
      r.set_shop(Flag("shop"));
      r.set_session_request_url(Flag("validation-url"));
      r.set_shop_url(Flag("shop-url"));
      if (r.session_request_url().empty() || r.shop_url().empty()) {
        return Usage("--validation-url and --shop-url are required");
      }
    }
    auto res = client_->ValidateApplePaySession(r);
    if (!res.ok()) return Fail(res.status());
    return Print(*res, res->merchant_session_json() + "\n");
  }

  int Qr() {
    v1::GetPaymentQrCodeRequest r;
    r.set_shop(Flag("shop"));
    r.set_payment_id(Flag("payment"));
    if (r.payment_id().empty()) return Usage("--payment is required");
    const std::string size = absl::AsciiStrToUpper(Flag("size", "large"));
    v1::QrCodeSize parsed;
    if (!v1::QrCodeSize_Parse("QR_CODE_SIZE_" + size, &parsed) ||
        parsed == v1::QR_CODE_SIZE_UNSPECIFIED) {
      return Usage("--size must be small, normal or large");
    }
    r.set_size(parsed);
    OutputFile out;
    if (absl::Status s = out.Open(Flag("out")); !s.ok()) return Usage(std::string(s.message()));
    auto res = client_->GetPaymentQrCode(r);
    absl::Status written = res.ok() ? out.Write(res->image()) : res.status();
    if (written.ok()) written = out.Commit();
    if (!written.ok()) return Fail(written);  // ~OutputFile drops the partial file
    return Wrote(out, res->content_type());
  }

  int State() {
    v1::GetPaymentStateRequest r;
    r.set_shop(Flag("shop"));
    r.set_payment_id(Flag("payment"));
    if (r.payment_id().empty()) return Usage("--payment is required");
    absl::StatusOr<v1::GetPaymentStateResponse> res = client_->GetPaymentState(r);
    if (!res.ok()) return Fail(res.status());
    std::string human = Row("payment", res->payment_id()) +
                        Row("status", v1::PaymentStatus_Name(res->status())) +
                        Row("amount", absl::StrCat(res->total(), " ", res->currency_raw()));
    if (!res->funding_source_raw().empty()) human += Row("paid with", res->funding_source_raw());
    for (const auto& t : res->transactions()) {
      human += Row("transaction", absl::StrCat(t.transaction_id(), "  ", t.total(), " ",
                                               res->currency_raw(), "  ", t.status()));
    }
    return Print(*res, human);
  }

  template <typename Request>
  bool FinishFields(Request* r, int* code) {
    if (!FromJson(r, code)) return false;
    if (!Flag("json").empty()) return true;
    r->set_shop(Flag("shop"));
    r->set_payment_id(Flag("payment"));
    if (r->payment_id().empty() || Flag("transaction").empty() || Flag("amount").empty()) {
      *code = Usage("--payment, --transaction and --amount are required");
      return false;
    }
    auto* t = r->add_transactions();
    t->set_transaction_id(Flag("transaction"));
    t->set_total(Flag("amount"));
    return true;
  }

  int FinishLike(bool finish) {
    int code = kOk;
    if (finish) {
      v1::FinishReservationRequest r;
      if (!FinishFields(&r, &code)) return code;
      auto res = client_->FinishReservation(r);
      if (!res.ok()) return Fail(res.status());
      return Print(*res, Row("status", v1::PaymentStatus_Name(res->status())));
    }
    v1::CaptureRequest r;
    if (!FinishFields(&r, &code)) return code;
    auto res = client_->Capture(r);
    if (!res.ok()) return Fail(res.status());
    return Print(*res, Row("status", v1::PaymentStatus_Name(res->status())));
  }

  // A request that names only a payment: from --json, or --payment and --shop.
  template <typename Request>
  bool PaymentIdFields(Request* r, int* code) {
    if (!FromJson(r, code)) return false;
    if (!Flag("json").empty()) return true;
    r->set_shop(Flag("shop"));
    r->set_payment_id(Flag("payment"));
    if (r->payment_id().empty()) {
      *code = Usage("--payment is required");
      return false;
    }
    return true;
  }

  int Cancel() {
    v1::CancelAuthorizationRequest r;
    int code = kOk;
    if (!PaymentIdFields(&r, &code)) return code;
    auto res = client_->CancelAuthorization(r);
    if (!res.ok()) return Fail(res.status());
    return Print(*res, Row("status", v1::PaymentStatus_Name(res->status())));
  }

  int Refund() {
    v1::RefundRequest r;
    int code = kOk;
    if (!FromJson(&r, &code)) return code;
    if (Flag("json").empty()) {
      r.set_shop(Flag("shop"));
      r.set_payment_id(Flag("payment"));
      if (r.payment_id().empty() || Flag("transaction").empty() || Flag("amount").empty()) {
        return Usage("--payment, --transaction and --amount are required");
      }
      auto* t = r.add_transactions_to_refund();
      t->set_transaction_id(Flag("transaction"));
      t->set_pos_transaction_id(Flag("refund-id", UniqueId("refund")));
      t->set_amount_to_refund(Flag("amount"));
    }
    auto res = client_->Refund(r);
    if (!res.ok()) return Fail(res.status());
    std::string human;
    for (const auto& t : res->refunded_transactions()) {
      human += Row("refunded", absl::StrCat(t.transaction_id(), "  ", t.total(), "  ", t.status()));
    }
    return Print(*res, human);
  }

  int Complete() {
    v1::CompleteRequest r;
    int code = kOk;
    if (!PaymentIdFields(&r, &code)) return code;
    auto res = client_->Complete(r);
    if (!res.ok()) return Fail(res.status());
    return Print(*res, Row("status", v1::PaymentStatus_Name(res->payment_status())) +
                           Row("successful", res->is_successful() ? "yes" : "no"));
  }

  static std::string EventLine(const v1::PaymentEvent& e) {
    const std::string previous = e.previous_status_raw().empty() ? "-" : e.previous_status_raw();
    return absl::StrFormat(
        "%-8s %s  %s  %s -> %s  %s %s\n", e.cursor(),
        google::protobuf::util::TimeUtil::ToString(e.observed_at()).substr(0, 19), e.payment_id(),
        previous, e.snapshot().status_raw(), e.snapshot().total(), e.snapshot().currency_raw());
  }

  int Events() {
    v1::ListPaymentEventsRequest r;
    r.set_shop(Flag("shop"));
    if (!Flag("payment").empty()) r.add_payment_ids(Flag("payment"));
    r.set_after_cursor(Flag("after"));
    int limit = 100;
    if (!Flag("limit").empty() && (!absl::SimpleAtoi(Flag("limit"), &limit) || limit < 1)) {
      return Usage("--limit must be a positive number");
    }
    int printed = 0;
    while (printed < limit) {
      r.set_page_size(std::min(limit - printed, 1000));
      auto res = client_->ListPaymentEvents(r);
      if (!res.ok()) return Fail(res.status());
      if (res->events().empty()) break;
      for (const v1::PaymentEvent& e : res->events()) {
        Print(e, EventLine(e));
        ++printed;
      }
      r.set_after_cursor(res->next_cursor());
    }
    return kOk;
  }

  int Watch() {
    v1::SubscribePaymentEventsRequest r;
    r.set_shop(Flag("shop"));
    if (!Flag("payment").empty()) r.add_payment_ids(Flag("payment"));
    r.set_after_cursor(Flag("from"));
    int count = -1;
    if (!Flag("count").empty() && !absl::SimpleAtoi(Flag("count"), &count)) {
      return Usage("--count must be a number");
    }
    bc::EventSubscription subscription(connection_, r, options_);
    for (int n = 0; count < 0 || n < count; ++n) {
      absl::StatusOr<v1::PaymentEvent> e = subscription.Next();
      if (!e.ok()) return Fail(e.status());
      Print(*e, EventLine(*e));
      std::fflush(stdout);
    }
    return kOk;
  }

  // --currency (or `fallback`) as a Currency; false when it is not one.
  bool CurrencyFlag(const std::string& fallback, v1::Currency* currency) const {
    return v1::Currency_Parse("CURRENCY_" + absl::AsciiStrToUpper(Flag("currency", fallback)),
                              currency) &&
           *currency != v1::CURRENCY_UNSPECIFIED;
  }
  // "HUF" for CURRENCY_HUF.
  static std::string CurrencyCode(v1::Currency currency) {
    return std::string(absl::StripPrefix(v1::Currency_Name(currency), "CURRENCY_"));
  }
  // "1500.00 EUR": an exact decimal with its currency.
  static std::string Money(const std::string& amount, const std::string& currency) {
    return absl::StrCat(amount.empty() ? "0" : amount, " ", currency);
  }
  static std::string Time(const google::protobuf::Timestamp& t) {
    return google::protobuf::util::TimeUtil::ToString(t).substr(0, 19);
  }
  std::string WalletName() const { return Flag("wallet"); }

  int WalletAccounts() {
    v1::GetAccountsRequest r;
    r.set_wallet(WalletName());
    auto res = wallets_->GetAccounts(r);
    if (!res.ok()) return Fail(res.status());
    std::string human =
        absl::StrFormat("%-8s %20s %20s  %s\n", "CURRENCY", "AVAILABLE", "BLOCKED", "ACCOUNT");
    for (const v1::WalletAccount& a : res->accounts()) {
      absl::StrAppend(
          &human, absl::StrFormat("%-8s %20s %20s  %s\n", a.currency_raw(),
                                  Money(a.available_balance(), a.currency_raw()),
                                  Money(a.blocked_balance(), a.currency_raw()), a.account_id()));
    }
    return Print(*res, human);
  }

  int SendEmail() {
    v1::SendMoneyByEmailRequest r;
    int code = kOk;
    if (!FromJson(&r, &code)) return code;
    if (Flag("json").empty()) {
      v1::Currency currency;
      if (!CurrencyFlag("HUF", &currency)) return Usage("--currency must be HUF, EUR, USD or CZK");
      if (Flag("to").empty() || Flag("amount").empty()) {
        return Usage("--to and --amount are required");
      }
      r.set_wallet(WalletName());
      r.set_currency(currency);
      r.set_amount(Flag("amount"));
      r.set_target_email(Flag("to"));
      r.set_comment(Flag("comment"));
      r.set_source_account_id(Flag("account"));
      if (r.source_account_id().empty()) {
        // The wallet's account in the currency: one read before the transfer.
        v1::GetAccountsRequest a;
        a.set_wallet(r.wallet());
        auto accounts = wallets_->GetAccounts(a);
        if (!accounts.ok()) return Fail(accounts.status());
        for (const v1::WalletAccount& account : accounts->accounts()) {
          if (account.currency() == currency) r.set_source_account_id(account.account_id());
        }
        if (r.source_account_id().empty()) {
          return Fail(absl::FailedPreconditionError(
              absl::StrCat("the wallet has no ", Flag("currency", "HUF"), " account")));
        }
      }
    }
    auto res = wallets_->SendMoneyByEmail(r);
    if (!res.ok()) return Fail(res.status());
    return Print(*res, Row("sent", Money(r.amount(), CurrencyCode(r.currency()))) +
                           Row("to", r.target_email()) +
                           Row("successful", res->transfer_successful() ? "yes" : "no"));
  }

  int BankTransfer() {
    v1::SendBankTransferRequest r;
    int code = kOk;
    if (!FromJson(&r, &code)) return code;
    if (Flag("json").empty()) {
      v1::Currency currency;
      if (!CurrencyFlag("", &currency)) return Usage("--currency must be HUF, EUR, USD or CZK");
      if (Flag("amount").empty() || Flag("account-number").empty() || Flag("recipient").empty()) {
        return Usage("--amount, --account-number and --recipient are required");
      }
      v1::BankAccountFormat format;
      std::string name = absl::AsciiStrToUpper(Flag("format", "giro"));
      if (!v1::BankAccountFormat_Parse("BANK_ACCOUNT_FORMAT_" + name, &format) ||
          format == v1::BANK_ACCOUNT_FORMAT_UNSPECIFIED) {
        return Usage("--format must be giro, iban, czech or unknown");
      }
      r.set_wallet(WalletName());
      r.set_currency(currency);
      r.set_amount(Flag("amount"));
      r.set_comment(Flag("comment"));
      r.set_swift_code(Flag("swift"));
      r.mutable_bank_account()->set_country(Flag("country", "HUN"));
      r.mutable_bank_account()->set_format(format);
      r.mutable_bank_account()->set_account_number(Flag("account-number"));
      r.mutable_recipient()->set_name(Flag("recipient"));
    }
    auto res = wallets_->SendBankTransfer(r);
    if (!res.ok()) return Fail(res.status());
    return Print(*res, Row("transaction", res->transaction_id()) +
                           Row("amount", Money(res->amount(), res->currency_raw())) +
                           Row("to", absl::StrCat(r.recipient().name(), ", ",
                                                  r.bank_account().account_number())));
  }

  int Statement() {
    v1::DownloadStatementRequest r;
    r.set_wallet(WalletName());
    int year = 0, month = 0, day = 0;
    if (!absl::SimpleAtoi(Flag("year"), &year) || !absl::SimpleAtoi(Flag("month"), &month) ||
        (!Flag("day").empty() && !absl::SimpleAtoi(Flag("day"), &day))) {
      return Usage("--year and --month (and --day, when given) must be numbers");
    }
    v1::Currency currency;
    if (!CurrencyFlag("HUF", &currency)) return Usage("--currency must be HUF, EUR, USD or CZK");
    r.set_year(year);
    r.set_month(month);
    r.set_day(day);
    r.set_currency(currency);
    OutputFile file;
    if (absl::Status s = file.Open(Flag("out")); !s.ok()) return Usage(std::string(s.message()));
    absl::StatusOr<std::string> type =
        wallets_->DownloadStatement(r, [&](absl::string_view data) { return file.Write(data); });
    absl::Status written = type.ok() ? file.Commit() : type.status();
    if (!written.ok()) return Fail(written);  // ~OutputFile drops the partial file
    return Wrote(file, *type);
  }

  // Says where a file went: a summary row set (or JSON), or, when the file was stdout, one line
  // on stderr.
  int Wrote(const OutputFile& file, const std::string& content_type) {
    if (file.to_stdout()) {
      std::fprintf(stderr, "wrote %lld bytes (%s)\n", static_cast<long long>(file.bytes()),
                   content_type.c_str());
      return kOk;
    }
    google::protobuf::Struct summary;
    auto& fields = *summary.mutable_fields();
    fields["file"].set_string_value(file.path());
    fields["bytes"].set_number_value(static_cast<double>(file.bytes()));
    fields["contentType"].set_string_value(content_type);
    return Print(summary, Row("wrote", file.path()) + Row("bytes", absl::StrCat(file.bytes())) +
                              Row("content type", content_type));
  }

  static std::string HistoryLine(const v1::HistoryItem& i) {
    const char* sign = i.balance_change() == v1::BALANCE_CHANGE_DEBIT    ? "-"
                       : i.balance_change() == v1::BALANCE_CHANGE_CREDIT ? "+"
                                                                         : " ";
    std::string line =
        absl::StrFormat("%s  %-22s %20s  %s", Time(i.happened_at()), i.type(),
                        absl::StrCat(sign, Money(i.amount(), i.currency_raw())), i.id());
    if (i.in_progress()) absl::StrAppend(&line, " (in progress)");
    if (!i.description().empty()) absl::StrAppend(&line, "  ", i.description());
    return line + "\n";
  }

  int History() {
    v1::GetHistoryRequest r;
    r.set_wallet(WalletName());
    r.set_last_visible_item_id(Flag("after"));
    if (!Flag("currency").empty()) {
      v1::Currency currency;
      if (!CurrencyFlag("", &currency)) return Usage("--currency must be HUF, EUR, USD or CZK");
      r.set_currency(currency);
    }
    int limit = 20;
    if (!Flag("limit").empty() && (!absl::SimpleAtoi(Flag("limit"), &limit) || limit < 1)) {
      return Usage("--limit must be a positive number");
    }
    int printed = 0;
    while (printed < limit) {
      r.set_limit(std::min(limit - printed, 20));  // Barion's page holds at most 20
      auto res = wallets_->GetHistory(r);
      if (!res.ok()) return Fail(res.status());
      for (const v1::HistoryItem& i : res->items()) {
        Print(i, HistoryLine(i));
        ++printed;
      }
      if (res->items_size() < r.limit()) break;  // the last page
      r.set_last_visible_item_id(res->items(res->items_size() - 1).id());
    }
    return kOk;
  }

  int HistoryItem() {
    v1::GetHistoryItemRequest r;
    r.set_wallet(WalletName());
    r.set_item_id(Flag("item"));
    if (r.item_id().empty()) return Usage("--item is required");
    auto res = wallets_->GetHistoryItem(r);
    if (!res.ok()) return Fail(res.status());
    const v1::HistoryItem& i = res->item();
    std::string human = Row("item", i.id()) + Row("type", i.type()) +
                        Row("time", Time(i.happened_at())) +
                        Row("amount", Money(i.amount(), i.currency_raw()));
    if (!i.balance_change_raw().empty()) human += Row("balance", i.balance_change_raw());
    if (!i.description().empty()) human += Row("description", i.description());
    if (!res->payment_id().empty()) human += Row("payment", res->payment_id());
    if (!res->detail_json().empty()) human += Row("details", res->detail_json());
    return Print(*res, human);
  }

  int PosCreate() {
    v1::CreatePosRequest r;
    int code = kOk;
    if (!FromJson(&r, &code)) return code;
    if (Flag("json").empty()) {
      for (const char* required : {"name", "url", "description", "category", "contact-name",
                                   "contact-email", "contact-phone"}) {
        if (Flag(required).empty()) {
          return Usage(
              "--name, --url, --description, --category, --contact-name, "
              "--contact-email and --contact-phone are required");
        }
      }
      v1::Currency currency;
      if (!CurrencyFlag("HUF", &currency)) return Usage("--currency must be HUF, EUR, USD or CZK");
      int turnover = 1;
      if (!absl::SimpleAtoi(Flag("turnover", "1"), &turnover)) {
        return Usage("--turnover must be a number (1-6)");
      }
      r.set_wallet(WalletName());
      r.set_name(Flag("name"));
      r.set_url(Flag("url"));
      r.set_description(Flag("description"));
      for (absl::string_view c : absl::StrSplit(Flag("category"), ',', absl::SkipEmpty())) {
        r.add_categories(std::string(c));
      }
      v1::PosContact contact;
      contact.set_name(Flag("contact-name"));
      contact.set_email(Flag("contact-email"));
      contact.set_phone_number(Flag("contact-phone"));
      *r.mutable_business_contact() = contact;
      *r.mutable_technical_contact() = contact;
      *r.mutable_customer_service_contact() = contact;
      r.set_primary_currency(currency);
      r.set_expected_turnover(turnover);
      r.set_callback_url(Flag("callback-url"));
    }
    auto res = wallets_->CreatePos(r);
    if (!res.ok()) return Fail(res.status());
    return Print(*res, Row("public key", res->public_key()) +
                           Row("note", "Barion reviews the shop before it opens"));
  }

  int PosGet() {
    v1::GetPosRequest r;
    r.set_wallet(WalletName());
    r.set_public_key(Flag("public-key"));
    if (r.public_key().empty()) return Usage("--public-key is required");
    auto res = wallets_->GetPos(r);
    if (!res.ok()) return Fail(res.status());
    return Print(*res, Row("public key", res->public_key()) + Row("name", res->name()) +
                           Row("url", res->url()) + Row("status", res->status()));
  }

  std::map<std::string, std::string> global_;
  Args args_;
  bool json_ = false;
  bc::ClientOptions options_;
  std::shared_ptr<bc::Connection> connection_;
  std::unique_ptr<bc::PaymentClient> client_;
  std::unique_ptr<bc::WalletClient> wallets_;
};

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> global;
  absl::StatusOr<Args> args = Parse(argc, argv, &global);
  if (!args.ok()) {
    std::fprintf(stderr, "barionctl: %s\n%s", std::string(args.status().message()).c_str(),
                 kUsageText);
    return kUsage;
  }
  if (args->command.empty()) {
    std::fputs(kUsageText, args->help ? stdout : stderr);
    return args->help ? kOk : kUsage;
  }
  if (args->help) {
    const auto it = CommandHelp().find(args->command);
    if (it == CommandHelp().end()) {
      const std::string* help = HelpFor(args->command);
      std::fprintf(stderr, "barionctl: unknown command %s\n%s", args->command.c_str(),
                   help != nullptr ? help->c_str() : kUsageText);
      return kUsage;
    }
    std::fputs(it->second.c_str(), stdout);
    return kOk;
  }
  const std::string output = global.count("output") ? global["output"] : "human";
  if (output != "human" && output != "json") {
    std::fprintf(stderr, "barionctl: --output must be human or json\n");
    return kUsage;
  }
  return Cli(global, *std::move(args)).Run();
}
