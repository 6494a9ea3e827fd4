// Reading Prometheus's text format in tests: the value of one series.
#ifndef BARION_GATEWAY_TESTS_SUPPORT_EXPOSITION_H_
#define BARION_GATEWAY_TESTS_SUPPORT_EXPOSITION_H_

#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>

namespace barion_gateway::testing_support {

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
