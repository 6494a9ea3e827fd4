// Prometheus's text format in tests: a registry's text, and the value of one series in it.
#ifndef BARION_GATEWAY_TESTS_SUPPORT_EXPOSITION_H_
#define BARION_GATEWAY_TESTS_SUPPORT_EXPOSITION_H_

#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>

#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"

namespace barion_gateway::testing_support {

// Every metric of `registry` in Prometheus's text format, as /metrics serves it.
inline std::string ExpositionOf(prometheus::Registry& registry) {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, registry.Collect());
  return out.str();
}

// The value of the series `series` (its name and labels exactly as exposed, labels sorted by
// name: `grpc_server_started_total{grpc_method="X",...}`), or nullopt when `text` has no such
// line.
inline std::optional<double> SeriesValue(const std::string& text, const std::string& series) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
        line[series.size()] == ' ') {
      return std::strtod(line.c_str() + series.size() + 1, nullptr);
    }
  }
  return std::nullopt;
}

}  // namespace barion_gateway::testing_support

#endif  // BARION_GATEWAY_TESTS_SUPPORT_EXPOSITION_H_
