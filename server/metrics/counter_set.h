// CounterSet: one counter family's series for a fixed list of values of one label, all made at
// construction (an operator's rate() needs the zero series too); counting is then an index and an
// atomic add. For the gateway's enum-like outcomes.
#ifndef BARION_GATEWAY_SERVER_METRICS_COUNTER_SET_H_
#define BARION_GATEWAY_SERVER_METRICS_COUNTER_SET_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/registry.h"

namespace barion_gateway::server {

class CounterSet {
 public:
  // Registers the counter `name` with `help`, with one series per value of `label`.
  CounterSet(prometheus::Registry& registry, const std::string& name, const std::string& help,
             const std::string& label, const std::vector<std::string>& values) {
    auto& family = prometheus::BuildCounter().Name(name).Help(help).Register(registry);
    for (const std::string& value : values) {
      values_.push_back(value);
      series_.push_back(&family.Add({{label, value}}));
    }
  }

  // Adds `by` to the series of values[index]; an index out of range is ignored.
  void Add(int index, double by = 1) {
    if (index >= 0 && index < static_cast<int>(series_.size())) series_[index]->Increment(by);
  }
  // The index of `value`, or -1.
  int IndexOf(absl::string_view value) const {
    for (size_t i = 0; i < values_.size(); ++i) {
      if (values_[i] == value) return static_cast<int>(i);
    }
    return -1;
  }

 private:
  std::vector<std::string> values_;
  std::vector<prometheus::Counter*> series_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_METRICS_COUNTER_SET_H_
