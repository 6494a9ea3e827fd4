// Internal to the codec (server/barion/codec*.cc): Barion's enum names, and the tolerant JSON
// reading and exact writing every encoder and decoder shares. Not for use outside the codec.
#ifndef BARION_GATEWAY_SERVER_BARION_CODEC_INTERNAL_H_
#define BARION_GATEWAY_SERVER_BARION_CODEC_INTERNAL_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "barion/v1/payment_service.pb.h"
#include "barion/v1/wallet_service.pb.h"
#include "google/protobuf/util/time_util.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "server/barion/codec.h"

namespace barion_gateway::server {

struct ParsedAnswer::Document {
  rapidjson::Document doc;
  std::string body;  // kept for members that must be re-emitted verbatim
};

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

inline constexpr EnumName kPaymentTypes[] = {
    {v1::PAYMENT_TYPE_IMMEDIATE, "Immediate"},
    {v1::PAYMENT_TYPE_RESERVATION, "Reservation"},
    {v1::PAYMENT_TYPE_DELAYED_CAPTURE, "DelayedCapture"},
};
inline constexpr EnumName kPaymentStatuses[] = {
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
inline constexpr EnumName kFundingSources[] = {
    {v1::FUNDING_SOURCE_ALL, "All"},
    {v1::FUNDING_SOURCE_BALANCE, "Balance"},
    {v1::FUNDING_SOURCE_BANK_CARD, "BankCard"},
    {v1::FUNDING_SOURCE_GOOGLE_PAY, "GooglePay"},
    {v1::FUNDING_SOURCE_APPLE_PAY, "ApplePay"},
    {v1::FUNDING_SOURCE_BANK_TRANSFER, "BankTransfer"},
};
inline constexpr EnumName kCurrencies[] = {
    {v1::CURRENCY_HUF, "HUF"}, {v1::CURRENCY_EUR, "EUR"}, {v1::CURRENCY_USD, "USD"},
    {v1::CURRENCY_CZK, "CZK"}, {v1::CURRENCY_RON, "RON"}, {v1::CURRENCY_PLN, "PLN"},
};
inline constexpr EnumName kBankAccountFormats[] = {
    {v1::BANK_ACCOUNT_FORMAT_UNKNOWN, "Unknown"}, {v1::BANK_ACCOUNT_FORMAT_GIRO, "Giro"},
    {v1::BANK_ACCOUNT_FORMAT_IBAN, "IBAN"},       {v1::BANK_ACCOUNT_FORMAT_CZECH, "Czech"},
    {v1::BANK_ACCOUNT_FORMAT_OTHER, "Other"},
};
inline constexpr EnumName kBalanceChanges[] = {
    {v1::BALANCE_CHANGE_NO_CHANGE, "NoChange"},
    {v1::BALANCE_CHANGE_CREDIT, "Credit"},
    {v1::BALANCE_CHANGE_DEBIT, "Debit"},
};
inline constexpr EnumName kRecurrenceTypes[] = {
    {v1::RECURRENCE_TYPE_MERCHANT_INITIATED_PAYMENT, "MerchantInitiatedPayment"},
    {v1::RECURRENCE_TYPE_ONE_CLICK_PAYMENT, "OneClickPayment"},
    {v1::RECURRENCE_TYPE_RECURRING_PAYMENT, "RecurringPayment"},
};
inline constexpr EnumName kRecurrenceResults[] = {
    {v1::RECURRENCE_RESULT_NONE, "None"},
    {v1::RECURRENCE_RESULT_SUCCESSFUL, "Successful"},
    {v1::RECURRENCE_RESULT_FAILED, "Failed"},
    {v1::RECURRENCE_RESULT_NOT_FOUND, "NotFound"},
    {v1::RECURRENCE_RESULT_THREE_DS_AUTHENTICATION_REQUIRED, "ThreeDSAuthenticationRequired"},
};
inline constexpr EnumName kChallengePreferences[] = {
    {v1::CHALLENGE_PREFERENCE_NO_PREFERENCE, "NoPreference"},
    {v1::CHALLENGE_PREFERENCE_CHALLENGE_REQUIRED, "ChallengeRequired"},
    {v1::CHALLENGE_PREFERENCE_NO_CHALLENGE_NEEDED, "NoChallengeNeeded"},
};
inline constexpr EnumName kPaymentMethods[] = {
    {v1::PAYMENT_METHOD_UNKNOWN, "Unknown"},    {v1::PAYMENT_METHOD_BARION_WALLET, "BarionWallet"},
    {v1::PAYMENT_METHOD_BANK_CARD, "BankCard"}, {v1::PAYMENT_METHOD_GOOGLE_PAY, "GooglePay"},
    {v1::PAYMENT_METHOD_APPLE_PAY, "ApplePay"}, {v1::PAYMENT_METHOD_OPEN_BANKING, "OpenBanking"},
    {v1::PAYMENT_METHOD_OTHER, "Other"},
};
inline constexpr EnumName kAgeIndicators[] = {
    {v1::AGE_INDICATOR_NO_ACCOUNT, "NoAccount"},
    {v1::AGE_INDICATOR_CREATED_DURING_THIS_TRANSACTION, "CreatedDuringThisTransaction"},
    {v1::AGE_INDICATOR_CHANGED_DURING_THIS_TRANSACTION, "ChangedDuringThisTransaction"},
    {v1::AGE_INDICATOR_NO_CHANGE, "NoChange"},
    {v1::AGE_INDICATOR_THIS_TRANSACTION, "ThisTransaction"},
    {v1::AGE_INDICATOR_LESS_THAN_30_DAYS, "LessThan30Days"},
    {v1::AGE_INDICATOR_BETWEEN_30_AND_60_DAYS, "Between30And60Days"},
    {v1::AGE_INDICATOR_MORE_THAN_60_DAYS, "MoreThan60Days"},
};
inline constexpr EnumName kSuspiciousActivity[] = {
    {v1::SUSPICIOUS_ACTIVITY_INDICATOR_NO_SUSPICIOUS_ACTIVITY_OBSERVED,
     "NoSuspiciousActivityObserved"},
    {v1::SUSPICIOUS_ACTIVITY_INDICATOR_SUSPICIOUS_ACTIVITY_OBSERVED, "SuspiciousActivityObserved"},
};
inline constexpr EnumName kDeliveryTimeframes[] = {
    {v1::DELIVERY_TIMEFRAME_ELECTRONIC_DELIVERY, "ElectronicDelivery"},
    {v1::DELIVERY_TIMEFRAME_SAME_DAY_SHIPPING, "SameDayShipping"},
    {v1::DELIVERY_TIMEFRAME_OVERNIGHT_SHIPPING, "OvernightShipping"},
    {v1::DELIVERY_TIMEFRAME_TWO_DAY_OR_MORE_SHIPPING, "TwoDayOrMoreShipping"},
};
inline constexpr EnumName kAvailability[] = {
    {v1::AVAILABILITY_INDICATOR_MERCHANDISE_AVAILABLE, "MerchandiseAvailable"},
    {v1::AVAILABILITY_INDICATOR_FUTURE_AVAILABILITY, "FutureAvailability"},
};
inline constexpr EnumName kReOrder[] = {
    {v1::RE_ORDER_INDICATOR_FIRST_TIME_ORDERED, "FirstTimeOrdered"},
    {v1::RE_ORDER_INDICATOR_REORDERED, "Reordered"},
};
inline constexpr EnumName kShippingAddressIndicators[] = {
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
inline constexpr EnumName kPurchaseTypes[] = {
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

void Key(Writer& w, const char* key);
void Str(Writer& w, const char* key, const std::string& value);
// An amount is written as the JSON number text it already is (validated before encoding).
void Amount(Writer& w, const char* key, const std::string& value);
void Time(Writer& w, const char* key, const Timestamp& ts, bool present);
void Span(Writer& w, const char* key, const google::protobuf::Duration& d, bool present);
std::string Finish(rapidjson::StringBuffer& buffer);

template <size_t N>
void Enum(Writer& w, const char* key, const EnumName (&table)[N], int value) {
  const char* name = NameOf(table, value);
  if (name == nullptr) return;  // UNSPECIFIED: not sent
  w.Key(key);
  w.String(name);
}

// ---------------------------------------------------------------------------------------------
// Reading. Every accessor tolerates absence, null and a wrong type (treated as absent).

const Value* Member(const Value& object, const char* name);
// Strings and numbers (parsed as strings) both read as their text.
std::string Text(const Value& object, const char* name);
bool Bool(const Value& object, const char* name);
bool ReadTime(const Value& object, const char* name, Timestamp* out);
absl::Status NotAnObject();

template <size_t N>
int ReadEnum(const Value& object, const char* name, const EnumName (&table)[N], std::string* raw) {
  std::string text = Text(object, name);
  if (raw != nullptr) *raw = text;
  return ValueOf(table, text);
}

// The value of top-level member `name` of `body`, re-written compactly with numbers as their
// exact text ("" when absent).
std::string CopyMemberVerbatim(const std::string& body, const char* name);
// The whole document re-written compactly, numbers as their raw text.
std::string CopyDocument(const std::string& body);

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_BARION_CODEC_INTERNAL_H_
