// FunctionFetcher: a PaymentStateFetcher that runs a function, for tests of the event pipeline.
#ifndef BARION_GATEWAY_TESTS_SERVER_EVENTS_FUNCTION_FETCHER_H_
#define BARION_GATEWAY_TESTS_SERVER_EVENTS_FUNCTION_FETCHER_H_

#include <functional>
#include <string>
#include <utility>

#include "server/events/payment_state_fetcher.h"

namespace barion_gateway::server {

class FunctionFetcher final : public PaymentStateFetcher {
 public:
  using Function = std::function<FetchedState(const std::string& shop,
                                              const std::string& payment_id, absl::Time deadline)>;
  explicit FunctionFetcher(Function function) : function_(std::move(function)) {}

  FetchedState FetchPaymentState(const std::string& shop, const std::string& payment_id,
                                 absl::Time deadline) override {
    return function_(shop, payment_id, deadline);
  }

 private:
  const Function function_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_TESTS_SERVER_EVENTS_FUNCTION_FETCHER_H_
