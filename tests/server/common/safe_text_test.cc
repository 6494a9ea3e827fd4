#include "server/common/safe_text.h"

#include <string>

#include "gtest/gtest.h"

namespace barion_gateway::server {
namespace {

TEST(SafeTextTest, EscapesWhatCouldForgeALine) {
  EXPECT_EQ(SafeText("a\nb\rc\td\\e"), "a\\nb\\rc\\td\\\\e");
  EXPECT_EQ(SafeText(std::string("x\0y\x1b[31m\x7f", 9)), "x\\x00y\\x1b[31m\\x7f");
}

TEST(SafeTextTest, KeepsUtf8AndEscapesBytesThatAreNot) {
  EXPECT_EQ(SafeText("Árvíztűrő"), "Árvíztűrő");
  EXPECT_EQ(SafeText("a\xff"
                     "b\xc3"),
            "a\\xffb\\xc3");
  EXPECT_EQ(SafeText("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
  EXPECT_EQ(SafeText("\xc0\xaf"), "\\xc0\\xaf");           // an overlong '/'
}

TEST(SafeTextTest, CutsLongValuesOnACharacterBoundaryAndSaysHowLong) {
  EXPECT_EQ(SafeText(std::string(10, 'a'), 10), std::string(10, 'a'));
  EXPECT_EQ(SafeText(std::string(11, 'a'), 10), std::string(10, 'a') + "...(11 bytes)");
  EXPECT_EQ(SafeText("ab\xc3\xa1", 3), "ab...(4 bytes)");  // never half of 'á'
  EXPECT_EQ(SafeText(std::string(5, '\n'), 5), "\\n\\n...(5 bytes)");
  const std::string huge(1 << 24, 'z');
  EXPECT_LE(SafeText(huge).size(), kSafeTextDefaultMax + 24);
}

}  // namespace
}  // namespace barion_gateway::server
