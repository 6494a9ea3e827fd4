#include "server/operations/validation.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "barion/v1/types.pb.h"
#include "server/barion/codec.h"
#include "server/barion/money.h"
#include "server/common/errors.h"
#include "server/operations/violations.h"

namespace barion_gateway::server {
namespace {

namespace v1 = ::barion::v1;

std::string At(absl::string_view base, absl::string_view field, int index) {
  return absl::StrCat(base, field, "[", index, "]");
}

bool IsAbsoluteUrl(absl::string_view url) {
  return absl::StartsWith(url, "https://") || absl::StartsWith(url, "http://");
}

void CheckUrl(Violations& v, absl::string_view url, const std::string& field, bool required) {
  if (url.empty()) {
    if (required) v.Add(field, "is required (set it here or as the shop's default)");
    return;
  }
  v.MaxLength(url, kMaxUrlLength, field);
  if (!IsAbsoluteUrl(url)) v.Add(field, "must be an absolute http(s) URL");
}

void CheckPhone(Violations& v, absl::string_view phone, const std::string& field) {
  if (phone.empty()) return;
  v.MaxLength(phone, kMaxPhoneLength, field);
  for (char c : phone) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      v.Add(field, "must be digits only with the country code, no '+' or spaces (36701231234)");
      return;
    }
  }
  if (absl::StartsWith(phone, "00")) v.Add(field, "must not start with 00");
}

void CheckEmail(Violations& v, absl::string_view email, const std::string& field) {
  if (email.empty()) return;
  v.MaxLength(email, kMaxEmailLength, field);
  if (email.find('@') == absl::string_view::npos) v.Add(field, "must be an e-mail address");
}

void CheckDuration(Violations& v, const google::protobuf::Duration& d, absl::Duration lo,
                   absl::Duration hi, const std::string& field) {
  absl::Duration value = absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
  if (d.nanos() != 0) {
    v.Add(field, "must be whole seconds");
  } else if (value < lo || value > hi) {
    v.Add(field, absl::StrCat("must be between ", absl::FormatDuration(lo), " and ",
                              absl::FormatDuration(hi)));
  }
}

template <typename Address>
void CheckAddressCommon(Violations& v, const Address& a, const std::string& base) {
  if (a.country().size() != 2 || !absl::ascii_isalpha(a.country()[0]) ||
      !absl::ascii_isalpha(a.country()[1])) {
    v.Add(base + ".country", "must be an ISO 3166-1 alpha-2 code (\"ZZ\" when unknown)");
  }
  if (!a.region().empty() && a.region().size() != 2) {
    v.Add(base + ".region", "must be the 2-character subdivision code (\"BU\" for HU-BU)");
  }
  if (!a.region().empty() && a.city().empty()) {
    v.Add(base + ".city", "is required when region is set");
  }
  v.MaxLength(a.city(), kMaxShortTextLength, base + ".city");
  v.MaxLength(a.zip(), kMaxZipLength, base + ".zip");
  v.MaxLength(a.street(), kMaxShortTextLength, base + ".street");
  v.MaxLength(a.street2(), kMaxShortTextLength, base + ".street2");
  v.MaxLength(a.street3(), kMaxShortTextLength, base + ".street3");
}

void CheckIndicator(Violations& v, v1::AgeIndicator value,
                    std::initializer_list<v1::AgeIndicator> allowed, const std::string& field) {
  if (value == v1::AGE_INDICATOR_UNSPECIFIED) return;
  for (v1::AgeIndicator a : allowed) {
    if (a == value) return;
  }
  v.Add(field, absl::StrCat(v1::AgeIndicator_Name(value), " is not allowed for this field"));
}

