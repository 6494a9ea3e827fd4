#include "server/common/error_facts.h"

#include <utility>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/types/optional.h"

namespace barion_gateway::server {
namespace {

// A private payload, never sent (ToWireError reads only the google.rpc.Status's).
constexpr absl::string_view kFactsUrl = "barion-grpc-gateway/error-facts";
// Between the fields: a control character, which reasons (constants) and Barion's codes
// (escaped by SafeText) never hold.
constexpr char kSeparator = '\x1f';

constexpr absl::string_view kNames[] = {"ok",      "denied",   "invalid",        "not_sent",
                                        "unknown", "rejected", "not_applicable", "failed"};

}  // namespace

absl::string_view CallOutcomeName(CallOutcome outcome) { return kNames[static_cast<int>(outcome)]; }

absl::Status WithFacts(absl::Status status, const ErrorFacts& facts) {
  // The outcome as one character, then the reason, then the codes.
  std::string text(1, static_cast<char>('0' + static_cast<int>(facts.outcome)));
  text += kSeparator;
  text += facts.reason;
  for (const std::string& code : facts.barion_codes) {
    text += kSeparator;
    text += code;
  }
  status.SetPayload(kFactsUrl, absl::Cord(std::move(text)));
  return status;
}

ErrorFacts FactsOf(const absl::Status& status) {
  ErrorFacts facts;
  if (status.ok()) {
    facts.outcome = CallOutcome::kOk;
    return facts;
  }
  const absl::optional<absl::Cord> payload = status.GetPayload(kFactsUrl);
  if (!payload.has_value()) {
    if (status.code() == absl::StatusCode::kUnauthenticated) facts.outcome = CallOutcome::kDenied;
    if (status.code() == absl::StatusCode::kInvalidArgument) facts.outcome = CallOutcome::kInvalid;
    return facts;
  }
  const std::string text(*payload);
  std::vector<std::string> fields = absl::StrSplit(text, kSeparator);
  const int outcome = fields[0].empty() ? -1 : fields[0][0] - '0';
  if (outcome >= 0 && outcome <= static_cast<int>(CallOutcome::kFailed)) {
    facts.outcome = static_cast<CallOutcome>(outcome);
  }
  if (fields.size() > 1) facts.reason = std::move(fields[1]);
  for (size_t i = 2; i < fields.size(); ++i) facts.barion_codes.push_back(std::move(fields[i]));
  return facts;
}

}  // namespace barion_gateway::server
