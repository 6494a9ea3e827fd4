#include "server/rpc/health_service.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/common/errors.h"
#include "server/common/peer.h"
#include "server/grpc_status/grpc_status.h"

namespace barion_gateway::server {

namespace health = ::grpc::health::v1;

// One Watch stream: the status it last wrote, the newest it must write, one write at a time.
class HealthService::Watcher final : public grpc::ServerWriteReactor<health::HealthCheckResponse> {
 public:
  Watcher(HealthService* service, std::string service_name, std::string client)
      : service_(service), name_(std::move(service_name)), client_(std::move(client)) {}

  const std::string& name() const { return name_; }
  const std::string& client() const { return client_; }

  // Under the service's lock: `status` is the newest; write it when no write is under way.
  void Tell(Status status, bool last) ABSL_EXCLUSIVE_LOCKS_REQUIRED(service_->mu_) {
    pending_ = status;
    last_ = last_ || last;
    if (!writing_) WriteNext();
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&service_->mu_);
    writing_ = false;
    if (!ok) {
      FinishOnce(grpc::Status::CANCELLED);
      return;
    }
    WriteNext();
  }
  void OnCancel() override {
    absl::MutexLock lock(&service_->mu_);
    FinishOnce(grpc::Status::CANCELLED);
  }
  void OnDone() override {
    service_->Ended(this);
    delete this;
  }

 private:
  void WriteNext() ABSL_EXCLUSIVE_LOCKS_REQUIRED(service_->mu_) {
    if (finished_) return;
    if (pending_.has_value() && pending_ != written_) {
      written_ = *pending_;
      out_.set_status(*pending_);
      writing_ = true;
      StartWrite(&out_);
      return;
    }
    if (last_) FinishOnce(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server is stopping"));
  }
  void FinishOnce(const grpc::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(service_->mu_) {
    if (finished_ || writing_) {
      last_ = true;  // finished once the write under way completes
      return;
    }
    finished_ = true;
    Finish(status);
  }

  HealthService* const service_;
  const std::string name_;
  const std::string client_;
  health::HealthCheckResponse out_;
  std::optional<Status> pending_;
  std::optional<Status> written_;
  bool writing_ = false;
  bool last_ = false;
  bool finished_ = false;
};

HealthService::HealthService(const std::set<std::string>& services, Options options)
    : options_(options) {
  statuses_[""] = health::HealthCheckResponse::SERVING;
  for (const std::string& service : services)
    statuses_[service] = health::HealthCheckResponse::SERVING;
}

HealthService::~HealthService() = default;

int HealthService::watches() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(watchers_.size());
}

void HealthService::Shutdown() {
  absl::MutexLock lock(&mu_);
  shut_down_ = true;
  for (auto& [name, status] : statuses_) status = health::HealthCheckResponse::NOT_SERVING;
  for (Watcher* w : watchers_) w->Tell(health::HealthCheckResponse::NOT_SERVING, /*last=*/true);
}

void HealthService::Ended(Watcher* watcher) {
  absl::MutexLock lock(&mu_);
  if (watchers_.erase(watcher) == 0) return;
  if (--per_peer_[watcher->client()] <= 0) per_peer_.erase(watcher->client());
}

grpc::ServerUnaryReactor* HealthService::Check(grpc::CallbackServerContext* context,
                                               const health::HealthCheckRequest* request,
                                               health::HealthCheckResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::MutexLock lock(&mu_);
  auto it = statuses_.find(request->service());
  if (it == statuses_.end()) {
    reactor->Finish(grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown service"));
    return reactor;
  }
  response->set_status(it->second);
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* HealthService::List(grpc::CallbackServerContext* context,
                                              const health::HealthListRequest*,
                                              health::HealthListResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::MutexLock lock(&mu_);
  for (const auto& [name, status] : statuses_) {
    (*response->mutable_statuses())[name].set_status(status);
  }
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerWriteReactor<health::HealthCheckResponse>* HealthService::Watch(
    grpc::CallbackServerContext* context, const health::HealthCheckRequest* request) {
  const std::string client = ClientOfPeer(context->peer());
  absl::MutexLock lock(&mu_);
  auto refuse = [](const grpc::Status& status) {
    class Refused final : public grpc::ServerWriteReactor<health::HealthCheckResponse> {
     public:
      explicit Refused(const grpc::Status& status) { Finish(status); }
      void OnDone() override { delete this; }
    };
    return new Refused(status);
  };
  if (shut_down_) {
    return refuse(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server is stopping"));
  }
  if (static_cast<int>(watchers_.size()) >= options_.max_watches ||
      per_peer_[client] >= options_.max_watches_per_peer) {
    if (per_peer_[client] == 0) per_peer_.erase(client);
    return refuse(ToGrpcStatus(GatewayErrorStatus(
        absl::StatusCode::kResourceExhausted, "WATCHES_EXHAUSTED",
        absl::StrCat("health Watch streams are bounded: ", options_.max_watches_per_peer,
                     " per client, ", options_.max_watches, " in all; use Check"),
        {})));
  }
  auto* watcher = new Watcher(this, request->service(), client);
  watchers_.insert(watcher);
  ++per_peer_[client];
  auto it = statuses_.find(request->service());
  watcher->Tell(it == statuses_.end() ? health::HealthCheckResponse::SERVICE_UNKNOWN : it->second,
                /*last=*/false);
  return watcher;
}

}  // namespace barion_gateway::server
