#include "server/common/secret_redactor.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace barion_gateway::server {
namespace {

bool IsHex(absl::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return absl::ascii_isxdigit(c); });
}

void Insert(std::vector<std::string>* forms, std::string form) {
  if (form.size() < kMinRedactedSecret) return;
  if (std::find(forms->begin(), forms->end(), form) == forms->end()) {
    forms->push_back(std::move(form));
  }
}

}  // namespace

std::vector<std::string> SecretForms(absl::string_view secret) {
  std::vector<std::string> forms;
  std::string lower = absl::AsciiStrToLower(secret);
  if (lower.size() == 32 && IsHex(lower)) {
    Insert(&forms,
           absl::StrCat(lower.substr(0, 8), "-", lower.substr(8, 4), "-", lower.substr(12, 4), "-",
                        lower.substr(16, 4), "-", lower.substr(20)));
  } else if (lower.size() == 36 && IsHex(absl::StrReplaceAll(lower, {{"-", ""}}))) {
    Insert(&forms, absl::StrReplaceAll(lower, {{"-", ""}}));
  }
  Insert(&forms, std::move(lower));
  return forms;
}

bool RedactForms(const std::vector<std::string>& forms, std::string* text) {
  if (forms.empty() || text->empty()) return false;
  // ASCII lower-casing keeps every byte where it was, so positions in `lower` are positions in
  // `text`; both are edited alike.
  std::string lower = absl::AsciiStrToLower(*text);
  bool changed = false;
  for (const std::string& form : forms) {
    for (size_t at = lower.find(form); at != std::string::npos;
         at = lower.find(form, at + sizeof(kRedacted) - 1)) {
      lower.replace(at, form.size(), kRedacted);
      text->replace(at, form.size(), kRedacted);
      changed = true;
    }
  }
  return changed;
}

void SecretRedactor::Add(const std::vector<std::string>& secrets) {
  absl::MutexLock lock(&mu_);
  auto next = std::make_shared<Forms>(*forms_);
  for (const std::string& secret : secrets) {
    for (std::string& form : SecretForms(secret)) Insert(next.get(), std::move(form));
  }
  std::stable_sort(next->begin(), next->end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  forms_ = std::move(next);
}

bool SecretRedactor::Redact(std::string* text, const std::vector<std::string>& extra) const {
  std::shared_ptr<const Forms> forms;
  {
    absl::MutexLock lock(&mu_);
    forms = forms_;
  }
  bool changed = false;
  if (!extra.empty()) {
    Forms more;
    for (const std::string& secret : extra) {
      for (std::string& form : SecretForms(secret)) Insert(&more, std::move(form));
    }
    std::stable_sort(more.begin(), more.end(), [](const std::string& a, const std::string& b) {
      return a.size() > b.size();
    });
    changed = RedactForms(more, text);
  }
  return RedactForms(*forms, text) || changed;
}

}  // namespace barion_gateway::server
