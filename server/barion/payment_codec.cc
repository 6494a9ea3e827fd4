// Encoding and decoding of the payment operations (PaymentService).
#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/barion/codec_internal.h"
#include "server/barion/money.h"

namespace barion_gateway::server {

namespace {

void WriteItems(Writer& w, const google::protobuf::RepeatedPtrField<v1::Item>& items) {
  Key(w, "Items");
  w.StartArray();
  for (const v1::Item& item : items) {
    w.StartObject();
    Str(w, "Name", item.name());
    Str(w, "Description", item.description());
    Str(w, "ImageUrl", item.image_url());
    Amount(w, "Quantity", item.quantity());
    Str(w, "Unit", item.unit());
    Amount(w, "UnitPrice", item.unit_price());
    Amount(w, "ItemTotal", item.item_total());
    Str(w, "SKU", item.sku());
    w.EndObject();
  }
  w.EndArray();
}

template <typename Address>
void WriteAddressCommon(Writer& w, const Address& a) {
  Str(w, "Country", a.country());
  Key(w, "Region");
  if (a.region().empty()) {
    w.Null();
  } else {
    w.String(a.region().c_str());
  }
  Str(w, "City", a.city());
  Str(w, "Zip", a.zip());
  Str(w, "Street", a.street());
  Str(w, "Street2", a.street2());
  Str(w, "Street3", a.street3());
}

void WritePayerAccount(Writer& w, const v1::PayerAccountInformation& p) {
  Key(w, "PayerAccountInformation");
  w.StartObject();
  Str(w, "AccountId", p.account_id());
  Time(w, "AccountCreated", p.account_created(), p.has_account_created());
  Enum(w, "AccountCreationIndicator", kAgeIndicators, p.account_creation_indicator());
  Time(w, "AccountLastChanged", p.account_last_changed(), p.has_account_last_changed());
  Enum(w, "AccountChangeIndicator", kAgeIndicators, p.account_change_indicator());
  Time(w, "PasswordLastChanged", p.password_last_changed(), p.has_password_last_changed());
  Enum(w, "PasswordChangeIndicator", kAgeIndicators, p.password_change_indicator());
  if (p.has_purchases_in_the_last6_months()) {
    Key(w, "PurchasesInTheLast6Months");
    w.Int(p.purchases_in_the_last6_months());
  }
  Time(w, "ShippingAddressAdded", p.shipping_address_added(), p.has_shipping_address_added());
  Enum(w, "ShippingAddressUsageIndicator", kAgeIndicators, p.shipping_address_usage_indicator());
  Time(w, "PaymentMethodAdded", p.payment_method_added(), p.has_payment_method_added());
  Enum(w, "PaymentMethodIndicator", kAgeIndicators, p.payment_method_indicator());
  if (p.has_provision_attempts()) {
    Key(w, "ProvisionAttempts");
    w.Int(p.provision_attempts());
  }
  if (p.has_transactional_activity_per_day()) {
    Key(w, "TransactionalActivityPerDay");
    w.Int(p.transactional_activity_per_day());
  }
  if (p.has_transactional_activity_per_year()) {
    Key(w, "TransactionalActivityPerYear");
    w.Int(p.transactional_activity_per_year());
  }
  Enum(w, "SuspiciousActivityIndicator", kSuspiciousActivity, p.suspicious_activity_indicator());
  w.EndObject();
}

void WritePurchaseInformation(Writer& w, const v1::PurchaseInformation& p) {
  Key(w, "PurchaseInformation");
  w.StartObject();
  Enum(w, "DeliveryTimeframe", kDeliveryTimeframes, p.delivery_timeframe());
  Str(w, "DeliveryEmailAddress", p.delivery_email_address());
  Time(w, "PreOrderDate", p.pre_order_date(), p.has_pre_order_date());
  Enum(w, "AvailabilityIndicator", kAvailability, p.availability_indicator());
  Enum(w, "ReOrderIndicator", kReOrder, p.re_order_indicator());
  Enum(w, "ShippingAddressIndicator", kShippingAddressIndicators, p.shipping_address_indicator());
  Time(w, "RecurringExpiry", p.recurring_expiry(), p.has_recurring_expiry());
  if (p.has_recurring_frequency()) {
    Key(w, "RecurringFrequency");
    w.Int(p.recurring_frequency());
  }
  Enum(w, "PurchaseType", kPurchaseTypes, p.purchase_type());
  if (p.has_gift_card_purchase()) {
    Key(w, "GiftCardPurchase");
    w.StartObject();
    Amount(w, "Amount", p.gift_card_purchase().amount());
    Key(w, "Count");
    w.Int(p.gift_card_purchase().count());
    w.EndObject();
  }
  Time(w, "PurchaseDate", p.purchase_date(), p.has_purchase_date());
  w.EndObject();
}

void WriteTransactionsToFinish(
    Writer& w, const google::protobuf::RepeatedPtrField<v1::TransactionToFinish>& transactions) {
  Key(w, "Transactions");
  w.StartArray();
  for (const v1::TransactionToFinish& t : transactions) {
    w.StartObject();
    Str(w, "TransactionId", t.transaction_id());
    Amount(w, "Total", t.total());
    Str(w, "Comment", t.comment());
    if (!t.payee_transactions().empty()) {
      Key(w, "PayeeTransactions");
      w.StartArray();
      for (const v1::PayeeTransactionToFinish& p : t.payee_transactions()) {
        w.StartObject();
        Str(w, "TransactionId", p.transaction_id());
        Amount(w, "Total", p.total());
        Str(w, "Comment", p.comment());
        w.EndObject();
      }
      w.EndArray();
    }
    if (!t.items().empty()) WriteItems(w, t.items());
    w.EndObject();
  }
  w.EndArray();
}

int CurrencyScaleOf(const std::string& currency) { return BarionCurrencyScale(currency); }

void ReadProcessedTransactions(const Value& root,
                               google::protobuf::RepeatedPtrField<v1::ProcessedTransaction>* out) {
  const Value* array = Member(root, "Transactions");
  if (array == nullptr || !array->IsArray()) return;
  for (const Value& t : array->GetArray()) {
    v1::ProcessedTransaction* p = out->Add();
    p->set_pos_transaction_id(Text(t, "POSTransactionId"));
    p->set_transaction_id(Text(t, "TransactionId"));
    p->set_status(Text(t, "Status"));
    p->set_currency(
        static_cast<v1::Currency>(ReadEnum(t, "Currency", kCurrencies, p->mutable_currency_raw())));
    if (!ReadTime(t, "TransactionTime", p->mutable_transaction_time())) {
      p->clear_transaction_time();
    }
    p->set_related_id(Text(t, "RelatedId"));
  }
}

void ReadItems(const Value& t, int scale, google::protobuf::RepeatedPtrField<v1::Item>* out) {
  const Value* array = Member(t, "Items");
  if (array == nullptr || !array->IsArray()) return;
  for (const Value& i : array->GetArray()) {
    v1::Item* item = out->Add();
    item->set_name(Text(i, "Name"));
    item->set_description(Text(i, "Description"));
    item->set_image_url(Text(i, "ImageUrl"));
    item->set_quantity(Text(i, "Quantity"));
    item->set_unit(Text(i, "Unit"));
    item->set_unit_price(CanonicalAmount(Text(i, "UnitPrice"), scale));
    item->set_item_total(CanonicalAmount(Text(i, "ItemTotal"), scale));
    item->set_sku(Text(i, "SKU"));
  }
}

bool ReadParticipant(const Value& t, const char* name, v1::Participant* out) {
  const Value* p = Member(t, name);
  if (p == nullptr || !p->IsObject()) return false;
  if (const Value* n = Member(*p, "Name"); n != nullptr && n->IsObject()) {
    v1::ParticipantName* pn = out->mutable_name();
    pn->set_login_name(Text(*n, "LoginName"));
    pn->set_first_name(Text(*n, "FirstName"));
    pn->set_last_name(Text(*n, "LastName"));
    pn->set_organization_name(Text(*n, "OrganizationName"));
  }
  out->set_email(Text(*p, "Email"));
  return true;
}

template <typename Response>
absl::Status DecodeFinishLike(const ParsedAnswer& answer, Response* out) {
  if (!answer.envelope().is_json_object) return NotAnObject();
  const rapidjson::Document& doc = DocumentOf(answer).doc;
  out->set_is_successful(Bool(doc, "IsSuccessful"));
  out->set_payment_id(Text(doc, "PaymentId"));
  out->set_payment_request_id(Text(doc, "PaymentRequestId"));
  out->set_status(static_cast<v1::PaymentStatus>(
      ReadEnum(doc, "Status", kPaymentStatuses, out->mutable_status_raw())));
  ReadProcessedTransactions(doc, out->mutable_transactions());
  return absl::OkStatus();
}

// PaymentState's Transactions; amounts at their currency's scale (the payment's by default).
void ReadDetailedTransactions(const Value& doc, int scale,
                              google::protobuf::RepeatedPtrField<v1::DetailedTransaction>* out) {
  const Value* a = Member(doc, "Transactions");
  if (a == nullptr || !a->IsArray()) return;
  for (const Value& t : a->GetArray()) {
    v1::DetailedTransaction* d = out->Add();
    d->set_transaction_id(Text(t, "TransactionId"));
    d->set_pos_transaction_id(Text(t, "POSTransactionId"));
    if (!ReadTime(t, "TransactionTime", d->mutable_transaction_time())) {
      d->clear_transaction_time();
    }
    d->set_currency(
        static_cast<v1::Currency>(ReadEnum(t, "Currency", kCurrencies, d->mutable_currency_raw())));
    const int tscale = d->currency_raw().empty() ? scale : CurrencyScaleOf(d->currency_raw());
    d->set_total(CanonicalAmount(Text(t, "Total"), tscale));
    if (!ReadParticipant(t, "Payer", d->mutable_payer())) d->clear_payer();
    if (!ReadParticipant(t, "Payee", d->mutable_payee())) d->clear_payee();
    d->set_comment(Text(t, "Comment"));
    d->set_status(Text(t, "Status"));
    d->set_transaction_type(Text(t, "TransactionType"));
    ReadItems(t, tscale, d->mutable_items());
    d->set_related_id(Text(t, "RelatedId"));
    d->set_pos_id(Text(t, "POSId"));
    d->set_payment_id(Text(t, "PaymentId"));
  }
}

void ReadFundingInformation(const Value& fi, v1::FundingInformation* info) {
  if (const Value* card = Member(fi, "BankCard"); card != nullptr && card->IsObject()) {
    v1::BankCard* bc = info->mutable_bank_card();
    bc->set_masked_pan(Text(*card, "MaskedPan"));
    bc->set_bank_card_type(Text(*card, "BankCardType"));
    bc->set_valid_thru_year(Text(*card, "ValidThruYear"));
    bc->set_valid_thru_month(Text(*card, "ValidThruMonth"));
  }
  info->set_authorization_code(Text(fi, "AuthorizationCode"));
  info->set_process_result(Text(fi, "ProcessResult"));
}

}  // namespace

// The members of a Payment/Start request. Google Pay's input extends Payment/Start v2, funding
// sources and guest checkout included (both required there); Apple Pay's has its own instrument:
// no funding choice and no guest checkout.
void WriteStartMembers(Writer& w, const v1::StartPaymentRequest& r, bool apple_pay) {
  Enum(w, "PaymentType", kPaymentTypes, r.payment_type());
  Span(w, "ReservationPeriod", r.reservation_period(), r.has_reservation_period());
  Span(w, "DelayedCapturePeriod", r.delayed_capture_period(), r.has_delayed_capture_period());
  Span(w, "PaymentWindow", r.payment_window(), r.has_payment_window());
  if (!apple_pay) {
    Key(w, "GuestCheckOut");
    w.Bool(r.guest_check_out());
  }
  Key(w, "InitiateRecurrence");
  w.Bool(r.initiate_recurrence());
  Str(w, "RecurrenceId", r.recurrence_id());
  if (!apple_pay) {
    Key(w, "FundingSources");
    w.StartArray();
    for (int fs : r.funding_sources()) {
      if (const char* name = NameOf(kFundingSources, fs)) w.String(name);
    }
    w.EndArray();
  }
  Str(w, "PaymentRequestId", r.payment_request_id());
  Str(w, "PayerHint", r.payer_hint());
  Str(w, "CardHolderNameHint", r.card_holder_name_hint());
  Enum(w, "RecurrenceType", kRecurrenceTypes, r.recurrence_type());
  Str(w, "TraceId", r.trace_id());  // byte for byte: never trimmed
  Str(w, "RedirectUrl", r.redirect_url());
  Str(w, "CallbackUrl", r.callback_url());
  Key(w, "Transactions");
  w.StartArray();
  for (const v1::PaymentTransaction& t : r.transactions()) {
    w.StartObject();
    Str(w, "POSTransactionId", t.pos_transaction_id());
    Str(w, "Payee", t.payee());
    Amount(w, "Total", t.total());
    Str(w, "Comment", t.comment());
    if (!t.payee_transactions().empty()) {
      Key(w, "PayeeTransactions");
      w.StartArray();
      for (const v1::PayeeTransaction& p : t.payee_transactions()) {
        w.StartObject();
        Str(w, "POSTransactionId", p.pos_transaction_id());
        Str(w, "Payee", p.payee());
        Amount(w, "Total", p.total());
        Str(w, "Comment", p.comment());
        w.EndObject();
      }
      w.EndArray();
    }
    WriteItems(w, t.items());
    w.EndObject();
  }
  w.EndArray();
  Str(w, "OrderNumber", r.order_number());
  if (r.has_shipping_address()) {
    Key(w, "ShippingAddress");
    w.StartObject();
    WriteAddressCommon(w, r.shipping_address());
    Str(w, "FullName", r.shipping_address().full_name());
    w.EndObject();
  }
  Str(w, "Locale", r.locale());
  Enum(w, "Currency", kCurrencies, r.currency());
  Str(w, "PayerPhoneNumber", r.payer_phone_number());
  Str(w, "PayerWorkPhoneNumber", r.payer_work_phone_number());
  Str(w, "PayerHomeNumber", r.payer_home_number());
  if (r.has_billing_address()) {
    Key(w, "BillingAddress");
    w.StartObject();
    WriteAddressCommon(w, r.billing_address());
    w.EndObject();
  }
  if (r.has_payer_account_information()) WritePayerAccount(w, r.payer_account_information());
  if (r.has_purchase_information()) WritePurchaseInformation(w, r.purchase_information());
  Enum(w, "ChallengePreference", kChallengePreferences, r.challenge_preference());
}

std::string EncodeStartPayment(const v1::StartPaymentRequest& r) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  WriteStartMembers(w, r, /*apple_pay=*/false);
  w.EndObject();
  return Finish(buffer);
}

