// The wallets Barion knows: every payee and payer e-mail a payment may name, and the wallets
// with an API key that the wallet API serves (accounts, history, shops). Not locked itself: the
// Simulator holds it under its lock, since a payment pays into these wallets.
#ifndef BARION_GATEWAY_SANDBOX_MODEL_WALLET_BOOK_H_
#define BARION_GATEWAY_SANDBOX_MODEL_WALLET_BOOK_H_

#include <map>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "sandbox/model/state.h"

namespace barion_gateway::sandbox {

class WalletBook {
 public:
  // A wallet known by its e-mail (any case).
  void Know(const std::string& email) { known_.insert(absl::AsciiStrToLower(email)); }
  // The lower-case e-mails of every known wallet.
  const std::set<std::string>& known() const { return known_; }
  // A wallet served by the wallet API under `api_key` (any case); its e-mail becomes known.
  void Add(const std::string& api_key, ApiWallet wallet) {
    Know(wallet.config.email);
    with_keys_[absl::AsciiStrToLower(api_key)] = std::move(wallet);
  }
  // The wallet of `api_key` (any case); null when there is none.
  ApiWallet* ByApiKey(const std::string& api_key) {
    auto it = with_keys_.find(absl::AsciiStrToLower(api_key));
    return it == with_keys_.end() ? nullptr : &it->second;
  }
  // The wallet API's wallet whose e-mail is `email` (lower case); null when none.
  ApiWallet* ByEmail(const std::string& email) {
    for (auto& [key, wallet] : with_keys_) {
      if (absl::AsciiStrToLower(wallet.config.email) == email) return &wallet;
    }
    return nullptr;
  }

 private:
  std::set<std::string> known_;
  std::map<std::string, ApiWallet> with_keys_;
};

}  // namespace barion_gateway::sandbox

#endif  // BARION_GATEWAY_SANDBOX_MODEL_WALLET_BOOK_H_
