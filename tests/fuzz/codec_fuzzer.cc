// Fuzz target for the JSON codec's answer side (server/barion/codec.h): the input is a Barion
// answer body. Parsing it and decoding it as every operation's response must not crash, and
// whatever a decoder accepts must be a valid protobuf message: it serializes and parses back equal
// (this catches text that is not UTF-8, which a client's protobuf runtime would refuse to parse).
//
// Built like callback_fuzzer.cc: with libFuzzer by tests/fuzz/libfuzzer_test.sh and as a Bazel
// replay test.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "google/protobuf/util/message_differencer.h"
#include "server/barion/codec.h"

namespace {

namespace v1 = ::barion::v1;
using barion_gateway::server::ParsedAnswer;

template <typename Message>
void Check(absl::Status (*decode)(const ParsedAnswer&, Message*), const ParsedAnswer& answer) {
  Message decoded;
  if (!decode(answer, &decoded).ok()) return;
  std::string bytes;
  if (!decoded.SerializeToString(&bytes)) std::abort();
  Message again;
  if (!again.ParseFromString(bytes)) std::abort();  // e.g. a string that is not UTF-8
  if (!google::protobuf::util::MessageDifferencer::Equals(decoded, again)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace s = barion_gateway::server;
  const ParsedAnswer answer =
      ParsedAnswer::Parse(absl::string_view(reinterpret_cast<const char*>(data), size));
  Check<v1::StartPaymentResponse>(&s::DecodeStartPayment, answer);
  Check<v1::StartGooglePayPaymentResponse>(&s::DecodeStartGooglePayPayment, answer);
  Check<v1::StartApplePayPaymentResponse>(&s::DecodeStartApplePayPayment, answer);
  Check<v1::ValidateApplePaySessionResponse>(&s::DecodeValidateApplePaySession, answer);
  Check<v1::GetPaymentStateResponse>(&s::DecodePaymentState, answer);
  Check<v1::FinishReservationResponse>(&s::DecodeFinishReservation, answer);
  Check<v1::CaptureResponse>(&s::DecodeCapture, answer);
  Check<v1::CancelAuthorizationResponse>(&s::DecodeCancelAuthorization, answer);
  Check<v1::RefundResponse>(&s::DecodeRefund, answer);
  Check<v1::CompleteResponse>(&s::DecodeComplete, answer);
  Check<v1::GetAccountsResponse>(&s::DecodeAccounts, answer);
  Check<v1::SendMoneyByEmailResponse>(&s::DecodeSendMoneyByEmail, answer);
  Check<v1::SendBankTransferResponse>(&s::DecodeSendBankTransfer, answer);
  Check<v1::GetHistoryResponse>(&s::DecodeHistory, answer);
  Check<v1::CreatePosResponse>(&s::DecodeCreatePos, answer);
  Check<v1::GetPosResponse>(&s::DecodeGetPos, answer);
  Check<v1::GetHistoryItemResponse>(&s::DecodeHistoryItem, answer);
  return 0;
}