std::string EncodeStartApplePayPayment(const v1::StartApplePayPaymentRequest& r) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  WriteStartMembers(w, r.payment(), /*apple_pay=*/true);
  for (auto [key, c] : {std::pair{"ShippingContact", &r.shipping_contact()},
                        std::pair{"BillingContact", &r.billing_contact()}}) {
    Key(w, key);
    w.StartObject();
    Str(w, "GivenName", c->given_name());
    Str(w, "FamilyName", c->family_name());
    Str(w, "EmailAddress", c->email_address());
    Str(w, "PhoneNumber", c->phone_number());
    const v1::ApplePayPostalAddress& a = c->postal_address();
    Key(w, "PostalAddress");
    w.StartObject();
    Str(w, "Street", a.street());
    Str(w, "City", a.city());
    Str(w, "PostalCode", a.postal_code());
    Str(w, "State", a.state());
    Str(w, "Country", a.country());
    Str(w, "IsoCountryCode", a.iso_country_code());
    w.EndObject();
    w.EndObject();
  }
  Key(w, "ApplePayToken");
  w.StartObject();
  Str(w, "TransactionIdentifier", r.token().transaction_identifier());
  Key(w, "PaymentData");
  w.StartObject();
  const v1::ApplePayPaymentData& d = r.token().payment_data();
  Str(w, "Data", d.data());
  Str(w, "Signature", d.signature());
  Key(w, "Header");
  w.StartObject();
  Str(w, "EphemeralPublicKey", d.header().ephemeral_public_key());
  Str(w, "PublicKeyHash", d.header().public_key_hash());
  Str(w, "TransactionId", d.header().transaction_id());
  w.EndObject();
  Str(w, "Version", d.version());
  w.EndObject();
  w.EndObject();
  w.EndObject();
  return Finish(buffer);
}

