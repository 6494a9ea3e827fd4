#include "server/http/bounded_http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <deque>
#include <thread>
#include <unordered_map>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "server/common/thread_name.h"

namespace barion_gateway::server {

absl::Status BoundedHttpServer::SetAddress(const std::string& address, const std::string& setting,
                                           Options* options) {
  const size_t colon = address.rfind(':');
  int port = -1;
  if (colon == std::string::npos || !absl::SimpleAtoi(address.substr(colon + 1), &port) ||
      port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(setting, ": must be host:port"));
  }
  options->host = address.substr(0, colon);
  options->port = port;
  return absl::OkStatus();
}

const char* HttpReason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 413:
      return "Content Too Large";
    case 431:
      return "Request Header Fields Too Large";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Error";
  }
}

namespace {

constexpr size_t kReadChunk = 16 * 1024;

std::string Serialize(const ServedResponse& r, bool keep_alive, bool with_body) {
  std::string out = absl::StrCat("HTTP/1.1 ", r.status, " ", HttpReason(r.status), "\r\n");
  for (const auto& [name, value] : r.headers) absl::StrAppend(&out, name, ": ", value, "\r\n");
  absl::StrAppend(
      &out, "Content-Type: text/plain\r\nContent-Length: ", with_body ? r.body.size() : 0, "\r\n");
  if (!keep_alive) out += "Connection: close\r\n";
  out += "\r\n";
  if (with_body) out += r.body;
  return out;
}

struct SslFree {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};
using SslPtr = std::unique_ptr<SSL, SslFree>;

// One write to a non-blocking socket, in clear or through `ssl`: the bytes taken (> 0), 0 when
// the socket must first become writable (*wait = POLLOUT) or, for TLS, readable
// (*wait = POLLIN), or -1 when the connection failed.
ssize_t WriteSome(int fd, SSL* ssl, absl::string_view bytes, short* wait) {
  *wait = POLLOUT;
  if (ssl == nullptr) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n >= 0) return n == 0 ? -1 : n;
    return errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
  }
  ERR_clear_error();
  const int n =
      SSL_write(ssl, bytes.data(), static_cast<int>(std::min<size_t>(bytes.size(), INT_MAX)));
  if (n > 0) return n;
  switch (SSL_get_error(ssl, n)) {
    case SSL_ERROR_WANT_WRITE:
      return 0;
    case SSL_ERROR_WANT_READ:
      *wait = POLLIN;
      return 0;
    default:
      ERR_clear_error();
      return -1;
  }
}

// Writes all of `bytes` within `timeout`; false if it could not.
bool WriteAll(int fd, SSL* ssl, absl::string_view bytes, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!bytes.empty()) {
    short wait = POLLOUT;
    const ssize_t n = WriteSome(fd, ssl, bytes, &wait);
    if (n < 0) return false;
    if (n > 0) {
      bytes.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    const int64_t ms = absl::ToInt64Milliseconds(deadline - absl::Now());
    if (ms <= 0) return false;
    pollfd p{fd, wait, 0};
    if (::poll(&p, 1, static_cast<int>(ms)) <= 0) return false;
  }
  return true;
}

// One attempt, for an error answer just before the connection closes.
void WriteOnce(int fd, SSL* ssl, absl::string_view bytes) {
  short wait;
  (void)WriteSome(fd, ssl, bytes, &wait);
}

// A peer that closes while an answer is written makes write(2) raise SIGPIPE, which would end
// the process; OpenSSL writes with write(2), not send(MSG_NOSIGNAL). Blocked in this server's
// threads, the signal stays pending on the thread and the write fails with EPIPE.
void BlockSigpipeInThisThread() {
  sigset_t pipe;
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
}

}  // namespace

class BoundedHttpServer::Impl {
 public:
  Impl(Options options, Handler handler)
      : options_(std::move(options)), handler_(std::move(handler)) {}
  ~Impl() { Stop(); }

  absl::Status Listen();
  void Begin() {
    io_ = NamedThread(options_.thread_name + "-io", [this] {
      BlockSigpipeInThisThread();
      Run();
    });
    for (int i = 0; i < std::max(1, options_.workers); ++i) {
      workers_.push_back(NamedThread(options_.thread_name + "-worker", [this] {
        BlockSigpipeInThisThread();
        Work();
      }));
    }
  }
  void Run();
  void Work();
  void Stop();
  int port() const { return port_; }

