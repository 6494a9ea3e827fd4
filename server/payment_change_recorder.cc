#include "server/payment_change_recorder.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/common/log.h"
#include "server/events/reconciler.h"

namespace barion_gateway::server {

void PaymentChangeRecorder::PaymentStarted(const std::string& shop, const std::string& payment_id) {
  WatchNewPayment(*schedule_, shop, payment_id, first_check_);
}

void PaymentChangeRecorder::PaymentChanged(const std::string& shop, const std::string& payment_id,
                                           const std::string& trace_id) {
  absl::StatusOr<int64_t> id =
      inbox_->RecordCallback(shop, payment_id, absl::Now(), barion::v1::EVENT_SOURCE_RPC, trace_id);
  if (!id.ok()) {
    LogError(absl::StrCat("event store: change of ", payment_id,
                          " not recorded: ", id.status().message()),
             {{"trace_id", trace_id}});
    return;
  }
  doorbell_->Ring();
}

}  // namespace barion_gateway::server