std::string EncodeValidateApplePaySession(const v1::ValidateApplePaySessionRequest& r) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  Str(w, "SessionRequestUrl", r.session_request_url());
  Str(w, "ShopUrl", r.shop_url());
  w.EndObject();
  return Finish(buffer);
}

std::string EncodeStartGooglePayPayment(const v1::StartGooglePayPaymentRequest& r) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  WriteStartMembers(w, r.payment(), /*apple_pay=*/false);
  Str(w, "PayerEmailAddress", r.payer_email_address());
  Str(w, "GooglePayToken", r.google_pay_token());
  w.EndObject();
  return Finish(buffer);
}

namespace {

// FinishReservation and Capture send the same shape.
template <typename Request>
std::string EncodeTransactionsToFinish(const Request& r) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  Str(w, "PaymentId", r.payment_id());
  WriteTransactionsToFinish(w, r.transactions());
  w.EndObject();
  return Finish(buffer);
}

// CancelAuthorization and Complete send only the payment id.
std::string EncodePaymentIdOnly(const std::string& payment_id) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  Str(w, "PaymentId", payment_id);
  w.EndObject();
  return Finish(buffer);
}

}  // namespace

std::string EncodeFinishReservation(const v1::FinishReservationRequest& r) {
  return EncodeTransactionsToFinish(r);
}

