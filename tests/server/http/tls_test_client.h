// A blocking HTTPS client for tests, on OpenSSL directly: it verifies the server against a CA
// file (or not), can cap the TLS version it offers, sends raw bytes and reads answers framed by
// Content-Length, and shows the certificate the server presented.
#ifndef BARION_GATEWAY_TESTS_SERVER_HTTP_TLS_TEST_CLIENT_H_
#define BARION_GATEWAY_TESTS_SERVER_HTTP_TLS_TEST_CLIENT_H_

#include <openssl/ssl.h>

#include <memory>
#include <string>

namespace barion_gateway::testing_support {

class TlsTestClient {
 public:
  struct Options {
    std::string ca_file;  // verify the server against it; "" verifies nothing
    int max_version = 0;  // e.g. TLS1_1_VERSION; 0: OpenSSL's default
    int timeout_seconds = 5;
  };
  // Connects to 127.0.0.1:`port` and completes the handshake; null with *error set otherwise.
  static std::unique_ptr<TlsTestClient> Connect(int port, const Options& options,
                                                std::string* error);
  ~TlsTestClient();

  bool Send(const std::string& bytes);
  // One answer: head and body (by Content-Length); "" when the connection ended first.
  std::string ReadAnswer();
  // The server's certificate, PEM.
  std::string PeerCertificatePem() const;

 private:
  TlsTestClient() = default;
  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  std::string buffered_;
};

}  // namespace barion_gateway::testing_support

#endif  // BARION_GATEWAY_TESTS_SERVER_HTTP_TLS_TEST_CLIENT_H_
