// barionctl's payment commands: PaymentService and PaymentEventService.
#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "client/ctl/commands.h"
#include "client/currency.h"

namespace barion_gateway::ctl {
namespace {

namespace v1 = ::barion::v1;

// A one-transaction, one-item payment from --amount, --currency, --type, --request-id, --item
// and --shop; a usage error when a flag is wrong.
absl::Status PaymentFromFlags(const Cli& cli, v1::StartPaymentRequest* r) {
  const std::string amount = cli.Flag("amount");
  if (amount.empty()) {
    return UsageError("--amount is required");
  }
  const std::optional<v1::Currency> currency = cli.CurrencyFlag("HUF");
  if (!currency) return UsageError("--currency must be HUF, EUR, USD or CZK");
  const std::string type = cli.Flag("type", "immediate");
  if (type == "immediate") {
    r->set_payment_type(v1::PAYMENT_TYPE_IMMEDIATE);
  } else if (type == "reservation") {
    r->set_payment_type(v1::PAYMENT_TYPE_RESERVATION);
    r->mutable_reservation_period()->set_seconds(7 * 24 * 3600);
  } else if (type == "delayed-capture") {
    r->set_payment_type(v1::PAYMENT_TYPE_DELAYED_CAPTURE);
    r->mutable_delayed_capture_period()->set_seconds(7 * 24 * 3600);
  } else {
    return UsageError("--type must be immediate, reservation or delayed-capture");
  }
  r->set_shop(cli.Flag("shop"));
  r->set_currency(*currency);
  const std::string id = cli.Flag("request-id", UniqueId("barionctl"));
  r->set_payment_request_id(id);
  v1::PaymentTransaction* t = r->add_transactions();
  t->set_pos_transaction_id(id + "-1");
  t->set_total(amount);
  v1::Item* item = t->add_items();
  item->set_name(cli.Flag("item", "Payment"));
  item->set_description(cli.Flag("item", "Payment"));
  item->set_quantity("1");
  item->set_unit("piece");
  item->set_unit_price(amount);
  item->set_item_total(amount);
  return absl::OkStatus();
}

absl::Status Start(Cli& cli) {
  v1::StartPaymentRequest r;
  if (absl::Status s = cli.FromJson(&r); !s.ok()) return s;
  if (cli.Flag("json").empty()) {
    if (absl::Status s = PaymentFromFlags(cli, &r); !s.ok()) return s;
    r.add_funding_sources(v1::FUNDING_SOURCE_ALL);
  }
  absl::StatusOr<v1::StartPaymentResponse> res = cli.payments().StartPayment(r);
  if (!res.ok()) return res.status();
  std::string human = Row("payment", res->payment_id()) +
                      Row("status", v1::PaymentStatus_Name(res->status())) +
                      Row("pay at", res->gateway_url());
  for (const auto& t : res->transactions()) human += Row("transaction", t.transaction_id());
  return cli.Print(*res, human);
}

// The answer of a Google Pay or Apple Pay start.
template <typename Response>
absl::Status PrintCharge(Cli& cli, const Response& res) {
  std::string human =
      Row("payment", res.payment_id()) + Row("status", v1::PaymentStatus_Name(res.status()));
  if (!res.trace_id().empty()) human += Row("trace id", res.trace_id());
  if (!res.three_ds_auth_client_data().empty()) {
    human += Row("3-D Secure", res.three_ds_auth_client_data());
  }
  return cli.Print(res, human);
}

absl::Status GooglePay(Cli& cli) {
  v1::StartGooglePayPaymentRequest r;
  if (absl::Status s = cli.FromJson(&r); !s.ok()) return s;
  if (cli.Flag("json").empty()) {
    if (cli.Flag("email").empty() || cli.Flag("token").empty()) {
      return UsageError("--email and --token are required (or --json)");
    }
    if (absl::Status s = PaymentFromFlags(cli, r.mutable_payment()); !s.ok()) return s;
    // Google Pay's input is Payment/Start's, funding sources included (required there).
    r.mutable_payment()->add_funding_sources(v1::FUNDING_SOURCE_ALL);
    r.set_payer_email_address(cli.Flag("email"));
    r.set_google_pay_token(cli.Flag("token"));
  }
  auto res = cli.payments().StartGooglePayPayment(r);
  if (!res.ok()) return res.status();
  return PrintCharge(cli, *res);
}

absl::Status ApplePay(Cli& cli) {
  v1::StartApplePayPaymentRequest r;
  if (cli.Flag("json").empty())
    return UsageError("--json FILE|- is required: the token is a structure");
  if (absl::Status s = cli.FromJson(&r); !s.ok()) return s;
  auto res = cli.payments().StartApplePayPayment(r);
  if (!res.ok()) return res.status();
  return PrintCharge(cli, *res);
}

absl::Status ApplePaySession(Cli& cli) {
  v1::ValidateApplePaySessionRequest r;
  if (absl::Status s = cli.FromJson(&r); !s.ok()) return s;
  if (cli.Flag("json").empty()) {
    r.set_shop(cli.Flag("shop"));
    r.set_session_request_url(cli.Flag("validation-url"));
    r.set_shop_url(cli.Flag("shop-url"));
    if (r.session_request_url().empty() || r.shop_url().empty()) {
      return UsageError("--validation-url and --shop-url are required");
    }
  }
  auto res = cli.payments().ValidateApplePaySession(r);
  if (!res.ok()) return res.status();
  return cli.Print(*res, res->merchant_session_json() + "\n");
}

absl::Status Qr(Cli& cli) {
  v1::GetPaymentQrCodeRequest r;
  r.set_shop(cli.Flag("shop"));
  r.set_payment_id(cli.Flag("payment"));
  if (r.payment_id().empty()) return UsageError("--payment is required");
  const std::string size = absl::AsciiStrToUpper(cli.Flag("size", "large"));
  v1::QrCodeSize parsed;
  if (!v1::QrCodeSize_Parse("QR_CODE_SIZE_" + size, &parsed) ||
      parsed == v1::QR_CODE_SIZE_UNSPECIFIED) {
    return UsageError("--size must be small, normal or large");
  }
  r.set_size(parsed);
  OutputFile out;
  if (absl::Status s = out.Open(cli.Flag("out")); !s.ok())
    return UsageError(std::string(s.message()));
  auto res = cli.payments().GetPaymentQrCode(r);
  absl::Status written = res.ok() ? out.Write(res->image()) : res.status();
  if (written.ok()) written = out.Commit();
  if (!written.ok()) return written;  // ~OutputFile drops the partial file
  return cli.Wrote(out, res->content_type());
}

absl::Status State(Cli& cli) {
  v1::GetPaymentStateRequest r;
  r.set_shop(cli.Flag("shop"));
  r.set_payment_id(cli.Flag("payment"));
  if (r.payment_id().empty()) return UsageError("--payment is required");
  absl::StatusOr<v1::GetPaymentStateResponse> res = cli.payments().GetPaymentState(r);
  if (!res.ok()) return res.status();
  std::string human = Row("payment", res->payment_id()) +
                      Row("status", v1::PaymentStatus_Name(res->status())) +
                      Row("amount", absl::StrCat(res->total(), " ", res->currency_raw()));
  if (!res->funding_source_raw().empty()) human += Row("paid with", res->funding_source_raw());
  for (const auto& t : res->transactions()) {
    human += Row("transaction", absl::StrCat(t.transaction_id(), "  ", t.total(), " ",
                                             res->currency_raw(), "  ", t.status()));
  }
  return cli.Print(*res, human);
}

template <typename Request>
absl::Status FinishFields(const Cli& cli, Request* r) {
  if (absl::Status s = cli.FromJson(r); !s.ok()) return s;
  if (!cli.Flag("json").empty()) return absl::OkStatus();
  r->set_shop(cli.Flag("shop"));
  r->set_payment_id(cli.Flag("payment"));
  if (r->payment_id().empty() || cli.Flag("transaction").empty() || cli.Flag("amount").empty()) {
    return UsageError("--payment, --transaction and --amount are required");
  }
  auto* t = r->add_transactions();
  t->set_transaction_id(cli.Flag("transaction"));
  t->set_total(cli.Flag("amount"));
  return absl::OkStatus();
}

absl::Status Finish(Cli& cli) {
  v1::FinishReservationRequest r;
  if (absl::Status s = FinishFields(cli, &r); !s.ok()) return s;
  auto res = cli.payments().FinishReservation(r);
  if (!res.ok()) return res.status();
  return cli.Print(*res, Row("status", v1::PaymentStatus_Name(res->status())));
}

absl::Status Capture(Cli& cli) {
  v1::CaptureRequest r;
  if (absl::Status s = FinishFields(cli, &r); !s.ok()) return s;
  auto res = cli.payments().Capture(r);
  if (!res.ok()) return res.status();
  return cli.Print(*res, Row("status", v1::PaymentStatus_Name(res->status())));
}

// A request that names only a payment: from --json, or --payment and --shop.
template <typename Request>
absl::Status PaymentIdFields(const Cli& cli, Request* r) {
  if (absl::Status s = cli.FromJson(r); !s.ok()) return s;
  if (!cli.Flag("json").empty()) return absl::OkStatus();
  r->set_shop(cli.Flag("shop"));
  r->set_payment_id(cli.Flag("payment"));
  if (r->payment_id().empty()) {
    return UsageError("--payment is required");
  }
  return absl::OkStatus();
}

absl::Status Cancel(Cli& cli) {
  v1::CancelAuthorizationRequest r;
  if (absl::Status s = PaymentIdFields(cli, &r); !s.ok()) return s;
  auto res = cli.payments().CancelAuthorization(r);
  if (!res.ok()) return res.status();
  return cli.Print(*res, Row("status", v1::PaymentStatus_Name(res->status())));
}

absl::Status Refund(Cli& cli) {
  v1::RefundRequest r;
  if (absl::Status s = cli.FromJson(&r); !s.ok()) return s;
  if (cli.Flag("json").empty()) {
    r.set_shop(cli.Flag("shop"));
    r.set_payment_id(cli.Flag("payment"));
    if (r.payment_id().empty() || cli.Flag("transaction").empty() || cli.Flag("amount").empty()) {
      return UsageError("--payment, --transaction and --amount are required");
    }
    auto* t = r.add_transactions_to_refund();
    t->set_transaction_id(cli.Flag("transaction"));
    t->set_pos_transaction_id(cli.Flag("refund-id", UniqueId("refund")));
    t->set_amount_to_refund(cli.Flag("amount"));
  }
  auto res = cli.payments().Refund(r);
  if (!res.ok()) return res.status();
  std::string human;
  for (const auto& t : res->refunded_transactions()) {
    human += Row("refunded", absl::StrCat(t.transaction_id(), "  ", t.total(), "  ", t.status()));
  }
  return cli.Print(*res, human);
}

absl::Status Complete(Cli& cli) {
  v1::CompleteRequest r;
  if (absl::Status s = PaymentIdFields(cli, &r); !s.ok()) return s;
  auto res = cli.payments().Complete(r);
  if (!res.ok()) return res.status();
  return cli.Print(*res, Row("status", v1::PaymentStatus_Name(res->payment_status())) +
                             Row("successful", res->is_successful() ? "yes" : "no"));
}

absl::Status Events(Cli& cli) {
  v1::ListPaymentEventsRequest r;
  r.set_shop(cli.Flag("shop"));
  if (!cli.Flag("payment").empty()) r.add_payment_ids(cli.Flag("payment"));
  r.set_after_cursor(cli.Flag("after"));
  int limit = 100;
  if (!cli.Flag("limit").empty() && (!absl::SimpleAtoi(cli.Flag("limit"), &limit) || limit < 1)) {
    return UsageError("--limit must be a positive number");
  }
  int printed = 0;
  while (printed < limit) {
    r.set_page_size(std::min(limit - printed, 1000));
    auto res = cli.payments().ListPaymentEvents(r);
    if (!res.ok()) return res.status();
    if (res->events().empty()) break;
    for (const v1::PaymentEvent& e : res->events()) {
      if (absl::Status s = cli.Print(e, EventLine(e)); !s.ok()) return s;
      ++printed;
    }
    r.set_after_cursor(res->next_cursor());
  }
  return absl::OkStatus();
}

absl::Status Watch(Cli& cli) {
  v1::SubscribePaymentEventsRequest r;
  r.set_shop(cli.Flag("shop"));
  if (!cli.Flag("payment").empty()) r.add_payment_ids(cli.Flag("payment"));
  r.set_after_cursor(cli.Flag("from"));
  int count = -1;
  if (!cli.Flag("count").empty() && !absl::SimpleAtoi(cli.Flag("count"), &count)) {
    return UsageError("--count must be a number");
  }
  client::EventSubscription subscription(cli.connection(), r, cli.options());
  for (int n = 0; count < 0 || n < count; ++n) {
    absl::StatusOr<v1::PaymentEvent> e = subscription.Next();
    if (!e.ok()) return e.status();
    if (absl::Status s = cli.Print(*e, EventLine(*e)); !s.ok()) return s;
    std::fflush(stdout);
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<Command> PaymentCommands() {
  return {
      {"start", "start a payment",
       "barionctl start --amount AMOUNT [--currency HUF|EUR|USD|CZK] [--request-id ID]\n"
       "    [--type immediate|reservation|delayed-capture] [--shop S] [--json FILE|-]\n"
       "Starts a payment with one transaction and one item; prints its id and gateway URL.\n"
       "Without --request-id a fresh id is made; run again with the same --request-id after\n"
       "an error, and the gateway answers with the first start instead of a second payment.\n",
       &Start},
      {"state", "a payment's state",
       "barionctl state --payment ID [--shop S]\nPrints the payment's state.\n", &State},
      {"finish", "finish a reservation",
       "barionctl finish --payment ID --transaction TID --amount AMOUNT [--shop S] "
       "[--json FILE|-]\nFinishes a reservation with AMOUNT for the transaction.\n",
       &Finish},
      {"capture", "capture an authorization",
       "barionctl capture --payment ID --transaction TID --amount AMOUNT [--shop S] "
       "[--json FILE|-]\nCaptures an authorized transaction.\n",
       &Capture},
      {"cancel", "cancel an authorization",
       "barionctl cancel --payment ID [--shop S]\nCancels an authorization.\n", &Cancel},
      {"refund", "refund a transaction",
       "barionctl refund --payment ID --transaction TID --amount AMOUNT "
       "[--refund-id R] [--shop S] [--json FILE|-]\nRefunds AMOUNT of the transaction.\n",
       &Refund},
      {"complete", "complete a payment",
       "barionctl complete --payment ID [--shop S]\nCompletes a payment.\n", &Complete},
      {"qr", "save a payment's QR code",
       "barionctl qr --payment ID [--size small|normal|large] [--shop S] --out FILE|-\n"
       "Saves the payment's QR code (PNG) for the payer's Barion app; - writes it to stdout.\n",
       &Qr},
      {"events", "page through payment events",
       "barionctl events [--after CURSOR] [--shop S] [--payment ID] [--limit N]\n"
       "Pages through the event log, oldest first.\n",
       &Events},
      {"watch", "follow payment events live",
       "barionctl watch [--shop S] [--payment ID] [--from CURSOR] [--count N]\n"
       "Prints events as they happen, resuming after disconnects; --from 0 replays all;\n"
       "--count stops after N events.\n",
       &Watch},
      {"google-pay", "charge a Google Pay token",
       "barionctl google-pay --amount AMOUNT --email PAYER_EMAIL --token GOOGLE_PAY_TOKEN\n"
       "    [--currency HUF] [--request-id ID] [--shop S] [--json FILE|-]\n"
       "Starts a payment charged at once with a token from Google Pay's JavaScript API.\n"
       "Not retried once sent: after an unknown outcome, check `events` or `state` first.\n",
       &GooglePay},
      {"apple-pay", "charge an Apple Pay token",
       "barionctl apple-pay --json FILE|-\n"
       "Starts a payment charged at once with an Apple Pay token: a StartApplePayPaymentRequest\n"
       "in proto JSON, with the payment, the token and the payer's shippingContact and\n"
       "billingContact (both required). Not retried once sent, like google-pay.\n",
       &ApplePay},
      {"apple-pay-session", "validate an Apple Pay merchant session",
       "barionctl apple-pay-session --validation-url URL --shop-url URL [--shop S] "
       "[--json FILE|-]\n"
       "Prints the merchant session (JSON) for Apple Pay JS's completeMerchantValidation.\n",
       &ApplePaySession},
  };
}

}  // namespace barion_gateway::ctl
