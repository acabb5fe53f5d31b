// The checkout step's libgit2 fetch/checkout against real git repositories.
#include <gtest/gtest.h>

#include "run/git_checkout.h"
#include "support/test_support.h"

namespace slipway::run {
namespace {

TEST(GitCheckout, FetchesAndChecksOutTheAskedCommitThenANewerOne) {
  test::TempDir dir;
  test::GitRepo origin(dir / "origin");
  std::string first = origin.commit("one", "a.txt", "first\n");
  std::string second = origin.commit("two", "a.txt", "second\n");
  Result<std::string> got = fetch_and_checkout({dir / "sources", origin.path().string(), first, false});
  ASSERT_TRUE(got) << got.error().to_string();
  EXPECT_EQ(*got, first);
  EXPECT_EQ(test::read_file(dir / "sources" / "a.txt"), "first\n");
  // Again into the same folder (a fetch), with local edits overwritten; default is the remote HEAD.
  test::write_file(dir / "sources" / "a.txt", "edited\n");
  test::write_file(dir / "sources" / "untracked.txt", "x\n");
  got = fetch_and_checkout({dir / "sources", origin.path().string(), "", false});
  ASSERT_TRUE(got) << got.error().to_string();
  EXPECT_EQ(*got, second);
  EXPECT_EQ(test::read_file(dir / "sources" / "a.txt"), "second\n");
  EXPECT_TRUE(std::filesystem::exists(dir / "sources" / "untracked.txt"));
  got = fetch_and_checkout({dir / "sources", origin.path().string(), first, true});
  ASSERT_TRUE(got);
  EXPECT_FALSE(std::filesystem::exists(dir / "sources" / "untracked.txt"));
}

TEST(GitCheckout, UnknownCommitAndMissingRepositoryAreErrors) {
  test::TempDir dir;
  test::GitRepo origin(dir / "origin");
  origin.commit("one");
  Result<std::string> got =
      fetch_and_checkout({dir / "s", origin.path().string(), "0123456789012345678901234567890123456789", false});
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().message,
            "checkout: no commit '0123456789012345678901234567890123456789' in " + origin.path().string());
  got = fetch_and_checkout({dir / "s2", (dir / "nowhere").string(), "", false});
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().message.rfind("checkout: cannot fetch " + (dir / "nowhere").string() + ": ", 0), 0u);
}

}  // namespace
}  // namespace slipway::run
