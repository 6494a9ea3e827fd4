// SecretRedactor: every form of a secret Barion could echo is blotted out, nothing else is.
#include "server/common/secret_redactor.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace barion_gateway::server {
namespace {

constexpr char kPosKey[] = "5e4f7a1c2b3d4e5f8091a2b3c4d5e6f7";
constexpr char kPosKeyGuid[] = "5E4F7A1C-2B3D-4E5F-8091-A2B3C4D5E6F7";
constexpr char kCallbackSecret[] =
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

TEST(SecretRedactorTest, BlotsOutAKeyInEveryCaseAndInItsGuidForm) {
  SecretRedactor redactor;
  redactor.Add({kPosKey});
  std::string text = absl::StrCat("key ", kPosKey, ", GUID ", kPosKeyGuid, ", upper ",
                                  absl::AsciiStrToUpper(kPosKey), "; the end");
  EXPECT_TRUE(redactor.Redact(&text));
  EXPECT_EQ(text, "key REDACTED, GUID REDACTED, upper REDACTED; the end");
}

TEST(SecretRedactorTest, AGuidSecretIsAlsoFoundWithoutItsHyphens) {
  SecretRedactor redactor;
  redactor.Add({kPosKeyGuid});
  std::string text = absl::StrCat("\"AuthData\":\"", kPosKey, "\"");
  EXPECT_TRUE(redactor.Redact(&text));
  EXPECT_EQ(text, "\"AuthData\":\"REDACTED\"");
}

TEST(SecretRedactorTest, TheCallsOwnKeyIsBlottedOutWithoutBeingAdded) {
  SecretRedactor redactor;
  redactor.Add({kCallbackSecret});
  std::string text =
      absl::StrCat("https://gw.example/callback/demo/", kCallbackSecret, " with ", kPosKey);
  EXPECT_TRUE(redactor.Redact(&text, {kPosKey}));
  EXPECT_EQ(text, "https://gw.example/callback/demo/REDACTED with REDACTED");
  std::string again = kPosKey;
  EXPECT_FALSE(redactor.Redact(&again));  // not kept: only the call's
  EXPECT_EQ(again, kPosKey);
}

TEST(SecretRedactorTest, LeavesOtherTextAloneAndIgnoresShortSecrets) {
  SecretRedactor redactor;
  redactor.Add({"", "abc", kPosKey});
  std::string text = "abc: a payment of 1500 HUF, id 0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f";
  const std::string before = text;
  EXPECT_FALSE(redactor.Redact(&text));
  EXPECT_EQ(text, before);
}

TEST(SecretRedactorTest, EveryOccurrenceGoesAndReloadsOnlyAdd) {
  SecretRedactor redactor;
  redactor.Add({kPosKey});
  redactor.Add({kCallbackSecret});  // a reload: the old key must still not leak
  std::string text = absl::StrCat(kPosKey, kPosKey, "/", kCallbackSecret, "/", kPosKey);
  EXPECT_TRUE(redactor.Redact(&text));
  EXPECT_EQ(text, "REDACTEDREDACTED/REDACTED/REDACTED");
}

}  // namespace
}  // namespace barion_gateway::server