void CheckItems(Violations& v, const google::protobuf::RepeatedPtrField<v1::Item>& items, int scale,
                const std::string& base) {
  for (int i = 0; i < items.size(); ++i) {
    const v1::Item& item = items[i];
    const std::string p = At(base, "items", i) + ".";
    v.RequiredMax(item.name(), kMaxItemNameLength, p + "name");
    v.RequiredMax(item.description(), kMaxItemDescriptionLength, p + "description");
    v.Check(ValidateQuantity(item.quantity()), p + "quantity");
    v.RequiredMax(item.unit(), kMaxShortTextLength, p + "unit");
    v.Check(ValidateAmount(item.unit_price(), scale, AmountSign::kAny), p + "unit_price");
    v.Check(ValidateAmount(item.item_total(), scale, AmountSign::kAny), p + "item_total");
    v.MaxLength(item.sku(), kMaxIdLength, p + "sku");
    v.MaxLength(item.image_url(), kMaxUrlLength, p + "image_url");
  }
}

void CheckPaymentId(Violations& v, absl::string_view id) {
  if (id.empty()) {
    v.Add("payment_id", "is required");
  } else if (!IsBarionGuid(id)) {
    v.Add("payment_id", "must be Barion's payment id: 32 hex digits (hyphens allowed)");
  }
}

void CheckTransactionId(Violations& v, absl::string_view id, const std::string& field) {
  if (id.empty()) {
    v.Add(field, "is required");
  } else if (!IsBarionGuid(id)) {
    v.Add(field, "must be Barion's transaction id: 32 hex digits (hyphens allowed)");
  }
}

// The largest scale of any Barion currency: requests that do not name their currency.
constexpr int kMaxScale = 2;

template <typename Request>
absl::Status ValidateFinishLike(const Request& r) {
  Violations v;
  CheckTransactionCounts(v, r.transactions(), "");
  if (!v.empty()) return v.Result();
  CheckPaymentId(v, r.payment_id());
  if (r.transactions().empty()) v.Add("transactions", "must have at least one transaction");
  for (int i = 0; i < r.transactions().size(); ++i) {
    const v1::TransactionToFinish& t = r.transactions(i);
    const std::string p = At("", "transactions", i) + ".";
    CheckTransactionId(v, t.transaction_id(), p + "transaction_id");
    v.Check(ValidateAmount(t.total(), kMaxScale, AmountSign::kNonNegative), p + "total");
    v.MaxLength(t.comment(), kMaxCommentLength, p + "comment");
    for (int j = 0; j < t.payee_transactions().size(); ++j) {
      const v1::PayeeTransactionToFinish& pt = t.payee_transactions(j);
      const std::string pp = At(p, "payee_transactions", j) + ".";
      CheckTransactionId(v, pt.transaction_id(), pp + "transaction_id");
      v.Check(ValidateAmount(pt.total(), kMaxScale, AmountSign::kNonNegative), pp + "total");
      v.MaxLength(pt.comment(), kMaxCommentLength, pp + "comment");
    }
    CheckItems(v, t.items(), kMaxScale, p);
  }
  return v.Result();
}

}  // namespace

namespace {

// Whether every allowed instrument is a card (Barion's card minimums then apply).
bool CardOnly(const v1::StartPaymentRequest& r) {
  if (r.funding_sources().empty()) return false;
  for (int fs : r.funding_sources()) {
    if (fs != v1::FUNDING_SOURCE_BANK_CARD && fs != v1::FUNDING_SOURCE_GOOGLE_PAY &&
        fs != v1::FUNDING_SOURCE_APPLE_PAY) {
      return false;
    }
  }
  return true;
}

// The smallest card payment Barion takes in `currency` (docs/BARION.md §5), or "" when none is
// known.
std::string CardMinimum(const std::string& currency) {
  if (currency == "HUF") return "10";
  if (currency == "EUR" || currency == "USD") return "0.1";
  if (currency == "CZK") return "1";
  return "";
}

}  // namespace

