// What barionctl writes: human rows, money and times, files that appear only when complete,
// error reports with the gateway's details, and the exit code of a command's status.
#ifndef BARION_GATEWAY_CLIENT_CTL_OUTPUT_H_
#define BARION_GATEWAY_CLIENT_CTL_OUTPUT_H_

#include <cstdint>
#include <cstdio>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "barion/v1/payment_event.pb.h"
#include "barion/v1/wallet_service.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace barion_gateway::ctl {

// Exit codes: local failures (a file), usage errors, refusals (by Barion or the gateway's
// validation), unavailability.
inline constexpr int kOk = 0, kLocal = 1, kUsage = 2, kRefused = 3, kUnavailable = 4;

// A usage problem (exit code 2, with the command's help): the status commands return for it.
absl::Status UsageError(absl::string_view problem);
bool IsUsageError(const absl::Status& status);

// The exit code of a command's status: 0 OK, 2 usage, 1 DATA_LOSS (a local file), 3 a refusal
// (INVALID_ARGUMENT, FAILED_PRECONDITION, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED,
// OUT_OF_RANGE), 4 anything else (unavailable, timed out, unknown outcome).
int ExitCodeFor(const absl::Status& status);

// The lines barionctl prints on stderr for a failed call: "error: CODE: message", then each
// ErrorInfo's reason with its title, description and outcome, then each field violation.
std::string ErrorReport(const absl::Status& status);

// "label           value\n" (label padded to 16).
std::string Row(const std::string& label, const std::string& value);
// "1500.00 EUR": an exact decimal with its currency ("0 EUR" for an empty amount).
std::string Money(const std::string& amount, const std::string& currency);
// "2026-11-29T22:30:00": a timestamp to the second, UTC.
std::string Time(const google::protobuf::Timestamp& t);
// One line of `events` and `watch`.
std::string EventLine(const barion::v1::PaymentEvent& e);
// One line of `wallet history`.
std::string HistoryLine(const barion::v1::HistoryItem& i);

// A file written under PATH.partial and renamed to PATH when complete, so that a failed download
// leaves nothing behind; "-" is stdout. Write errors are DATA_LOSS (exit code 1).
class OutputFile {
 public:
  ~OutputFile() { Abandon(); }
  // INVALID_ARGUMENT when `path` is empty or cannot be created.
  absl::Status Open(const std::string& path);
  absl::Status Write(absl::string_view data);
  // Flushes and closes; renames PATH.partial to PATH.
  absl::Status Commit();
  // Drops what was written (nothing after Commit()); also on destruction.
  void Abandon();
  bool to_stdout() const { return path_ == "-"; }
  const std::string& path() const { return path_; }
  int64_t bytes() const { return bytes_; }

 private:
  std::string Partial() const { return path_ + ".partial"; }
  std::string path_;
  std::FILE* file_ = nullptr;
  int64_t bytes_ = 0;
};

}  // namespace barion_gateway::ctl

#endif  // BARION_GATEWAY_CLIENT_CTL_OUTPUT_H_
