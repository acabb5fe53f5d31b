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

}  // namespace slipway
