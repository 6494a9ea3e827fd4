// Violations: how the request validators (server/operations/*_validation.cc) collect what is wrong
// with a request, in bounded time and space: one violation per field (the first broken rule), at
// most kMaxViolations of them (further ones are only counted), and count limits checked before
// anything else. Internal to validation.
#ifndef BARION_GATEWAY_SERVER_OPERATIONS_VIOLATIONS_H_
#define BARION_GATEWAY_SERVER_OPERATIONS_VIOLATIONS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "server/common/errors.h"
#include "server/operations/validation.h"

namespace barion_gateway::server {

// Collects violations; one per field at most (the first broken rule), and at most
// kMaxViolations of them: past that, further ones are only counted. Constant time per Add, so
// validating a request is linear in its size.
class Violations {
 public:
  void Add(std::string field, std::string description) {
    if (list_.size() >= kMaxViolations) {
      ++more_;
      return;
    }
    if (!fields_.insert(field).second) return;
    list_.push_back({std::move(field), std::move(description)});
  }
  void Check(const absl::Status& s, const std::string& field) {
    if (!s.ok()) Add(field, std::string(s.message()));
  }
  void Required(absl::string_view value, const std::string& field) {
    if (value.empty()) Add(field, "is required");
  }
  void MaxLength(absl::string_view value, size_t max, const std::string& field) {
    if (value.size() > max) Add(field, absl::StrCat("must be at most ", max, " characters"));
  }
  void RequiredMax(absl::string_view value, size_t max, const std::string& field) {
    Required(value, field);
    MaxLength(value, max, field);
  }
  void Range(int64_t value, int64_t lo, int64_t hi, const std::string& field) {
    if (value < lo || value > hi) Add(field, absl::StrCat("must be between ", lo, " and ", hi));
  }
  // The violations of a nested message's validation, under `prefix` ("payment.").
  void Nested(const absl::Status& s, const std::string& prefix) {
    for (const FieldViolation& fv : FieldViolationsOf(s)) Add(prefix + fv.field, fv.description);
  }
  absl::Status Result() const {
    return list_.empty() ? absl::OkStatus() : InvalidArgumentStatus(list_, more_);
  }
  bool empty() const { return list_.empty(); }

 private:
  std::vector<FieldViolation> list_;
  absl::flat_hash_set<std::string> fields_;
  size_t more_ = 0;
};

// Checks a repeated field's size against its limit; the limits are checked before anything
// else, so an oversized request costs no more than counting.
template <typename Repeated>
void MaxCount(Violations& v, const Repeated& list, int max, const std::string& field) {
  if (list.size() > max) {
    v.Add(field, absl::StrCat("must have at most ", max, " elements (has ", list.size(), ")"));
  }
}

// The count limits of a payment's transactions, payee transactions and items (kMax*).
template <typename Transactions>
void CheckTransactionCounts(Violations& v, const Transactions& transactions,
                            const std::string& base) {
  MaxCount(v, transactions, kMaxTransactions, base + "transactions");
  if (!v.empty()) return;
  for (int i = 0; i < transactions.size(); ++i) {
    const std::string p = absl::StrCat(base, "transactions[", i, "].");
    MaxCount(v, transactions[i].payee_transactions(), kMaxPayeeTransactions,
             p + "payee_transactions");
    MaxCount(v, transactions[i].items(), kMaxItems, p + "items");
  }
}

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_OPERATIONS_VIOLATIONS_H_
