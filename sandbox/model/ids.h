// Barion's ids: random 32-hex-digit ids, their hyphenated form, and ids compared without
// hyphens or case. Internal to the sandbox.
#ifndef BARION_GATEWAY_SANDBOX_MODEL_IDS_H_
#define BARION_GATEWAY_SANDBOX_MODEL_IDS_H_

#include <openssl/rand.h>

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"

namespace barion_gateway::sandbox {

inline std::string RandomHex(int bytes) {
  std::vector<unsigned char> buf(bytes);
  RAND_bytes(buf.data(), bytes);
  std::string out;
  for (unsigned char b : buf) absl::StrAppendFormat(&out, "%02x", b);
  return out;
}

inline std::string Hyphenated(const std::string& id) {
  if (id.size() != 32) return id;
  return absl::StrCat(id.substr(0, 8), "-", id.substr(8, 4), "-", id.substr(12, 4), "-",
                      id.substr(16, 4), "-", id.substr(20));
}

inline std::string NormalizeId(absl::string_view id) {
  return absl::AsciiStrToLower(absl::StrReplaceAll(id, {{"-", ""}}));
}

}  // namespace barion_gateway::sandbox

#endif  // BARION_GATEWAY_SANDBOX_MODEL_IDS_H_
