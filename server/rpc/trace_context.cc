#include "server/rpc/trace_context.h"

#include <openssl/rand.h>

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"

namespace barion_gateway::server {
namespace {

bool LowerHex(absl::string_view text, size_t size) {
  if (text.size() != size) return false;
  bool nonzero = false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    nonzero |= c != '0';
  }
  return nonzero;
}

std::string RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1) {
    raw.assign(bytes, '\x01');  // never all zero, which the specification forbids
  }
  return absl::BytesToHexString(raw);
}

}  // namespace

std::optional<TraceParent> ParseTraceParent(absl::string_view header) {
  const std::vector<absl::string_view> parts = absl::StrSplit(header, '-');
  if (parts.size() < 4 || parts[0].size() != 2 || parts[0] == "ff") return std::nullopt;
  for (char c : parts[0]) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  }
  // Version 00 has exactly four fields; a later version may add more after them.
  if (parts[0] == "00" && parts.size() != 4) return std::nullopt;
  if (!LowerHex(parts[1], 32) || !LowerHex(parts[2], 16) || parts[3].size() != 2) {
    return std::nullopt;
  }
  for (char c : parts[3]) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  }
  return TraceParent{std::string(parts[1]), std::string(parts[2]), std::string(parts[3])};
}

std::string StartTrace(grpc::ServerContextBase& context) {
  std::optional<TraceParent> parent;
  const auto& metadata = context.client_metadata();
  if (auto it = metadata.find("traceparent"); it != metadata.end()) {
    parent = ParseTraceParent(absl::string_view(it->second.data(), it->second.size()));
  }
  TraceParent ours;
  ours.trace_id = parent ? parent->trace_id : RandomHex(16);
  ours.span_id = RandomHex(8);
  ours.flags = parent ? parent->flags : "00";
  context.AddInitialMetadata("traceparent", ours.ToHeader());
  return ours.trace_id;
}

}  // namespace barion_gateway::server