 private:
  struct Conn {
    int fd = -1;
    HttpRequestReader reader;
    std::string peer;          // the client's address
    std::string pending;       // bytes read past a complete request (pipelining)
    absl::Time waiting_since;  // accepted, or last answer written
    absl::Time request_start;  // first byte of the current request
    bool busy = false;         // a worker is answering it (and owns `ssl` meanwhile)
    SslPtr ssl;                // HTTPS: the connection's TLS state
    bool handshaking = false;  // HTTPS: the handshake is not complete yet
    bool want_write = false;   // HTTPS: TLS waits for the socket to take bytes
  };
  struct Job {
    uint64_t id;
    int fd;
    SSL* ssl;
    ServedRequest request;
  };
  struct Done {
    uint64_t id;
    bool keep;
  };

  void Accept(absl::Time now);
  // Reads what is there; false when the connection is to be closed.
  bool ReadFrom(uint64_t id, Conn& conn, absl::Time now);
  // ReadFrom for HTTPS: advances the handshake, then reads what TLS has decrypted.
  bool ReadTls(uint64_t id, Conn& conn, absl::Time now);
  // Feeds `data` to the reader; hands a complete request to the workers. False to close.
  bool Consume(uint64_t id, Conn& conn, absl::string_view data, absl::Time now);
  void Close(uint64_t id);
  void Wake();

  const Options options_;
  const Handler handler_;
  int listen_fd_ = -1;
  int wake_fd_ = -1;
  int port_ = 0;
  std::thread io_;
  std::vector<std::thread> workers_;
  // Owned by the I/O thread.
  std::unordered_map<uint64_t, Conn> conns_;
  uint64_t next_id_ = 1;

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  std::deque<Job> jobs_ ABSL_GUARDED_BY(mu_);
  std::vector<Done> done_ ABSL_GUARDED_BY(mu_);
};

absl::Status BoundedHttpServer::Impl::Listen() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return absl::UnavailableError(std::strerror(errno));
  int yes = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(options_.port));
  const std::string host = options_.host == "localhost" ? "127.0.0.1" : options_.host;
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    return absl::UnavailableError("the host must be an IPv4 address");
  }
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(listen_fd_, options_.listen_backlog) != 0) {
    return absl::UnavailableError(std::strerror(errno));
  }
  socklen_t len = sizeof(addr);
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) return absl::UnavailableError(std::strerror(errno));
  return absl::OkStatus();
}

void BoundedHttpServer::Impl::Wake() {
  const uint64_t one = 1;
  ssize_t unused = ::write(wake_fd_, &one, sizeof(one));
  (void)unused;
}

void BoundedHttpServer::Impl::Close(uint64_t id) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  Conn& c = it->second;
  if (c.ssl != nullptr && !c.handshaking) {
    SSL_shutdown(c.ssl.get());  // close_notify, once, without waiting for the peer's
    ERR_clear_error();
  }
  ::close(c.fd);
  conns_.erase(it);
}

void BoundedHttpServer::Impl::Accept(absl::Time now) {
  while (true) {
    sockaddr_storage from{};
    socklen_t from_len = sizeof(from);
    const int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&from), &from_len,
                             SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN, or an error the next round sees again
    char text[INET6_ADDRSTRLEN] = "";
    if (from.ss_family == AF_INET) {
      ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&from)->sin_addr, text, sizeof(text));
    } else if (from.ss_family == AF_INET6) {
      ::inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&from)->sin6_addr, text, sizeof(text));
    }
    int yes = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
    if (static_cast<int>(conns_.size()) >= options_.max_connections) {
      // Make room: close the connection that has waited longest for a complete request.
      uint64_t victim = 0;
      absl::Time oldest = absl::InfiniteFuture();
      for (const auto& [id, c] : conns_) {
        const absl::Time since = c.reader.started() ? c.request_start : c.waiting_since;
        if (!c.busy && since < oldest) {
          oldest = since;
          victim = id;
        }
      }
      if (victim == 0) {
        ::close(fd);
        continue;
      }
      Close(victim);
    }
    Conn conn{fd, HttpRequestReader(options_.limits)};
    conn.peer = text;
    conn.waiting_since = now;
    if (options_.tls != nullptr) {
      conn.ssl.reset(SSL_new(options_.tls->Current(now)));
      if (conn.ssl == nullptr || SSL_set_fd(conn.ssl.get(), fd) != 1) {
        ERR_clear_error();
        ::close(fd);
        continue;
      }
      SSL_set_accept_state(conn.ssl.get());
      conn.handshaking = true;
    }
    conns_.emplace(next_id_++, std::move(conn));
  }
}

