#include "client/ctl/output.h"

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client/payment_client.h"
#include "google/protobuf/util/time_util.h"

namespace barion_gateway::ctl {
namespace {

namespace v1 = ::barion::v1;

// Marks a usage problem; written and read only here.
constexpr char kUsagePayload[] = "barionctl/usage";

}  // namespace

absl::Status UsageError(absl::string_view problem) {
  absl::Status status = absl::InvalidArgumentError(problem);
  status.SetPayload(kUsagePayload, absl::Cord());
  return status;
}

bool IsUsageError(const absl::Status& status) {
  return status.GetPayload(kUsagePayload).has_value();
}

int ExitCodeFor(const absl::Status& status) {
  if (status.ok()) return kOk;
  if (IsUsageError(status)) return kUsage;
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kOutOfRange:
      return kRefused;
    case absl::StatusCode::kDataLoss:  // ours: a file could not be written
      return kLocal;
    default:
      return kUnavailable;
  }
}

std::string ErrorReport(const absl::Status& s) {
  std::string out =
      absl::StrCat("error: ", absl::StatusCodeToString(s.code()), ": ", s.message(), "\n");
  const client::ErrorDetails d = client::DetailsOf(s);
  for (const client::ErrorInfo& e : d.errors) {
    absl::StrAppend(&out, "  reason: ", e.reason, " (", e.domain, ")");
    for (const char* key : {"title", "description", "outcome"}) {
      auto it = e.metadata.find(key);
      if (it != e.metadata.end()) absl::StrAppend(&out, "\n    ", key, ": ", it->second);
    }
    absl::StrAppend(&out, "\n");
  }
  for (const client::FieldViolation& v : d.violations) {
    absl::StrAppend(&out, "  field ", v.field, ": ", v.description, "\n");
  }
  return out;
}

std::string Row(const std::string& label, const std::string& value) {
  return absl::StrFormat("%-16s %s\n", label, value);
}

std::string Money(const std::string& amount, const std::string& currency) {
  return absl::StrCat(amount.empty() ? "0" : amount, " ", currency);
}

std::string Time(const google::protobuf::Timestamp& t) {
  return google::protobuf::util::TimeUtil::ToString(t).substr(0, 19);
}

std::string EventLine(const v1::PaymentEvent& e) {
  const std::string previous = e.previous_status_raw().empty() ? "-" : e.previous_status_raw();
  return absl::StrFormat("%-8s %s  %s  %s -> %s  %s %s\n", e.cursor(), Time(e.observed_at()),
                         e.payment_id(), previous, e.snapshot().status_raw(), e.snapshot().total(),
                         e.snapshot().currency_raw());
}

std::string HistoryLine(const v1::HistoryItem& i) {
  const char* sign = i.balance_change() == v1::BALANCE_CHANGE_DEBIT    ? "-"
                     : i.balance_change() == v1::BALANCE_CHANGE_CREDIT ? "+"
                                                                       : " ";
  std::string line =
      absl::StrFormat("%s  %-22s %20s  %s", Time(i.happened_at()), i.type(),
                      absl::StrCat(sign, Money(i.amount(), i.currency_raw())), i.id());
  if (i.in_progress()) absl::StrAppend(&line, " (in progress)");
  if (!i.description().empty()) absl::StrAppend(&line, "  ", i.description());
  return line + "\n";
}

absl::Status OutputFile::Open(const std::string& path) {
  if (path.empty()) return absl::InvalidArgumentError("--out FILE (or - for stdout) is required");
  path_ = path;
  if (to_stdout()) {
    file_ = stdout;
    return absl::OkStatus();
  }
  file_ = std::fopen(Partial().c_str(), "wb");
  if (file_ == nullptr) return absl::InvalidArgumentError("cannot write " + Partial());
  return absl::OkStatus();
}

absl::Status OutputFile::Write(absl::string_view data) {
  if (std::fwrite(data.data(), 1, data.size(), file_) != data.size()) {
    return absl::DataLossError(absl::StrCat("writing ", to_stdout() ? "stdout" : Partial(),
                                            " failed: ", std::strerror(errno)));
  }
  bytes_ += data.size();
  return absl::OkStatus();
}

absl::Status OutputFile::Commit() {
  std::FILE* file = std::exchange(file_, nullptr);
  if (to_stdout()) {
    if (std::fflush(file) != 0) {
      return absl::DataLossError(absl::StrCat("writing stdout failed: ", std::strerror(errno)));
    }
    return absl::OkStatus();
  }
  if (std::fclose(file) != 0) {
    std::remove(Partial().c_str());
    return absl::DataLossError(
        absl::StrCat("writing ", Partial(), " failed: ", std::strerror(errno)));
  }
  if (std::rename(Partial().c_str(), path_.c_str()) != 0) {
    std::remove(Partial().c_str());
    return absl::DataLossError(
        absl::StrCat("renaming ", Partial(), " to ", path_, " failed: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

void OutputFile::Abandon() {
  if (file_ == nullptr || to_stdout()) return;
  std::fclose(std::exchange(file_, nullptr));
  std::remove(Partial().c_str());
}

}  // namespace barion_gateway::ctl
