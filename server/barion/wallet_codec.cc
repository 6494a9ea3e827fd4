// Encoding and decoding of the wallet operations (WalletService).
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "server/barion/codec_internal.h"
#include "server/barion/money.h"

namespace barion_gateway::server {

std::string EncodeCreatePos(const v1::CreatePosRequest& r) {
  auto contact = [](Writer& w, const char* key, const v1::PosContact& c) {
    Key(w, key);
    w.StartObject();
    Str(w, "Name", c.name());
    Str(w, "PhoneNumber", c.phone_number());
    Str(w, "Email", c.email());
    w.EndObject();
  };
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  Str(w, "Name", r.name());
  Str(w, "Url", r.url());
  Str(w, "Description", r.description());
  if (!r.logo().empty()) Str(w, "Logo", absl::Base64Escape(r.logo()));
  Key(w, "Category");
  w.StartArray();
  for (const std::string& c : r.categories()) w.String(c.data(), c.size());
  w.EndArray();
  contact(w, "BusinessContact", r.business_contact());
  contact(w, "TechnicalContact", r.technical_contact());
  contact(w, "CustomerServiceContact", r.customer_service_contact());
  Str(w, "PrimaryCurrency", CurrencyCode(r.primary_currency()));
  Key(w, "ExpectedTurnover");
  w.Int(r.expected_turnover());
  if (r.average_basket_value() > 0) {
    Key(w, "AverageBasketValue");
    w.Int(r.average_basket_value());
  }
  Key(w, "PercentageOfB2BCustomers");
  w.Int(r.percentage_of_b2b_customers());
  Key(w, "PercentageOfNonEuCards");
  w.Int(r.percentage_of_non_eu_cards());
  Key(w, "FullPixelImplemented");
  w.Bool(r.full_pixel_implemented());
  Key(w, "UseForEInvoicing");
  w.Bool(r.use_for_e_invoicing());
  Str(w, "CallBackUrl", r.callback_url());  // sic: Barion spells it with a capital B
  Str(w, "ReferenceId", r.reference_id());
  Str(w, "NoteForApproval", r.note_for_approval());
  Str(w, "CustomTemplate", r.custom_template());
  Str(w, "CustomCss", r.custom_css());
  w.EndObject();
  return Finish(buffer);
}

std::string EncodeSendMoneyByEmail(const v1::SendMoneyByEmailRequest& r) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  Str(w, "SourceAccountId", r.source_account_id());
  Key(w, "Amount");
  w.StartObject();
  Str(w, "Currency", CurrencyCode(r.currency()));
  Amount(w, "Value", r.amount());
  w.EndObject();
  Str(w, "TargetEmail", r.target_email());
  Str(w, "Comment", r.comment());
  w.EndObject();
  return Finish(buffer);
}

std::string EncodeSendBankTransfer(const v1::SendBankTransferRequest& r) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  Str(w, "Currency", CurrencyCode(r.currency()));
  Amount(w, "Amount", r.amount());
  Str(w, "Comment", r.comment());
  Key(w, "BankAccount");
  w.StartObject();
  Str(w, "Country", r.bank_account().country());
  Enum(w, "Format", kBankAccountFormats, r.bank_account().format());
  Str(w, "AccountNumber", r.bank_account().account_number());
  w.EndObject();
  if (!r.swift_code().empty()) {
    Key(w, "Bank");
    w.StartObject();
    Str(w, "SwiftCode", r.swift_code());
    w.EndObject();
  }
  Key(w, "Recipient");
  w.StartObject();
  Str(w, "Name", r.recipient().name());
  if (r.recipient().has_address()) {
    const v1::RecipientAddress& a = r.recipient().address();
    Key(w, "Address");
    w.StartObject();
    Str(w, "Country", a.country());
    Str(w, "Street", a.street());
    Str(w, "City", a.city());
    Str(w, "Zip", a.zip());
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
  return Finish(buffer);
}

