// docs/BARION.md §10 lists, per endpoint the gateway calls, every request field Barion documents
// and whether the gateway sends it (from which proto field) or not (and why). This test keeps
// those tables and the codec in line: it fills every field of each request (every value of every
// enum in turn, so that fields sent only for some values show up), encodes it, and collects the
// JSON paths written (or, for a GET, the query's parameters and the URL's path segments). A path
// the codec writes that the table does not list as sent, a path listed as sent that the codec never
// writes, or a proto field named in the table that does not exist fails the test.
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/message.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "server/barion/codec.h"
#include "server/operations/catalog.h"

namespace barion_gateway::server {
namespace {

namespace pb = ::google::protobuf;
namespace v1 = ::barion::v1;

// One enum field (by its path of field descriptors) forced to one value; the others take their
// first non-zero value.
struct Choice {
  std::string enum_path;  // "payment.payment_type"; "" for none
  int number = 0;
};

void Fill(pb::Message* m, const std::string& prefix, const Choice& choice, int depth,
          std::vector<std::pair<std::string, const pb::EnumDescriptor*>>* enums) {
  if (depth > 8) return;
  const pb::Descriptor* d = m->GetDescriptor();
  const pb::Reflection* r = m->GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const pb::FieldDescriptor* f = d->field(i);
    if (f->options().deprecated()) continue;  // never sent (the codec ignores them)
    const std::string path = prefix.empty() ? f->name() : absl::StrCat(prefix, ".", f->name());
    auto enum_value = [&]() -> const pb::EnumValueDescriptor* {
      const pb::EnumDescriptor* e = f->enum_type();
      if (enums != nullptr) enums->push_back({path, e});
      if (choice.enum_path == path) return e->FindValueByNumber(choice.number);
      return e->value(e->value_count() > 1 ? 1 : 0);
    };
    if (f->is_repeated()) {
      switch (f->cpp_type()) {
        case pb::FieldDescriptor::CPPTYPE_MESSAGE:
          Fill(r->AddMessage(m, f), path, choice, depth + 1, enums);
          break;
        case pb::FieldDescriptor::CPPTYPE_STRING:
          r->AddString(m, f, "1");
          break;
        case pb::FieldDescriptor::CPPTYPE_ENUM:
          r->AddEnum(m, f, enum_value());
          break;
        case pb::FieldDescriptor::CPPTYPE_BOOL:
          r->AddBool(m, f, true);
          break;
        case pb::FieldDescriptor::CPPTYPE_INT32:
          r->AddInt32(m, f, 1);
          break;
        case pb::FieldDescriptor::CPPTYPE_INT64:
          r->AddInt64(m, f, 1);
          break;
        default:
          ADD_FAILURE() << "unhandled repeated field type at " << path;
      }
      continue;
    }
    switch (f->cpp_type()) {
      case pb::FieldDescriptor::CPPTYPE_MESSAGE:
        Fill(r->MutableMessage(m, f), path, choice, depth + 1, enums);
        break;
      case pb::FieldDescriptor::CPPTYPE_STRING:
        // "1" is a valid amount, quantity, and text alike; the codec does not validate.
        r->SetString(m, f, "1");
        break;
      case pb::FieldDescriptor::CPPTYPE_ENUM:
        r->SetEnum(m, f, enum_value());
        break;
      case pb::FieldDescriptor::CPPTYPE_BOOL:
        r->SetBool(m, f, true);
        break;
      case pb::FieldDescriptor::CPPTYPE_INT32:
        r->SetInt32(m, f, 1);
        break;
      case pb::FieldDescriptor::CPPTYPE_INT64:
        r->SetInt64(m, f, 60);
        break;
      case pb::FieldDescriptor::CPPTYPE_UINT32:
        r->SetUInt32(m, f, 1);
        break;
      case pb::FieldDescriptor::CPPTYPE_UINT64:
        r->SetUInt64(m, f, 1);
        break;
      case pb::FieldDescriptor::CPPTYPE_DOUBLE:
        r->SetDouble(m, f, 1);
        break;
      case pb::FieldDescriptor::CPPTYPE_FLOAT:
        r->SetFloat(m, f, 1);
        break;
    }
  }
}

// Leaf paths of a JSON document: "A.B", "A[].B"; an array of scalars is its own leaf.
void Collect(const rapidjson::Value& v, const std::string& path, std::set<std::string>* out) {
  if (v.IsObject()) {
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      const std::string name(it->name.GetString(), it->name.GetStringLength());
      Collect(it->value, path.empty() ? name : absl::StrCat(path, ".", name), out);
    }
    return;
  }
  if (v.IsArray()) {
    bool scalars = true;
    for (const auto& e : v.GetArray()) {
      if (e.IsObject() || e.IsArray()) {
        scalars = false;
        Collect(e, path + "[]", out);
      }
    }
    if (scalars) out->insert(path);
    return;
  }
  out->insert(path);
}

