// ReloadingTlsContext: the OpenSSL server context of a listener that serves HTTPS itself (the
// callback listener), built from a PEM certificate chain file and a PEM private key file, and
// rebuilt when they change so that certificates rotate without a restart (docs/SECURITY.md).
//
// Every context it builds speaks TLS 1.2 or later (what Barion speaks to callback URLs,
// docs/BARION.md §6), refuses renegotiation, and asks for no client certificate. The files
// are read whole into memory; the key never reaches a log line or an error message.
//
// Not thread-safe: one thread (the listener's I/O thread) calls Current().
#ifndef BARION_GATEWAY_SERVER_HTTP_TLS_CONTEXT_H_
#define BARION_GATEWAY_SERVER_HTTP_TLS_CONTEXT_H_

#include <openssl/ssl.h>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace barion_gateway::server {

class ReloadingTlsContext {
 public:
  struct Files {
    std::string cert_file;  // the certificate, then its chain
    std::string key_file;
    // The settings they came from, to name in errors ("listen.callback_tls_cert_file").
    std::string cert_setting = "cert_file";
    std::string key_setting = "key_file";
    // How often Current() looks at the files again.
    absl::Duration refresh_interval = absl::Seconds(60);
  };

  // Reads and checks both files: INVALID_ARGUMENT naming the setting when one cannot be read,
  // is not PEM of the right kind, or the key does not belong to the certificate.
  static absl::StatusOr<std::unique_ptr<ReloadingTlsContext>> Load(Files files);
  ~ReloadingTlsContext();

  // The context for a new connection. At most once per refresh_interval it reads the files
  // again; when their bytes changed and form a good pair, a new context replaces the old one
  // (connections keep the one they started with). A pair that does not load (a rotation half
  // done, a broken file) keeps the last good context and is logged once per change.
  SSL_CTX* Current(absl::Time now);

  int64_t reloads() const { return reloads_; }            // contexts replaced
  int64_t failed_loads() const { return failed_loads_; }  // changed files that did not load

  // The TLS version the contexts accept at least (TLS1_2_VERSION).
  static int MinProtocolVersion();

 private:
  struct CtxFree {
    void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
  };
  using CtxPtr = std::unique_ptr<SSL_CTX, CtxFree>;

  explicit ReloadingTlsContext(Files files) : files_(std::move(files)) {}
  // Builds a context from the files' bytes; INVALID_ARGUMENT naming the setting at fault.
  absl::StatusOr<CtxPtr> Build(const std::string& cert_pem, const std::string& key_pem) const;

  const Files files_;
  CtxPtr current_;
  // SHA-256 of the files' bytes that current_ (or the last failed attempt) was built from.
  std::string digest_;
  std::string failed_digest_;  // the last content that did not load ("unreadable": no content)
  absl::Time next_check_;
  int64_t reloads_ = 0;
  int64_t failed_loads_ = 0;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_HTTP_TLS_CONTEXT_H_
