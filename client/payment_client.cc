#include "client/payment_client.h"

#include <algorithm>
#include <random>
#include <utility>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/client_context.h"

namespace barion_gateway::client {

namespace v1 = ::barion::v1;

absl::Status UnimplementedRpc(absl::string_view rpc) {
  return absl::UnimplementedError(
      absl::StrCat(rpc, " is not implemented by this Connection (it does not override it)"));
}
namespace {

absl::Status ToAbsl(const grpc::Status& s) {
  if (s.ok()) return absl::OkStatus();
  absl::Status status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
  if (!s.error_details().empty()) status.SetPayload(kDetailsUrl, absl::Cord(s.error_details()));
  return status;
}

std::unique_ptr<grpc::ClientContext> ContextUntil(absl::Time deadline) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(deadline));
  return context;
}

template <typename Response, typename Request, typename Method>
absl::StatusOr<Response> Unary(Method method, const Request& request, absl::Time deadline) {
  auto context = ContextUntil(deadline);
  Response response;
  grpc::Status s = method(context.get(), request, &response);
  if (!s.ok()) return ToAbsl(s);
  return response;
}

// A gRPC server stream behind ServerStream; `open` starts the call on the stream's own context.
template <typename Message>
class GrpcServerStream final : public ServerStream<Message> {
 public:
  template <typename Open>
  GrpcServerStream(absl::Time deadline, Open open) {
    if (deadline != absl::InfiniteFuture()) context_.set_deadline(absl::ToChronoTime(deadline));
    reader_ = open(&context_);
  }
  bool Read(Message* message) override { return reader_->Read(message); }
  absl::Status Finish() override { return ToAbsl(reader_->Finish()); }
  void Cancel() override { context_.TryCancel(); }

 private:
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<Message>> reader_;
};

class GrpcConnection final : public Connection {
 public:
  explicit GrpcConnection(std::shared_ptr<grpc::Channel> channel)
      : payments_(v1::PaymentService::NewStub(channel)),
        events_(v1::PaymentEventService::NewStub(channel)) {}

#define BARION_UNARY(Stub, Method, Request, Response)                                             \
  absl::StatusOr<v1::Response> Method(const v1::Request& request, absl::Time deadline) override { \
    return Unary<v1::Response>([this](grpc::ClientContext* c, const v1::Request& r,               \
                                      v1::Response* out) { return Stub->Method(c, r, out); },     \
                               request, deadline);                                                \
  }
  BARION_CLIENT_PAYMENT_RPCS(BARION_UNARY)

  std::unique_ptr<EventStream> SubscribePaymentEvents(
      const v1::SubscribePaymentEventsRequest& request) override {
    return std::make_unique<GrpcServerStream<v1::SubscribePaymentEventsResponse>>(
        absl::InfiniteFuture(), [&](grpc::ClientContext* context) {
          return events_->SubscribePaymentEvents(context, request);
        });
  }

 private:
  std::unique_ptr<v1::PaymentService::Stub> payments_;
  std::unique_ptr<v1::PaymentEventService::Stub> events_;
};

class GrpcWalletConnection final : public WalletConnection {
 public:
  explicit GrpcWalletConnection(std::shared_ptr<grpc::Channel> channel)
      : wallets_(v1::WalletService::NewStub(channel)) {}

  BARION_CLIENT_WALLET_RPCS(BARION_UNARY)

  std::unique_ptr<StatementStream> DownloadStatement(const v1::DownloadStatementRequest& request,
                                                     absl::Time deadline) override {
    return std::make_unique<GrpcServerStream<v1::DownloadStatementResponse>>(
        deadline, [&](grpc::ClientContext* context) {
          return wallets_->DownloadStatement(context, request);
        });
  }

 private:
  std::unique_ptr<v1::WalletService::Stub> wallets_;
};
#undef BARION_UNARY

// Whether `options` let a failed call of `rpc` be sent again.
bool ShouldRetry(const ClientOptions& options, absl::string_view rpc, const absl::Status& status) {
  return options.retry->ShouldRetry(options.idempotency->For(rpc), status);
}

template <typename Response>
absl::StatusOr<Response> Retry(const ClientOptions& options, absl::string_view rpc,
                               const std::function<absl::StatusOr<Response>(absl::Time)>& call) {
  for (int attempt = 0;; ++attempt) {
    absl::StatusOr<Response> result = call(absl::Now() + options.timeout);
    if (result.ok() || attempt + 1 >= options.max_attempts) return result;
    if (!ShouldRetry(options, rpc, result.status())) return result;
    options.sleep(BackoffDelay(options.initial_backoff, options.max_backoff, attempt));
  }
}

}  // namespace

std::shared_ptr<Connection> MakeGrpcConnection(std::shared_ptr<grpc::Channel> channel) {
  return std::make_shared<GrpcConnection>(std::move(channel));
}

std::shared_ptr<WalletConnection> MakeGrpcWalletConnection(std::shared_ptr<grpc::Channel> channel) {
  return std::make_shared<GrpcWalletConnection>(std::move(channel));
}

PaymentClient::PaymentClient(std::shared_ptr<Connection> connection, ClientOptions options)
    : connection_(std::move(connection)), options_(std::move(options)) {}

WalletClient::WalletClient(std::shared_ptr<WalletConnection> connection, ClientOptions options)
    : connection_(std::move(connection)), options_(std::move(options)) {}

