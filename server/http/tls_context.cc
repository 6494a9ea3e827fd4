#include "server/http/tls_context.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/common/log.h"

namespace barion_gateway::server {
namespace {

// PEM files of a certificate chain or a key are a few KiB; a bigger file is a wrong path.
constexpr std::streamoff kMaxPemBytes = 1 << 20;

absl::StatusOr<std::string> ReadPem(const std::string& path, const std::string& setting) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat(setting, ": cannot read the file"));
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0 || size > kMaxPemBytes) {
    return absl::InvalidArgumentError(absl::StrCat(setting, ": larger than 1 MiB"));
  }
  in.seekg(0);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Sha256(const std::string& a, const std::string& b) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  const std::string sizes = absl::StrCat(a.size(), ":", b.size(), ":");
  EVP_DigestUpdate(ctx, sizes.data(), sizes.size());
  EVP_DigestUpdate(ctx, a.data(), a.size());
  EVP_DigestUpdate(ctx, b.data(), b.size());
  EVP_DigestFinal_ex(ctx, out, &len);
  EVP_MD_CTX_free(ctx);
  return std::string(reinterpret_cast<char*>(out), len);
}

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

BioPtr MemoryBio(const std::string& text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

}  // namespace

int ReloadingTlsContext::MinProtocolVersion() { return TLS1_2_VERSION; }

absl::StatusOr<std::unique_ptr<ReloadingTlsContext>> ReloadingTlsContext::Load(Files files) {
  if (files.cert_file.empty() || files.key_file.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(files.cert_setting, " and ", files.key_setting, ": both are needed for TLS"));
  }
  std::unique_ptr<ReloadingTlsContext> out(new ReloadingTlsContext(std::move(files)));
  absl::StatusOr<std::string> cert = ReadPem(out->files_.cert_file, out->files_.cert_setting);
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadPem(out->files_.key_file, out->files_.key_setting);
  if (!key.ok()) return key.status();
  absl::StatusOr<CtxPtr> ctx = out->Build(*cert, *key);
  if (!ctx.ok()) return ctx.status();
  out->current_ = *std::move(ctx);
  out->digest_ = Sha256(*cert, *key);
  out->next_check_ = absl::Now() + out->files_.refresh_interval;
  return out;
}

ReloadingTlsContext::~ReloadingTlsContext() = default;

absl::StatusOr<ReloadingTlsContext::CtxPtr> ReloadingTlsContext::Build(
    const std::string& cert_pem, const std::string& key_pem) const {
  ERR_clear_error();
  CtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  if (ctx == nullptr) return absl::InternalError("OpenSSL cannot make a TLS context");
  SSL_CTX_set_min_proto_version(ctx.get(), MinProtocolVersion());
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  // Answers are written from a worker's buffer in pieces on a non-blocking socket.
  SSL_CTX_set_mode(ctx.get(), SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);

  BioPtr certs = MemoryBio(cert_pem);
  X509* leaf = PEM_read_bio_X509_AUX(certs.get(), nullptr, nullptr, nullptr);
  if (leaf == nullptr || SSL_CTX_use_certificate(ctx.get(), leaf) != 1) {
    X509_free(leaf);
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat(files_.cert_setting, ": not a PEM certificate OpenSSL accepts"));
  }
  X509_free(leaf);
  while (X509* chain = PEM_read_bio_X509(certs.get(), nullptr, nullptr, nullptr)) {
    if (SSL_CTX_add0_chain_cert(ctx.get(), chain) != 1) {  // takes `chain` on success only
      X509_free(chain);
      ERR_clear_error();
      return absl::InvalidArgumentError(
          absl::StrCat(files_.cert_setting, ": a chain certificate OpenSSL does not accept"));
    }
  }
  ERR_clear_error();  // the end of the PEM text reads as an error

  BioPtr keys = MemoryBio(key_pem);
  // An empty passphrase callback: an encrypted key fails here instead of prompting on a tty.
  EVP_PKEY* key = PEM_read_bio_PrivateKey(
      keys.get(), nullptr, [](char*, int, int, void*) { return 0; }, nullptr);
  if (key == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat(files_.key_setting, ": not an unencrypted PEM private key OpenSSL accepts"));
  }
  // OpenSSL checks here that the key is the certificate's.
  const bool matches =
      SSL_CTX_use_PrivateKey(ctx.get(), key) == 1 && SSL_CTX_check_private_key(ctx.get()) == 1;
  EVP_PKEY_free(key);
  if (!matches) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat(files_.key_setting, ": does not belong to ",
                                                   files_.cert_setting, "'s certificate"));
  }
  return ctx;
}

SSL_CTX* ReloadingTlsContext::Current(absl::Time now) {
  if (now < next_check_) return current_.get();
  next_check_ = now + files_.refresh_interval;
  absl::StatusOr<std::string> cert = ReadPem(files_.cert_file, files_.cert_setting);
  absl::StatusOr<std::string> key =
      cert.ok() ? ReadPem(files_.key_file, files_.key_setting) : cert.status();
  const std::string digest = cert.ok() && key.ok() ? Sha256(*cert, *key) : "";
  if (!digest.empty() && digest == digest_) return current_.get();
  absl::StatusOr<CtxPtr> built =
      key.ok() ? Build(*cert, *key) : absl::StatusOr<CtxPtr>(key.status());
  if (built.ok()) {
    current_ = *std::move(built);
    digest_ = digest;
    ++reloads_;
    LogInfo("TLS certificate reloaded", {{"setting", files_.cert_setting}});
    return current_.get();
  }
  // Logged once per content (unreadable files count as one content): no line every interval.
  const std::string attempt = digest.empty() ? "unreadable" : digest;
  if (attempt != failed_digest_) {
    ++failed_loads_;
    LogWarning("TLS files changed but do not load; still serving the previous certificate",
               {{"error", std::string(built.status().message())}});
  }
  failed_digest_ = attempt;
  return current_.get();
}

}  // namespace barion_gateway::server
