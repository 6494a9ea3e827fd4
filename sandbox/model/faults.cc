// Faults the control API arms (POST /_sandbox/faults; DELETE clears them) and what each does to
// the next Barion API request whose path starts with its prefix (docs/SANDBOX.md).
#include "sandbox/model/control_fields.h"
#include "sandbox/model/simulator.h"

namespace barion_gateway::sandbox {

void Simulator::ControlFaults(const ApiRequest& req, ApiResponse& res) {
  if (req.method == "DELETE") {
    faults_.Clear();
    ControlAnswer(res, 200, "cleared");
    return;
  }
  rapidjson::Document body = ControlBody(req);
  ControlFields fields(body);
  const absl::optional<FaultMode> mode = ParseFaultMode(fields.Text("mode").value_or(""));
  const std::string path_prefix = fields.Text("path_prefix").value_or("");
  const int64_t count = fields.Int("count", 1, 1000000).value_or(1);
  const int64_t delay_ms = fields.Int("delay_ms", 0, 600000).value_or(2000);
  if (!fields.error().empty()) {
    ControlAnswer(res, 400, fields.error());
    return;
  }
  if (!mode) {
    ControlAnswer(res, 400,
                  "mode must be status_404, status_500, status_503_html, slow, reset, malformed "
                  "or rate_limited");
    return;
  }
  Fault f;
  f.mode = *mode;
  f.path_prefix = path_prefix;
  f.remaining = static_cast<int>(count);
  f.delay = absl::Milliseconds(delay_ms);
  faults_.Arm(f);
  ControlAnswer(res, 200, "armed");
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
