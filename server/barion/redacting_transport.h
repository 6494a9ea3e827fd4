// RedactingTransport: an HttpTransport that blots every secret the gateway holds out of Barion's
// answers before anything reads them (docs/SECURITY.md, "Nothing Barion sends back leaks a
// secret").
//
// Barion echoes secrets: Pos-Get carries a shop's SecretKey (its POSKey), PaymentState and error
// texts echo the CallbackUrl with the gateway's callback secret in it, an error's AuthData the
// POSKey. The answer's body is rewritten here, at the one seam every answer passes, so no decoder,
// error mapper, log line, audit record or metric downstream can let one through. The secrets are
// the redactor's (every POSKey, API key and callback secret of the configuration) plus the key
// the request itself carries (its x-pos-key or x-api-key header). Files (statements) go to
// on_file_chunk untouched: they are documents for the wallet's owner, not JSON.
#ifndef BARION_GATEWAY_SERVER_BARION_REDACTING_TRANSPORT_H_
#define BARION_GATEWAY_SERVER_BARION_REDACTING_TRANSPORT_H_

#include "server/barion/http_transport.h"
#include "server/common/secret_redactor.h"

namespace barion_gateway::server {

class RedactingTransport final : public HttpTransport {
 public:
  // `inner` and `redactor` are not owned and must outlive this.
  RedactingTransport(HttpTransport* inner, const SecretRedactor* redactor)
      : inner_(inner), redactor_(redactor) {}

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override;
  TransportStats Stats() const override { return inner_->Stats(); }

 private:
  HttpTransport* const inner_;
  const SecretRedactor* const redactor_;
};

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_BARION_REDACTING_TRANSPORT_H_