bool BoundedHttpServer::Impl::Consume(uint64_t id, Conn& conn, absl::string_view data,
                                      absl::Time now) {
  if (!conn.reader.started() && !data.empty()) conn.request_start = now;
  const HttpRequestReader::State state = conn.reader.Feed(data);
  if (state == HttpRequestReader::State::kNeedMore) return true;
  if (state == HttpRequestReader::State::kError) {
    ServedResponse r{conn.reader.error_status(), absl::StrCat(conn.reader.error_reason(), "\n")};
    WriteOnce(conn.fd, conn.ssl.get(), Serialize(r, /*keep_alive=*/false, /*with_body=*/true));
    return false;
  }
  conn.pending.assign(data.data(), data.size());
  conn.busy = true;
  absl::MutexLock lock(&mu_);
  jobs_.push_back(Job{id, conn.fd, conn.ssl.get(), conn.reader.request()});
  jobs_.back().request.peer = conn.peer;
  return true;
}

bool BoundedHttpServer::Impl::ReadTls(uint64_t id, Conn& conn, absl::Time now) {
  SSL* const ssl = conn.ssl.get();
  conn.want_write = false;
  if (conn.handshaking) {
    ERR_clear_error();
    const int r = SSL_do_handshake(ssl);
    if (r != 1) {
      const int error = SSL_get_error(ssl, r);
      ERR_clear_error();
      if (error == SSL_ERROR_WANT_READ) return true;
      if (error == SSL_ERROR_WANT_WRITE) {
        conn.want_write = true;
        return true;
      }
      if (options_.on_tls_handshake_failure) options_.on_tls_handshake_failure();
      return false;
    }
    conn.handshaking = false;
    conn.waiting_since = now;  // the idle clock starts once TLS is up
  }
  // Up to the end of the first complete request: TLS may hold more than the socket shows, so
  // read until it asks for the socket again (the request reader's limits bound the total).
  char buffer[kReadChunk];
  while (!conn.busy) {
    ERR_clear_error();
    const int n = SSL_read(ssl, buffer, sizeof(buffer));
    if (n > 0) {
      if (!Consume(id, conn, absl::string_view(buffer, static_cast<size_t>(n)), now)) return false;
      continue;
    }
    const int error = SSL_get_error(ssl, n);
    ERR_clear_error();
    if (error == SSL_ERROR_WANT_READ) return true;
    if (error == SSL_ERROR_WANT_WRITE) {
      conn.want_write = true;
      return true;
    }
    return false;  // close_notify, a reset, or a TLS error
  }
  return true;
}

bool BoundedHttpServer::Impl::ReadFrom(uint64_t id, Conn& conn, absl::Time now) {
  if (conn.ssl != nullptr) return ReadTls(id, conn, now);
  char buffer[kReadChunk];
  const ssize_t n = ::recv(conn.fd, buffer, sizeof(buffer), 0);
  if (n == 0) return false;
  if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
  return Consume(id, conn, absl::string_view(buffer, static_cast<size_t>(n)), now);
}