absl::Status ValidateStartPayment(const v1::StartPaymentRequest& r) {
  Violations v;
  CheckTransactionCounts(v, r.transactions(), "");
  MaxCount(v, r.funding_sources(), kMaxFundingSources, "funding_sources");
  if (!v.empty()) return v.Result();
  const int scale = BarionCurrencyScale(CurrencyCode(r.currency()));
  if (r.currency() == v1::CURRENCY_UNSPECIFIED || scale < 0) {
    v.Add("currency", "is required");
  }

  switch (r.payment_type()) {
    case v1::PAYMENT_TYPE_IMMEDIATE:
      break;
    case v1::PAYMENT_TYPE_RESERVATION:
      if (!r.has_reservation_period()) {
        v.Add("reservation_period", "is required for a RESERVATION payment");
      }
      break;
    case v1::PAYMENT_TYPE_DELAYED_CAPTURE:
      if (!r.has_delayed_capture_period()) {
        v.Add("delayed_capture_period", "is required for a DELAYED_CAPTURE payment");
      }
      break;
    default:
      v.Add("payment_type", "is required");
  }
  if (r.has_reservation_period()) {
    if (r.payment_type() != v1::PAYMENT_TYPE_RESERVATION) {
      v.Add("reservation_period", "is only for RESERVATION payments");
    }
    CheckDuration(v, r.reservation_period(), absl::Minutes(1), absl::Hours(24 * 365),
                  "reservation_period");
  }
  if (r.has_delayed_capture_period()) {
    if (r.payment_type() != v1::PAYMENT_TYPE_DELAYED_CAPTURE) {
      v.Add("delayed_capture_period", "is only for DELAYED_CAPTURE payments");
    }
    CheckDuration(v, r.delayed_capture_period(), absl::Minutes(1), absl::Hours(24 * 21),
                  "delayed_capture_period");
  }
  if (r.has_payment_window()) {
    CheckDuration(v, r.payment_window(), absl::Minutes(1), absl::Hours(24 * 7), "payment_window");
  }

  if (r.funding_sources().empty()) v.Add("funding_sources", "must name at least one source");
  for (int i = 0; i < r.funding_sources().size(); ++i) {
    const int fs = r.funding_sources(i);
    if (fs == v1::FUNDING_SOURCE_UNSPECIFIED || !v1::FundingSource_IsValid(fs)) {
      v.Add(At("", "funding_sources", i), "must be a known funding source");
    }
  }

  v.RequiredMax(r.payment_request_id(), kMaxIdLength, "payment_request_id");
  CheckEmail(v, r.payer_hint(), "payer_hint");
  if (!r.card_holder_name_hint().empty() &&
      (r.card_holder_name_hint().size() < 2 || r.card_holder_name_hint().size() > 45)) {
    v.Add("card_holder_name_hint", "must be 2 to 45 characters");
  }

  // Token payments.
  v.MaxLength(r.recurrence_id(), kMaxIdLength, "recurrence_id");
  v.MaxLength(r.trace_id(), kMaxIdLength, "trace_id");
  if (r.initiate_recurrence() && r.recurrence_id().empty()) {
    v.Add("recurrence_id", "is required when initiate_recurrence is set");
  }
  if (!r.recurrence_id().empty() && r.recurrence_type() == v1::RECURRENCE_TYPE_UNSPECIFIED) {
    v.Add("recurrence_type", "is required for token payments");
  }
  if (!v1::RecurrenceType_IsValid(r.recurrence_type())) {
    v.Add("recurrence_type", "must be a known recurrence type");
  }
  if (r.initiate_recurrence() && r.recurrence_type() == v1::RECURRENCE_TYPE_RECURRING_PAYMENT) {
    const v1::PurchaseInformation& pi = r.purchase_information();
    if (!pi.has_recurring_expiry()) {
      v.Add("purchase_information.recurring_expiry",
            "is required when registering a RECURRING_PAYMENT token");
    }
    if (!pi.has_recurring_frequency()) {
      v.Add("purchase_information.recurring_frequency",
            "is required when registering a RECURRING_PAYMENT token");
    }
  }
  if (!r.initiate_recurrence() && !r.recurrence_id().empty() &&
      (r.recurrence_type() == v1::RECURRENCE_TYPE_MERCHANT_INITIATED_PAYMENT ||
       r.recurrence_type() == v1::RECURRENCE_TYPE_RECURRING_PAYMENT) &&
      r.trace_id().empty()) {
    v.Add("trace_id", "is required for a subsequent merchant-initiated or recurring charge");
  }
  if (!r.trace_id().empty() && r.recurrence_id().empty()) {
    v.Add("trace_id", "is only for token payments (set recurrence_id)");
  }

  CheckUrl(v, r.redirect_url(), "redirect_url", /*required=*/true);
  CheckUrl(v, r.callback_url(), "callback_url", /*required=*/false);
  v.MaxLength(r.order_number(), kMaxIdLength, "order_number");

  if (r.locale().empty()) {
    v.Add("locale", "is required (set it here or as the shop's default)");
  } else if (r.locale().size() != 5 || r.locale()[2] != '-' ||
             !absl::ascii_islower(r.locale()[0]) || !absl::ascii_islower(r.locale()[1]) ||
             !absl::ascii_isupper(r.locale()[3]) || !absl::ascii_isupper(r.locale()[4])) {
    v.Add("locale", "must look like \"hu-HU\" or \"en-US\"");
  }

  CheckPhone(v, r.payer_phone_number(), "payer_phone_number");
  CheckPhone(v, r.payer_work_phone_number(), "payer_work_phone_number");
  CheckPhone(v, r.payer_home_number(), "payer_home_number");
  if (!v1::ChallengePreference_IsValid(r.challenge_preference())) {
    v.Add("challenge_preference", "must be a known challenge preference");
  }

  if (r.has_shipping_address()) {
    CheckAddressCommon(v, r.shipping_address(), "shipping_address");
    v.MaxLength(r.shipping_address().full_name(), kMaxShippingNameLength,
                "shipping_address.full_name");
  }
  if (r.has_billing_address()) CheckAddressCommon(v, r.billing_address(), "billing_address");

  if (r.has_payer_account_information()) {
    const v1::PayerAccountInformation& p = r.payer_account_information();
    const std::string b = "payer_account_information.";
    v.MaxLength(p.account_id(), kMaxPayerAccountIdLength, b + "account_id");
    using A = v1::AgeIndicator;
    const A kAge[] = {v1::AGE_INDICATOR_LESS_THAN_30_DAYS, v1::AGE_INDICATOR_BETWEEN_30_AND_60_DAYS,
                      v1::AGE_INDICATOR_MORE_THAN_60_DAYS};
    CheckIndicator(v, p.account_creation_indicator(),
                   {v1::AGE_INDICATOR_NO_ACCOUNT, v1::AGE_INDICATOR_CREATED_DURING_THIS_TRANSACTION,
                    kAge[0], kAge[1], kAge[2]},
                   b + "account_creation_indicator");
    CheckIndicator(v, p.account_change_indicator(),
                   {v1::AGE_INDICATOR_CHANGED_DURING_THIS_TRANSACTION, kAge[0], kAge[1], kAge[2]},
                   b + "account_change_indicator");
    CheckIndicator(v, p.password_change_indicator(),
                   {v1::AGE_INDICATOR_NO_CHANGE, v1::AGE_INDICATOR_CHANGED_DURING_THIS_TRANSACTION,
                    kAge[0], kAge[1], kAge[2]},
                   b + "password_change_indicator");
    CheckIndicator(v, p.shipping_address_usage_indicator(),
                   {v1::AGE_INDICATOR_THIS_TRANSACTION, kAge[0], kAge[1], kAge[2]},
                   b + "shipping_address_usage_indicator");
    CheckIndicator(v, p.payment_method_indicator(),
                   {v1::AGE_INDICATOR_NO_ACCOUNT, v1::AGE_INDICATOR_THIS_TRANSACTION, kAge[0],
                    kAge[1], kAge[2]},
                   b + "payment_method_indicator");
    if (p.has_purchases_in_the_last6_months()) {
      v.Range(p.purchases_in_the_last6_months(), 0, 9999, b + "purchases_in_the_last6_months");
    }
    if (p.has_provision_attempts())
      v.Range(p.provision_attempts(), 0, 999, b + "provision_attempts");
    if (p.has_transactional_activity_per_day()) {
      v.Range(p.transactional_activity_per_day(), 0, 999, b + "transactional_activity_per_day");
    }
    if (p.has_transactional_activity_per_year()) {
      v.Range(p.transactional_activity_per_year(), 0, 999, b + "transactional_activity_per_year");
    }
  }
  if (r.has_purchase_information()) {
    const v1::PurchaseInformation& p = r.purchase_information();
    const std::string b = "purchase_information.";
    CheckEmail(v, p.delivery_email_address(), b + "delivery_email_address");
    if (p.has_recurring_frequency())
      v.Range(p.recurring_frequency(), 1, 9999, b + "recurring_frequency");
    if (p.has_gift_card_purchase()) {
      v.Check(ValidateAmount(p.gift_card_purchase().amount(), scale < 0 ? kMaxScale : scale,
                             AmountSign::kPositive),
              b + "gift_card_purchase.amount");
      v.Range(p.gift_card_purchase().count(), 1, 99, b + "gift_card_purchase.count");
    }
  }

  if (r.transactions().empty()) v.Add("transactions", "must have at least one transaction");
  const int money_scale = scale < 0 ? kMaxScale : scale;
  // Card payments have minimums (docs/BARION.md §5); they bind when only cards can pay.
  const std::string card_minimum = CardOnly(r) ? CardMinimum(CurrencyCode(r.currency())) : "";
  for (int i = 0; i < r.transactions().size(); ++i) {
    const v1::PaymentTransaction& t = r.transactions(i);
    const std::string p = At("", "transactions", i) + ".";
    v.RequiredMax(t.pos_transaction_id(), kMaxIdLength, p + "pos_transaction_id");
    if (t.payee().empty()) {
      v.Add(p + "payee", "is required (set it here or as the shop's payee)");
    }
    CheckEmail(v, t.payee(), p + "payee");
    const absl::Status total = ValidateAmount(t.total(), money_scale, AmountSign::kPositive);
    v.Check(total, p + "total");
    if (total.ok() && !card_minimum.empty() && CompareDecimal(t.total(), card_minimum) < 0) {
      v.Add(p + "total", absl::StrCat("is below the card minimum of ", card_minimum, " ",
                                      CurrencyCode(r.currency()),
                                      " (only cards may pay: allow BALANCE or ALL for less)"));
    }
    v.MaxLength(t.comment(), kMaxCommentLength, p + "comment");
    for (int j = 0; j < t.payee_transactions().size(); ++j) {
      const v1::PayeeTransaction& pt = t.payee_transactions(j);
      const std::string pp = At(p, "payee_transactions", j) + ".";
      v.RequiredMax(pt.pos_transaction_id(), kMaxIdLength, pp + "pos_transaction_id");
      v.Required(pt.payee(), pp + "payee");
      CheckEmail(v, pt.payee(), pp + "payee");
      absl::Status amount = ValidateAmount(pt.total(), money_scale, AmountSign::kPositive);
      v.Check(amount, pp + "total");
      if (amount.ok() && ValidateAmount(t.total(), money_scale, AmountSign::kPositive).ok() &&
          CompareDecimal(pt.total(), t.total()) > 0) {
        v.Add(pp + "total", "must not exceed the transaction's total");
      }
      v.MaxLength(pt.comment(), kMaxCommentLength, pp + "comment");
    }
    CheckItems(v, t.items(), money_scale, p);
  }
  return v.Result();
}

