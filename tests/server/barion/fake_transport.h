// FakeTransport: an HttpTransport that records requests and plays scripted answers.
#ifndef BARION_GATEWAY_TESTS_SERVER_BARION_FAKE_TRANSPORT_H_
#define BARION_GATEWAY_TESTS_SERVER_BARION_FAKE_TRANSPORT_H_

#include <deque>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "server/barion/http_transport.h"

namespace barion_gateway::server {

class FakeTransport final : public HttpTransport {
 public:
  // Queues an answer: an HTTP response...
  void Answer(int status, std::string body) {
    absl::MutexLock lock(&mu_);
    answers_.push_back(HttpResponse{status, std::move(body), "application/json"});
  }
  // ...or a file (a non-JSON body), which reaches a request's on_file_chunk in two pieces...
  void AnswerFile(int status, std::string body, std::string content_type) {
    absl::MutexLock lock(&mu_);
    answers_.push_back(HttpResponse{status, std::move(body), std::move(content_type)});
  }
  // ...or a transport failure of the given kind.
  void Fail(TransportFailure failure) {
    absl::MutexLock lock(&mu_);
    answers_.push_back(TransportError(failure, "scripted failure"));
  }

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    absl::MutexLock lock(&mu_);
    requests_.push_back(request);
    if (answers_.empty()) return absl::InternalError("FakeTransport: no answer scripted");
    absl::StatusOr<HttpResponse> next = answers_.front();
    answers_.pop_front();
    if (next.ok() && request.on_file_chunk && next->status / 100 == 2 &&
        next->content_type.find("json") == std::string::npos) {
      const std::string body = std::move(next->body);
      next->body.clear();
      const size_t half = body.size() / 2;
      if (!request.on_file_chunk(next->content_type, body.data(), half) ||
          !request.on_file_chunk(next->content_type, body.data() + half, body.size() - half)) {
        return TransportError(TransportFailure::kReset, "abandoned by the caller");
      }
    }
    return next;
  }

  std::vector<HttpRequest> requests() {
    absl::MutexLock lock(&mu_);
    return requests_;
  }

 private:
  absl::Mutex mu_;
  std::deque<absl::StatusOr<HttpResponse>> answers_ ABSL_GUARDED_BY(mu_);
  std::vector<HttpRequest> requests_ ABSL_GUARDED_BY(mu_);
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_TESTS_SERVER_BARION_FAKE_TRANSPORT_H_
