// A throwaway PKI for tests, made with OpenSSL: certificate authorities, and server and client
// certificates they sign with the SANs and validity a test needs, written as PEM files.
#ifndef BARION_GATEWAY_TESTS_SUPPORT_TEST_PKI_H_
#define BARION_GATEWAY_TESTS_SUPPORT_TEST_PKI_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace barion_gateway::testing_support {

// A key and its certificate, in PEM, and the files they were written to.
struct TestCertificate {
  std::string key_pem;
  std::string cert_pem;
  std::string key_file;
  std::string cert_file;
};

class TestCa {
 public:
  // A self-signed EC P-256 CA named `name`, written to `dir`/`name`-{key,cert}.pem.
  static std::unique_ptr<TestCa> Create(const std::string& dir, const std::string& name);
  ~TestCa();

  // A leaf certificate signed by this CA with the SANs `sans` ("DNS:localhost",
  // "URI:spiffe://test/billing", "IP:127.0.0.1"), valid from now + `not_before` to now +
  // `not_after`, written to dir/`file_stem`-{key,cert}.pem.
  TestCertificate Issue(const std::string& file_stem, const std::vector<std::string>& sans,
                        absl::Duration not_before = absl::Hours(-1),
                        absl::Duration not_after = absl::Hours(24)) const;

  // Like Issue, but written over `files`' key and certificate files (each replaced whole, the
  // certificate last): a rotation as an operator does it.
  TestCertificate IssueInto(const TestCertificate& files, const std::vector<std::string>& sans,
                            absl::Duration not_after = absl::Hours(24)) const;

  const TestCertificate& certificate() const { return self_; }

 private:
  struct Keys;
  TestCa() = default;
  std::string dir_;
  std::string name_;
  TestCertificate self_;
  std::unique_ptr<Keys> keys_;
};

}  // namespace barion_gateway::testing_support

#endif  // BARION_GATEWAY_TESTS_SUPPORT_TEST_PKI_H_
