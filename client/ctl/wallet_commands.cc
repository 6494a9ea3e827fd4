// barionctl's wallet commands: WalletService.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "client/ctl/commands.h"
#include "client/currency.h"

namespace barion_gateway::ctl {
namespace {

namespace v1 = ::barion::v1;

absl::Status WalletAccounts(Cli& cli) {
  v1::GetAccountsRequest r;
  r.set_wallet(cli.Flag("wallet"));
  auto res = cli.wallets().GetAccounts(r);
  if (!res.ok()) return res.status();
  std::string human =
      absl::StrFormat("%-8s %20s %20s  %s\n", "CURRENCY", "AVAILABLE", "BLOCKED", "ACCOUNT");
  for (const v1::WalletAccount& a : res->accounts()) {
    absl::StrAppend(&human,
                    absl::StrFormat("%-8s %20s %20s  %s\n", a.currency_raw(),
                                    Money(a.available_balance(), a.currency_raw()),
                                    Money(a.blocked_balance(), a.currency_raw()), a.account_id()));
  }
  return cli.Print(*res, human);
}

absl::Status SendEmail(Cli& cli) {
  v1::SendMoneyByEmailRequest r;
  if (absl::Status s = cli.FromJson(&r); !s.ok()) return s;
  if (cli.Flag("json").empty()) {
    const std::optional<v1::Currency> currency = cli.CurrencyFlag("HUF");
    if (!currency) return UsageError("--currency must be HUF, EUR, USD or CZK");
    if (cli.Flag("to").empty() || cli.Flag("amount").empty()) {
      return UsageError("--to and --amount are required");
    }
    r.set_wallet(cli.Flag("wallet"));
    r.set_currency(*currency);
    r.set_amount(cli.Flag("amount"));
    r.set_target_email(cli.Flag("to"));
    r.set_comment(cli.Flag("comment"));
    r.set_source_account_id(cli.Flag("account"));
    if (r.source_account_id().empty()) {
      // The wallet's account in the currency: one read before the transfer.
      v1::GetAccountsRequest a;
      a.set_wallet(r.wallet());
      auto accounts = cli.wallets().GetAccounts(a);
      if (!accounts.ok()) return accounts.status();
      for (const v1::WalletAccount& account : accounts->accounts()) {
        if (account.currency() == *currency) r.set_source_account_id(account.account_id());
      }
      if (r.source_account_id().empty()) {
        return absl::FailedPreconditionError(
            absl::StrCat("the wallet has no ", cli.Flag("currency", "HUF"), " account"));
      }
    }
  }
  auto res = cli.wallets().SendMoneyByEmail(r);
  if (!res.ok()) return res.status();
  return cli.Print(*res, Row("sent", Money(r.amount(), client::CurrencyCode(r.currency()))) +
                             Row("to", r.target_email()) +
                             Row("successful", res->transfer_successful() ? "yes" : "no"));
}

absl::Status BankTransfer(Cli& cli) {
  v1::SendBankTransferRequest r;
  if (absl::Status s = cli.FromJson(&r); !s.ok()) return s;
  if (cli.Flag("json").empty()) {
    const std::optional<v1::Currency> currency = cli.CurrencyFlag("");
    if (!currency) return UsageError("--currency must be HUF, EUR, USD or CZK");
    if (cli.Flag("amount").empty() || cli.Flag("account-number").empty() ||
        cli.Flag("recipient").empty()) {
      return UsageError("--amount, --account-number and --recipient are required");
    }
    v1::BankAccountFormat format;
    std::string name = absl::AsciiStrToUpper(cli.Flag("format", "giro"));
    if (!v1::BankAccountFormat_Parse("BANK_ACCOUNT_FORMAT_" + name, &format) ||
        format == v1::BANK_ACCOUNT_FORMAT_UNSPECIFIED) {
      return UsageError("--format must be giro, iban, czech, other or unknown");
    }
    r.set_wallet(cli.Flag("wallet"));
    r.set_currency(*currency);
    r.set_amount(cli.Flag("amount"));
    r.set_comment(cli.Flag("comment"));
    r.set_swift_code(cli.Flag("swift"));
    r.mutable_bank_account()->set_country(cli.Flag("country", "HUN"));
    r.mutable_bank_account()->set_format(format);
    r.mutable_bank_account()->set_account_number(cli.Flag("account-number"));
    r.mutable_recipient()->set_name(cli.Flag("recipient"));
  }
  auto res = cli.wallets().SendBankTransfer(r);
  if (!res.ok()) return res.status();
  return cli.Print(*res, Row("transaction", res->transaction_id()) +
                             Row("amount", Money(res->amount(), res->currency_raw())) +
                             Row("to", absl::StrCat(r.recipient().name(), ", ",
                                                    r.bank_account().account_number())));
}

absl::Status Statement(Cli& cli) {
  v1::DownloadStatementRequest r;
  r.set_wallet(cli.Flag("wallet"));
  int year = 0, month = 0, day = 0;
  if (!absl::SimpleAtoi(cli.Flag("year"), &year) || !absl::SimpleAtoi(cli.Flag("month"), &month) ||
      (!cli.Flag("day").empty() && !absl::SimpleAtoi(cli.Flag("day"), &day))) {
    return UsageError("--year and --month (and --day, when given) must be numbers");
  }
  const std::optional<v1::Currency> currency = cli.CurrencyFlag("HUF");
  if (!currency) return UsageError("--currency must be HUF, EUR, USD or CZK");
  r.set_year(year);
  r.set_month(month);
  r.set_day(day);
  r.set_currency(*currency);
  OutputFile file;
  if (absl::Status s = file.Open(cli.Flag("out")); !s.ok())
    return UsageError(std::string(s.message()));
  absl::StatusOr<std::string> type =
      cli.wallets().DownloadStatement(r, [&](absl::string_view data) { return file.Write(data); });
  absl::Status written = type.ok() ? file.Commit() : type.status();
  if (!written.ok()) return written;  // ~OutputFile drops the partial file
  return cli.Wrote(file, *type);
}

absl::Status History(Cli& cli) {
  v1::GetHistoryRequest r;
  r.set_wallet(cli.Flag("wallet"));
  r.set_last_visible_item_id(cli.Flag("after"));
  if (!cli.Flag("currency").empty()) {
    const std::optional<v1::Currency> currency = cli.CurrencyFlag("");
    if (!currency) return UsageError("--currency must be HUF, EUR, USD or CZK");
    r.set_currency(*currency);
  }
  int limit = 20;
  if (!cli.Flag("limit").empty() && (!absl::SimpleAtoi(cli.Flag("limit"), &limit) || limit < 1)) {
    return UsageError("--limit must be a positive number");
  }
  int printed = 0;
  while (printed < limit) {
    r.set_limit(std::min(limit - printed, 20));  // Barion's page holds at most 20
    auto res = cli.wallets().GetHistory(r);
    if (!res.ok()) return res.status();
    for (const v1::HistoryItem& i : res->items()) {
      if (absl::Status s = cli.Print(i, HistoryLine(i)); !s.ok()) return s;
      ++printed;
    }
    if (res->items_size() < r.limit()) break;  // the last page
    r.set_last_visible_item_id(res->items(res->items_size() - 1).id());
  }
  return absl::OkStatus();
}

absl::Status HistoryItem(Cli& cli) {
  v1::GetHistoryItemRequest r;
  r.set_wallet(cli.Flag("wallet"));
  r.set_item_id(cli.Flag("item"));
  if (r.item_id().empty()) return UsageError("--item is required");
  auto res = cli.wallets().GetHistoryItem(r);
  if (!res.ok()) return res.status();
  const v1::HistoryItem& i = res->item();
  std::string human = Row("item", i.id()) + Row("type", i.type()) +
                      Row("time", Time(i.happened_at())) +
                      Row("amount", Money(i.amount(), i.currency_raw()));
  if (!i.balance_change_raw().empty()) human += Row("balance", i.balance_change_raw());
  if (!i.description().empty()) human += Row("description", i.description());
  if (!res->payment_id().empty()) human += Row("payment", res->payment_id());
  if (!res->detail_json().empty()) human += Row("details", res->detail_json());
  return cli.Print(*res, human);
}

absl::Status PosCreate(Cli& cli) {
  v1::CreatePosRequest r;
  if (absl::Status s = cli.FromJson(&r); !s.ok()) return s;
  if (cli.Flag("json").empty()) {
    for (const char* required : {"name", "url", "description", "category", "contact-name",
                                 "contact-email", "contact-phone", "logo"}) {
      if (cli.Flag(required).empty()) {
        return UsageError(
            "--name, --url, --description, --category, --contact-name, "
            "--contact-email, --contact-phone and --logo are required");
      }
    }
    std::ifstream logo(cli.Flag("logo"), std::ios::binary);
    if (!logo) return UsageError("--logo: cannot read " + cli.Flag("logo"));
    r.set_logo(std::string(std::istreambuf_iterator<char>(logo), {}));
    const std::optional<v1::Currency> currency = cli.CurrencyFlag("HUF");
    if (!currency) return UsageError("--currency must be HUF, EUR, USD or CZK");
    int turnover = 1;
    if (!absl::SimpleAtoi(cli.Flag("turnover", "1"), &turnover)) {
      return UsageError("--turnover must be a number (1-6)");
    }
    r.set_wallet(cli.Flag("wallet"));
    r.set_name(cli.Flag("name"));
    r.set_url(cli.Flag("url"));
    r.set_description(cli.Flag("description"));
    for (absl::string_view c : absl::StrSplit(cli.Flag("category"), ',', absl::SkipEmpty())) {
      r.add_categories(std::string(c));
    }
    v1::PosContact contact;
    contact.set_name(cli.Flag("contact-name"));
    contact.set_email(cli.Flag("contact-email"));
    contact.set_phone_number(cli.Flag("contact-phone"));
    *r.mutable_business_contact() = contact;
    *r.mutable_technical_contact() = contact;
    *r.mutable_customer_service_contact() = contact;
    r.set_primary_currency(*currency);
    r.set_expected_turnover(turnover);
    r.set_callback_url(cli.Flag("callback-url"));
    r.set_custom_template(cli.Flag("custom-template"));
    r.set_custom_css(cli.Flag("custom-css"));
  }
  auto res = cli.wallets().CreatePos(r);
  if (!res.ok()) return res.status();
  return cli.Print(*res, Row("public key", res->public_key()) + Row("status", res->status()) +
                             Row("note",
                                 "Barion reviews the shop before it opens; its POSKey "
                                 "is in Barion's shop admin, never in this answer"));
}

absl::Status PosGet(Cli& cli) {
  v1::GetPosRequest r;
  r.set_wallet(cli.Flag("wallet"));
  r.set_public_key(cli.Flag("public-key"));
  if (r.public_key().empty()) return UsageError("--public-key is required");
  auto res = cli.wallets().GetPos(r);
  if (!res.ok()) return res.status();
  std::string human = Row("public key", res->public_key()) + Row("name", res->name()) +
                      Row("url", res->url()) + Row("status", res->status()) +
                      Row("open", res->is_open() ? "yes" : "no");
  if (!res->description().empty()) human += Row("description", res->description());
  if (!res->categories().empty()) human += Row("categories", absl::StrJoin(res->categories(), ","));
  if (!res->callback_url().empty()) human += Row("callback url", res->callback_url());
  if (!res->reference_id().empty()) human += Row("reference", res->reference_id());
  if (!res->business_contact().email().empty()) {
    human += Row("business", res->business_contact().email());
  }
  if (!res->technical_contact().email().empty()) {
    human += Row("technical", res->technical_contact().email());
  }
  return cli.Print(*res, human);
}

}  // namespace

std::vector<Command> WalletCommands() {
  return {
      {"wallet", "operations on a business wallet",
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
       "unknown, look at `wallet history` or `wallet pos-get` before trying again.\n",
       nullptr},
      {"wallet accounts", "balances",
       "barionctl wallet accounts [--wallet NAME]\n"
       "Lists the wallet's accounts: currency, available and blocked balance, account id.\n",
       &WalletAccounts},
      {"wallet send-email", "send e-money to an e-mail",
       "barionctl wallet send-email --to EMAIL --amount AMOUNT [--currency HUF|EUR|USD|CZK]\n"
       "    [--account ACCOUNT_ID] [--comment TEXT] [--wallet NAME] [--json FILE|-]\n"
       "Sends e-money from the account of the currency (or --account) to an e-mail address.\n",
       &SendEmail},
      {"wallet bank-transfer", "pay to a bank",
       "barionctl wallet bank-transfer --amount AMOUNT --currency C --account-number N\n"
       "    --recipient NAME [--country HUN] [--format giro|iban|czech|other|unknown] [--swift "
       "BIC]\n"
       "    [--comment TEXT] [--wallet NAME] [--json FILE|-]\n"
       "Sends money from the wallet's account in C to a bank account (--swift for IBAN).\n",
       &BankTransfer},
      {"wallet statement", "download a statement file",
       "barionctl wallet statement --year Y --month M [--day D] [--currency HUF] --out FILE|-\n"
       "    [--wallet NAME]\n"
       "Downloads a statement (monthly PDF, or daily XLSX with --day) into FILE, streamed;\n"
       "FILE appears only when the download is complete. - writes the file to stdout.\n",
       &Statement},
      {"wallet history", "recent items",
       "barionctl wallet history [--limit N] [--after ITEM_ID] [--currency C] [--wallet NAME]\n"
       "Lists history items, newest first; --after continues after an item of a page.\n",
       &History},
      {"wallet history-item", "one item's details",
       "barionctl wallet history-item --item ITEM_ID [--wallet NAME]\n"
       "Prints one history item and Barion's details of its type.\n",
       &HistoryItem},
      {"wallet pos-create", "create a shop",
       "barionctl wallet pos-create --name NAME --url HTTPS_URL --description TEXT\n"
       "    --category C[,C...] --contact-name NAME --contact-email EMAIL --contact-phone PHONE\n"
       "    --logo IMAGE_FILE [--currency HUF] [--turnover 1-6] [--callback-url URL]\n"
       "    [--custom-template TEXT] [--custom-css CSS] [--wallet NAME] [--json FILE|-]\n"
       "Creates a shop; the contact serves as business, technical and customer-service contact\n"
       "(use --json for different ones). Barion reviews the shop before it opens.\n",
       &PosCreate},
      {"wallet pos-get", "a shop by its public key",
       "barionctl wallet pos-get --public-key KEY [--wallet NAME]\n"
       "Prints a shop of the wallet.\n",
       &PosGet},
  };
}

}  // namespace barion_gateway::ctl
