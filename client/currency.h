// Currencies as people and Barion write them ("HUF"), for users of the client library and for
// barionctl.
#ifndef BARION_GATEWAY_CLIENT_CURRENCY_H_
#define BARION_GATEWAY_CLIENT_CURRENCY_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "barion/v1/types.pb.h"

namespace barion_gateway::client {

// "HUF" for CURRENCY_HUF; "UNSPECIFIED" for CURRENCY_UNSPECIFIED.
std::string CurrencyCode(barion::v1::Currency currency);

// The currency of a code, in any letter case ("huf", "EUR"); nullopt for anything else,
// "UNSPECIFIED" included.
std::optional<barion::v1::Currency> ParseCurrency(absl::string_view code);

}  // namespace barion_gateway::client

#endif  // BARION_GATEWAY_CLIENT_CURRENCY_H_
