// SecretRedactor: the secrets the gateway holds (POSKeys, wallet API keys, callback secrets), and
// the one function that blots them out of text that came from elsewhere (Barion's answers, its
// error texts) before that text can reach a caller, a log, the audit log or a metric.
//
// A secret matches whatever the letter case, and a 32-hex-digit key also in its GUID form
// (8-4-4-4-12 with hyphens) and a GUID also without its hyphens: Barion writes keys both ways.
// Each match becomes "REDACTED". Secrets are only ever added (a reload adds the new ones): a key
// that was replaced must not leak either. Thread-safe; Redact never blocks on Add for long (it
// works on a snapshot).
#ifndef BARION_GATEWAY_SERVER_COMMON_SECRET_REDACTOR_H_
#define BARION_GATEWAY_SERVER_COMMON_SECRET_REDACTOR_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace barion_gateway::server {

// What a redacted secret reads as.
inline constexpr char kRedacted[] = "REDACTED";

// Secrets shorter than this are not matched: they would blot out ordinary words (configuration
// refuses keys that short anyway).
inline constexpr size_t kMinRedactedSecret = 8;

class SecretRedactor {
 public:
  SecretRedactor() = default;

  // Adds `secrets` (empty and short ones are ignored; duplicates are kept once).
  void Add(const std::vector<std::string>& secrets);

  // Replaces every occurrence of a known secret, and of each of `extra` (the key of the call at
  // hand), in `text`. Returns whether anything was replaced. Linear in |text| times the number
  // of secrets.
  bool Redact(std::string* text, const std::vector<std::string>& extra = {}) const;

 private:
  // Lower-case forms to look for, longest first (so a GUID goes before its hex part).
  using Forms = std::vector<std::string>;
  mutable absl::Mutex mu_;
  std::shared_ptr<const Forms> forms_ ABSL_GUARDED_BY(mu_) = std::make_shared<Forms>();
};

// The lower-case forms of one secret that Redact looks for: itself, and its GUID or hex twin.
std::vector<std::string> SecretForms(absl::string_view secret);

// Replaces every occurrence of each of `forms` (lower case) in `text`, whatever its case.
bool RedactForms(const std::vector<std::string>& forms, std::string* text);

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_COMMON_SECRET_REDACTOR_H_
