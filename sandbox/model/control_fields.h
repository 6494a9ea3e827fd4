// ControlFields: the control API's body fields with their types. A body is JSON (whatever its
// Content-Type says: `curl -d '{...}'` sends JSON as a form) or an HTML form (the payment page's
// buttons); numbers may come as JSON numbers or as text, booleans as JSON booleans or as
// "true"/"false". A field of the wrong type is never replaced by a default: the first one is
// kept as error(), which the handler answers with 400 naming it.
#ifndef BARION_GATEWAY_SANDBOX_MODEL_CONTROL_FIELDS_H_
#define BARION_GATEWAY_SANDBOX_MODEL_CONTROL_FIELDS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "sandbox/model/json_read.h"
#include "sandbox/model/money.h"

namespace barion_gateway::sandbox {

class ControlFields {
 public:
  explicit ControlFields(const Value& body) : body_(body) {}

  // nullopt when absent (or of the wrong type: see error()).
  std::optional<bool> Bool(const char* name) {
    const Value* v = Get(body_, name);
    if (v == nullptr) return std::nullopt;
    if (v->IsBool()) return v->GetBool();
    if (v->IsString() &&
        (std::string(v->GetString()) == "true" || std::string(v->GetString()) == "false")) {
      return std::string(v->GetString()) == "true";
    }
    Bad(absl::StrCat(name, " must be true or false"));
    return std::nullopt;
  }
  // A whole number from `min` to `max`.
  std::optional<int64_t> Int(const char* name, int64_t min, int64_t max) {
    const Value* v = Get(body_, name);
    if (v == nullptr) return std::nullopt;
    int64_t n = 0;
    // Numbers are parsed as their text (kParseNumbersAsStringsFlag), so 5 and "5" read alike.
    if (!v->IsString() || !absl::SimpleAtoi(v->GetString(), &n) || n < min || n > max) {
      Bad(absl::StrCat(name, " must be a whole number from ", min, " to ", max));
      return std::nullopt;
    }
    return n;
  }
  std::optional<std::string> Text(const char* name) {
    const Value* v = Get(body_, name);
    if (v == nullptr) return std::nullopt;
    if (!v->IsString()) {
      Bad(absl::StrCat(name, " must be text"));
      return std::nullopt;
    }
    return std::string(v->GetString(), v->GetStringLength());
  }
  // A decimal amount ("1500", "12.30", or the same as a JSON number).
  std::optional<Dec> Decimal(const char* name) {
    const Value* v = Get(body_, name);
    if (v == nullptr) return std::nullopt;
    absl::optional<Dec> d;
    if (v->IsString()) d = Dec::Parse(v->GetString());
    if (!d) {
      Bad(absl::StrCat(name, " must be a decimal amount"));
      return std::nullopt;
    }
    return *d;
  }

  // The first field of the wrong type ("count must be ..."); empty when none.
  const std::string& error() const { return error_; }

 private:
  void Bad(std::string why) {
    if (error_.empty()) error_ = std::move(why);
  }

  const Value& body_;
  std::string error_;
};

}  // namespace barion_gateway::sandbox

#endif  // BARION_GATEWAY_SANDBOX_MODEL_CONTROL_FIELDS_H_