std::string EncodeCapture(const v1::CaptureRequest& r) { return EncodeTransactionsToFinish(r); }

std::string EncodeCancelAuthorization(const v1::CancelAuthorizationRequest& r) {
  return EncodePaymentIdOnly(r.payment_id());
}

std::string EncodeRefund(const v1::RefundRequest& r) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  Str(w, "PaymentId", r.payment_id());
  Key(w, "TransactionsToRefund");
  w.StartArray();
  for (const v1::TransactionToRefund& t : r.transactions_to_refund()) {
    w.StartObject();
    Str(w, "TransactionId", t.transaction_id());
    Str(w, "POSTransactionId", t.pos_transaction_id());
    Amount(w, "AmountToRefund", t.amount_to_refund());
    Str(w, "Comment", t.comment());
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return Finish(buffer);
}

std::string EncodeComplete(const v1::CompleteRequest& r) {
  return EncodePaymentIdOnly(r.payment_id());
}

absl::Status DecodeStartPayment(const ParsedAnswer& answer, v1::StartPaymentResponse* out) {
  if (!answer.envelope().is_json_object) return NotAnObject();
  const rapidjson::Document& doc = DocumentOf(answer).doc;
  out->set_payment_id(Text(doc, "PaymentId"));
  out->set_payment_request_id(Text(doc, "PaymentRequestId"));
  out->set_status(static_cast<v1::PaymentStatus>(
      ReadEnum(doc, "Status", kPaymentStatuses, out->mutable_status_raw())));
  out->set_qr_url(Text(doc, "QRUrl"));
  ReadProcessedTransactions(doc, out->mutable_transactions());
  out->set_recurrence_result(static_cast<v1::RecurrenceResult>(
      ReadEnum(doc, "RecurrenceResult", kRecurrenceResults, out->mutable_recurrence_result_raw())));
  if (Member(doc, "ThreeDSAuthClientData") != nullptr) {
    out->set_three_ds_auth_client_data(
        CopyMemberVerbatim(DocumentOf(answer).body, "ThreeDSAuthClientData"));
  }
  out->set_gateway_url(Text(doc, "GatewayUrl"));
  out->set_redirect_url(Text(doc, "RedirectUrl"));
  out->set_callback_url(Text(doc, "CallbackUrl"));
  out->set_trace_id(Text(doc, "TraceId"));
  out->set_is_successful(Bool(doc, "IsSuccessful"));
  return absl::OkStatus();
}

