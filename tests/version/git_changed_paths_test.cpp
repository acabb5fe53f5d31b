// GitRepository::changed_paths (what a push changed, for `trigger: paths:`)
// and local_branches (what `slipway watch` polls), on real repositories.
#include <gtest/gtest.h>

#include "support/test_support.h"
#include "version/git_repo.h"

namespace slipway::test {

using Paths = std::vector<std::string>;

class GitChangedPaths : public ::testing::Test {
 protected:
  TempDir m_dir;
  GitRepo m_repo{m_dir.path() / "r"};

  version::GitRepository open() {
    auto git = version::GitRepository::open(m_repo.path());
    EXPECT_TRUE(git) << git.error().message;
    return std::move(*git);
  }
};

TEST_F(GitChangedPaths, DiffsACommitAgainstItsFirstParent) {
  m_repo.commit("one", "src/a.cpp", "a");
  std::string sha = m_repo.commit("two", "docs/guide.md", "g");
  auto paths = open().changed_paths("", sha);
  ASSERT_TRUE(paths) << paths.error().message;
  EXPECT_EQ(*paths, (Paths{"docs/guide.md"}));
}

TEST_F(GitChangedPaths, ARootCommitChangesEveryFile) {
  m_repo.commit("one", "src/a.cpp", "a");
  auto paths = open().changed_paths("", "HEAD");
  ASSERT_TRUE(paths) << paths.error().message;
  EXPECT_EQ(*paths, (Paths{"src/a.cpp"}));
}

TEST_F(GitChangedPaths, ARangeCollectsEveryChangeAndBothPathsOfARename) {
  std::string before = m_repo.commit("one", "src/a.cpp", "a");
  m_repo.commit("two", "docs/guide.md", "g");
  m_repo.git({"mv", "src/a.cpp", "src/b.cpp"});
  m_repo.git({"commit", "-q", "-m", "rename"});
  auto paths = open().changed_paths(before, "HEAD");
  ASSERT_TRUE(paths) << paths.error().message;
  EXPECT_EQ(*paths, (Paths{"docs/guide.md", "src/a.cpp", "src/b.cpp"}));
}

TEST_F(GitChangedPaths, AnUnknownCommitIsNotFound) {
  m_repo.commit("one");
  auto paths = open().changed_paths("", "0123456789012345678901234567890123456789");
  ASSERT_FALSE(paths);
  EXPECT_EQ(paths.error().code, ErrorCode::not_found);
  EXPECT_EQ(paths.error().message, "no commit '0123456789012345678901234567890123456789'");
}

TEST_F(GitChangedPaths, LocalBranchesListsHeadsOnlyInNameOrder) {
  std::string one = m_repo.commit("one");
  m_repo.checkout("release/2.0", true);
  std::string two = m_repo.commit("two");
  m_repo.git({"update-ref", "refs/remotes/origin/other", one});
  m_repo.tag("v1.0.0");
  auto heads = open().local_branches();
  ASSERT_TRUE(heads) << heads.error().message;
  ASSERT_EQ(heads->size(), 2u);
  EXPECT_EQ((*heads)[0].name, "main");
  EXPECT_EQ((*heads)[0].commit, one);
  EXPECT_EQ((*heads)[1].name, "release/2.0");
  EXPECT_EQ((*heads)[1].commit, two);
}

}  // namespace slipway::test
