// How the sandbox sends one callback, as Barion does: only to https:// URLs, over TLS 1.2 or
// later, with the receiver's certificate verified (docs/BARION.md §6). A plain http:// URL is
// called only when its host is loopback: Barion can never reach such a host, and the sandbox
// stands in for it in front of a gateway on the same machine (docs/SANDBOX.md).
#ifndef BARION_GATEWAY_SANDBOX_CALLBACK_SENDER_H_
#define BARION_GATEWAY_SANDBOX_CALLBACK_SENDER_H_

#include <string>

#include "absl/time/time.h"

namespace barion_gateway::sandbox {

struct CallbackSendOptions {
  absl::Duration timeout = absl::Seconds(15);  // connect, and each read or write
  // PEM bundle the receiver's certificate must chain to; "" uses the system's trust store.
  std::string ca_file;
};

struct CallbackSendResult {
  int http_status = 0;  // 0: no HTTP answer
  // Why there was no answer ("" when there was one), e.g. "not https".
  std::string error;
  // True when Barion would not try this URL again (a URL it never calls).
  bool final = false;
};

// POSTs `form_body` (application/x-www-form-urlencoded) to `url`.
CallbackSendResult SendCallback(const std::string& url, const std::string& form_body,
                                const CallbackSendOptions& options);

}  // namespace barion_gateway::sandbox

#endif  // BARION_GATEWAY_SANDBOX_CALLBACK_SENDER_H_
