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

TEST(GitCheckout, FetchDepthOneGivesAShallowCloneOfTheCommit) {
  test::TempDir dir;
  test::GitRepo origin(dir / "origin");
  std::vector<std::string> commits;
  for (int i = 0; i < 5; ++i) commits.push_back(origin.commit("c" + std::to_string(i)));
  Result<std::string> got = fetch_and_checkout({dir / "shallow", origin.path().string(), commits[3], false, 1});
  ASSERT_TRUE(got) << got.error().to_string();
  EXPECT_EQ(*got, commits[3]);
  test::CommandResult count = test::run_command({"git", "rev-list", "--count", "HEAD"}, dir / "shallow");
  EXPECT_EQ(count.out, "1\n") << count.err;
  // Depth 2 of the remote's HEAD; and no depth: the whole history, with libgit2.
  got = fetch_and_checkout({dir / "two", origin.path().string(), "", false, 2});
  ASSERT_TRUE(got) << got.error().to_string();
  EXPECT_EQ(*got, commits[4]);
  EXPECT_EQ(test::run_command({"git", "rev-list", "--count", "HEAD"}, dir / "two").out, "2\n");
  got = fetch_and_checkout({dir / "full", origin.path().string(), commits[3], false, 0});
  ASSERT_TRUE(got) << got.error().to_string();
  EXPECT_EQ(test::run_command({"git", "rev-list", "--count", "HEAD"}, dir / "full").out, "4\n");
}

TEST(GitCheckout, ShallowFetchOfAnUnknownCommitSaysWhatGitSaid) {
  test::TempDir dir;
  test::GitRepo origin(dir / "origin");
  origin.commit("one");
  std::string missing = "0123456789012345678901234567890123456789";
  Result<std::string> got = fetch_and_checkout({dir / "s", origin.path().string(), missing, false, 1});
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().message.rfind("checkout: cannot fetch " + missing + " from " + origin.path().string() +
                                          " with depth 1: ",
                                      0),
            0u)
      << got.error().message;
}

TEST(GitCheckout, CleanResetsEditsAndDeletesUntrackedAndIgnoredFilesOfTheSameCommit) {
  test::TempDir dir;
  test::GitRepo origin(dir / "origin");
  origin.commit("ignore", ".gitignore", "*.o\n");
  std::string sha = origin.commit("one", "a.txt", "first\n");
  for (int depth : {0, 1}) {
    std::filesystem::path sources = dir / ("s" + std::to_string(depth));
    ASSERT_TRUE(fetch_and_checkout({sources, origin.path().string(), sha, false, depth}));
    test::write_file(sources / "a.txt", "edited\n");
    test::write_file(sources / "left-over.txt", "x\n");
    test::write_file(sources / "build" / "main.o", "x\n");
    // Without clean, files the last job left stay.
    ASSERT_TRUE(fetch_and_checkout({sources, origin.path().string(), sha, false, depth}));
    EXPECT_TRUE(std::filesystem::exists(sources / "left-over.txt"));
    Result<std::string> got = fetch_and_checkout({sources, origin.path().string(), sha, true, depth});
    ASSERT_TRUE(got) << got.error().to_string();
    EXPECT_EQ(test::read_file(sources / "a.txt"), "first\n") << "depth " << depth;
    EXPECT_FALSE(std::filesystem::exists(sources / "left-over.txt")) << "depth " << depth;
    EXPECT_FALSE(std::filesystem::exists(sources / "build" / "main.o")) << "depth " << depth;
  }
}

}  // namespace
}  // namespace slipway::run