void BoundedHttpServer::Impl::Run() {
  std::vector<pollfd> fds;
  std::vector<uint64_t> ids;
  while (true) {
    absl::Time now = absl::Now();
    // Answers written by the workers: the connection is read again, or closed.
    std::vector<Done> done;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) break;
      done.swap(done_);
    }
    for (const Done& d : done) {
      auto it = conns_.find(d.id);
      if (it == conns_.end()) continue;
      if (!d.keep) {
        Close(d.id);
        continue;
      }
      Conn& c = it->second;
      c.busy = false;
      c.reader.Reset();
      c.waiting_since = now;
      const std::string pending = std::move(c.pending);
      c.pending.clear();
      if (!pending.empty() && !Consume(d.id, c, pending, now)) {
        Close(d.id);
        continue;
      }
      // Bytes TLS decrypted before the answer are not on the socket: poll would not see them.
      if (c.ssl != nullptr && !c.busy && SSL_has_pending(c.ssl.get()) == 1 &&
          !ReadTls(d.id, c, now)) {
        Close(d.id);
      }
    }
    // Deadlines: a request that has not arrived whole in time is cut off.
    absl::Time next = now + absl::Seconds(1);
    std::vector<uint64_t> expired;
    for (auto& [id, c] : conns_) {
      if (c.busy) continue;
      // The TLS handshake counts as part of the first request.
      const absl::Time deadline = c.handshaking        ? c.waiting_since + options_.request_timeout
                                  : c.reader.started() ? c.request_start + options_.request_timeout
                                                       : c.waiting_since + options_.idle_timeout;
      if (deadline <= now) {
        expired.push_back(id);
      } else {
        next = std::min(next, deadline);
      }
    }
    for (uint64_t id : expired) {
      Conn& c = conns_.at(id);
      if (c.handshaking && options_.on_tls_handshake_failure) options_.on_tls_handshake_failure();
      if (c.reader.started()) {
        WriteOnce(c.fd, c.ssl.get(),
                  Serialize(ServedResponse{408, "request took too long\n"}, false, true));
      }
      Close(id);
    }

    fds.clear();
    ids.clear();
    fds.push_back({listen_fd_, POLLIN, 0});
    fds.push_back({wake_fd_, POLLIN, 0});
    for (const auto& [id, c] : conns_) {
      if (c.busy) continue;
      fds.push_back({c.fd, static_cast<short>(c.want_write ? POLLOUT : POLLIN), 0});
      ids.push_back(id);
    }
    const int timeout_ms =
        static_cast<int>(std::max<int64_t>(1, absl::ToInt64Milliseconds(next - now) + 1));
    if (::poll(fds.data(), fds.size(), timeout_ms) < 0 && errno != EINTR) break;
    now = absl::Now();
    if (fds[1].revents & POLLIN) {
      uint64_t count;
      ssize_t unused = ::read(wake_fd_, &count, sizeof(count));
      (void)unused;
    }
    for (size_t i = 2; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      auto it = conns_.find(ids[i - 2]);
      if (it == conns_.end()) continue;
      if (!ReadFrom(it->first, it->second, now)) Close(it->first);
    }
    if (fds[0].revents & POLLIN) Accept(now);
  }
}

void BoundedHttpServer::Impl::Work() {
  while (true) {
    Job job;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]()
                       ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_ || !jobs_.empty(); };
      mu_.Await(absl::Condition(&ready));
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    const ServedResponse response = handler_(job.request);
    const bool written = WriteAll(
        job.fd, job.ssl, Serialize(response, job.request.keep_alive, job.request.method != "HEAD"),
        options_.write_timeout);
    const bool keep = written && job.request.keep_alive;
    {
      absl::MutexLock lock(&mu_);
      done_.push_back(Done{job.id, keep});
    }
    Wake();
  }
}

void BoundedHttpServer::Impl::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopped_) return;
    stopped_ = true;
    stopping_ = true;
  }
  // Workers finish the answer they are writing; then the I/O thread stops; only then are the
  // connections closed (a worker never writes to a closed, reused descriptor).
  for (std::thread& t : workers_) t.join();
  workers_.clear();
  if (wake_fd_ >= 0) Wake();
  if (io_.joinable()) io_.join();
  for (auto& [id, c] : conns_) ::close(c.fd);
  conns_.clear();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
  listen_fd_ = wake_fd_ = -1;
}

absl::StatusOr<std::unique_ptr<BoundedHttpServer>> BoundedHttpServer::Start(Options options,
                                                                            Handler handler) {
  auto impl = std::make_unique<Impl>(std::move(options), std::move(handler));
  if (absl::Status s = impl->Listen(); !s.ok()) return s;
  impl->Begin();
  std::unique_ptr<BoundedHttpServer> server(new BoundedHttpServer(std::move(impl)));
  return server;
}

BoundedHttpServer::BoundedHttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
BoundedHttpServer::~BoundedHttpServer() { Stop(); }
int BoundedHttpServer::port() const { return impl_->port(); }
void BoundedHttpServer::Stop() { impl_->Stop(); }

}  // namespace barion_gateway::server
