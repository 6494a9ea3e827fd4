// Reading requests as Barion's ASP.NET binder does: member names in any case, numbers as text,
// numeric strings accepted, enum names in any case. Internal to the sandbox.
#ifndef BARION_GATEWAY_SANDBOX_MODEL_JSON_READ_H_
#define BARION_GATEWAY_SANDBOX_MODEL_JSON_READ_H_

#include <string>

#include "absl/strings/match.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace barion_gateway::sandbox {

using Value = rapidjson::Value;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// ---------------------------------------------------------------------------------------------
// Lenient JSON reading, like Barion's ASP.NET binder: names case-insensitive, numbers as text,
// numeric strings accepted, enum names in any case.

inline const Value* Get(const Value& o, const char* name) {
  if (!o.IsObject()) return nullptr;
  for (auto it = o.MemberBegin(); it != o.MemberEnd(); ++it) {
    if (absl::EqualsIgnoreCase(it->name.GetString(), name)) {
      return it->value.IsNull() ? nullptr : &it->value;
    }
  }
  return nullptr;
}

inline std::string Str(const Value& o, const char* name) {
  const Value* v = Get(o, name);
  if (v == nullptr) return "";
  if (v->IsString()) return std::string(v->GetString(), v->GetStringLength());
  return "";
}

inline bool Has(const Value& o, const char* name) { return Get(o, name) != nullptr; }

inline bool BoolOf(const Value& o, const char* name) {
  const Value* v = Get(o, name);
  return v != nullptr && v->IsBool() && v->GetBool();
}

// Barion's enum names, accepted in any case and printed as Barion spells them.
const char* const kPaymentTypes[] = {"Immediate", "Reservation", "DelayedCapture"};
const char* const kFundingSources[] = {"All",       "Balance",  "BankCard",
                                       "GooglePay", "ApplePay", "BankTransfer"};
const char* const kRecurrenceTypes[] = {"MerchantInitiatedPayment", "OneClickPayment",
                                        "RecurringPayment"};

template <size_t N>
std::string Canonical(const char* const (&names)[N], const std::string& value) {
  for (const char* n : names) {
    if (absl::EqualsIgnoreCase(n, value)) return n;
  }
  return "";
}

}  // namespace barion_gateway::sandbox

#endif  // BARION_GATEWAY_SANDBOX_MODEL_JSON_READ_H_
