// GitRepository::changed_paths (what a push changed, for `trigger: paths:`),
// local_branches (what `slipway watch` polls) and write_tree (a pushed
// commit's pipeline files), on real repositories.
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

TEST_F(GitChangedPaths, WriteTreeWritesTheCommitsFilesNotTheCheckedOutOnes) {
  std::string on_main = m_repo.commit("one", "ci/pipeline.yml", "main");
  m_repo.git({"update-index", "--chmod=+x", "ci/pipeline.yml"});
  m_repo.git({"commit", "-q", "-m", "executable"});
  on_main = m_repo.git({"rev-parse", "HEAD"});
  on_main.pop_back();
  m_repo.checkout("feature", true);
  m_repo.commit("two", "ci/pipeline.yml", "feature");
  TempDir out;
  ASSERT_TRUE(open().write_tree(on_main, out / "tree"));
  EXPECT_EQ(read_file(out / "tree" / "ci" / "pipeline.yml"), "main");
  auto mode = std::filesystem::status(out / "tree" / "ci" / "pipeline.yml").permissions();
  EXPECT_NE(mode & std::filesystem::perms::owner_exec, std::filesystem::perms::none);
  EXPECT_EQ(read_file(m_repo.path() / "ci" / "pipeline.yml"), "feature");
}

TEST_F(GitChangedPaths, WriteTreeReadsABareRepository) {
  m_repo.commit("one", "azure-pipelines.yml", "steps: []");
  TempDir out;
  m_repo.git({"clone", "-q", "--bare", m_repo.path().string(), (out / "server.git").string()});
  auto bare = version::GitRepository::open(out / "server.git");
  ASSERT_TRUE(bare) << bare.error().message;
  ASSERT_TRUE(bare->write_tree("refs/heads/main", out / "tree"));
  EXPECT_EQ(read_file(out / "tree" / "azure-pipelines.yml"), "steps: []");
  Status missing = bare->write_tree("refs/heads/nothere", out / "other");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "no commit 'refs/heads/nothere'");
}

}  // namespace slipway::test
