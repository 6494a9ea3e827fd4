// barionctl's webhook commands: WebhookService (docs/WEBHOOKS.md, "Operating it").
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "barion/v1/webhook_service.grpc.pb.h"
#include "client/ctl/commands.h"
#include "client/error_details.h"

namespace barion_gateway::ctl {
namespace {

namespace v1 = ::barion::v1;

// One call of WebhookService within --timeout, its status in the client library's form (so that
// the error report shows the gateway's details).
template <typename Request, typename Response, typename Method>
absl::Status Call(Cli& cli, Method method, const Request& request, Response* response) {
  auto stub = v1::WebhookService::NewStub(cli.channel());
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + cli.options().timeout));
  const grpc::Status s = ((*stub).*method)(&context, request, response);
  if (s.ok()) return absl::OkStatus();
  absl::Status status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
  if (!s.error_details().empty()) {
    status.SetPayload(client::kDetailsUrl, absl::Cord(s.error_details()));
  }
  return status;
}

std::string Time(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0) return "-";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(t.seconds()),
                          absl::UTCTimeZone());
}

absl::Status RequireEndpoint(Cli& cli) {
  return cli.Flag("endpoint").empty() ? UsageError("--endpoint is required") : absl::OkStatus();
}

absl::Status List(Cli& cli) {
  v1::ListWebhookEndpointsResponse response;
  if (absl::Status s = Call(cli, &v1::WebhookService::Stub::ListWebhookEndpoints,
                            v1::ListWebhookEndpointsRequest(), &response);
      !s.ok()) {
    return s;
  }
  std::string human = absl::StrFormat("%-16s %-5s %8s %6s  %-20s  %-20s  %s\n", "ENDPOINT", "HERE",
                                      "BACKLOG", "FAILED", "LAST SUCCESS", "LAST FAILURE", "ERROR");
  for (const v1::WebhookEndpoint& e : response.endpoints()) {
    absl::StrAppend(
        &human, absl::StrFormat("%-16s %-5s %8d %6d  %-20s  %-20s  %s\n", e.name(),
                                e.delivering_here() ? "yes" : "no", e.backlog(), e.dead_letters(),
                                Time(e.last_success()), Time(e.last_failure()), e.last_error()));
  }
  return cli.Print(response, human);
}

absl::Status Deliveries(Cli& cli) {
  if (absl::Status s = RequireEndpoint(cli); !s.ok()) return s;
  v1::ListWebhookDeliveriesRequest request;
  request.set_endpoint(cli.Flag("endpoint"));
  int limit = 0;
  if (!absl::SimpleAtoi(cli.Flag("limit", "0"), &limit)) return UsageError("--limit: a number");
  request.set_limit(limit);
  v1::ListWebhookDeliveriesResponse response;
  if (absl::Status s =
          Call(cli, &v1::WebhookService::Stub::ListWebhookDeliveries, request, &response);
      !s.ok()) {
    return s;
  }
  std::string human = absl::StrFormat("%-9s %-24s %-34s %8s  %-20s  %s\n", "STATE", "CURSOR",
                                      "PAYMENT", "ATTEMPTS", "AT", "ERROR");
  for (const v1::WebhookDelivery& d : response.deliveries()) {
    absl::StrAppend(
        &human,
        absl::StrFormat("%-9s %-24s %-34s %8d  %-20s  %s\n",
                        d.state() == v1::WEBHOOK_DELIVERY_STATE_FAILED ? "failed" : "retrying",
                        d.cursor(), d.payment_id(), d.attempts(), Time(d.at()), d.last_error()));
  }
  return cli.Print(response, human);
}

