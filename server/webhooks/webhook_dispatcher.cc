#include "server/webhooks/webhook_dispatcher.h"

#include <random>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/common/log.h"
#include "server/common/thread_name.h"
#include "server/webhooks/signature.h"

namespace barion_gateway::server {
namespace {

namespace v1 = ::barion::v1;

absl::StatusOr<std::shared_ptr<WebhookSender>> HttpSender(const WebhookEndpointConfig& e) {
  absl::StatusOr<std::unique_ptr<HttpWebhookSender>> sender =
      HttpWebhookSender::Create(e.url, e.ca_file, e.keys, e.timeout, e.max_in_flight + 2,
                                absl::StrCat("webhooks.endpoints[", e.name, "]"));
  if (!sender.ok()) return sender.status();
  return std::shared_ptr<WebhookSender>(*std::move(sender));
}

}  // namespace

WebhookDispatcher::WebhookDispatcher(EventLog* log, WebhookStore* store, Options options)
    : log_(log), store_(store), options_(std::move(options)), recent_(options_.recent_events) {}

WebhookDispatcher::~WebhookDispatcher() { Stop(); }

bool WebhookDispatcher::SameDelivery(const WebhookEndpointConfig& a,
                                     const WebhookEndpointConfig& b) {
  return a.url == b.url && a.shops == b.shops && a.statuses == b.statuses && a.keys == b.keys &&
         a.timeout == b.timeout && a.max_in_flight == b.max_in_flight && a.ca_file == b.ca_file;
}

absl::StatusOr<std::map<std::string, std::shared_ptr<WebhookDispatcher::Endpoint>>>
WebhookDispatcher::Build(const WebhooksConfig& config) {
  std::map<std::string, std::shared_ptr<Endpoint>> built;
  absl::MutexLock lock(&mu_);
  for (const WebhookEndpointConfig& c : config.endpoints) {
    auto old = endpoints_.find(c.name);
    if (old != endpoints_.end() && SameDelivery(old->second->config, c)) {
      built[c.name] = old->second;
      continue;
    }
    absl::StatusOr<std::shared_ptr<WebhookSender>> sender =
        options_.make_sender ? options_.make_sender(c) : HttpSender(c);
    if (!sender.ok()) return sender.status();
    auto e = std::make_shared<Endpoint>();
    e->config = c;
    e->sender = *std::move(sender);
    built[c.name] = std::move(e);
  }
  return built;
}

absl::Status WebhookDispatcher::Start(const WebhooksConfig& config) {
  recent_.Collect();  // before the head is read: no event falls between the two
  absl::StatusOr<EventCursor> head = log_->LastCursor();
  if (!head.ok()) return head.status();
  recent_.Cover(*head);
  absl::StatusOr<std::map<std::string, std::shared_ptr<Endpoint>>> built = Build(config);
  if (!built.ok()) return built.status();
  {
    absl::MutexLock lock(&mu_);
    endpoints_ = *std::move(built);
    retry_delays_ = config.retry_delays;
  }
  Tick();
  maintainer_ = NamedThread("webhooks", [this] { Maintain(); });
  return absl::OkStatus();
}

absl::Status WebhookDispatcher::Reload(const WebhooksConfig& config) {
  absl::StatusOr<std::map<std::string, std::shared_ptr<Endpoint>>> built = Build(config);
  if (!built.ok()) return built.status();
  {
    absl::MutexLock lock(&mu_);
    for (auto& [name, e] : endpoints_) {
      auto next = built->find(name);
      if (next == built->end() || next->second != e) retired_.push_back(e);
    }
    endpoints_ = *std::move(built);
    retry_delays_ = config.retry_delays;
  }
  Tick();
  return absl::OkStatus();
}

void WebhookDispatcher::Stop() {
  if (stop_.HasBeenNotified()) return;
  stop_.Notify();
  if (maintainer_.joinable()) maintainer_.join();
  absl::MutexLock tick(&tick_mu_);
  std::vector<std::shared_ptr<Endpoint>> all;
  {
    absl::MutexLock lock(&mu_);
    for (auto& [name, e] : endpoints_) all.push_back(e);
    for (auto& e : retired_) all.push_back(e);
    retired_.clear();
  }
  for (auto& e : all) Retire(*e);
}

bool WebhookDispatcher::Retire(Endpoint& e) {
  std::shared_ptr<EndpointRunner> runner;
  {
    absl::MutexLock lock(&mu_);
    runner = std::move(e.runner);
  }
  if (runner == nullptr) return false;
  runner->Stop(/*save=*/true);
  store_->Release(e.config.name, options_.owner).IgnoreError();
  return true;
}

void WebhookDispatcher::EventAppended(const EventCursor& cursor, const v1::PaymentEvent& event) {
  recent_.Append(cursor, event);
  absl::MutexLock lock(&mu_);
  for (auto& [name, e] : endpoints_) {
    if (e->runner != nullptr) e->runner->Wake();
  }
}

void WebhookDispatcher::Maintain() {
  while (!stop_.WaitForNotificationWithTimeout(options_.tick)) Tick();
}

void WebhookDispatcher::Tick() {
  absl::MutexLock tick(&tick_mu_);
  std::vector<std::shared_ptr<Endpoint>> current, retired;
  {
    absl::MutexLock lock(&mu_);
    for (auto& [name, e] : endpoints_) current.push_back(e);
    retired.swap(retired_);
  }
  for (auto& e : retired) {
    if (Retire(*e) && options_.metrics != nullptr) options_.metrics->Forget(e->config.name);
  }
  const absl::Time now = absl::Now();
  for (auto& e : current) {
    Hold(*e, now);
    std::shared_ptr<EndpointRunner> runner;
    {
      absl::MutexLock lock(&mu_);
      runner = e->runner;
    }
    if (runner == nullptr) continue;
    if (absl::Status s = runner->SavePosition(); !s.ok()) {
      LogWarning("webhook position not saved; retried next tick",
                 {{"endpoint", e->config.name}, {"error", std::string(s.message())}});
    }
    if (options_.metrics != nullptr) {
      const EndpointRunner::State state = runner->state();
      options_.metrics->SetState(e->config.name, state.backlog, state.oldest_age, e->dead_letters);
    }
  }
}

absl::StatusOr<EventCursor> WebhookDispatcher::StartPosition(const std::string& endpoint) {
  absl::StatusOr<std::optional<std::string>> saved = store_->Position(endpoint);
  if (!saved.ok()) return saved.status();
  if (!saved->has_value()) {
    // A new endpoint starts with the events that come after it was configured.
    absl::StatusOr<EventCursor> head = log_->LastCursor();
    if (!head.ok()) return head.status();
    if (absl::Status s = store_->SavePosition(endpoint, head->ToText()); !s.ok()) return s;
    return *head;
  }
  absl::StatusOr<EventCursor> cursor = EventCursor::FromText(**saved);
  if (!cursor.ok() || !log_->Owns(*cursor)) {
    LogWarning(
        "the webhook endpoint's position belongs to another event log (the store was "
        "replaced): delivering the new log from its beginning",
        {{"endpoint", endpoint}});
    return EventCursor();
  }
  return *cursor;
}

void WebhookDispatcher::Hold(Endpoint& e, absl::Time now) {
  const std::string& name = e.config.name;
  std::shared_ptr<EndpointRunner> runner;
  {
    absl::MutexLock lock(&mu_);
    runner = e.runner;
  }
  if (now >= e.claim_renew_at) {
    absl::StatusOr<bool> claimed = store_->Claim(name, options_.owner, options_.claim_lease);
    if (!claimed.ok()) {
      e.claim_renew_at = now + absl::Seconds(1);
    } else if (!*claimed) {
      e.claim_renew_at = now + options_.claim_lease / 3;
      e.claim_expires = absl::InfinitePast();
    } else {
      e.claim_expires = now + options_.claim_lease;
      e.claim_renew_at = now + options_.claim_lease / 3;
      if (runner == nullptr) {
        absl::StatusOr<EventCursor> position = StartPosition(name);
        if (!position.ok()) {
          LogWarning("webhook endpoint not started: its position cannot be read",
                     {{"endpoint", name}, {"error", std::string(position.status().message())}});
          e.claim_renew_at = now + absl::Seconds(1);
          return;
        }
        EndpointRunner::Deps deps;
        deps.log = log_;
        deps.store = store_;
        deps.recent = &recent_;
        deps.metrics = options_.metrics;
        {
          absl::MutexLock lock(&mu_);
          deps.retry_delays = retry_delays_;
        }
        runner = std::make_shared<EndpointRunner>(e.config, e.sender, std::move(deps));
        runner->Start(*position);
        absl::MutexLock lock(&mu_);
        e.runner = runner;
      }
      absl::StatusOr<std::optional<std::string>> replay = store_->TakeReplay(name);
      if (replay.ok() && replay->has_value()) {
        absl::StatusOr<EventCursor> cursor = EventCursor::FromText(**replay);
        if (cursor.ok() && log_->Owns(*cursor)) {
          LogInfo("webhook endpoint replays from a cursor",
                  {{"endpoint", name}, {"cursor", **replay}});
          runner->Rewind(*cursor);
          runner->SavePosition().IgnoreError();
        }
      }
      absl::StatusOr<int64_t> count = store_->CountDeadLetters(name);
      if (count.ok()) e.dead_letters = *count;
    }
  }
  if (runner != nullptr && now >= e.claim_expires) {
    // Not renewed in time (the store is out of reach, or another replica has it): stop before a
    // second replica may deliver the same events; the position stays as last saved.
    {
      absl::MutexLock lock(&mu_);
      e.runner.reset();
    }
    runner->Stop(/*save=*/false);
    if (options_.metrics != nullptr) options_.metrics->Forget(name);
  }
}

std::shared_ptr<WebhookDispatcher::Endpoint> WebhookDispatcher::Find(const std::string& name) {
  absl::MutexLock lock(&mu_);
  auto it = endpoints_.find(name);
  return it == endpoints_.end() ? nullptr : it->second;
}

std::vector<WebhookEndpointStatus> WebhookDispatcher::Endpoints() {
  std::vector<std::shared_ptr<Endpoint>> all;
  {
    absl::MutexLock lock(&mu_);
    for (auto& [name, e] : endpoints_) all.push_back(e);
  }
  std::vector<WebhookEndpointStatus> out;
  for (auto& e : all) {
    WebhookEndpointStatus s;
    s.name = e->config.name;
    s.url = e->config.url;
    std::shared_ptr<EndpointRunner> runner;
    {
      absl::MutexLock lock(&mu_);
      runner = e->runner;
    }
    if (runner != nullptr) {
      s.delivering_here = true;
      s.state = runner->state();
      s.position = s.state.position.ToText();
    } else if (absl::StatusOr<std::optional<std::string>> p = store_->Position(s.name);
               p.ok() && p->has_value()) {
      s.position = **p;
    }
    if (absl::StatusOr<int64_t> count = store_->CountDeadLetters(s.name); count.ok()) {
      s.dead_letters = *count;
    }
    out.push_back(std::move(s));
  }
  return out;
}

absl::StatusOr<std::vector<DeadLetter>> WebhookDispatcher::DeadLetters(const std::string& endpoint,
                                                                       int limit) {
  if (Find(endpoint) == nullptr) return absl::NotFoundError("no webhook endpoint of that name");
  return store_->DeadLetters(endpoint, limit);
}

absl::StatusOr<WebhookAttempt> WebhookDispatcher::RetryDeadLetter(const std::string& endpoint,
                                                                  const std::string& cursor) {
  std::shared_ptr<Endpoint> e = Find(endpoint);
  if (e == nullptr) return absl::NotFoundError("no webhook endpoint of that name");
  absl::StatusOr<std::optional<DeadLetter>> found = store_->FindDeadLetter(endpoint, cursor);
  if (!found.ok()) return found.status();
  if (!found->has_value()) return absl::NotFoundError("no dead letter at that cursor");
  DeadLetter letter = **found;
  v1::PaymentEvent event;
  if (!event.ParseFromString(letter.event)) {
    return absl::DataLossError("the dead letter's event is unreadable");
  }
  WebhookDelivery delivery;
  delivery.id = WebhookMessageId(endpoint, cursor);
  delivery.timestamp = absl::ToUnixSeconds(absl::Now());
  delivery.body = WebhookBody(event, "payment.event");
  const absl::Time start = absl::Now();
  const WebhookAttempt attempt = e->sender->Send(delivery);
  if (options_.metrics != nullptr) {
    options_.metrics->Attempted(
        endpoint, attempt.delivered ? WebhookResult::kDelivered : WebhookResult::kDeadLetter,
        absl::Now() - start);
  }
  if (attempt.delivered) {
    if (absl::Status s = store_->RemoveDeadLetter(endpoint, cursor); !s.ok()) return s;
  } else {
    letter.attempts += 1;
    letter.last_error = attempt.error;
    letter.failed_at = absl::Now();
    if (absl::Status s = store_->AddDeadLetter(letter); !s.ok()) return s;
  }
  return attempt;
}

absl::Status WebhookDispatcher::Replay(const std::string& endpoint, const std::string& cursor) {
  std::shared_ptr<Endpoint> e = Find(endpoint);
  if (e == nullptr) return absl::NotFoundError("no webhook endpoint of that name");
  absl::StatusOr<EventCursor> parsed = EventCursor::FromText(cursor);
  if (!parsed.ok() || !log_->Owns(*parsed)) {
    return absl::InvalidArgumentError("after_cursor: not a cursor of this gateway's event log");
  }
  absl::StatusOr<EventCursor> head = log_->LastCursor();
  if (!head.ok()) return head.status();
  if (*head < *parsed) return absl::OutOfRangeError("after_cursor: after the newest event");
  if (absl::Status s = store_->RequestReplay(endpoint, cursor); !s.ok()) return s;
  {
    absl::MutexLock tick(&tick_mu_);
    e->claim_renew_at = absl::InfinitePast();  // carried out at once if this replica has it
  }
  Tick();
  return absl::OkStatus();
}

absl::StatusOr<std::vector<EndpointRunner::Retrying>> WebhookDispatcher::Retrying(
    const std::string& endpoint, size_t limit) {
  std::shared_ptr<Endpoint> e = Find(endpoint);
  if (e == nullptr) return absl::NotFoundError("no webhook endpoint of that name");
  std::shared_ptr<EndpointRunner> runner;
  {
    absl::MutexLock lock(&mu_);
    runner = e->runner;
  }
  if (runner == nullptr) return std::vector<EndpointRunner::Retrying>();
  return runner->retrying(limit);
}

absl::StatusOr<WebhookEndpointConfig> WebhookDispatcher::EndpointConfig(
    const std::string& endpoint) {
  std::shared_ptr<Endpoint> e = Find(endpoint);
  if (e == nullptr) return absl::NotFoundError("no webhook endpoint of that name");
  return e->config;
}

absl::StatusOr<WebhookAttempt> WebhookDispatcher::SendTest(const std::string& endpoint,
                                                           std::string* id) {
  std::shared_ptr<Endpoint> e = Find(endpoint);
  if (e == nullptr) return absl::NotFoundError("no webhook endpoint of that name");
  v1::PaymentEvent event;
  event.set_shop(e->config.shops.empty() ? "test" : e->config.shops.front());
  event.set_payment_id("test");
  const absl::Time now = absl::Now();
  event.mutable_observed_at()->set_seconds(absl::ToUnixSeconds(now));
  event.mutable_snapshot()->set_payment_id("test");
  event.mutable_snapshot()->set_status(v1::PAYMENT_STATUS_SUCCEEDED);
  std::string random(16, '\0');
  std::random_device device;
  for (char& c : random) c = static_cast<char>(device());
  WebhookDelivery delivery;
  delivery.id = absl::StrCat("msg_test_", absl::BytesToHexString(random));
  delivery.timestamp = absl::ToUnixSeconds(now);
  delivery.body = WebhookBody(event, "webhook.test");
  if (id != nullptr) *id = delivery.id;
  return e->sender->Send(delivery);
}

}  // namespace barion_gateway::server