namespace {

// The answer of a wallet-token start (Google Pay, Apple Pay).
template <typename Response>
absl::Status DecodeTokenStart(const ParsedAnswer& answer, Response* out) {
  if (!answer.envelope().is_json_object) return NotAnObject();
  const rapidjson::Document& doc = DocumentOf(answer).doc;
  out->set_payment_id(Text(doc, "PaymentId"));
  out->set_payment_request_id(Text(doc, "PaymentRequestId"));
  // Sources name it PaymentStatus; Start's own name is Status.
  const char* status = Member(doc, "PaymentStatus") != nullptr ? "PaymentStatus" : "Status";
  out->set_status(static_cast<v1::PaymentStatus>(
      ReadEnum(doc, status, kPaymentStatuses, out->mutable_status_raw())));
  if (Member(doc, "ThreeDSAuthClientData") != nullptr) {
    out->set_three_ds_auth_client_data(
        CopyMemberVerbatim(DocumentOf(answer).body, "ThreeDSAuthClientData"));
  }
  out->set_trace_id(Text(doc, "TraceId"));
  if constexpr (std::is_same_v<Response, v1::StartGooglePayPaymentResponse>) {
    out->set_is_successful(Bool(doc, "IsSuccessful"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status DecodeStartGooglePayPayment(const ParsedAnswer& answer,
                                         v1::StartGooglePayPaymentResponse* out) {
  return DecodeTokenStart(answer, out);
}

absl::Status DecodeStartApplePayPayment(const ParsedAnswer& answer,
                                        v1::StartApplePayPaymentResponse* out) {
  return DecodeTokenStart(answer, out);
}

absl::Status DecodeValidateApplePaySession(const ParsedAnswer& answer,
                                           v1::ValidateApplePaySessionResponse* out) {
  if (!answer.envelope().is_json_object) return NotAnObject();
  out->set_merchant_session_json(CopyDocument(DocumentOf(answer).body));
  return absl::OkStatus();
}

absl::Status DecodePaymentState(const ParsedAnswer& answer, v1::GetPaymentStateResponse* out) {
  if (!answer.envelope().is_json_object) return NotAnObject();
  const rapidjson::Document& doc = DocumentOf(answer).doc;
  out->set_payment_id(Text(doc, "PaymentId"));
  out->set_payment_request_id(Text(doc, "PaymentRequestId"));
  out->set_order_number(Text(doc, "OrderNumber"));
  out->set_pos_id(Text(doc, "POSId"));
  out->set_pos_name(Text(doc, "POSName"));
  out->set_pos_owner_email(Text(doc, "POSOwnerEmail"));
  out->set_pos_owner_country(Text(doc, "POSOwnerCountry"));
  out->set_status(static_cast<v1::PaymentStatus>(
      ReadEnum(doc, "Status", kPaymentStatuses, out->mutable_status_raw())));
  out->set_payment_type(static_cast<v1::PaymentType>(
      ReadEnum(doc, "PaymentType", kPaymentTypes, out->mutable_payment_type_raw())));
  out->set_funding_source(static_cast<v1::FundingSource>(
      ReadEnum(doc, "FundingSource", kFundingSources, out->mutable_funding_source_raw())));
  out->set_recurrence_type(static_cast<v1::RecurrenceType>(
      ReadEnum(doc, "RecurrenceType", kRecurrenceTypes, out->mutable_recurrence_type_raw())));
  out->set_trace_id(Text(doc, "TraceId"));
  if (const Value* fi = Member(doc, "FundingInformation"); fi != nullptr && fi->IsObject()) {
    ReadFundingInformation(*fi, out->mutable_funding_information());
  }
  if (const Value* a = Member(doc, "AllowedFundingSources"); a != nullptr && a->IsArray()) {
    for (const Value& fs : a->GetArray()) {
      if (!fs.IsString()) continue;
      out->add_allowed_funding_sources_raw(fs.GetString());
      out->add_allowed_funding_sources(
          static_cast<v1::FundingSource>(ValueOf(kFundingSources, fs.GetString())));
    }
  }
  out->set_guest_checkout(Bool(doc, "GuestCheckout"));
  if (!ReadTime(doc, "CreatedAt", out->mutable_created_at())) out->clear_created_at();
  if (!ReadTime(doc, "ValidUntil", out->mutable_valid_until())) out->clear_valid_until();
  if (!ReadTime(doc, "CompletedAt", out->mutable_completed_at())) out->clear_completed_at();
  if (!ReadTime(doc, "ReservedUntil", out->mutable_reserved_until())) out->clear_reserved_until();
  if (!ReadTime(doc, "DelayedCaptureUntil", out->mutable_delayed_capture_until())) {
    out->clear_delayed_capture_until();
  }
  out->set_currency(static_cast<v1::Currency>(
      ReadEnum(doc, "Currency", kCurrencies, out->mutable_currency_raw())));
  const int scale = CurrencyScaleOf(out->currency_raw());
  ReadDetailedTransactions(doc, scale, out->mutable_transactions());
  out->set_total(CanonicalAmount(Text(doc, "Total"), scale));
  out->set_suggested_locale(Text(doc, "SuggestedLocale"));
  int score;
  if (absl::SimpleAtoi(Text(doc, "FraudRiskScore"), &score)) out->set_fraud_risk_score(score);
  out->set_redirect_url(Text(doc, "RedirectUrl"));
  out->set_callback_url(Text(doc, "CallbackUrl"));
  out->set_payment_method(static_cast<v1::PaymentMethod>(
      ReadEnum(doc, "PaymentMethod", kPaymentMethods, out->mutable_payment_method_raw())));
  return absl::OkStatus();
}

absl::Status DecodeFinishReservation(const ParsedAnswer& answer,
                                     v1::FinishReservationResponse* out) {
  return DecodeFinishLike(answer, out);
}

absl::Status DecodeCapture(const ParsedAnswer& answer, v1::CaptureResponse* out) {
  return DecodeFinishLike(answer, out);
}

absl::Status DecodeCancelAuthorization(const ParsedAnswer& answer,
                                       v1::CancelAuthorizationResponse* out) {
  return DecodeFinishLike(answer, out);
}

absl::Status DecodeRefund(const ParsedAnswer& answer, v1::RefundResponse* out) {
  if (!answer.envelope().is_json_object) return NotAnObject();
  const rapidjson::Document& doc = DocumentOf(answer).doc;
  out->set_payment_id(Text(doc, "PaymentId"));
  if (const Value* a = Member(doc, "RefundedTransactions"); a != nullptr && a->IsArray()) {
    for (const Value& t : a->GetArray()) {
      v1::RefundedTransaction* r = out->add_refunded_transactions();
      r->set_transaction_id(Text(t, "TransactionId"));
      r->set_total(Text(t, "Total"));
      r->set_pos_transaction_id(Text(t, "POSTransactionId"));
      r->set_comment(Text(t, "Comment"));
      r->set_status(Text(t, "Status"));
    }
  }
  return absl::OkStatus();
}

absl::Status DecodeComplete(const ParsedAnswer& answer, v1::CompleteResponse* out) {
  if (!answer.envelope().is_json_object) return NotAnObject();
  const rapidjson::Document& doc = DocumentOf(answer).doc;
  out->set_payment_id(Text(doc, "PaymentId"));
  out->set_payment_request_id(Text(doc, "PaymentRequestId"));
  // Current docs name it PaymentStatus; older ones Status.
  const char* key = Member(doc, "PaymentStatus") != nullptr ? "PaymentStatus" : "Status";
  out->set_payment_status(static_cast<v1::PaymentStatus>(
      ReadEnum(doc, key, kPaymentStatuses, out->mutable_payment_status_raw())));
  out->set_is_successful(Bool(doc, "IsSuccessful"));
  out->set_trace_id(Text(doc, "TraceId"));
  return absl::OkStatus();
}

}  // namespace barion_gateway::server
