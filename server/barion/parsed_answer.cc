// ParsedAnswer: a Barion answer parsed once, and the verbatim copies of its members.
#include <atomic>
#include <string>

#include "rapidjson/memorystream.h"
#include "rapidjson/reader.h"
#include "server/barion/codec_internal.h"

namespace barion_gateway::server {
namespace {

// SAX filter: forwards to a Writer only the value of one top-level member, numbers as their
// raw text, so that an opaque object (ThreeDSAuthClientData) is passed on unchanged.
class MemberCopier {
 public:
  MemberCopier(const char* name, Writer* out) : name_(name), out_(out) {}
  bool Null() {
    return Emit([&] { return out_->Null(); });
  }
  bool Bool(bool b) {
    return Emit([&] { return out_->Bool(b); });
  }
  bool Int(int i) {
    return Emit([&] { return out_->Int(i); });
  }
  bool Uint(unsigned u) {
    return Emit([&] { return out_->Uint(u); });
  }
  bool Int64(int64_t i) {
    return Emit([&] { return out_->Int64(i); });
  }
  bool Uint64(uint64_t u) {
    return Emit([&] { return out_->Uint64(u); });
  }
  bool Double(double d) {
    return Emit([&] { return out_->Double(d); });
  }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
    return Emit([&] { return out_->RawValue(s, n, rapidjson::kNumberType); });
  }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    return Emit([&] { return out_->String(s, n); });
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    if (depth_ == 1 && !copying_) {
      selected_ = absl::EqualsIgnoreCase(absl::string_view(s, n), name_);
      return true;
    }
    return copying_ ? out_->Key(s, n) : true;
  }
  bool StartObject() {
    return Open([&] { return out_->StartObject(); });
  }
  bool EndObject(rapidjson::SizeType) {
    return Close([&] { return out_->EndObject(); });
  }
  bool StartArray() {
    return Open([&] { return out_->StartArray(); });
  }
  bool EndArray(rapidjson::SizeType) {
    return Close([&] { return out_->EndArray(); });
  }

 private:
  // Only the first occurrence of the member is copied: a repeated key must not make the writer
  // emit a second root value (found by tests/fuzz/codec_fuzzer.cc).
  template <typename F>
  bool Emit(F f) {
    if (copying_) return f();
    if (depth_ == 1 && selected_) {
      selected_ = false;
      if (copied_) return true;
      copied_ = true;
      return f();
    }
    return true;
  }
  template <typename F>
  bool Open(F f) {
    ++depth_;
    if (!copying_ && depth_ == 2 && selected_) {
      selected_ = false;
      if (!copied_) {
        copying_ = true;
        copied_ = true;
        copy_depth_ = depth_;
      }
    }
    return copying_ ? f() : true;
  }
  template <typename F>
  bool Close(F f) {
    bool ok = true;
    if (copying_) {
      ok = f();
      if (depth_ == copy_depth_) copying_ = false;
    }
    --depth_;
    return ok;
  }

  const char* name_;
  Writer* out_;
  int depth_ = 0;
  int copy_depth_ = 0;
  bool selected_ = false;
  bool copying_ = false;
  bool copied_ = false;
};

}  // namespace

// Numbers keep their exact text (money). Text that is not UTF-8 fails the parse: protobuf strings
// must be UTF-8, and a client would refuse the whole response.
constexpr unsigned kParseFlags =
    rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseValidateEncodingFlag;

// The whole document re-written compactly, numbers as their raw text. Unlike the body itself it
// holds nothing but the parsed JSON (a body may carry bytes after a NUL that ends the parse).
std::string CopyDocument(const std::string& body) {
  // RapidJSON 1.1's Writer::RawNumber would quote the number.
  struct VerbatimWriter : Writer {
    using Writer::Writer;
    bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
      return RawValue(s, n, rapidjson::kNumberType);
    }
  };
  rapidjson::StringBuffer buffer;
  VerbatimWriter w(buffer);
  rapidjson::Reader reader;
  rapidjson::MemoryStream stream(body.data(), body.size());
  if (reader.Parse<kParseFlags>(stream, w).IsError()) return "";
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string CopyMemberVerbatim(const std::string& body, const char* name) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  MemberCopier copier(name, &w);
  rapidjson::Reader reader;
  rapidjson::MemoryStream stream(body.data(), body.size());
  reader.Parse<kParseFlags>(stream, copier);
  return std::string(buffer.GetString(), buffer.GetSize());
}

const ParsedAnswer::Document& DocumentOf(const ParsedAnswer& answer) { return *answer.document_; }

ParsedAnswer::ParsedAnswer() : document_(std::make_unique<Document>()) {}
ParsedAnswer::ParsedAnswer(ParsedAnswer&&) noexcept = default;
ParsedAnswer& ParsedAnswer::operator=(ParsedAnswer&&) noexcept = default;
ParsedAnswer::~ParsedAnswer() = default;

namespace {
std::atomic<int64_t> parse_count{0};
}  // namespace

int64_t ParsedAnswer::parses() { return parse_count.load(std::memory_order_relaxed); }

ParsedAnswer ParsedAnswer::Parse(absl::string_view body) {
  parse_count.fetch_add(1, std::memory_order_relaxed);
  ParsedAnswer answer;
  answer.document_->body = std::string(body);
  rapidjson::Document& doc = answer.document_->doc;
  doc.Parse<kParseFlags>(answer.document_->body.data(), answer.document_->body.size());
  ErrorEnvelope& env = answer.envelope_;
  if (doc.HasParseError() || !doc.IsObject()) return answer;
  env.is_json_object = true;
  env.message = Text(doc, "Message");
  env.payment_id = Text(doc, "PaymentId");
  const Value* errors = Member(doc, "Errors");
  if (errors == nullptr) errors = Member(doc, "ErrorList");  // v1 endpoints
  if (errors != nullptr && errors->IsArray()) {
    for (const Value& e : errors->GetArray()) {
      if (!e.IsObject()) continue;
      BarionError be;
      be.error_code = Text(e, "ErrorCode");
      be.title = Text(e, "Title");
      be.description = Text(e, "Description");
      be.endpoint = Text(e, "EndPoint");
      be.happened_at = Text(e, "HappenedAt");
      be.payment_id = Text(e, "PaymentId");
      // AuthData (the caller's POSKey) is deliberately not read.
      env.errors.push_back(std::move(be));
    }
  }
  return answer;
}

}  // namespace barion_gateway::server
