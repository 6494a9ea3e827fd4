// The JSON helpers shared by the codec's encoders and decoders (codec_internal.h).
#include "absl/strings/match.h"
#include "server/barion/codec_internal.h"

namespace barion_gateway::server {

void Key(Writer& w, const char* key) { w.Key(key); }

void Str(Writer& w, const char* key, const std::string& value) {
  if (value.empty()) return;
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

// An amount is written as the JSON number text it already is (validated before encoding).
void Amount(Writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.RawValue(value.data(), value.size(), rapidjson::kNumberType);
}

void Time(Writer& w, const char* key, const Timestamp& ts, bool present) {
  if (!present) return;
  w.Key(key);
  std::string text = FormatBarionTime(absl::FromUnixNanos(TimeUtil::TimestampToNanoseconds(ts)));
  w.String(text.c_str());
}

void Span(Writer& w, const char* key, const google::protobuf::Duration& d, bool present) {
  if (!present) return;
  w.Key(key);
  std::string text = FormatTimeSpan(absl::Seconds(d.seconds()));
  w.String(text.c_str());
}

std::string Finish(rapidjson::StringBuffer& buffer) {
  return std::string(buffer.GetString(), buffer.GetSize());
}

const Value* Member(const Value& object, const char* name) {
  if (!object.IsObject()) return nullptr;
  // Barion writes its documented names: an exact match is the common, cheap case.
  if (auto it = object.FindMember(name); it != object.MemberEnd()) {
    return it->value.IsNull() ? nullptr : &it->value;
  }
  for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
    if (absl::EqualsIgnoreCase(absl::string_view(it->name.GetString(), it->name.GetStringLength()),
                               name)) {
      return it->value.IsNull() ? nullptr : &it->value;
    }
  }
  return nullptr;
}

// Strings and numbers (parsed as strings) both read as their text.
std::string Text(const Value& object, const char* name) {
  const Value* v = Member(object, name);
  if (v == nullptr) return "";
  if (v->IsString()) return std::string(v->GetString(), v->GetStringLength());
  if (v->IsBool()) return v->GetBool() ? "true" : "false";
  return "";
}

bool Bool(const Value& object, const char* name) {
  const Value* v = Member(object, name);
  if (v == nullptr) return false;
  if (v->IsBool()) return v->GetBool();
  if (v->IsString()) return absl::EqualsIgnoreCase(v->GetString(), "true");
  return false;
}

bool ReadTime(const Value& object, const char* name, Timestamp* out) {
  absl::Time t;
  if (!ParseBarionTime(Text(object, name), &t)) return false;
  *out = TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
  return true;
}

absl::Status NotAnObject() { return absl::InvalidArgumentError("answer is not a JSON object"); }

}  // namespace barion_gateway::server