absl::Status ValidateGetPaymentState(const v1::GetPaymentStateRequest& r) {
  Violations v;
  CheckPaymentId(v, r.payment_id());
  return v.Result();
}

absl::Status ValidateFinishReservation(const v1::FinishReservationRequest& r) {
  return ValidateFinishLike(r);
}

absl::Status ValidateCapture(const v1::CaptureRequest& r) { return ValidateFinishLike(r); }

absl::Status ValidateCancelAuthorization(const v1::CancelAuthorizationRequest& r) {
  Violations v;
  CheckPaymentId(v, r.payment_id());
  return v.Result();
}

absl::Status ValidateRefund(const v1::RefundRequest& r) {
  Violations v;
  MaxCount(v, r.transactions_to_refund(), kMaxTransactions, "transactions_to_refund");
  if (!v.empty()) return v.Result();
  CheckPaymentId(v, r.payment_id());
  if (r.transactions_to_refund().empty()) {
    v.Add("transactions_to_refund", "must have at least one transaction");
  }
  for (int i = 0; i < r.transactions_to_refund().size(); ++i) {
    const v1::TransactionToRefund& t = r.transactions_to_refund(i);
    const std::string p = At("", "transactions_to_refund", i) + ".";
    CheckTransactionId(v, t.transaction_id(), p + "transaction_id");
    v.RequiredMax(t.pos_transaction_id(), kMaxIdLength, p + "pos_transaction_id");
    v.Check(ValidateAmount(t.amount_to_refund(), kMaxScale, AmountSign::kPositive),
            p + "amount_to_refund");
    v.MaxLength(t.comment(), kMaxCommentLength, p + "comment");
  }
  return v.Result();
}

