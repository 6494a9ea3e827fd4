// Faults the control API arms (POST /_sandbox/faults; DELETE clears them) and what each does to
// the next Barion API request whose path starts with its prefix (docs/SANDBOX.md).
#include "sandbox/model/simulator.h"

namespace barion_gateway::sandbox {

void Simulator::ControlFaults(const ApiRequest& req, ApiResponse& res) {
  absl::MutexLock lock(&mu_);
  if (req.method == "DELETE") {
    faults_.clear();
    ControlAnswer(res, 200, "cleared");
    return;
  }
  rapidjson::Document body = ControlBody(req);
  Fault f;
  const absl::optional<FaultMode> mode = ParseFaultMode(Str(body, "mode"));
  if (!mode) {
    ControlAnswer(res, 400,
                  "mode must be status_404, status_500, status_503_html, slow, reset, malformed "
                  "or rate_limited");
    return;
  }
  f.mode = *mode;
  f.path_prefix = Str(body, "path_prefix");
  int count = 1, delay_ms = 2000;
  if (Has(body, "count") && !absl::SimpleAtoi(Str(body, "count"), &count)) count = 1;
  if (Has(body, "delay_ms") && !absl::SimpleAtoi(Str(body, "delay_ms"), &delay_ms)) {
    delay_ms = 2000;
  }
  f.remaining = std::max(1, count);
  f.delay = absl::Milliseconds(std::max(0, delay_ms));
  faults_.push_back(f);
  ControlAnswer(res, 200, "armed");
}

absl::optional<Fault> Simulator::TakeFault(const std::string& path) {
  absl::MutexLock lock(&mu_);
  auto it = std::find_if(faults_.begin(), faults_.end(), [&](const Fault& f) {
    return f.remaining > 0 && absl::StartsWith(path, f.path_prefix);
  });
  if (it == faults_.end()) return absl::nullopt;
  Fault fault = *it;
  if (--it->remaining == 0) faults_.erase(it);
  return fault;
}

void Simulator::AnswerFault(const Fault& fault, const ApiRequest& req, ApiResponse& res) {
  switch (fault.mode) {
    case FaultMode::kStatus404:
      Json(res, 404,
           absl::StrCat("{\"Message\":\"No HTTP resource was found that matches the request URI '",
                        Endpoint(req), "'.\"}"));
      return;
    case FaultMode::kStatus500:
      Json(res, 500, "{\"Message\":\"An error has occurred.\"}");
      return;
    case FaultMode::kStatus503Html:
      res.status = 503;
      res.SetContent("<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>",
                     "text/html");
      return;
    case FaultMode::kMalformed:
      Json(res, 200, "{\"PaymentId\":\"4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6\",\"Status\":\"Prep");
      return;
    case FaultMode::kRateLimited:
      res.status = 429;
      return;
    case FaultMode::kReset:
      // A long body promised, a little written, then the connection closes mid-answer.
      res.SetContent("{\"Paym", "application/json");
      res.delivery = Delivery::kResetMidBody;
      return;
    case FaultMode::kSlow:
      return;  // Handle() waits, then answers normally
  }
}

}  // namespace barion_gateway::sandbox
