// The payment tokens (recurrence ids) each shop registered: found by shop and recurrence id.
// Not locked itself: the Simulator holds it under its lock, since a token charge is a payment
// and a registration completes one.
#ifndef BARION_GATEWAY_SANDBOX_MODEL_TOKEN_BOOK_H_
#define BARION_GATEWAY_SANDBOX_MODEL_TOKEN_BOOK_H_

#include <map>
#include <string>

#include "sandbox/model/state.h"

namespace barion_gateway::sandbox {

class TokenBook {
 public:
  // Shop `shop`'s token `recurrence_id`; null when it has none.
  Token* Find(const std::string& shop, const std::string& recurrence_id) {
    auto it = tokens_.find(Key(shop, recurrence_id));
    return it == tokens_.end() ? nullptr : &it->second;
  }
  // A new token in its first state, replacing any of the same shop and recurrence id.
  Token& Register(const std::string& shop, const std::string& recurrence_id) {
    Token& token = tokens_[Key(shop, recurrence_id)];
    token = Token();
    token.shop = shop;
    token.id = recurrence_id;
    return token;
  }

 private:
  static std::string Key(const std::string& shop, const std::string& recurrence_id) {
    return shop + "/" + recurrence_id;
  }
  std::map<std::string, Token> tokens_;
};

}  // namespace barion_gateway::sandbox

#endif  // BARION_GATEWAY_SANDBOX_MODEL_TOKEN_BOOK_H_
