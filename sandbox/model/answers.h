// Answering requests: Barion's errors and their `Errors` body (with AuthData echoed, as Barion
// does), JSON answers with Barion's headers, and the control API's bodies and answers. Internal
// to the sandbox.
#ifndef BARION_GATEWAY_SANDBOX_MODEL_ANSWERS_H_
#define BARION_GATEWAY_SANDBOX_MODEL_ANSWERS_H_

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "sandbox/model/exchange.h"
#include "sandbox/model/json_read.h"

namespace barion_gateway::sandbox {

// ---------------------------------------------------------------------------------------------
// Answering.

// One of Barion's errors.
struct ApiError {
  std::string code;
  std::string title;
  std::string description;
};

// Adds one of Barion's ModelValidationErrors.
inline void AddModelError(std::vector<ApiError>& errors, std::string description) {
  errors.push_back({"ModelValidationError", "Model validation error", std::move(description)});
}

// Barion's `Errors` array. Like Barion, it echoes the caller's POSKey in AuthData (null when
// authentication itself failed): the gateway must never pass that on.
inline void WriteErrors(Writer& w, const std::vector<ApiError>& errors, const std::string& endpoint,
                        const std::string& auth_data) {
  w.Key("Errors");
  w.StartArray();
  const std::string now =
      absl::FormatTime("%Y-%m-%dT%H:%M:%E7SZ", absl::Now(), absl::UTCTimeZone());
  for (const ApiError& e : errors) {
    w.StartObject();
    w.Key("Title");
    w.String(e.title.c_str());
    w.Key("Description");
    w.String(e.description.c_str());
    w.Key("ErrorCode");
    w.String(e.code.c_str());
    w.Key("HappenedAt");
    w.String(now.c_str());
    w.Key("AuthData");
    if (auth_data.empty()) {
      w.Null();
    } else {
      w.String(auth_data.c_str());
    }
    w.Key("EndPoint");
    w.String(endpoint.c_str());
    w.EndObject();
  }
  w.EndArray();
}

inline void Json(ApiResponse& res, int status, const std::string& body) {
  res.status = status;
  res.SetHeader("Cache-Control", "no-cache");
  res.SetHeader("Pragma", "no-cache");
  res.SetHeader("Expires", "-1");
  res.SetContent(body, "application/json; charset=utf-8");
}

inline rapidjson::Document ParseBody(const ApiRequest& req) {
  rapidjson::Document body;
  body.Parse<rapidjson::kParseNumbersAsStringsFlag>(req.body.c_str());
  return body;
}

inline void ControlAnswer(ApiResponse& res, int status, const std::string& message) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key(status < 300 ? "result" : "error");
  w.String(message.c_str());
  w.EndObject();
  Json(res, status, b.GetString());
}

// Parses a control API body: JSON, or an HTML form (the payment page's buttons). A body that
// starts with '{' is JSON whatever its Content-Type: `curl -d '{...}'` labels JSON as a form.
inline rapidjson::Document ControlBody(const ApiRequest& req) {
  rapidjson::Document doc;
  doc.SetObject();
  const bool json = absl::StartsWith(absl::StripLeadingAsciiWhitespace(req.body), "{");
  if (!json && absl::StrContains(req.Header("Content-Type"), "x-www-form-urlencoded")) {
    for (absl::string_view pair : absl::StrSplit(req.body, '&', absl::SkipEmpty())) {
      std::vector<std::string> kv = absl::StrSplit(pair, absl::MaxSplits('=', 1));
      if (kv.size() != 2) continue;
      Value key(kv[0].c_str(), doc.GetAllocator());
      Value val(UrlDecode(kv[1], true).c_str(), doc.GetAllocator());
      doc.AddMember(key, val, doc.GetAllocator());
    }
    return doc;
  }
  rapidjson::Document parsed;
  parsed.Parse<rapidjson::kParseNumbersAsStringsFlag>(req.body.c_str());
  if (!parsed.HasParseError() && parsed.IsObject()) return parsed;
  return doc;
}

}  // namespace barion_gateway::sandbox

#endif  // BARION_GATEWAY_SANDBOX_MODEL_ANSWERS_H_