namespace {

void ReadPosContact(const Value& shop, const char* name, v1::PosContact* out) {
  const Value* c = Member(shop, name);
  if (c == nullptr || !c->IsObject()) return;
  out->set_name(Text(*c, "Name"));
  out->set_phone_number(Text(*c, "PhoneNumber"));
  out->set_email(Text(*c, "Email"));
}

// The shop's documented, non-secret fields, each read by name: Barion's answer also carries the
// shop's SecretKey (its POSKey), and a field it adds later must not reach a caller either, so
// nothing of the answer is copied whole (docs/SECURITY.md). CreatePosResponse and
// GetPosResponse have the same fields.
template <typename Out>
void ReadPos(const Value& shop, Out* out) {
  out->set_public_key(Text(shop, Member(shop, "PublicKey") != nullptr ? "PublicKey" : "PosId"));
  out->set_name(Text(shop, "Name"));
  out->set_url(Text(shop, "Url"));
  out->set_status(Text(shop, "Status"));
  out->set_description(Text(shop, "Description"));
  out->set_is_open(Bool(shop, "IsOpen"));
  out->set_callback_url(Text(shop, "CallBackUrl"));
  out->set_reference_id(Text(shop, "ReferenceId"));
  out->set_logo_url(Text(shop, "Logo"));
  ReadPosContact(shop, "BusinessContact", out->mutable_business_contact());
  ReadPosContact(shop, "TechnicalContact", out->mutable_technical_contact());
  ReadPosContact(shop, "CustomerServiceContact", out->mutable_customer_service_contact());
  if (const Value* categories = Member(shop, "Category");
      categories != nullptr && categories->IsArray()) {
    for (const Value& c : categories->GetArray()) {
      if (c.IsString()) out->add_categories(c.GetString());
    }
  }
}

}  // namespace

absl::Status DecodeCreatePos(const ParsedAnswer& answer, v1::CreatePosResponse* out) {
  if (!answer.envelope().is_json_object) return NotAnObject();
  ReadPos(DocumentOf(answer).doc, out);
  return absl::OkStatus();
}

absl::Status DecodeGetPos(const ParsedAnswer& answer, v1::GetPosResponse* out) {
  if (!answer.envelope().is_json_object) return NotAnObject();
  ReadPos(DocumentOf(answer).doc, out);
  return absl::OkStatus();
}

