#include "server/callback_listener.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "httplib.h"
#include "server/callback_request.h"
#include "server/log.h"

namespace barion_gateway::server {
namespace {

void Answer(httplib::Response& res, int status, const char* text) {
  res.status = status;
  res.set_content(text, "text/plain");
}

}  // namespace

absl::StatusOr<std::unique_ptr<CallbackListener>> CallbackListener::Start(
    Options options, EventStore* store, std::function<void()> on_recorded) {
  std::unique_ptr<CallbackListener> listener(new CallbackListener());
  const size_t colon = options.address.rfind(':');
  int port = -1;
  if (colon == std::string::npos || !absl::SimpleAtoi(options.address.substr(colon + 1), &port)) {
    return absl::InvalidArgumentError("callback_address: must be host:port");
  }
  const std::string host = options.address.substr(0, colon);
  auto server = std::make_unique<httplib::Server>();
  const int64_t io_us = absl::ToInt64Microseconds(options.io_timeout);
  server->set_read_timeout(io_us / 1000000, io_us % 1000000);
  server->set_write_timeout(io_us / 1000000, io_us % 1000000);
  server->set_keep_alive_timeout(5);
  server->set_payload_max_length(options.max_body_bytes);
  server->set_tcp_nodelay(true);
  server->new_task_queue = [] { return new httplib::ThreadPool(32); };
  // Debian's cpp-httplib 0.11 listens with a backlog of 5 (compiled into the library): a burst
  // of callbacks on new connections overflows it, and the dropped SYNs are retried a second
  // later. Keep the listening socket (the options hook sees only it) to raise the backlog.
  auto listen_fd = std::make_shared<int>(-1);
  server->set_socket_options([listen_fd](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    *listen_fd = sock;
  });

  auto handle = [shops = options.shops, store, on_recorded = std::move(on_recorded)](
                    const httplib::Request& req, httplib::Response& res) {
    const std::string shop = req.matches[1];
    if (shops.count(shop) == 0) return Answer(res, 404, "unknown shop\n");
    const size_t question = req.target.find('?');
    absl::StatusOr<std::string> parsed = CallbackPaymentId(
        question == std::string::npos ? absl::string_view()
                                      : absl::string_view(req.target).substr(question + 1),
        req.body);
    if (!parsed.ok()) {
      res.status = 400;
      res.set_content(absl::StrCat(parsed.status().message(), "\n"), "text/plain");
      return;
    }
    const std::string& payment_id = *parsed;
    absl::StatusOr<int64_t> id = store->RecordCallback(shop, payment_id, absl::Now());
    if (!id.ok()) {
      LogError(absl::StrCat("callback shop=", shop, " payment_id=", payment_id,
                            " NOT recorded (Barion will retry): ", id.status().message()));
      return Answer(res, 503, "try again\n");
    }
    if (CallLogging()) {
      LogInfo(
          absl::StrCat("callback shop=", shop, " payment_id=", payment_id, " recorded id=", *id));
    }
    if (on_recorded) on_recorded();
    Answer(res, 200, "OK\n");
  };
  const char* kPath = R"(/callback/([^/]+))";
  server->Post(kPath, handle);
  server->Get(kPath, handle);
  auto not_allowed = [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Allow", "GET, POST");
    Answer(res, 405, "method not allowed\n");
  };
  server->Put(kPath, not_allowed);
  server->Delete(kPath, not_allowed);
  server->Patch(kPath, not_allowed);
  server->Options(kPath, not_allowed);

  listener->port_ =
      port == 0 ? server->bind_to_any_port(host) : (server->bind_to_port(host, port) ? port : -1);
  if (listener->port_ <= 0) {
    return absl::UnavailableError(
        absl::StrCat("callback_address: cannot listen on ", options.address));
  }
  if (*listen_fd >= 0 && ::listen(*listen_fd, options.listen_backlog) != 0) {
    LogWarning(
        absl::StrCat("callback listener: backlog stays at httplib's 5: ", std::strerror(errno)));
  }
  listener->address_ = absl::StrCat(host, ":", listener->port_);
  listener->server_ = std::move(server);
  httplib::Server* raw_server = listener->server_.get();
  listener->thread_ = std::thread([raw_server] { raw_server->listen_after_bind(); });
  for (int i = 0; i < 2000 && !raw_server->is_running(); ++i) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  return listener;
}

void CallbackListener::Stop() {
  if (server_ == nullptr) return;
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

CallbackListener::~CallbackListener() { Stop(); }

}  // namespace barion_gateway::server
