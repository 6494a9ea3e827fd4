// The simulated Barion's state: payments and their transactions, tokens, shops, wallets with
// accounts, history and shops (POS), injected faults, and callbacks due or delivered. Internal to
// the sandbox; Simulator (simulator.h) holds it under one mutex.
#ifndef BARION_GATEWAY_SANDBOX_MODEL_STATE_H_
#define BARION_GATEWAY_SANDBOX_MODEL_STATE_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "sandbox/model/money.h"
#include "sandbox/model/options.h"
#include "sandbox/model/states.h"

namespace barion_gateway::sandbox {

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
  TxStatus status = TxStatus::kPrepared;
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
  PaymentStatus status = PaymentStatus::kPrepared;
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
  TokenState state = TokenState::kPending;
  std::string funding;  // BankCard | Balance
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

// A contact person of a shop, as Pos-Create takes it and Pos-Get answers it.
struct PosContactEntry {
  std::string name;
  std::string phone_number;
  std::string email;
};

// A shop created through Pos-Create. Barion's Pos-Get answers with every field, the secret POS
// key included (docs/BARION.md, "Shops"): so does the sandbox.
struct PosEntry {
  std::string public_key;  // 32 lower-case hex digits
  std::string secret_key;  // the shop's POSKey: 32 lower-case hex digits
  std::string name;
  std::string url;
  std::string description;
  std::vector<std::string> categories;
  std::string status = "NewUnderApproval";
  PosContactEntry business_contact;
  PosContactEntry technical_contact;
  PosContactEntry customer_service_contact;
  std::string callback_url;
  std::string reference_id;
  std::string custom_template;
  std::string custom_css;
};

struct ApiWallet {
  SandboxWallet config;
  std::vector<PosEntry> shops;
  std::vector<WalletAccount> accounts;
  std::vector<HistoryEntry> history;  // oldest first
};

struct Fault {
  FaultMode mode = FaultMode::kStatus500;
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
  std::string error;  // why there was no answer ("" when there was one)
};

// How a payment is started: Payment/Start, or with a wallet token, charged at once.
enum class StartKind { kStart, kGooglePay, kApplePay };

}  // namespace barion_gateway::sandbox

#endif  // BARION_GATEWAY_SANDBOX_MODEL_STATE_H_
