#include "server/webhooks/signature.h"

#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace barion_gateway::server {

std::string WebhookSignature(const std::vector<std::string>& keys, absl::string_view id,
                             int64_t timestamp, absl::string_view body) {
  const std::string content = absl::StrCat(id, ".", timestamp, ".", body);
  std::string header;
  for (const std::string& key : keys) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(content.data()), content.size(), mac, &length);
    if (!header.empty()) header += ' ';
    absl::StrAppend(&header, "v1,",
                    absl::Base64Escape(absl::string_view(reinterpret_cast<char*>(mac), length)));
  }
  return header;
}

std::string WebhookMessageId(absl::string_view endpoint, absl::string_view cursor_text) {
  const std::string input = absl::StrCat(endpoint.size(), ":", endpoint, cursor_text);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
  return absl::StrCat(
      "msg_", absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(digest), 16)));
}

}  // namespace barion_gateway::server
