#include "sandbox/model/fault_book.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"

namespace barion_gateway::sandbox {

void FaultBook::Arm(Fault fault) {
  absl::MutexLock lock(&mu_);
  faults_.push_back(std::move(fault));
}

void FaultBook::Clear() {
  absl::MutexLock lock(&mu_);
  faults_.clear();
}

absl::optional<Fault> FaultBook::Take(const std::string& path) {
  absl::MutexLock lock(&mu_);
  auto it = std::find_if(faults_.begin(), faults_.end(), [&](const Fault& f) {
    return f.remaining > 0 && absl::StartsWith(path, f.path_prefix);
  });
  if (it == faults_.end()) return absl::nullopt;
  Fault fault = *it;
  if (--it->remaining == 0) faults_.erase(it);
  return fault;
}

}  // namespace barion_gateway::sandbox
