#include "tests/server/http/tls_test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace barion_gateway::testing_support {

std::unique_ptr<TlsTestClient> TlsTestClient::Connect(int port, const Options& options,
                                                      std::string* error) {
  std::unique_ptr<TlsTestClient> c(new TlsTestClient());
  c->fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval tv{options.timeout_seconds, 0};
  ::setsockopt(c->fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  ::setsockopt(c->fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (::connect(c->fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    *error = "connect failed";
    return nullptr;
  }
  c->ctx_ = SSL_CTX_new(TLS_client_method());
  if (options.max_version != 0) {
    // Old versions need the lowest security level to be offered at all.
    SSL_CTX_set_security_level(c->ctx_, 0);
    SSL_CTX_set_cipher_list(c->ctx_, "ALL:@SECLEVEL=0");
    SSL_CTX_set_min_proto_version(c->ctx_, TLS1_VERSION);
    SSL_CTX_set_max_proto_version(c->ctx_, options.max_version);
  }
  if (!options.ca_file.empty()) {
    SSL_CTX_load_verify_locations(c->ctx_, options.ca_file.c_str(), nullptr);
    SSL_CTX_set_verify(c->ctx_, SSL_VERIFY_PEER, nullptr);
  }
  c->ssl_ = SSL_new(c->ctx_);
  SSL_set_fd(c->ssl_, c->fd_);
  if (!options.ca_file.empty()) X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl_), "127.0.0.1");
  if (SSL_connect(c->ssl_) != 1) {
    char text[256];
    ERR_error_string_n(ERR_get_error(), text, sizeof(text));
    ERR_clear_error();
    *error = absl::StrCat("handshake failed: ", text);
    return nullptr;
  }
  return c;
}

TlsTestClient::~TlsTestClient() {
  if (ssl_ != nullptr) SSL_free(ssl_);
  if (ctx_ != nullptr) SSL_CTX_free(ctx_);
  if (fd_ >= 0) ::close(fd_);
}

bool TlsTestClient::Send(const std::string& bytes) {
  return SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size())) ==
         static_cast<int>(bytes.size());
}

std::string TlsTestClient::ReadAnswer() {
  char chunk[4096];
  while (true) {
    const size_t head_end = buffered_.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      size_t length = 0;
      const size_t at = buffered_.find("Content-Length: ");
      if (at != std::string::npos && at < head_end) {
        const size_t eol = buffered_.find("\r\n", at);
        (void)absl::SimpleAtoi(buffered_.substr(at + 16, eol - at - 16), &length);
      }
      if (buffered_.size() >= head_end + 4 + length) {
        std::string answer = buffered_.substr(0, head_end + 4 + length);
        buffered_.erase(0, answer.size());
        return answer;
      }
    }
    const int n = SSL_read(ssl_, chunk, sizeof(chunk));
    if (n <= 0) {
      ERR_clear_error();
      return "";
    }
    buffered_.append(chunk, static_cast<size_t>(n));
  }
}

std::string TlsTestClient::PeerCertificatePem() const {
  X509* cert = SSL_get1_peer_certificate(ssl_);
  if (cert == nullptr) return "";
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(size));
  BIO_free(bio);
  X509_free(cert);
  return pem;
}

}  // namespace barion_gateway::testing_support
