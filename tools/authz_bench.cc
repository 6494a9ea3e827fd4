// Microbenchmark: what authenticating a call and authorizing it cost the gateway (the work
// CallOf and ResolveShop add to every RPC): a bearer token (hash, compare with every digest)
// or a certificate's SANs, then the method and shop check, with policies of 10 and 100
// callers. Prints the median of 5 runs in ns per call.
// Usage: bazel run -c opt //tools:authz_bench [-- --iterations=N]
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/auth/authenticator.h"
#include "server/auth/authorize.h"

ABSL_FLAG(int, iterations, 200000, "checks per run");

namespace {

using barion_gateway::server::Authenticator;
using barion_gateway::server::AuthorizeShop;
using barion_gateway::server::CallerPolicy;
using barion_gateway::server::Credentials;
using barion_gateway::server::DigestOf;

std::vector<CallerPolicy> Policy(int callers) {
  std::vector<CallerPolicy> out;
  for (int i = 0; i < callers; ++i) {
    CallerPolicy p;
    p.name = absl::StrCat("caller-", i);
    p.token_digests = {DigestOf(absl::StrCat("token-of-caller-", i, "-0123456789abcdef"))};
    p.principals = {absl::StrCat("spiffe://bench.example/caller-", i)};
    p.allow_methods = {"/barion.v1.PaymentService/*", "/barion.v1.PaymentEventService/*"};
    p.deny_methods = {"/barion.v1.PaymentService/Refund"};
    p.shops = {"web", "kiosk", absl::StrCat("shop-", i)};
    out.push_back(std::move(p));
  }
  return out;
}

// ns per Authenticate + AuthorizeShop, the median of 5 runs.
double Measure(const Authenticator& auth, const Credentials& credentials, int iterations) {
  std::vector<double> runs;
  for (int run = 0; run < 5; ++run) {
    int ok = 0;
    const absl::Time start = absl::Now();
    for (int i = 0; i < iterations; ++i) {
      auto caller = auth.Authenticate(credentials);
      ok += caller.ok() &&
            AuthorizeShop(caller->get(), "/barion.v1.PaymentService/StartPayment", "kiosk").ok();
    }
    const double ns = absl::ToDoubleNanoseconds(absl::Now() - start) / iterations;
    if (ok != iterations) {
      std::fprintf(stderr, "authz_bench: a check failed\n");
      std::exit(1);
    }
    runs.push_back(ns);
  }
  std::sort(runs.begin(), runs.end());
  return runs[2];
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int iterations = absl::GetFlag(FLAGS_iterations);
  std::printf("%-8s %-12s %14s\n", "callers", "credential", "ns/call (p50)");
  for (int callers : {10, 100}) {
    const Authenticator auth(Policy(callers));
    Credentials token;
    token.has_authorization = true;
    token.bearer_token = absl::StrCat("token-of-caller-", callers - 1, "-0123456789abcdef");
    Credentials certificate;
    certificate.certificate_names = {"spiffe://bench.example/unknown",
                                     absl::StrCat("spiffe://bench.example/caller-", callers - 1)};
    std::printf("%-8d %-12s %14.0f\n", callers, "token", Measure(auth, token, iterations));
    std::printf("%-8d %-12s %14.0f\n", callers, "certificate",
                Measure(auth, certificate, iterations));
  }
  return 0;
}
