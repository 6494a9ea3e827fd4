// The rules of a payment start: StartPayment and the wallet-token starts.
#include <tuple>

#include "absl/strings/str_cat.h"
#include "server/operations/validation_rules.h"

namespace barion_gateway::server {

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

namespace {

// The payment type and the periods that go with it; the payment window.
void CheckPaymentKind(Violations& v, const v1::StartPaymentRequest& r) {
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
}

// At least one known funding source.
void CheckFundingSources(Violations& v, const v1::StartPaymentRequest& r) {
  if (r.funding_sources().empty()) v.Add("funding_sources", "must name at least one source");
  for (int i = 0; i < r.funding_sources().size(); ++i) {
    const int fs = r.funding_sources(i);
    if (fs == v1::FUNDING_SOURCE_UNSPECIFIED || !v1::FundingSource_IsValid(fs)) {
      v.Add(At("", "funding_sources", i), "must be a known funding source");
    }
  }
}

// The request id and what the payer page is told in advance.
void CheckPayerHints(Violations& v, const v1::StartPaymentRequest& r) {
  v.RequiredMax(r.payment_request_id(), kMaxIdLength, "payment_request_id");
  CheckEmail(v, r.payer_hint(), "payer_hint");
  if (!r.card_holder_name_hint().empty() &&
      (r.card_holder_name_hint().size() < 2 || r.card_holder_name_hint().size() > 45)) {
    v.Add("card_holder_name_hint", "must be 2 to 45 characters");
  }
}

// Token payments: registration (initiate_recurrence), the token, and the trace id of
// merchant-initiated and recurring charges.
void CheckTokenRules(Violations& v, const v1::StartPaymentRequest& r) {
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
}

// Where the payer goes and how the payment page speaks.
void CheckJourney(Violations& v, const v1::StartPaymentRequest& r) {
  CheckUrl(v, r.redirect_url(), "redirect_url", /*required=*/true);
  CheckCallbackUrl(v, r.callback_url(), "callback_url");
  v.MaxLength(r.order_number(), kMaxIdLength, "order_number");

  if (r.locale().empty()) {
    v.Add("locale", "is required (set it here or as the shop's default)");
  } else if (r.locale().size() != 5 || r.locale()[2] != '-' ||
             !absl::ascii_islower(r.locale()[0]) || !absl::ascii_islower(r.locale()[1]) ||
             !absl::ascii_isupper(r.locale()[3]) || !absl::ascii_isupper(r.locale()[4])) {
    v.Add("locale", "must look like \"hu-HU\" or \"en-US\"");
  }
}

// The payer's phones, the 3-D Secure challenge preference and addresses.
void CheckPayerDetails(Violations& v, const v1::StartPaymentRequest& r) {
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
}

// The 3-D Secure account information: indicators and activity counts in Barion's ranges.
void CheckPayerAccountInformation(Violations& v, const v1::PayerAccountInformation& p) {
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
  CheckIndicator(
      v, p.payment_method_indicator(),
      {v1::AGE_INDICATOR_NO_ACCOUNT, v1::AGE_INDICATOR_THIS_TRANSACTION, kAge[0], kAge[1], kAge[2]},
      b + "payment_method_indicator");
  if (p.has_purchases_in_the_last6_months()) {
    v.Range(p.purchases_in_the_last6_months(), 0, 9999, b + "purchases_in_the_last6_months");
  }
  if (p.has_provision_attempts()) v.Range(p.provision_attempts(), 0, 999, b + "provision_attempts");
  if (p.has_transactional_activity_per_day()) {
    v.Range(p.transactional_activity_per_day(), 0, 999, b + "transactional_activity_per_day");
  }
  if (p.has_transactional_activity_per_year()) {
    v.Range(p.transactional_activity_per_year(), 0, 999, b + "transactional_activity_per_year");
  }
}

// The 3-D Secure purchase information; gift card amounts at the currency's `scale`.
void CheckPurchaseInformation(Violations& v, const v1::PurchaseInformation& p, int scale) {
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

// The transactions: ids, payees, exact totals (card minimums when only cards pay), payee
// transactions within their total, items.
void CheckTransactions(Violations& v, const v1::StartPaymentRequest& r, int scale) {
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

  CheckPaymentKind(v, r);
  CheckFundingSources(v, r);
  CheckPayerHints(v, r);
  CheckTokenRules(v, r);
  CheckJourney(v, r);
  CheckPayerDetails(v, r);
  if (r.has_payer_account_information()) {
    CheckPayerAccountInformation(v, r.payer_account_information());
  }
  if (r.has_purchase_information()) CheckPurchaseInformation(v, r.purchase_information(), scale);
  CheckTransactions(v, r, scale);
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
  // Barion requires both contacts (their fields are what Apple Pay filled in).
  for (auto [present, contact, field] :
       {std::tuple{r.has_shipping_contact(), &r.shipping_contact(), "shipping_contact"},
        std::tuple{r.has_billing_contact(), &r.billing_contact(), "billing_contact"}}) {
    if (!present) {
      v.Add(field, "is required (Apple Pay JS's payment contact)");
      continue;
    }
    const std::string at = absl::StrCat(field, ".");
    v.MaxLength(contact->given_name(), 100, at + "given_name");
    v.MaxLength(contact->family_name(), 100, at + "family_name");
    v.MaxLength(contact->email_address(), kMaxEmailLength, at + "email_address");
    if (!contact->email_address().empty()) {
      CheckEmail(v, contact->email_address(), at + "email_address");
    }
    v.MaxLength(contact->phone_number(), 30, at + "phone_number");
    const v1::ApplePayPostalAddress& a = contact->postal_address();
    v.MaxLength(a.street(), 256, at + "postal_address.street");
    v.MaxLength(a.city(), 100, at + "postal_address.city");
    v.MaxLength(a.postal_code(), 16, at + "postal_address.postal_code");
    v.MaxLength(a.state(), 100, at + "postal_address.state");
    v.MaxLength(a.country(), 100, at + "postal_address.country");
    if (!a.iso_country_code().empty() && a.iso_country_code().size() != 2) {
      v.Add(at + "postal_address.iso_country_code", "must be an ISO 3166-1 alpha-2 code");
    }
  }
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
  // Google Pay's input extends Payment/Start v2: its funding sources are StartPayment's.
  v.Nested(ValidateStartPayment(r.payment()), "payment.");
  v.RequiredMax(r.payer_email_address(), kMaxEmailLength, "payer_email_address");
  CheckEmail(v, r.payer_email_address(), "payer_email_address");
  v.Required(r.google_pay_token(), "google_pay_token");
  return v.Result();
}

}  // namespace barion_gateway::server
