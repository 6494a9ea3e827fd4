#include "client/currency.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace barion_gateway::client {

std::string CurrencyCode(barion::v1::Currency currency) {
  return std::string(absl::StripPrefix(barion::v1::Currency_Name(currency), "CURRENCY_"));
}

std::optional<barion::v1::Currency> ParseCurrency(absl::string_view code) {
  barion::v1::Currency currency;
  if (!barion::v1::Currency_Parse(absl::StrCat("CURRENCY_", absl::AsciiStrToUpper(code)),
                                  &currency) ||
      currency == barion::v1::CURRENCY_UNSPECIFIED) {
    return std::nullopt;
  }
  return currency;
}

}  // namespace barion_gateway::client
