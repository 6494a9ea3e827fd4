// Codec: pure functions between the barion.v1 protos and Barion's JSON. No I/O. Implemented
// in payment_codec.cc and wallet_codec.cc, on the shared JSON helpers and enum tables of
// codec_internal.h (codec_json.cc), the answer parser (parsed_answer.cc) and Barion's formats
// (codec_times.cc).
//
// Encoding writes Barion's documented field names (PayerAccountInformation, PayerHomeNumber,
// PurchasesInTheLast6Months, GuestCheckOut), omits fields the request leaves empty, writes
// amounts as the exact JSON number text of the request ("0.10" goes out as 0.10), TimeSpans as
// [d.]hh:mm:ss and 3-D Secure dates as UTC without offset ("2019-06-27T07:15:51.327").
// Preconditions of the Encode functions: the request passed ValidateX (validation.h).
//
// Decoding is a tolerant reader: unknown fields are ignored, names match case-insensitively,
// null equals absent, numbers are read as their text (never as double), amounts come back at
// the currency's scale when that loses nothing (money.h CanonicalAmount), timestamps are read
// with or without 'Z' and with 0-7 fractional digits, unknown enum texts leave the enum
// UNSPECIFIED and keep the text in the `*_raw` field. Decode functions return INVALID_ARGUMENT
// only when the body is not a JSON object.
#ifndef BARION_GATEWAY_SERVER_BARION_CODEC_H_
#define BARION_GATEWAY_SERVER_BARION_CODEC_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "barion/v1/payment_service.pb.h"
#include "barion/v1/wallet_service.pb.h"
#include "server/barion/upstream_error.h"
#include "server/common/errors.h"

namespace barion_gateway::server {

std::string EncodeStartPayment(const barion::v1::StartPaymentRequest& request);
std::string EncodeStartGooglePayPayment(const barion::v1::StartGooglePayPaymentRequest& request);
std::string EncodeCreatePos(const barion::v1::CreatePosRequest& request);
std::string EncodeStartApplePayPayment(const barion::v1::StartApplePayPaymentRequest& request);
std::string EncodeValidateApplePaySession(
    const barion::v1::ValidateApplePaySessionRequest& request);
std::string EncodeFinishReservation(const barion::v1::FinishReservationRequest& request);
std::string EncodeCapture(const barion::v1::CaptureRequest& request);
std::string EncodeCancelAuthorization(const barion::v1::CancelAuthorizationRequest& request);
std::string EncodeRefund(const barion::v1::RefundRequest& request);
std::string EncodeComplete(const barion::v1::CompleteRequest& request);
std::string EncodeSendMoneyByEmail(const barion::v1::SendMoneyByEmailRequest& request);
std::string EncodeSendBankTransfer(const barion::v1::SendBankTransferRequest& request);

// What an answer body says about errors.
struct ErrorEnvelope {
  bool is_json_object = false;      // false: not JSON (a proxy's HTML page, truncated text)
  std::vector<BarionError> errors;  // Barion's `Errors` (or v1 `ErrorList`) array
  std::string message;              // ASP.NET's {"Message": "..."} (500, 405)
  std::string payment_id;           // top-level PaymentId, when present
};

// A Barion answer body parsed once: the error envelope is read at parse time, and the Decode
// functions read the same document. Cheap to move; not thread-safe.
class ParsedAnswer {
 public:
  static ParsedAnswer Parse(absl::string_view body);
  // Answers parsed so far in this process (for tests: each Barion answer is parsed once, and
  // every decoder reads the one document).
  static int64_t parses();
  ParsedAnswer(ParsedAnswer&&) noexcept;
  ParsedAnswer& operator=(ParsedAnswer&&) noexcept;
  ~ParsedAnswer();

  const ErrorEnvelope& envelope() const { return envelope_; }

 private:
  struct Document;
  ParsedAnswer();
  friend const Document& DocumentOf(const ParsedAnswer& answer);

  std::unique_ptr<Document> document_;
  ErrorEnvelope envelope_;
};

// Each returns INVALID_ARGUMENT when the answer is not a JSON object, else OK.
absl::Status DecodeStartPayment(const ParsedAnswer& answer, barion::v1::StartPaymentResponse* out);
absl::Status DecodeStartGooglePayPayment(const ParsedAnswer& answer,
                                         barion::v1::StartGooglePayPaymentResponse* out);
absl::Status DecodeStartApplePayPayment(const ParsedAnswer& answer,
                                        barion::v1::StartApplePayPaymentResponse* out);
absl::Status DecodeCreatePos(const ParsedAnswer& answer, barion::v1::CreatePosResponse* out);
absl::Status DecodeGetPos(const ParsedAnswer& answer, barion::v1::GetPosResponse* out);
// The merchant session is the answer verbatim.
absl::Status DecodeValidateApplePaySession(const ParsedAnswer& answer,
                                           barion::v1::ValidateApplePaySessionResponse* out);
absl::Status DecodePaymentState(const ParsedAnswer& answer,
                                barion::v1::GetPaymentStateResponse* out);
absl::Status DecodeFinishReservation(const ParsedAnswer& answer,
                                     barion::v1::FinishReservationResponse* out);
absl::Status DecodeCapture(const ParsedAnswer& answer, barion::v1::CaptureResponse* out);
absl::Status DecodeCancelAuthorization(const ParsedAnswer& answer,
                                       barion::v1::CancelAuthorizationResponse* out);
absl::Status DecodeRefund(const ParsedAnswer& answer, barion::v1::RefundResponse* out);
absl::Status DecodeComplete(const ParsedAnswer& answer, barion::v1::CompleteResponse* out);
absl::Status DecodeAccounts(const ParsedAnswer& answer, barion::v1::GetAccountsResponse* out);
absl::Status DecodeSendMoneyByEmail(const ParsedAnswer& answer,
                                    barion::v1::SendMoneyByEmailResponse* out);
absl::Status DecodeSendBankTransfer(const ParsedAnswer& answer,
                                    barion::v1::SendBankTransferResponse* out);
absl::Status DecodeHistory(const ParsedAnswer& answer, barion::v1::GetHistoryResponse* out);
absl::Status DecodeHistoryItem(const ParsedAnswer& answer, barion::v1::GetHistoryItemResponse* out);

// Barion's code of a currency ("HUF"), or "" for UNSPECIFIED and unknown values.
std::string CurrencyCode(barion::v1::Currency currency);

// .NET TimeSpan text: "hh:mm:ss" below one day, "d.hh:mm:ss" from one day. Whole seconds.
std::string FormatTimeSpan(absl::Duration d);
// Parses a Barion timestamp as UTC: with or without 'Z', 0-7 fractional digits. The placeholder
// "0001-01-01T00:00:00" is reported as false (no time).
bool ParseBarionTime(absl::string_view text, absl::Time* out);
// UTC without offset, milliseconds: "2019-06-27T07:15:51.327".
std::string FormatBarionTime(absl::Time t);

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_BARION_CODEC_H_
