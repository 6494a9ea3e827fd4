#include "server/webhooks/webhook_body.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"

namespace barion_gateway::server {

std::string WebhookBody(const barion::v1::PaymentEvent& event, absl::string_view type) {
  std::string data;
  google::protobuf::util::JsonPrintOptions options;
  (void)google::protobuf::util::MessageToJsonString(event, &data, options);
  const std::string timestamp =
      event.has_observed_at()
          ? google::protobuf::util::TimeUtil::ToString(event.observed_at())
          : absl::FormatTime(absl::RFC3339_full, absl::Now(), absl::UTCTimeZone());
  return absl::StrCat("{\"type\":\"", type, "\",\"timestamp\":\"", timestamp, "\",\"data\":", data,
                      "}");
}

}  // namespace barion_gateway::server
