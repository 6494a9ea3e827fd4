#include "server/barion/codec.h"

#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/time_util.h"
#include "rapidjson/document.h"
#include "rapidjson/memorystream.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "server/barion/money.h"

namespace barion_gateway::server {
namespace {

namespace v1 = ::barion::v1;
using google::protobuf::Timestamp;
using google::protobuf::util::TimeUtil;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
using Value = rapidjson::Value;

// ---------------------------------------------------------------------------------------------
// Enum tables: proto value <-> Barion's name. One table per enum serves both directions.

struct EnumName {
  int value;
  const char* name;
};

constexpr EnumName kPaymentTypes[] = {
    {v1::PAYMENT_TYPE_IMMEDIATE, "Immediate"},
    {v1::PAYMENT_TYPE_RESERVATION, "Reservation"},
    {v1::PAYMENT_TYPE_DELAYED_CAPTURE, "DelayedCapture"},
};
constexpr EnumName kPaymentStatuses[] = {
    {v1::PAYMENT_STATUS_PREPARED, "Prepared"},
    {v1::PAYMENT_STATUS_STARTED, "Started"},
    {v1::PAYMENT_STATUS_IN_PROGRESS, "InProgress"},
    {v1::PAYMENT_STATUS_WAITING, "Waiting"},
    {v1::PAYMENT_STATUS_RESERVED, "Reserved"},
    {v1::PAYMENT_STATUS_AUTHORIZED, "Authorized"},
    {v1::PAYMENT_STATUS_CANCELED, "Canceled"},
    {v1::PAYMENT_STATUS_SUCCEEDED, "Succeeded"},
    {v1::PAYMENT_STATUS_FAILED, "Failed"},
    {v1::PAYMENT_STATUS_PARTIALLY_SUCCEEDED, "PartiallySucceeded"},
    {v1::PAYMENT_STATUS_EXPIRED, "Expired"},
};
constexpr EnumName kFundingSources[] = {
    {v1::FUNDING_SOURCE_ALL, "All"},
    {v1::FUNDING_SOURCE_BALANCE, "Balance"},
    {v1::FUNDING_SOURCE_BANK_CARD, "BankCard"},
    {v1::FUNDING_SOURCE_GOOGLE_PAY, "GooglePay"},
    {v1::FUNDING_SOURCE_APPLE_PAY, "ApplePay"},
    {v1::FUNDING_SOURCE_BANK_TRANSFER, "BankTransfer"},
};
constexpr EnumName kCurrencies[] = {
    {v1::CURRENCY_HUF, "HUF"}, {v1::CURRENCY_EUR, "EUR"}, {v1::CURRENCY_USD, "USD"},
    {v1::CURRENCY_CZK, "CZK"}, {v1::CURRENCY_RON, "RON"}, {v1::CURRENCY_PLN, "PLN"},
};
constexpr EnumName kBankAccountFormats[] = {
    {v1::BANK_ACCOUNT_FORMAT_UNKNOWN, "Unknown"},
    {v1::BANK_ACCOUNT_FORMAT_GIRO, "Giro"},
    {v1::BANK_ACCOUNT_FORMAT_IBAN, "IBAN"},
    {v1::BANK_ACCOUNT_FORMAT_CZECH, "Czech"},
};
constexpr EnumName kBalanceChanges[] = {
    {v1::BALANCE_CHANGE_NO_CHANGE, "NoChange"},
    {v1::BALANCE_CHANGE_CREDIT, "Credit"},
    {v1::BALANCE_CHANGE_DEBIT, "Debit"},
};
constexpr EnumName kRecurrenceTypes[] = {
    {v1::RECURRENCE_TYPE_MERCHANT_INITIATED_PAYMENT, "MerchantInitiatedPayment"},
    {v1::RECURRENCE_TYPE_ONE_CLICK_PAYMENT, "OneClickPayment"},
    {v1::RECURRENCE_TYPE_RECURRING_PAYMENT, "RecurringPayment"},
};
constexpr EnumName kRecurrenceResults[] = {
    {v1::RECURRENCE_RESULT_NONE, "None"},
    {v1::RECURRENCE_RESULT_SUCCESSFUL, "Successful"},
    {v1::RECURRENCE_RESULT_FAILED, "Failed"},
    {v1::RECURRENCE_RESULT_NOT_FOUND, "NotFound"},
    {v1::RECURRENCE_RESULT_THREE_DS_AUTHENTICATION_REQUIRED, "ThreeDSAuthenticationRequired"},
};
constexpr EnumName kChallengePreferences[] = {
    {v1::CHALLENGE_PREFERENCE_NO_PREFERENCE, "NoPreference"},
    {v1::CHALLENGE_PREFERENCE_CHALLENGE_REQUIRED, "ChallengeRequired"},
    {v1::CHALLENGE_PREFERENCE_NO_CHALLENGE_NEEDED, "NoChallengeNeeded"},
};
constexpr EnumName kPaymentMethods[] = {
    {v1::PAYMENT_METHOD_UNKNOWN, "Unknown"},    {v1::PAYMENT_METHOD_BARION_WALLET, "BarionWallet"},
    {v1::PAYMENT_METHOD_BANK_CARD, "BankCard"}, {v1::PAYMENT_METHOD_GOOGLE_PAY, "GooglePay"},
    {v1::PAYMENT_METHOD_APPLE_PAY, "ApplePay"}, {v1::PAYMENT_METHOD_OPEN_BANKING, "OpenBanking"},
    {v1::PAYMENT_METHOD_OTHER, "Other"},
};
constexpr EnumName kAgeIndicators[] = {
    {v1::AGE_INDICATOR_NO_ACCOUNT, "NoAccount"},
    {v1::AGE_INDICATOR_CREATED_DURING_THIS_TRANSACTION, "CreatedDuringThisTransaction"},
    {v1::AGE_INDICATOR_CHANGED_DURING_THIS_TRANSACTION, "ChangedDuringThisTransaction"},
    {v1::AGE_INDICATOR_NO_CHANGE, "NoChange"},
    {v1::AGE_INDICATOR_THIS_TRANSACTION, "ThisTransaction"},
    {v1::AGE_INDICATOR_LESS_THAN_30_DAYS, "LessThan30Days"},
    {v1::AGE_INDICATOR_BETWEEN_30_AND_60_DAYS, "Between30And60Days"},
    {v1::AGE_INDICATOR_MORE_THAN_60_DAYS, "MoreThan60Days"},
};
constexpr EnumName kSuspiciousActivity[] = {
    {v1::SUSPICIOUS_ACTIVITY_INDICATOR_NO_SUSPICIOUS_ACTIVITY_OBSERVED,
     "NoSuspiciousActivityObserved"},
    {v1::SUSPICIOUS_ACTIVITY_INDICATOR_SUSPICIOUS_ACTIVITY_OBSERVED, "SuspiciousActivityObserved"},
};
constexpr EnumName kDeliveryTimeframes[] = {
    {v1::DELIVERY_TIMEFRAME_ELECTRONIC_DELIVERY, "ElectronicDelivery"},
    {v1::DELIVERY_TIMEFRAME_SAME_DAY_SHIPPING, "SameDayShipping"},
    {v1::DELIVERY_TIMEFRAME_OVERNIGHT_SHIPPING, "OvernightShipping"},
    {v1::DELIVERY_TIMEFRAME_TWO_DAY_OR_MORE_SHIPPING, "TwoDayOrMoreShipping"},
};
constexpr EnumName kAvailability[] = {
    {v1::AVAILABILITY_INDICATOR_MERCHANDISE_AVAILABLE, "MerchandiseAvailable"},
    {v1::AVAILABILITY_INDICATOR_FUTURE_AVAILABILITY, "FutureAvailability"},
};
constexpr EnumName kReOrder[] = {
    {v1::RE_ORDER_INDICATOR_FIRST_TIME_ORDERED, "FirstTimeOrdered"},
    {v1::RE_ORDER_INDICATOR_REORDERED, "Reordered"},
};
constexpr EnumName kShippingAddressIndicators[] = {
    {v1::SHIPPING_ADDRESS_INDICATOR_SHIP_TO_CARDHOLDERS_BILLING_ADDRESS,
     "ShipToCardholdersBillingAddress"},
    {v1::SHIPPING_ADDRESS_INDICATOR_SHIP_TO_ANOTHER_VERIFIED_ADDRESS,
     "ShipToAnotherVerifiedAddress"},
    {v1::SHIPPING_ADDRESS_INDICATOR_SHIP_TO_DIFFERENT_ADDRESS, "ShipToDifferentAddress"},
    {v1::SHIPPING_ADDRESS_INDICATOR_SHIP_TO_STORE, "ShipToStore"},
    {v1::SHIPPING_ADDRESS_INDICATOR_DIGITAL_GOODS, "DigitalGoods"},
    {v1::SHIPPING_ADDRESS_INDICATOR_TRAVEL_AND_EVENT_TICKETS, "TravelAndEventTickets"},
    {v1::SHIPPING_ADDRESS_INDICATOR_OTHER, "Other"},
};
constexpr EnumName kPurchaseTypes[] = {
    {v1::PURCHASE_TYPE_GOODS_AND_SERVICE_PURCHASE, "GoodsAndServicePurchase"},
    {v1::PURCHASE_TYPE_CHECK_ACCEPTANCE, "CheckAcceptance"},
    {v1::PURCHASE_TYPE_ACCOUNT_FUNDING, "AccountFunding"},
    {v1::PURCHASE_TYPE_QUASI_CASH_TRANSACTION, "QuasiCashTransaction"},
    {v1::PURCHASE_TYPE_PRE_PAID_VACATION_AND_LOAN, "PrePaidVacationAndLoan"},
};

template <size_t N>
const char* NameOf(const EnumName (&table)[N], int value) {
  for (const EnumName& e : table) {
    if (e.value == value) return e.name;
  }
  return nullptr;
}

// Barion's binder is case-insensitive, and the PHP library's "Bankcard"/"Mastercard" spellings
// are seen in the wild: match names ignoring case. 0 when unknown.
template <size_t N>
int ValueOf(const EnumName (&table)[N], absl::string_view name) {
  for (const EnumName& e : table) {
    if (absl::EqualsIgnoreCase(name, e.name)) return e.value;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Writing.

void Key(Writer& w, const char* key) { w.Key(key); }

void Str(Writer& w, const char* key, const std::string& value) {
  if (value.empty()) return;
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

// An amount is written as the JSON number text it already is (validated before encoding).
void Amount(Writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.RawValue(value.data(), value.size(), rapidjson::kNumberType);
}

template <size_t N>
void Enum(Writer& w, const char* key, const EnumName (&table)[N], int value) {
  const char* name = NameOf(table, value);
  if (name == nullptr) return;  // UNSPECIFIED: not sent
  w.Key(key);
  w.String(name);
}

void Time(Writer& w, const char* key, const Timestamp& ts, bool present) {
  if (!present) return;
  w.Key(key);
  std::string text = FormatBarionTime(absl::FromUnixNanos(TimeUtil::TimestampToNanoseconds(ts)));
  w.String(text.c_str());
}

void Span(Writer& w, const char* key, const google::protobuf::Duration& d, bool present) {
  if (!present) return;
  w.Key(key);
  std::string text = FormatTimeSpan(absl::Seconds(d.seconds()));
  w.String(text.c_str());
}

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

std::string Finish(rapidjson::StringBuffer& buffer) {
  return std::string(buffer.GetString(), buffer.GetSize());
}

// ---------------------------------------------------------------------------------------------
// Reading. Every accessor tolerates absence, null and a wrong type (treated as absent).

const Value* Member(const Value& object, const char* name) {
  if (!object.IsObject()) return nullptr;
  // Barion writes its documented names: an exact match is the common, cheap case.
  if (auto it = object.FindMember(name); it != object.MemberEnd()) {
    return it->value.IsNull() ? nullptr : &it->value;
  }
  for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
    if (absl::EqualsIgnoreCase(absl::string_view(it->name.GetString(), it->name.GetStringLength()),
                               name)) {
      return it->value.IsNull() ? nullptr : &it->value;
    }
  }
  return nullptr;
}

// Strings and numbers (parsed as strings) both read as their text.
std::string Text(const Value& object, const char* name) {
  const Value* v = Member(object, name);
  if (v == nullptr) return "";
  if (v->IsString()) return std::string(v->GetString(), v->GetStringLength());
  if (v->IsBool()) return v->GetBool() ? "true" : "false";
  return "";
}

bool Bool(const Value& object, const char* name) {
  const Value* v = Member(object, name);
  if (v == nullptr) return false;
  if (v->IsBool()) return v->GetBool();
  if (v->IsString()) return absl::EqualsIgnoreCase(v->GetString(), "true");
  return false;
}

bool ReadTime(const Value& object, const char* name, Timestamp* out) {
  absl::Time t;
  if (!ParseBarionTime(Text(object, name), &t)) return false;
  *out = TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
  return true;
}

template <size_t N>
int ReadEnum(const Value& object, const char* name, const EnumName (&table)[N], std::string* raw) {
  std::string text = Text(object, name);
  if (raw != nullptr) *raw = text;
  return ValueOf(table, text);
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

absl::Status NotAnObject() { return absl::InvalidArgumentError("answer is not a JSON object"); }

}  // namespace

struct ParsedAnswer::Document {
  rapidjson::Document doc;
  std::string body;  // kept for members that must be re-emitted verbatim
};

namespace {

// SAX filter: forwards to a Writer only the value of one top-level member, numbers as their
// raw text, so that an opaque object (ThreeDSAuthClientData) is passed on unchanged.
class MemberCopier {
 public:
  MemberCopier(const char* name, Writer* out) : name_(name), out_(out) {}
  bool Null() {
    return Emit([&] { return out_->Null(); });
  }
  bool Bool(bool b) {
    return Emit([&] { return out_->Bool(b); });
  }
  bool Int(int i) {
    return Emit([&] { return out_->Int(i); });
  }
  bool Uint(unsigned u) {
    return Emit([&] { return out_->Uint(u); });
  }
  bool Int64(int64_t i) {
    return Emit([&] { return out_->Int64(i); });
  }
  bool Uint64(uint64_t u) {
    return Emit([&] { return out_->Uint64(u); });
  }
  bool Double(double d) {
    return Emit([&] { return out_->Double(d); });
  }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
    return Emit([&] { return out_->RawValue(s, n, rapidjson::kNumberType); });
  }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    return Emit([&] { return out_->String(s, n); });
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    if (depth_ == 1 && !copying_) {
      selected_ = absl::EqualsIgnoreCase(absl::string_view(s, n), name_);
      return true;
    }
    return copying_ ? out_->Key(s, n) : true;
  }
  bool StartObject() {
    return Open([&] { return out_->StartObject(); });
  }
  bool EndObject(rapidjson::SizeType) {
    return Close([&] { return out_->EndObject(); });
  }
  bool StartArray() {
    return Open([&] { return out_->StartArray(); });
  }
  bool EndArray(rapidjson::SizeType) {
    return Close([&] { return out_->EndArray(); });
  }

 private:
  // Only the first occurrence of the member is copied: a repeated key must not make the writer
  // emit a second root value (found by tests/fuzz/codec_fuzzer.cc).
  template <typename F>
  bool Emit(F f) {
    if (copying_) return f();
    if (depth_ == 1 && selected_) {
      selected_ = false;
      if (copied_) return true;
      copied_ = true;
      return f();
    }
    return true;
  }
  template <typename F>
  bool Open(F f) {
    ++depth_;
    if (!copying_ && depth_ == 2 && selected_) {
      selected_ = false;
      if (!copied_) {
        copying_ = true;
        copied_ = true;
        copy_depth_ = depth_;
      }
    }
    return copying_ ? f() : true;
  }
  template <typename F>
  bool Close(F f) {
    bool ok = true;
    if (copying_) {
      ok = f();
      if (depth_ == copy_depth_) copying_ = false;
    }
    --depth_;
    return ok;
  }

  const char* name_;
  Writer* out_;
  int depth_ = 0;
  int copy_depth_ = 0;
  bool selected_ = false;
  bool copying_ = false;
  bool copied_ = false;
};

// Numbers keep their exact text (money). Text that is not UTF-8 fails the parse: protobuf strings
// must be UTF-8, and a client would refuse the whole response.
constexpr unsigned kParseFlags =
    rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseValidateEncodingFlag;

// The whole document re-written compactly, numbers as their raw text. Unlike the body itself it
// holds nothing but the parsed JSON (a body may carry bytes after a NUL that ends the parse).
std::string CopyDocument(const std::string& body) {
  // RapidJSON 1.1's Writer::RawNumber would quote the number.
  struct VerbatimWriter : Writer {
    using Writer::Writer;
    bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
      return RawValue(s, n, rapidjson::kNumberType);
    }
  };
  rapidjson::StringBuffer buffer;
  VerbatimWriter w(buffer);
  rapidjson::Reader reader;
  rapidjson::MemoryStream stream(body.data(), body.size());
  if (reader.Parse<kParseFlags>(stream, w).IsError()) return "";
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string CopyMemberVerbatim(const std::string& body, const char* name) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  MemberCopier copier(name, &w);
  rapidjson::Reader reader;
  rapidjson::MemoryStream stream(body.data(), body.size());
  reader.Parse<kParseFlags>(stream, copier);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

const ParsedAnswer::Document& DocumentOf(const ParsedAnswer& answer) { return *answer.document_; }

namespace {

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

}  // namespace

// ---------------------------------------------------------------------------------------------

std::string CurrencyCode(v1::Currency currency) {
  const char* name = NameOf(kCurrencies, currency);
  return name == nullptr ? "" : name;
}

std::string FormatTimeSpan(absl::Duration d) {
  int64_t total = absl::ToInt64Seconds(d);
  if (total < 0) total = 0;
  const int64_t days = total / 86400;
  const int64_t hours = (total / 3600) % 24;
  const int64_t minutes = (total / 60) % 60;
  const int64_t seconds = total % 60;
  if (days > 0) return absl::StrFormat("%d.%02d:%02d:%02d", days, hours, minutes, seconds);
  return absl::StrFormat("%02d:%02d:%02d", hours, minutes, seconds);
}

bool ParseBarionTime(absl::string_view text, absl::Time* out) {
  if (text.empty()) return false;
  absl::string_view t = absl::StripSuffix(absl::StripSuffix(text, "Z"), "z");
  std::string err;
  absl::Time parsed;
  if (!absl::ParseTime("%Y-%m-%dT%H:%M:%E*S", t, absl::UTCTimeZone(), &parsed, &err)) {
    return false;
  }
  if (parsed < absl::FromCivil(absl::CivilSecond(1970, 1, 2), absl::UTCTimeZone())) {
    return false;  // "0001-01-01T00:00:00": Barion's placeholder for "no time"
  }
  *out = parsed;
  return true;
}

std::string FormatBarionTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3S", t, absl::UTCTimeZone());
}

// The members of a Payment/Start request. A wallet-token start (Google Pay, Apple Pay) has its
// own instrument: no funding choice and no guest checkout.
void WriteStartMembers(Writer& w, const v1::StartPaymentRequest& r, bool google_pay) {
  Enum(w, "PaymentType", kPaymentTypes, r.payment_type());
  Span(w, "ReservationPeriod", r.reservation_period(), r.has_reservation_period());
  Span(w, "DelayedCapturePeriod", r.delayed_capture_period(), r.has_delayed_capture_period());
  Span(w, "PaymentWindow", r.payment_window(), r.has_payment_window());
  if (!google_pay) {
    Key(w, "GuestCheckOut");
    w.Bool(r.guest_check_out());
  }
  Key(w, "InitiateRecurrence");
  w.Bool(r.initiate_recurrence());
  Str(w, "RecurrenceId", r.recurrence_id());
  if (!google_pay) {
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
  WriteStartMembers(w, r, /*google_pay=*/false);
  w.EndObject();
  return Finish(buffer);
}

std::string EncodeStartApplePayPayment(const v1::StartApplePayPaymentRequest& r) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  WriteStartMembers(w, r.payment(), /*google_pay=*/true);
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
  w.EndObject();
  return Finish(buffer);
}

std::string EncodeStartGooglePayPayment(const v1::StartGooglePayPaymentRequest& r) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  WriteStartMembers(w, r.payment(), /*google_pay=*/true);
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

absl::Status DecodeCreatePos(const ParsedAnswer& answer, v1::CreatePosResponse* out) {
  if (!answer.envelope().is_json_object) return NotAnObject();
  const rapidjson::Document& doc = DocumentOf(answer).doc;
  out->set_public_key(Text(doc, Member(doc, "PublicKey") != nullptr ? "PublicKey" : "PosId"));
  out->set_pos_json(CopyDocument(DocumentOf(answer).body));
  return absl::OkStatus();
}

absl::Status DecodeGetPos(const ParsedAnswer& answer, v1::GetPosResponse* out) {
  if (!answer.envelope().is_json_object) return NotAnObject();
  const rapidjson::Document& doc = DocumentOf(answer).doc;
  out->set_public_key(Text(doc, Member(doc, "PublicKey") != nullptr ? "PublicKey" : "PosId"));
  out->set_name(Text(doc, "Name"));
  out->set_url(Text(doc, "Url"));
  out->set_status(Text(doc, "Status"));
  out->set_pos_json(CopyDocument(DocumentOf(answer).body));
  return absl::OkStatus();
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
    v1::FundingInformation* info = out->mutable_funding_information();
    if (const Value* card = Member(*fi, "BankCard"); card != nullptr && card->IsObject()) {
      v1::BankCard* bc = info->mutable_bank_card();
      bc->set_masked_pan(Text(*card, "MaskedPan"));
      bc->set_bank_card_type(Text(*card, "BankCardType"));
      bc->set_valid_thru_year(Text(*card, "ValidThruYear"));
      bc->set_valid_thru_month(Text(*card, "ValidThruMonth"));
    }
    info->set_authorization_code(Text(*fi, "AuthorizationCode"));
    info->set_process_result(Text(*fi, "ProcessResult"));
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
  if (const Value* a = Member(doc, "Transactions"); a != nullptr && a->IsArray()) {
    for (const Value& t : a->GetArray()) {
      v1::DetailedTransaction* d = out->add_transactions();
      d->set_transaction_id(Text(t, "TransactionId"));
      d->set_pos_transaction_id(Text(t, "POSTransactionId"));
      if (!ReadTime(t, "TransactionTime", d->mutable_transaction_time())) {
        d->clear_transaction_time();
      }
      d->set_currency(static_cast<v1::Currency>(
          ReadEnum(t, "Currency", kCurrencies, d->mutable_currency_raw())));
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
    const int scale = CurrencyScaleOf(account->currency_raw());
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
  out->set_amount(CanonicalAmount(Text(doc, "Amount"), CurrencyScaleOf(out->currency_raw())));
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
  out->set_amount(CanonicalAmount(Text(v, "Amount"), CurrencyScaleOf(out->currency_raw())));
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

ParsedAnswer::ParsedAnswer() : document_(std::make_unique<Document>()) {}
ParsedAnswer::ParsedAnswer(ParsedAnswer&&) noexcept = default;
ParsedAnswer& ParsedAnswer::operator=(ParsedAnswer&&) noexcept = default;
ParsedAnswer::~ParsedAnswer() = default;

ParsedAnswer ParsedAnswer::Parse(absl::string_view body) {
  ParsedAnswer answer;
  answer.document_->body = std::string(body);
  rapidjson::Document& doc = answer.document_->doc;
  doc.Parse<kParseFlags>(answer.document_->body.data(), answer.document_->body.size());
  ErrorEnvelope& env = answer.envelope_;
  if (doc.HasParseError() || !doc.IsObject()) return answer;
  env.is_json_object = true;
  env.message = Text(doc, "Message");
  env.payment_id = Text(doc, "PaymentId");
  const Value* errors = Member(doc, "Errors");
  if (errors == nullptr) errors = Member(doc, "ErrorList");  // v1 endpoints
  if (errors != nullptr && errors->IsArray()) {
    for (const Value& e : errors->GetArray()) {
      if (!e.IsObject()) continue;
      BarionError be;
      be.error_code = Text(e, "ErrorCode");
      be.title = Text(e, "Title");
      be.description = Text(e, "Description");
      be.endpoint = Text(e, "EndPoint");
      be.happened_at = Text(e, "HappenedAt");
      be.payment_id = Text(e, "PaymentId");
      // AuthData (the caller's POSKey) is deliberately not read.
      env.errors.push_back(std::move(be));
    }
  }
  return answer;
}

}  // namespace barion_gateway::server