#define BARION_CALL(Client, Method, Request, Response)                       \
  absl::StatusOr<v1::Response> Client::Method(const v1::Request& request) {  \
    return Retry<v1::Response>(options_, #Method, [&](absl::Time deadline) { \
      return connection_->Method(request, deadline);                         \
    });                                                                      \
  }
#define BARION_PAYMENT_CALL(Stub, Method, Request, Response) \
  BARION_CALL(PaymentClient, Method, Request, Response)
#define BARION_WALLET_CALL(Stub, Method, Request, Response) \
  BARION_CALL(WalletClient, Method, Request, Response)
BARION_CLIENT_PAYMENT_RPCS(BARION_PAYMENT_CALL)
BARION_CLIENT_WALLET_RPCS(BARION_WALLET_CALL)
#undef BARION_PAYMENT_CALL
#undef BARION_WALLET_CALL
#undef BARION_CALL

absl::StatusOr<std::string> WalletClient::DownloadStatement(
    const v1::DownloadStatementRequest& request,
    const std::function<absl::Status(absl::string_view data)>& sink) {
  for (int attempt = 0;; ++attempt) {
    std::unique_ptr<WalletConnection::StatementStream> stream =
        connection_->DownloadStatement(request, absl::Now() + options_.timeout);
    std::string content_type;
    bool delivered = false;
    absl::Status sink_status;
    v1::DownloadStatementResponse chunk;
    while (stream->Read(&chunk)) {
      if (content_type.empty()) content_type = chunk.content_type();
      if (chunk.data().empty()) continue;
      delivered = true;
      sink_status = sink(chunk.data());
      if (!sink_status.ok()) {
        stream->Cancel();
        while (stream->Read(&chunk)) {
        }
        break;
      }
    }
    const absl::Status end = stream->Finish();
    if (!sink_status.ok()) return sink_status;
    if (end.ok()) return content_type;
    if (delivered || attempt + 1 >= options_.max_attempts ||
        !ShouldRetry(options_, "DownloadStatement", end)) {
      return end;
    }
    options_.sleep(BackoffDelay(options_.initial_backoff, options_.max_backoff, attempt));
  }
}

EventSubscription::EventSubscription(std::shared_ptr<Connection> connection,
                                     v1::SubscribePaymentEventsRequest request,
                                     ClientOptions options)
    : connection_(std::move(connection)),
      request_(std::move(request)),
      options_(std::move(options)),
      cursor_(request_.after_cursor()) {
  if (!cursor_.empty() || request_.start() == v1::SUBSCRIPTION_START_BEGINNING) return;
  // "Now" means now: open the stream at once and pin the position its first heartbeat reports,
  // so that a reconnection later resumes from here rather than from a later "now".
  std::unique_ptr<Connection::EventStream> stream = connection_->SubscribePaymentEvents(request_);
  v1::SubscribePaymentEventsResponse hello;
  if (stream->Read(&hello) && hello.has_heartbeat()) {
    cursor_ = hello.heartbeat().cursor();
  }
  absl::MutexLock lock(&mu_);
  stream_ = std::move(stream);
}

EventSubscription::~EventSubscription() { Stop(); }

void EventSubscription::Stop() {
  stopped_ = true;
  absl::MutexLock lock(&mu_);
  if (stream_ != nullptr) stream_->Cancel();
}

absl::StatusOr<v1::PaymentEvent> EventSubscription::Next() {
  while (!stopped_) {
    Connection::EventStream* stream = nullptr;
    {
      absl::MutexLock lock(&mu_);
      if (stream_ == nullptr) {
        v1::SubscribePaymentEventsRequest request = request_;
        if (!cursor_.empty()) request.set_after_cursor(cursor_);
        stream_ = connection_->SubscribePaymentEvents(request);
      }
      stream = stream_.get();
    }
    v1::SubscribePaymentEventsResponse message;
    if (stream->Read(&message)) {
      failures_ = 0;
      if (message.has_event()) {
        if (!returned_.Add(message.event().cursor())) continue;  // already handed out
        cursor_ = message.event().cursor();
        return message.event();
      }
      cursor_ = message.heartbeat().cursor();
      continue;
    }
    const absl::Status end = stream->Finish();
    {
      absl::MutexLock lock(&mu_);
      stream_.reset();
    }
    if (stopped_) break;
    if (end.code() == absl::StatusCode::kInvalidArgument ||
        end.code() == absl::StatusCode::kFailedPrecondition ||
        end.code() == absl::StatusCode::kPermissionDenied ||
        end.code() == absl::StatusCode::kUnauthenticated) {
      return end;  // the subscription itself is refused
    }
    // Resume after our own cursor (the stream's resume_after_cursor is only a fallback).
    if (cursor_.empty()) {
      const std::string fallback = DetailsOf(end).metadata("resume_after_cursor");
      if (!fallback.empty()) cursor_ = fallback;
    }
    options_.sleep(BackoffDelay(options_.initial_backoff, options_.max_backoff, failures_++));
  }
  return absl::CancelledError("the subscription was stopped");
}

bool EventSubscription::RecentCursors::Add(const std::string& cursor) {
  if (!seen_.insert(cursor).second) return false;
  order_.push_back(cursor);
  if (order_.size() > kKept) {
    seen_.erase(order_.front());
    order_.pop_front();
  }
  return true;
}

}  // namespace barion_gateway::client
