#include "tests/support/test_pki.h"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <fstream>

#include "absl/strings/str_join.h"

namespace barion_gateway::testing_support {

struct TestCa::Keys {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  ~Keys() {
    EVP_PKEY_free(key);
    X509_free(cert);
  }
};

namespace {

std::string KeyPem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(size));
  BIO_free(bio);
  return out;
}

std::string CertPem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(size));
  BIO_free(bio);
  return out;
}

void AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// A new certificate for `key` named `cn`, valid over the given window, with a random serial.
X509* NewCertificate(EVP_PKEY* key, const std::string& cn, absl::Duration not_before,
                     absl::Duration not_after) {
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof(serial));
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof(serial), nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert), absl::ToInt64Seconds(not_before));
  X509_gmtime_adj(X509_getm_notAfter(cert), absl::ToInt64Seconds(not_after));
  X509_set_pubkey(cert, key);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  return cert;
}

// Written whole, then renamed into place: a watcher never reads half a file.
void Write(const std::string& path, const std::string& content) {
  const std::string temporary = path + ".new";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << content;
  }
  std::rename(temporary.c_str(), path.c_str());
}

}  // namespace

TestCa::~TestCa() = default;

std::unique_ptr<TestCa> TestCa::Create(const std::string& dir, const std::string& name) {
  std::unique_ptr<TestCa> ca(new TestCa());
  ca->dir_ = dir;
  ca->name_ = name;
  ca->keys_ = std::make_unique<Keys>();
  ca->keys_->key = EVP_EC_gen("P-256");
  X509* cert = NewCertificate(ca->keys_->key, name, absl::Hours(-1), absl::Hours(24 * 30));
  X509_set_issuer_name(cert, X509_get_subject_name(cert));
  AddExtension(cert, cert, NID_basic_constraints, "critical,CA:TRUE");
  AddExtension(cert, cert, NID_key_usage, "critical,keyCertSign,cRLSign");
  AddExtension(cert, cert, NID_subject_key_identifier, "hash");
  X509_sign(cert, ca->keys_->key, EVP_sha256());
  ca->keys_->cert = cert;
  ca->self_.key_pem = KeyPem(ca->keys_->key);
  ca->self_.cert_pem = CertPem(cert);
  ca->self_.key_file = dir + "/" + name + "-key.pem";
  ca->self_.cert_file = dir + "/" + name + "-cert.pem";
  Write(ca->self_.key_file, ca->self_.key_pem);
  Write(ca->self_.cert_file, ca->self_.cert_pem);
  return ca;
}

TestCertificate TestCa::IssueInto(const TestCertificate& files,
                                  const std::vector<std::string>& sans,
                                  absl::Duration not_after) const {
  TestCertificate issued = Issue("rotated", sans, absl::Hours(-1), not_after);
  Write(files.key_file, issued.key_pem);
  Write(files.cert_file, issued.cert_pem);
  issued.key_file = files.key_file;
  issued.cert_file = files.cert_file;
  return issued;
}

TestCertificate TestCa::Issue(const std::string& file_stem, const std::vector<std::string>& sans,
                              absl::Duration not_before, absl::Duration not_after) const {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = NewCertificate(key, file_stem, not_before, not_after);
  X509_set_issuer_name(cert, X509_get_subject_name(keys_->cert));
  AddExtension(cert, keys_->cert, NID_basic_constraints, "critical,CA:FALSE");
  AddExtension(cert, keys_->cert, NID_key_usage, "critical,digitalSignature");
  AddExtension(cert, keys_->cert, NID_ext_key_usage, "serverAuth,clientAuth");
  AddExtension(cert, keys_->cert, NID_authority_key_identifier, "keyid");
  if (!sans.empty()) {
    AddExtension(cert, keys_->cert, NID_subject_alt_name, absl::StrJoin(sans, ","));
  }
  X509_sign(cert, keys_->key, EVP_sha256());
  TestCertificate out;
  out.key_pem = KeyPem(key);
  out.cert_pem = CertPem(cert);
  out.key_file = dir_ + "/" + file_stem + "-key.pem";
  out.cert_file = dir_ + "/" + file_stem + "-cert.pem";
  Write(out.key_file, out.key_pem);
  Write(out.cert_file, out.cert_pem);
  X509_free(cert);
  EVP_PKEY_free(key);
  return out;
}

}  // namespace barion_gateway::testing_support
