#include "core/strings.h"

#include <gtest/gtest.h>

namespace slipway {

TEST(Strings, SuggestsCloseCandidate) {
  EXPECT_EQ(did_you_mean("componets", {"components", "environments"}),
            " (did you mean 'components'?)");
}

TEST(Strings, SuggestsWhenLettersWereDropped) {
  EXPECT_EQ(did_you_mean("bilig", {"billing", "orders"}), " (did you mean 'billing'?)");
}

TEST(Strings, NoSuggestionWhenNothingIsClose) {
  EXPECT_EQ(did_you_mean("zzz", {"components", "environments"}), "");
}

TEST(Strings, ComparesIgnoringCase) {
  EXPECT_TRUE(iequals("Build.SourceBranch", "build.sourcebranch"));
  EXPECT_FALSE(iequals("abc", "abd"));
}

TEST(Strings, SplitsKeepingEmptyParts) {
  EXPECT_EQ(split("a,,b", ','), (std::vector<std::string>{"a", "", "b"}));
}

TEST(Strings, FindsTheFirstByteThatIsNotUtf8) {
  EXPECT_EQ(invalid_utf8_offset("plain ascii"), std::nullopt);
  EXPECT_EQ(invalid_utf8_offset("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x9A\x80"), std::nullopt);  // é € 🚀
  EXPECT_EQ(invalid_utf8_offset("EU\xffR"), 2u);
  EXPECT_EQ(invalid_utf8_offset("ab\xC3"), 2u);              // truncated
  EXPECT_EQ(invalid_utf8_offset("\xC0\xAF"), 0u);           // overlong '/'
  EXPECT_EQ(invalid_utf8_offset("x\xED\xA0\x80"), 1u);      // surrogate
  EXPECT_EQ(invalid_utf8_offset("\xF4\x90\x80\x80"), 0u);   // above U+10FFFF
}

}  // namespace slipway
