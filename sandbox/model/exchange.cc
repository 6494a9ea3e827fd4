#include "sandbox/model/exchange.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace barion_gateway::sandbox {

std::string ApiRequest::Header(absl::string_view name) const {
  auto it = headers.find(absl::AsciiStrToLower(name));
  return it == headers.end() ? "" : it->second;
}

bool ApiRequest::HasHeader(absl::string_view name) const {
  return headers.count(absl::AsciiStrToLower(name)) > 0;
}

std::string ApiRequest::Param(absl::string_view name) const {
  auto it = params.find(std::string(name));
  return it == params.end() ? "" : it->second;
}

bool ApiRequest::HasParam(absl::string_view name) const {
  return params.count(std::string(name)) > 0;
}

void ApiRequest::SetHeader(absl::string_view name, std::string value) {
  headers[absl::AsciiStrToLower(name)] = std::move(value);
}

void ApiResponse::SetContent(std::string content, std::string type) {
  body = std::move(content);
  content_type = std::move(type);
}

void ApiResponse::SetHeader(std::string name, std::string value) {
  for (auto& [key, existing] : headers) {
    if (absl::EqualsIgnoreCase(key, name)) {
      existing = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

void ApiResponse::Redirect(const std::string& url, int redirect_status) {
  status = redirect_status;
  SetHeader("Location", url);
}

std::string ApiResponse::Header(absl::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, name)) return value;
  }
  return "";
}

std::string UrlDecode(absl::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size() && absl::ascii_isxdigit(text[i + 1]) &&
        absl::ascii_isxdigit(text[i + 2])) {
      auto hex = [](char h) {
        return absl::ascii_isdigit(h) ? h - '0' : absl::ascii_tolower(h) - 'a' + 10;
      };
      out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace barion_gateway::sandbox