absl::Status ValidateSendMoneyByEmail(const v1::SendMoneyByEmailRequest& r) {
  Violations v;
  if (r.source_account_id().empty()) {
    v.Add("source_account_id", "is required");
  } else if (!IsBarionGuid(r.source_account_id())) {
    v.Add("source_account_id", "must be Barion's account id: a GUID (GetAccounts' account_id)");
  }
  const int scale = BarionCurrencyScale(CurrencyCode(r.currency()));
  if (r.currency() == v1::CURRENCY_UNSPECIFIED || scale < 0) {
    v.Add("currency", "is required");
  } else {
    v.Check(ValidateAmount(r.amount(), scale, AmountSign::kPositive), "amount");
  }
  v.Required(r.target_email(), "target_email");
  CheckEmail(v, r.target_email(), "target_email");
  v.MaxLength(r.comment(), kMaxTransferCommentLength, "comment");
  return v.Result();
}

namespace {

bool IsAlpha3(absl::string_view country) {
  return country.size() == 3 &&
         std::all_of(country.begin(), country.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

}  // namespace

absl::Status ValidateSendBankTransfer(const v1::SendBankTransferRequest& r) {
  Violations v;
  const int scale = BarionCurrencyScale(CurrencyCode(r.currency()));
  if (r.currency() == v1::CURRENCY_UNSPECIFIED || scale < 0) {
    v.Add("currency", "is required");
  } else {
    v.Check(ValidateAmount(r.amount(), scale, AmountSign::kPositive), "amount");
  }
  v.MaxLength(r.comment(), kMaxBankTransferCommentLength, "comment");
  const v1::BankAccount& account = r.bank_account();
  if (!IsAlpha3(account.country())) {
    v.Add("bank_account.country", "must be an ISO 3166-1 alpha-3 country code (\"HUN\")");
  }
  if (account.format() == v1::BANK_ACCOUNT_FORMAT_UNSPECIFIED ||
      !v1::BankAccountFormat_IsValid(account.format())) {
    v.Add("bank_account.format", "is required");
  }
  v.RequiredMax(account.account_number(), kMaxBankAccountNumberLength,
                "bank_account.account_number");
  if (r.swift_code().empty()) {
    if (account.format() == v1::BANK_ACCOUNT_FORMAT_IBAN) {
      v.Add("swift_code", "is required for an IBAN account");
    }
  } else if ((r.swift_code().size() != 8 && r.swift_code().size() != 11) ||
             !std::all_of(r.swift_code().begin(), r.swift_code().end(),
                          [](char c) { return absl::ascii_isalnum(c); })) {
    v.Add("swift_code", "must be 8 or 11 letters and digits");
  }
  v.RequiredMax(r.recipient().name(), kMaxIdLength, "recipient.name");
  const v1::RecipientAddress& address = r.recipient().address();
  if (!address.country().empty() && !IsAlpha3(address.country())) {
    v.Add("recipient.address.country", "must be an ISO 3166-1 alpha-3 country code (\"HUN\")");
  }
  v.MaxLength(address.zip(), kMaxZipLength, "recipient.address.zip");
  return v.Result();
}

absl::Status ValidateDownloadStatement(const v1::DownloadStatementRequest& r) {
  Violations v;
  v.Range(r.year(), 2000, 9999, "year");
  v.Range(r.month(), 1, 12, "month");
  if (r.day() != 0) v.Range(r.day(), 1, 31, "day");
  if (r.currency() == v1::CURRENCY_UNSPECIFIED ||
      BarionCurrencyScale(CurrencyCode(r.currency())) < 0) {
    v.Add("currency", "is required");
  }
  return v.Result();
}

absl::Status ValidateGetHistory(const v1::GetHistoryRequest& r) {
  Violations v;
  v.Range(r.limit(), 0, 20, "limit");
  if (!r.last_visible_item_id().empty() && !IsBarionGuid(r.last_visible_item_id())) {
    v.Add("last_visible_item_id", "must be a history item's id (a GUID)");
  }
  if (r.currency() != v1::CURRENCY_UNSPECIFIED &&
      BarionCurrencyScale(CurrencyCode(r.currency())) < 0) {
    v.Add("currency", "is not a currency Barion supports");
  }
  return v.Result();
}

absl::Status ValidateGetHistoryItem(const v1::GetHistoryItemRequest& r) {
  Violations v;
  if (r.item_id().empty()) {
    v.Add("item_id", "is required");
  } else if (!IsBarionGuid(r.item_id())) {
    v.Add("item_id", "must be a history item's id (a GUID)");
  }
  return v.Result();
}

absl::Status ValidateGetPaymentQrCode(const v1::GetPaymentQrCodeRequest& r) {
  Violations v;
  CheckPaymentId(v, r.payment_id());
  if (!v1::QrCodeSize_IsValid(r.size())) v.Add("size", "is not a QrCodeSize");
  return v.Result();
}

namespace {

// A wallet-token start's payment: StartPayment's rules, except the funding choice, which the
// token makes.
absl::Status ValidateTokenPayment(v1::StartPaymentRequest payment, v1::FundingSource source) {
  payment.clear_funding_sources();
  payment.add_funding_sources(source);
  return ValidateStartPayment(payment);
}

}  // namespace

absl::Status ValidateStartApplePayPayment(const v1::StartApplePayPaymentRequest& r) {
  Violations v;
  v.Nested(ValidateTokenPayment(r.payment(), v1::FUNDING_SOURCE_APPLE_PAY), "payment.");
  v.Required(r.token().transaction_identifier(), "token.transaction_identifier");
  v.Required(r.token().payment_data().data(), "token.payment_data.data");
  v.Required(r.token().payment_data().signature(), "token.payment_data.signature");
  return v.Result();
}

absl::Status ValidateValidateApplePaySession(const v1::ValidateApplePaySessionRequest& r) {
  Violations v;
  for (const auto& [url, field] : {std::pair(&r.session_request_url(), "session_request_url"),
                                   std::pair(&r.shop_url(), "shop_url")}) {
    v.Required(*url, field);
    if (!url->empty() && !absl::StartsWith(*url, "https://")) {
      v.Add(field, "must be an https URL");
    }
    v.MaxLength(*url, kMaxUrlLength, field);
  }
  return v.Result();
}

absl::Status ValidateStartGooglePayPayment(const v1::StartGooglePayPaymentRequest& r) {
  Violations v;
  v.Nested(ValidateTokenPayment(r.payment(), v1::FUNDING_SOURCE_GOOGLE_PAY), "payment.");
  v.RequiredMax(r.payer_email_address(), kMaxEmailLength, "payer_email_address");
  CheckEmail(v, r.payer_email_address(), "payer_email_address");
  v.Required(r.google_pay_token(), "google_pay_token");
  return v.Result();
}

namespace {

// Barion's ShopCategory (docs/BARION.md §3).
constexpr absl::string_view kShopCategories[] = {"Agriculture",
                                                 "BookNewsPaper",
                                                 "Ad",
                                                 "BonusCoupon",
                                                 "Dating",
                                                 "Electronics",
                                                 "FashionClothes",
                                                 "FoodDrink",
                                                 "FurnitureAntiquity",
                                                 "GiftToyFlower",
                                                 "BeautyHealth",
                                                 "HomeDesignGarden",
                                                 "JobEducation",
                                                 "BuildingMaterialMachine",
                                                 "Baby",
                                                 "FilmMusic",
                                                 "Other",
                                                 "Pet",
                                                 "Property",
                                                 "Service",
                                                 "SportLeisureTravel",
                                                 "BettingGambling",
                                                 "Tobacco",
                                                 "Vehicle",
                                                 "WatchJewelry"};

void CheckContact(Violations& v, const v1::PosContact& c, const std::string& field,
                  bool name_required) {
  if (name_required) v.Required(c.name(), field + ".name");
  v.Required(c.email(), field + ".email");
  CheckEmail(v, c.email(), field + ".email");
  v.MaxLength(c.phone_number(), kMaxPhoneLength, field + ".phone_number");
}

}  // namespace

absl::Status ValidateCreatePos(const v1::CreatePosRequest& r) {
  Violations v;
  v.RequiredMax(r.name(), kMaxShopNameLength, "name");
  v.Required(r.url(), "url");
  if (!r.url().empty() && !absl::StartsWith(r.url(), "https://")) {
    v.Add("url", "must be an https URL");
  }
  v.MaxLength(r.url(), kMaxUrlLength, "url");
  if (r.description().size() < 20 || r.description().size() > 200) {
    v.Add("description", "must be 20 to 200 characters");
  }
  if (r.categories().empty()) v.Add("categories", "must name at least one category");
  for (int i = 0; i < r.categories_size(); ++i) {
    if (std::find(std::begin(kShopCategories), std::end(kShopCategories), r.categories(i)) ==
        std::end(kShopCategories)) {
      v.Add(At("", "categories", i), "is not one of Barion's shop categories");
    }
  }
  CheckContact(v, r.business_contact(), "business_contact", /*name_required=*/true);
  CheckContact(v, r.technical_contact(), "technical_contact", /*name_required=*/true);
  CheckContact(v, r.customer_service_contact(), "customer_service_contact",
               /*name_required=*/false);
  v.Required(r.customer_service_contact().phone_number(), "customer_service_contact.phone_number");
  const std::string currency = CurrencyCode(r.primary_currency());
  if (currency != "HUF" && currency != "CZK" && currency != "EUR" && currency != "USD") {
    v.Add("primary_currency", "must be HUF, CZK, EUR or USD");
  }
  v.Range(r.expected_turnover(), 1, 6, "expected_turnover");
  v.Range(r.average_basket_value(), 0, INT32_MAX, "average_basket_value");
  v.Range(r.percentage_of_b2b_customers(), 0, 100, "percentage_of_b2b_customers");
  v.Range(r.percentage_of_non_eu_cards(), 0, 100, "percentage_of_non_eu_cards");
  CheckUrl(v, r.callback_url(), "callback_url", /*required=*/false);
  v.MaxLength(r.callback_url(), kMaxUrlLength, "callback_url");
  return v.Result();
}

absl::Status ValidateGetPos(const v1::GetPosRequest& r) {
  Violations v;
  if (r.public_key().empty()) {
    v.Add("public_key", "is required");
  } else if (!IsBarionGuid(r.public_key())) {
    v.Add("public_key", "must be the shop's public key (a GUID)");
  }
  return v.Result();
}

absl::Status ValidateComplete(const v1::CompleteRequest& r) {
  Violations v;
  CheckPaymentId(v, r.payment_id());
  return v.Result();
}

}  // namespace barion_gateway::server
