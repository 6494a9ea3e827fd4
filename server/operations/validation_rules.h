// The field rules the request validators share (validation.h): URLs, phones, e-mails, durations,
// addresses, 3-D Secure indicators, items, Barion's ids, and the transactions of FinishReservation
// and Capture. Each adds a named violation to a Violations collector. Internal to validation.
#ifndef BARION_GATEWAY_SERVER_OPERATIONS_VALIDATION_RULES_H_
#define BARION_GATEWAY_SERVER_OPERATIONS_VALIDATION_RULES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "barion/v1/payment_service.pb.h"
#include "barion/v1/types.pb.h"
#include "barion/v1/wallet_service.pb.h"
#include "server/barion/callback_request.h"
#include "server/barion/codec.h"
#include "server/barion/money.h"
#include "server/common/errors.h"
#include "server/common/loopback.h"
#include "server/operations/validation.h"
#include "server/operations/violations.h"

namespace barion_gateway::server {
namespace v1 = ::barion::v1;

inline std::string At(absl::string_view base, absl::string_view field, int index) {
  return absl::StrCat(base, field, "[", index, "]");
}

inline bool IsAbsoluteUrl(absl::string_view url) {
  return absl::StartsWith(url, "https://") || absl::StartsWith(url, "http://");
}

inline void CheckUrl(Violations& v, absl::string_view url, const std::string& field,
                     bool required) {
  if (url.empty()) {
    if (required) v.Add(field, "is required (set it here or as the shop's default)");
    return;
  }
  v.MaxLength(url, kMaxUrlLength, field);
  if (!IsAbsoluteUrl(url)) v.Add(field, "must be an absolute http(s) URL");
}

// A URL Barion sends callbacks to: CheckUrl's rules, and https (plain http only to loopback).
inline void CheckCallbackUrl(Violations& v, absl::string_view url, const std::string& field) {
  CheckUrl(v, url, field, /*required=*/false);
  if (IsAbsoluteUrl(url) && !IsHttpsOrLoopbackUrl(url)) {
    v.Add(field, "must be https: Barion calls only https callback URLs (http only to loopback)");
  }
}

inline void CheckPhone(Violations& v, absl::string_view phone, const std::string& field) {
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

inline void CheckEmail(Violations& v, absl::string_view email, const std::string& field) {
  if (email.empty()) return;
  v.MaxLength(email, kMaxEmailLength, field);
  if (email.find('@') == absl::string_view::npos) v.Add(field, "must be an e-mail address");
}

inline void CheckDuration(Violations& v, const google::protobuf::Duration& d, absl::Duration lo,
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

inline void CheckIndicator(Violations& v, v1::AgeIndicator value,
                           std::initializer_list<v1::AgeIndicator> allowed,
                           const std::string& field) {
  if (value == v1::AGE_INDICATOR_UNSPECIFIED) return;
  for (v1::AgeIndicator a : allowed) {
    if (a == value) return;
  }
  v.Add(field, absl::StrCat(v1::AgeIndicator_Name(value), " is not allowed for this field"));
}

inline void CheckItems(Violations& v, const google::protobuf::RepeatedPtrField<v1::Item>& items,
                       int scale, const std::string& base) {
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

inline void CheckPaymentId(Violations& v, absl::string_view id) {
  if (id.empty()) {
    v.Add("payment_id", "is required");
  } else if (!IsBarionGuid(id)) {
    v.Add("payment_id", "must be Barion's payment id: 32 hex digits (hyphens allowed)");
  }
}

inline void CheckTransactionId(Violations& v, absl::string_view id, const std::string& field) {
  if (id.empty()) {
    v.Add(field, "is required");
  } else if (!IsBarionGuid(id)) {
    v.Add(field, "must be Barion's transaction id: 32 hex digits (hyphens allowed)");
  }
}

// The largest scale of any Barion currency: requests that do not name their currency.
inline constexpr int kMaxScale = 2;

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

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_OPERATIONS_VALIDATION_RULES_H_