// What the gateway writes for a request: the JSON paths of its body, or (a GET) its query's
// parameter names, and "{path}" for a request value that forms a segment of the URL path.
struct Encoder {
  std::function<std::unique_ptr<pb::Message>()> make;
  std::function<std::set<std::string>(const pb::Message&)> written;
};

template <typename Request>
Encoder Of(std::string (*encode)(const Request&)) {
  return Encoder{[] { return std::make_unique<Request>(); },
                 [encode](const pb::Message& m) {
                   const std::string json = encode(static_cast<const Request&>(m));
                   rapidjson::Document doc;
                   doc.Parse(json.c_str());
                   EXPECT_FALSE(doc.HasParseError()) << json;
                   std::set<std::string> out;
                   if (!doc.HasParseError()) Collect(doc, "", &out);
                   return out;
                 }};
}

// A GET path builder. Fill() gives every string "1", so a path segment "1" is a request value.
template <typename Request>
Encoder OfPath(std::string (*build)(const Request&)) {
  return Encoder{[] { return std::make_unique<Request>(); },
                 [build](const pb::Message& m) {
                   const std::string url = build(static_cast<const Request&>(m));
                   const size_t q = url.find('?');
                   std::set<std::string> out;
                   for (absl::string_view segment : absl::StrSplit(url.substr(0, q), '/')) {
                     if (segment == "1") out.insert("{path}");
                   }
                   if (q == std::string::npos) return out;
                   for (absl::string_view pair : absl::StrSplit(url.substr(q + 1), '&')) {
                     out.insert(std::string(pair.substr(0, pair.find('='))));
                   }
                   return out;
                 }};
}

const std::map<std::string, Encoder>& Encoders() {
  static const auto* encoders = new std::map<std::string, Encoder>{
      {"EncodeStartPayment", Of(&EncodeStartPayment)},
      {"EncodeStartGooglePayPayment", Of(&EncodeStartGooglePayPayment)},
      {"EncodeStartApplePayPayment", Of(&EncodeStartApplePayPayment)},
      {"EncodeValidateApplePaySession", Of(&EncodeValidateApplePaySession)},
      {"EncodeFinishReservation", Of(&EncodeFinishReservation)},
      {"EncodeCapture", Of(&EncodeCapture)},
      {"EncodeCancelAuthorization", Of(&EncodeCancelAuthorization)},
      {"EncodeRefund", Of(&EncodeRefund)},
      {"EncodeComplete", Of(&EncodeComplete)},
      {"EncodeSendMoneyByEmail", Of(&EncodeSendMoneyByEmail)},
      {"EncodeSendBankTransfer", Of(&EncodeSendBankTransfer)},
      {"EncodeCreatePos", Of(&EncodeCreatePos)},
      {"PaymentStatePath", OfPath(&PaymentStatePath)},
      {"QrCodePath", OfPath(&QrCodePath)},
      {"HistoryPath", OfPath(&HistoryPath)},
      {"HistoryItemPath", OfPath(&HistoryItemPath)},
      {"StatementPath", OfPath(&StatementPath)},
      {"PosPath", OfPath(&PosPath)},
  };
  return *encoders;
}

// Every JSON path the encoder writes for some filling of its request.
std::set<std::string> EmittedPaths(const Encoder& encoder) {
  std::vector<std::pair<std::string, const pb::EnumDescriptor*>> enums;
  std::vector<Choice> choices = {Choice{}};
  {
    std::unique_ptr<pb::Message> probe = encoder.make();
    Fill(probe.get(), "", Choice{}, 0, &enums);
  }
  for (const auto& [path, e] : enums) {
    for (int i = 0; i < e->value_count(); ++i) choices.push_back({path, e->value(i)->number()});
  }
  std::set<std::string> out;
  for (const Choice& choice : choices) {
    std::unique_ptr<pb::Message> m = encoder.make();
    Fill(m.get(), "", choice, 0, nullptr);
    for (const std::string& path : encoder.written(*m)) out.insert(path);
  }
  return out;
}

struct Row {
  std::string path;
  bool sent = false;
  std::string from;  // the proto field path (sent rows) or the reason (others)
};

