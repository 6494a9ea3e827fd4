// BarionCallObserver: told of every Barion call BarionApi makes, once its outcome is known (for
// the metrics, docs/OPERATIONS.md). It sees the path (with ids: an observer must not use it as
// a label as it is), the HTTP status, the failure kind, Barion's error codes and the duration;
// never a key or a body.
#ifndef BARION_GATEWAY_SERVER_BARION_CALL_OBSERVER_H_
#define BARION_GATEWAY_SERVER_BARION_CALL_OBSERVER_H_

#include <optional>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/barion/upstream_error.h"

namespace barion_gateway::server {

struct BarionCall {
  absl::string_view path;  // path and query as sent: "/v4/Payment/<id>/PaymentState"
  int http_status = 0;     // 0 without an HTTP answer
  std::optional<UpstreamFailure> failure;            // none: Barion's answer was usable
  const std::vector<BarionError>* errors = nullptr;  // kBarionError: Barion's errors
  absl::Duration took;
};

class BarionCallObserver {
 public:
  virtual ~BarionCallObserver() = default;
  // Called on the calling thread after each call; must be cheap and thread-safe.
  virtual void BarionCalled(const BarionCall& call) = 0;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_BARION_CALL_OBSERVER_H_
