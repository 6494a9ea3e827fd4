// Captures what the process writes to file descriptor 2 (the gateway's log) while alive.
#ifndef BARION_GATEWAY_TESTS_SUPPORT_STDERR_CAPTURE_H_
#define BARION_GATEWAY_TESTS_SUPPORT_STDERR_CAPTURE_H_

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace barion_gateway::testing_support {

class StderrCapture {
 public:
  StderrCapture()
      : path_(::testing::TempDir() + "/stderr-" + std::to_string(::getpid()) + "-" +
              std::to_string(counter_++)) {
    std::fflush(stderr);
    saved_ = ::dup(STDERR_FILENO);
    const int fd = ::open(path_.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0600);
    ::dup2(fd, STDERR_FILENO);
    ::close(fd);
  }
  ~StderrCapture() { Restore(); }
  // Stops capturing and returns everything written.
  std::string Text() {
    Restore();
    std::ifstream in(path_);
    std::stringstream content;
    content << in.rdbuf();
    return content.str();
  }

 private:
  void Restore() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
    saved_ = -1;
  }
  static inline int counter_ = 0;
  std::string path_;
  int saved_ = -1;
};

}  // namespace barion_gateway::testing_support

#endif  // BARION_GATEWAY_TESTS_SUPPORT_STDERR_CAPTURE_H_