// docs/BARION.md §10: "### ... `EncodeX`" headings, then "| `Path` | yes/no | from |" rows.
std::map<std::string, std::vector<Row>> ReadTables() {
  std::ifstream in("docs/BARION.md");
  EXPECT_TRUE(in.good()) << "docs/BARION.md is not in the test's runfiles";
  std::map<std::string, std::vector<Row>> tables;
  std::string line, encoder;
  bool in_section = false;
  while (std::getline(in, line)) {
    if (absl::StartsWith(line, "## ")) {
      in_section = absl::StartsWith(line, "## 10.");
      encoder.clear();
      continue;
    }
    if (!in_section) continue;
    if (absl::StartsWith(line, "### ")) {
      // The heading ends with the encoder or path builder in backticks.
      const size_t end = line.rfind('`');
      const size_t at =
          end == std::string::npos || end == 0 ? std::string::npos : line.rfind('`', end - 1);
      encoder = at == std::string::npos ? "" : line.substr(at + 1, end - at - 1);
      if (!encoder.empty()) tables[encoder];
      continue;
    }
    if (encoder.empty() || !absl::StartsWith(line, "| `")) continue;
    std::vector<std::string> cells = absl::StrSplit(line, '|');
    if (cells.size() < 5) continue;
    Row row;
    row.path = std::string(absl::StripAsciiWhitespace(cells[1]));
    row.path = std::string(absl::StripSuffix(absl::StripPrefix(row.path, "`"), "`"));
    if (absl::StartsWith(row.path, "{")) row.path = "{path}";  // {PaymentId}: a path segment
    const std::string sent(absl::StripAsciiWhitespace(cells[2]));
    EXPECT_TRUE(sent == "yes" || sent == "no") << encoder << " " << row.path << ": " << sent;
    row.sent = sent == "yes";
    row.from = std::string(absl::StripAsciiWhitespace(cells[3]));
    tables[encoder].push_back(row);
  }
  return tables;
}

// Whether "a.b[].c" names fields of `d` (the "[]" marks repeated fields).
bool NamesAField(const pb::Descriptor* d, const std::string& path) {
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    if (d == nullptr) return false;
    const bool repeated = absl::ConsumeSuffix(&part, "[]");
    const pb::FieldDescriptor* f = d->FindFieldByName(std::string(part));
    if (f == nullptr || f->is_repeated() != repeated) return false;
    d = f->message_type();
  }
  return true;
}

TEST(RequestFieldTablesTest, EveryEncoderHasATable) {
  const auto tables = ReadTables();
  for (const auto& [name, encoder] : Encoders()) {
    EXPECT_TRUE(tables.count(name)) << "docs/BARION.md §10 has no table for " << name;
  }
  for (const auto& [name, rows] : tables) {
    EXPECT_TRUE(Encoders().count(name)) << "§10 names " << name << ", which is not an encoder";
  }
}

TEST(RequestFieldTablesTest, TheTablesSayWhatTheCodecSends) {
  const auto tables = ReadTables();
  for (const auto& [name, encoder] : Encoders()) {
    static const std::vector<Row> kNone;
    auto table = tables.find(name);
    const std::vector<Row>& rows = table == tables.end() ? kNone : table->second;
    const std::set<std::string> emitted = EmittedPaths(encoder);
    std::set<std::string> listed_sent, listed;
    for (const Row& row : rows) {
      EXPECT_TRUE(listed.insert(row.path).second) << name << ": " << row.path << " listed twice";
      if (!row.sent) {
        EXPECT_FALSE(emitted.count(row.path))
            << name << ": the table says " << row.path << " is not sent, but the codec sends it";
        EXPECT_FALSE(row.from.empty()) << name << ": " << row.path << " needs a reason";
        continue;
      }
      listed_sent.insert(row.path);
      EXPECT_TRUE(emitted.count(row.path))
          << name << ": the table says " << row.path << " is sent, but the codec never sends it";
      // "`payment.transactions[].total`": the proto field it comes from must exist; text that
      // does not start with a field (a constant) is allowed.
      if (absl::StartsWith(row.from, "`")) {
        const std::string field = row.from.substr(1, row.from.find('`', 1) - 1);
        std::unique_ptr<pb::Message> m = encoder.make();
        EXPECT_TRUE(NamesAField(m->GetDescriptor(), field))
            << name << ": " << row.path << " comes from `" << field << "`, which "
            << m->GetDescriptor()->name() << " does not have";
      }
    }
    for (const std::string& path : emitted) {
      EXPECT_TRUE(listed_sent.count(path))
          << name << ": the codec sends " << path << ", which the table does not list as sent";
    }
  }
}

}  // namespace
}  // namespace barion_gateway::server
