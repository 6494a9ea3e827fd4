// Resolving a labelled series once: the first use adds it to its family (under the family's
// lock); every later use is one atomic load. Hot paths keep their series in slots like this so
// that counting never takes a lock shared by all calls (docs/OPERATIONS.md, "Cost").
#ifndef BARION_GATEWAY_SERVER_METRICS_SERIES_H_
#define BARION_GATEWAY_SERVER_METRICS_SERIES_H_

#include <atomic>
#include <utility>

#include "prometheus/family.h"
#include "prometheus/labels.h"

namespace barion_gateway::server {

// A slot for one series of a family; `make_labels()` is called only when the slot is empty.
// Two threads racing on an empty slot get the same series (Family::Add returns the existing
// one for equal labels).
template <typename Metric>
class SeriesSlot {
 public:
  template <typename MakeLabels, typename... Args>
  Metric& Get(prometheus::Family<Metric>& family, MakeLabels&& make_labels, Args&&... args) {
    Metric* metric = metric_.load(std::memory_order_acquire);
    if (metric == nullptr) {
      metric = &family.Add(make_labels(), std::forward<Args>(args)...);
      metric_.store(metric, std::memory_order_release);
    }
    return *metric;
  }

 private:
  std::atomic<Metric*> metric_{nullptr};
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_METRICS_SERIES_H_
