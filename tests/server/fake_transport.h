// FakeTransport: an HttpTransport that records requests and plays scripted answers.
#ifndef BARION_GATEWAY_TESTS_SERVER_FAKE_TRANSPORT_H_
#define BARION_GATEWAY_TESTS_SERVER_FAKE_TRANSPORT_H_

#include <deque>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "server/http_transport.h"

namespace barion_gateway::server {

class FakeTransport final : public HttpTransport {
 public:
  // Queues an answer: an HTTP response...
  void Answer(int status, std::string body) {
    absl::MutexLock lock(&mu_);
    answers_.push_back(HttpResponse{status, std::move(body), "application/json"});
  }
  // ...or a transport failure with its kind (kFailureConnect, ...).
  void Fail(absl::StatusCode code, const char* kind) {
    absl::Status s(code, "scripted failure");
    s.SetPayload(kTransportFailurePayloadUrl, absl::Cord(kind));
    absl::MutexLock lock(&mu_);
    answers_.push_back(s);
  }

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    absl::MutexLock lock(&mu_);
    requests_.push_back(request);
    if (answers_.empty()) return absl::InternalError("FakeTransport: no answer scripted");
    absl::StatusOr<HttpResponse> next = answers_.front();
    answers_.pop_front();
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

#endif  // BARION_GATEWAY_TESTS_SERVER_FAKE_TRANSPORT_H_
