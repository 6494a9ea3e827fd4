#include "server/events/state_recorder.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "server/common/log.h"

namespace barion_gateway::server {

namespace v1 = ::barion::v1;

absl::StatusOr<RecordedState> RecordObservedState(EventLog& log, ReconcileSchedule& schedule,
                                                  const std::string& shop,
                                                  const std::string& payment_id,
                                                  v1::GetPaymentStateResponse snapshot,
                                                  v1::EventSource source, absl::Time observed_at,
                                                  const std::string& trace_id) {
  const bool final_state = IsFinalStatus(snapshot.status());
  v1::PaymentEvent event;
  event.set_shop(shop);
  event.set_payment_id(payment_id);
  *event.mutable_snapshot() = std::move(snapshot);
  event.set_source(source);
  *event.mutable_observed_at() =
      google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(observed_at));
  absl::StatusOr<std::optional<v1::PaymentEvent>> appended = log.AppendIfChanged(std::move(event));
  if (!appended.ok()) return appended.status();
  if (appended->has_value() && CallLogging()) {
    LogFields fields = {{"cursor", (**appended).cursor()},
                        {"source", v1::EventSource_Name(source)},
                        {"shop", shop},
                        {"payment_id", payment_id},
                        {"status", (**appended).snapshot().status_raw()}};
    if (!trace_id.empty()) fields.push_back({"trace_id", trace_id});
    LogInfo("event", fields);
  }
  if (final_state) {
    // Final: the reconciler need not look at this payment again.
    if (absl::Status s = schedule.UnwatchPayment(shop, payment_id); !s.ok()) {
      LogError(absl::StrCat("event store: ", s.message()));
    }
  }
  return RecordedState{final_state, appended->has_value()};
}

}  // namespace barion_gateway::server