absl::Status Retry(Cli& cli) {
  if (absl::Status s = RequireEndpoint(cli); !s.ok()) return s;
  if (cli.Flag("cursor").empty()) return UsageError("--cursor is required");
  v1::RetryWebhookDeliveryRequest request;
  request.set_endpoint(cli.Flag("endpoint"));
  request.set_cursor(cli.Flag("cursor"));
  v1::RetryWebhookDeliveryResponse response;
  if (absl::Status s =
          Call(cli, &v1::WebhookService::Stub::RetryWebhookDelivery, request, &response);
      !s.ok()) {
    return s;
  }
  return cli.Print(response, response.delivered()
                                 ? "delivered\n"
                                 : absl::StrCat("not delivered: ", response.error(), "\n"));
}

absl::Status Replay(Cli& cli) {
  if (absl::Status s = RequireEndpoint(cli); !s.ok()) return s;
  if (cli.Flag("from").empty()) return UsageError("--from CURSOR is required (0: the beginning)");
  v1::ReplayWebhookEndpointRequest request;
  request.set_endpoint(cli.Flag("endpoint"));
  request.set_after_cursor(cli.Flag("from"));
  v1::ReplayWebhookEndpointResponse response;
  if (absl::Status s =
          Call(cli, &v1::WebhookService::Stub::ReplayWebhookEndpoint, request, &response);
      !s.ok()) {
    return s;
  }
  return cli.Print(response, absl::StrCat("replaying ", request.endpoint(), " after ",
                                          request.after_cursor(), "\n"));
}

absl::Status Test(Cli& cli) {
  if (absl::Status s = RequireEndpoint(cli); !s.ok()) return s;
  v1::SendTestWebhookRequest request;
  request.set_endpoint(cli.Flag("endpoint"));
  v1::SendTestWebhookResponse response;
  if (absl::Status s = Call(cli, &v1::WebhookService::Stub::SendTestWebhook, request, &response);
      !s.ok()) {
    return s;
  }
  return cli.Print(response, response.delivered()
                                 ? absl::StrCat("delivered ", response.webhook_id(), "\n")
                                 : absl::StrCat("not delivered: ", response.error(), "\n"));
}

}  // namespace

std::vector<Command> WebhookCommands() {
  return {
      {"webhooks", "webhook delivery",
       "barionctl webhooks COMMAND [FLAGS]\n"
       "Webhook endpoints are configured in the gateway's configuration (docs/WEBHOOKS.md);\n"
       "these commands show and act on their deliveries.\n"
       "  list          the endpoints: where delivered, backlog, failures, last error\n"
       "  deliveries    an endpoint's failed deliveries, then those being retried\n"
       "  retry         one attempt of a failed delivery now\n"
       "  replay        deliver an endpoint's events again after a cursor\n"
       "  test          send a test delivery to an endpoint\n",
       nullptr},
      {"webhooks list", "endpoints and their state",
       "barionctl webhooks list\nThe endpoints this caller may act on, with their state.\n", &List},
      {"webhooks deliveries", "failed and retrying deliveries",
       "barionctl webhooks deliveries --endpoint NAME [--limit N]\n"
       "Failed deliveries (most recent first), then those being retried; at most N (1-1000,\n"
       "default 100).\n",
       &Deliveries},
      {"webhooks retry", "retry a failed delivery",
       "barionctl webhooks retry --endpoint NAME --cursor CURSOR\n"
       "One attempt of the failed delivery at CURSOR (see deliveries), with its webhook-id;\n"
       "delivered, it is removed from the failed ones.\n",
       &Retry},
      {"webhooks replay", "deliver again from a cursor",
       "barionctl webhooks replay --endpoint NAME --from CURSOR\n"
       "The endpoint delivers every event after CURSOR again (0: from the log's beginning),\n"
       "with the same webhook-ids, so receivers that deduplicate handle each once.\n",
       &Replay},
      {"webhooks test", "send a test delivery",
       "barionctl webhooks test --endpoint NAME\n"
       "One delivery of type webhook.test to the endpoint now; says how it went.\n",
       &Test},
  };
}

}  // namespace barion_gateway::ctl