absl::Status DecodeAccounts(const ParsedAnswer& answer, v1::GetAccountsResponse* out) {
  if (!answer.envelope().is_json_object) return NotAnObject();
  const rapidjson::Document& doc = DocumentOf(answer).doc;
  const Value* accounts = Member(doc, "Accounts");
  if (accounts == nullptr || !accounts->IsArray()) return absl::OkStatus();
  for (const Value& a : accounts->GetArray()) {
    v1::WalletAccount* account = out->add_accounts();
    account->set_account_id(Text(a, "AccountId"));
    account->set_currency(static_cast<v1::Currency>(
        ReadEnum(a, "Currency", kCurrencies, account->mutable_currency_raw())));
    const int scale = BarionCurrencyScale(account->currency_raw());
    if (const Value* b = Member(a, "Balance"); b != nullptr && b->IsObject()) {
      account->set_available_balance(CanonicalAmount(Text(*b, "Available"), scale));
      account->set_blocked_balance(CanonicalAmount(Text(*b, "Blocked"), scale));
    }
    // Sources name the top-up details differently (docs/BARION.md §3).
    const Value* info = Member(a, "TopUpInfo");
    if (info == nullptr) info = Member(a, "AccountInfo");
    if (info != nullptr && info->IsObject()) {
      v1::TopUpInformation* t = account->mutable_top_up_information();
      t->set_bban_country(Text(*info, "BBANCountry"));
      t->set_bban(Text(*info, "BBAN"));
      t->set_iban(Text(*info, "IBAN"));
      t->set_reference(Text(*info, "Reference"));
      t->set_swift_code(Text(*info, "SwiftCode"));
      if (const Value* b = Member(*info, "Beneficiary"); b != nullptr && b->IsObject()) {
        v1::Beneficiary* ben = t->mutable_beneficiary();
        ben->set_name(Text(*b, "Name"));
        ben->set_country(Text(*b, "Country"));
        ben->set_city(Text(*b, "City"));
        ben->set_zip(Text(*b, "Zip"));
        ben->set_street(Text(*b, "Street"));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status DecodeSendMoneyByEmail(const ParsedAnswer& answer, v1::SendMoneyByEmailResponse* out) {
  if (!answer.envelope().is_json_object) return NotAnObject();
  out->set_transfer_successful(Bool(DocumentOf(answer).doc, "IsTransferSuccessful"));
  return absl::OkStatus();
}

absl::Status DecodeSendBankTransfer(const ParsedAnswer& answer, v1::SendBankTransferResponse* out) {
  if (!answer.envelope().is_json_object) return NotAnObject();
  const rapidjson::Document& doc = DocumentOf(answer).doc;
  out->set_transaction_id(Text(doc, "TransactionId"));
  out->set_currency(static_cast<v1::Currency>(
      ReadEnum(doc, "Currency", kCurrencies, out->mutable_currency_raw())));
  out->set_amount(CanonicalAmount(Text(doc, "Amount"), BarionCurrencyScale(out->currency_raw())));
  // Bank transfer v3 echoes the request.
  out->set_comment(Text(doc, "Comment"));
  if (const Value* account = Member(doc, "BankAccount"); account != nullptr) {
    v1::BankAccount* a = out->mutable_bank_account();
    a->set_country(Text(*account, "Country"));
    a->set_format(static_cast<v1::BankAccountFormat>(
        ReadEnum(*account, "Format", kBankAccountFormats, nullptr)));
    a->set_account_number(Text(*account, "AccountNumber"));
  }
  if (const Value* bank = Member(doc, "Bank"); bank != nullptr) {
    out->set_swift_code(Text(*bank, "SwiftCode"));
  }
  if (const Value* recipient = Member(doc, "Recipient"); recipient != nullptr) {
    v1::TransferRecipient* r = out->mutable_recipient();
    r->set_name(Text(*recipient, "Name"));
    if (const Value* address = Member(*recipient, "Address"); address != nullptr) {
      r->mutable_address()->set_country(Text(*address, "Country"));
      r->mutable_address()->set_street(Text(*address, "Street"));
      r->mutable_address()->set_city(Text(*address, "City"));
      r->mutable_address()->set_zip(Text(*address, "Zip"));
    }
  }
  return absl::OkStatus();
}

namespace {

void ReadHistoryParticipant(const Value& item, const char* name, v1::HistoryParticipant* out) {
  const Value* p = Member(item, name);
  if (p == nullptr || !p->IsObject()) return;
  out->set_user_account_id(Text(*p, "UserAccountId"));
  out->set_type(Text(*p, "Type"));
  out->set_first_name(Text(*p, "FirstName"));
  out->set_last_name(Text(*p, "LastName"));
  out->set_login_name(Text(*p, "LoginName"));
  out->set_organization_name(Text(*p, "OrganizationName"));
  out->set_shop_id(Text(*p, "ShopId"));
  out->set_shop_name(Text(*p, "ShopName"));
}

// A history item: GetHistory's names, or GetDetail's (HistoryId, HistoryType).
void ReadHistoryItem(const Value& v, v1::HistoryItem* out) {
  out->set_id(Text(v, Member(v, "Id") != nullptr ? "Id" : "HistoryId"));
  out->set_type(Text(v, Member(v, "Type") != nullptr ? "Type" : "HistoryType"));
  if (!ReadTime(v, "HappenedAtUtc", out->mutable_happened_at())) out->clear_happened_at();
  int64_t order = 0;
  if (absl::SimpleAtoi(Text(v, "ConcurrencyOrder"), &order)) out->set_concurrency_order(order);
  ReadHistoryParticipant(v, "SourceAccount", out->mutable_source());
  ReadHistoryParticipant(v, "TargetAccount", out->mutable_target());
  if (!out->source().ByteSizeLong()) out->clear_source();
  if (!out->target().ByteSizeLong()) out->clear_target();
  out->set_currency(
      static_cast<v1::Currency>(ReadEnum(v, "Currency", kCurrencies, out->mutable_currency_raw())));
  out->set_amount(CanonicalAmount(Text(v, "Amount"), BarionCurrencyScale(out->currency_raw())));
  out->set_description(Text(v, "Description"));
  out->set_in_progress(Bool(v, "IsInProgress"));
  out->set_balance_change(static_cast<v1::BalanceChange>(
      ReadEnum(v, "BalanceChangeType", kBalanceChanges, out->mutable_balance_change_raw())));
}

}  // namespace

absl::Status DecodeHistory(const ParsedAnswer& answer, v1::GetHistoryResponse* out) {
  if (!answer.envelope().is_json_object) return NotAnObject();
  const Value* items = Member(DocumentOf(answer).doc, "UserHistory");
  if (items == nullptr || !items->IsArray()) return absl::OkStatus();
  for (const Value& item : items->GetArray()) {
    if (item.IsObject()) ReadHistoryItem(item, out->add_items());
  }
  return absl::OkStatus();
}

absl::Status DecodeHistoryItem(const ParsedAnswer& answer, v1::GetHistoryItemResponse* out) {
  if (!answer.envelope().is_json_object) return NotAnObject();
  const Value* detail = Member(DocumentOf(answer).doc, "DetailInformation");
  if (detail == nullptr || !detail->IsObject()) return absl::OkStatus();
  ReadHistoryItem(*detail, out->mutable_item());
  out->set_payment_id(Text(*detail, "PaymentId"));
  out->set_detail_json(CopyMemberVerbatim(DocumentOf(answer).body, "DetailInformation"));
  return absl::OkStatus();
}

}  // namespace barion_gateway::server
