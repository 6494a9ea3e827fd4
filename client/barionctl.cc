// barionctl: drive and watch payments through barion-grpc-gateway from a terminal.
// Run `barionctl --help` or `barionctl SUBCOMMAND --help`.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "client/payment_client.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace {

namespace v1 = ::barion::v1;
namespace bc = ::barion_gateway::client;

// Exit codes: usage errors, refusals (by Barion or the gateway's validation), unavailability.
constexpr int kOk = 0, kUsage = 2, kRefused = 3, kUnavailable = 4;

constexpr char kUsageText[] = R"(barionctl: payments through barion-grpc-gateway

Usage: barionctl [--gateway HOST:PORT] [--output human|json] [--timeout SECONDS] COMMAND [FLAGS]

Commands:
  start     start a payment            state     a payment's state
  finish    finish a reservation       capture   capture an authorization
  cancel    cancel an authorization    refund    refund a transaction
  complete  complete a payment         events    page through payment events
  watch     follow payment events live

Global flags: --gateway (default 127.0.0.1:50051), --output (human), --timeout (30).
Every command takes --help, and --json FILE|- for a full request in proto JSON (not watch).
Exit codes: 0 ok, 2 usage error, 3 refused (by Barion or the gateway's checks), 4 unavailable.
)";

const std::map<std::string, std::string>& CommandHelp() {
  static const auto* help = new std::map<std::string, std::string>{
      {"start",
       "barionctl start --amount AMOUNT [--currency HUF|EUR|USD|CZK] [--request-id ID]\n"
       "    [--type immediate|reservation|delayed-capture] [--shop S] [--json FILE|-]\n"
       "Starts a payment with one transaction and one item; prints its id and gateway URL.\n"},
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
  };
  return *help;
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
    if (!args.command.empty()) return absl::InvalidArgumentError("unexpected argument " + a);
    args.command = a;
  }
  return args;
}

class Cli {
 public:
  Cli(std::map<std::string, std::string> global, Args args)
      : global_(std::move(global)), args_(std::move(args)) {
    json_ = Global("output", "human") == "json";
    double seconds = 30;
    absl::SimpleAtod(Global("timeout", "30"), &seconds);
    bc::ClientOptions options;
    options.timeout = absl::Seconds(seconds);
    connection_ = bc::MakeGrpcConnection(grpc::CreateChannel(Global("gateway", "127.0.0.1:50051"),
                                                             grpc::InsecureChannelCredentials()));
    client_ = std::make_unique<bc::PaymentClient>(connection_, options);
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
    auto it = CommandHelp().find(args_.command);
    std::fputs(it != CommandHelp().end() ? it->second.c_str() : kUsageText, stderr);
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

  int Start() {
    v1::StartPaymentRequest r;
    int code = kOk;
    if (!FromJson(&r, &code)) return code;
    if (Flag("json").empty()) {
      const std::string amount = Flag("amount");
      if (amount.empty()) return Usage("--amount is required");
      v1::Currency currency;
      if (!v1::Currency_Parse("CURRENCY_" + Flag("currency", "HUF"), &currency)) {
        return Usage("--currency must be HUF, EUR, USD or CZK");
      }
      const std::string type = Flag("type", "immediate");
      if (type == "immediate") {
        r.set_payment_type(v1::PAYMENT_TYPE_IMMEDIATE);
      } else if (type == "reservation") {
        r.set_payment_type(v1::PAYMENT_TYPE_RESERVATION);
        r.mutable_reservation_period()->set_seconds(7 * 24 * 3600);
      } else if (type == "delayed-capture") {
        r.set_payment_type(v1::PAYMENT_TYPE_DELAYED_CAPTURE);
        r.mutable_delayed_capture_period()->set_seconds(7 * 24 * 3600);
      } else {
        return Usage("--type must be immediate, reservation or delayed-capture");
      }
      r.set_shop(Flag("shop"));
      r.add_funding_sources(v1::FUNDING_SOURCE_ALL);
      r.set_currency(currency);
      const std::string id =
          Flag("request-id", absl::StrCat("barionctl-", absl::ToUnixMillis(absl::Now())));
      r.set_payment_request_id(id);
      v1::PaymentTransaction* t = r.add_transactions();
      t->set_pos_transaction_id(id + "-1");
      t->set_total(amount);
      v1::Item* item = t->add_items();
      item->set_name(Flag("item", "Payment"));
      item->set_description(Flag("item", "Payment"));
      item->set_quantity("1");
      item->set_unit("piece");
      item->set_unit_price(amount);
      item->set_item_total(amount);
    }
    absl::StatusOr<v1::StartPaymentResponse> res = client_->StartPayment(r);
    if (!res.ok()) return Fail(res.status());
    std::string human = Row("payment", res->payment_id()) +
                        Row("status", v1::PaymentStatus_Name(res->status())) +
                        Row("pay at", res->gateway_url());
    for (const auto& t : res->transactions()) human += Row("transaction", t.transaction_id());
    return Print(*res, human);
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

  int Cancel() {
    v1::CancelAuthorizationRequest r;
    int code = kOk;
    if (!FromJson(&r, &code)) return code;
    if (Flag("json").empty()) {
      r.set_shop(Flag("shop"));
      r.set_payment_id(Flag("payment"));
      if (r.payment_id().empty()) return Usage("--payment is required");
    }
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
      t->set_pos_transaction_id(
          Flag("refund-id", absl::StrCat("refund-", absl::ToUnixMillis(absl::Now()))));
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
    if (!FromJson(&r, &code)) return code;
    if (Flag("json").empty()) {
      r.set_shop(Flag("shop"));
      r.set_payment_id(Flag("payment"));
      if (r.payment_id().empty()) return Usage("--payment is required");
    }
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

  std::map<std::string, std::string> global_;
  Args args_;
  bool json_ = false;
  bc::ClientOptions options_;
  std::shared_ptr<bc::Connection> connection_;
  std::unique_ptr<bc::PaymentClient> client_;
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
    auto it = CommandHelp().find(args->command);
    if (it == CommandHelp().end()) {
      std::fprintf(stderr, "barionctl: unknown command %s\n%s", args->command.c_str(), kUsageText);
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
