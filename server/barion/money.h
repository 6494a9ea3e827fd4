// Exact decimal amounts for Barion: validation against a currency's scale and canonical text.
//
// Amounts are never converted to binary floating point. An amount is text of the form
// `-?digits(.digits)?`; what Barion allows is checked here (HUF: 0 decimals; EUR, USD, CZK, RON,
// PLN: 2 decimals; note ISO 4217 gives HUF 2, Barion does not). This is not a money library: no
// arithmetic beyond comparing and adding amounts of the same scale, which the callers need.
#ifndef BARION_GATEWAY_SERVER_BARION_MONEY_H_
#define BARION_GATEWAY_SERVER_BARION_MONEY_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace barion_gateway::server {

// The number of decimals Barion allows for `currency` (an ISO code such as "HUF"), or -1 when the
// currency is not one Barion knows.
int BarionCurrencyScale(absl::string_view currency);

// How an amount may be signed.
enum class AmountSign {
  kPositive,     // > 0 (transaction totals, refunds)
  kNonNegative,  // >= 0 (FinishReservation/Capture totals: 0 releases the money)
  kAny,          // item prices may be negative (discounts)
};

// Checks that `amount` is a plain decimal (`-?[0-9]+(\.[0-9]+)?`, at most 18 integer digits,
// no exponent, no leading '+', no superfluous leading zeros), has at most `scale` decimals, and
// has the required sign. Returns OK or INVALID_ARGUMENT with a message that does not repeat more
// of the input than the amount itself.
absl::Status ValidateAmount(absl::string_view amount, int scale, AmountSign sign);

// Checks a decimal that is not money (a quantity): same syntax, any scale up to 4, sign >= 0.
absl::Status ValidateQuantity(absl::string_view quantity);

// Returns `amount` (a decimal as Barion prints it, e.g. "84.00", "800", "0.10") written at
// exactly `scale` decimals when that loses nothing ("84.00" at scale 0 is "84"; "0.1" at scale 2
// is "0.10"). Returns the input unchanged when it is not a plain decimal, when `scale` < 0, or
// when dropping digits would lose a non-zero digit: the text Barion sent is never rounded.
std::string CanonicalAmount(absl::string_view amount, int scale);

// Compares two plain decimals exactly. Precondition: both pass ValidateAmount with kAny.
// Returns <0, 0, >0.
int CompareDecimal(absl::string_view a, absl::string_view b);

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_BARION_MONEY_H_
