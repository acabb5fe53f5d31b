// Branch rules, prereleases, maintenance ranges, monorepos and repository
// shapes (detached HEAD, shallow clone). Expected values and error texts come
// from semantic-release 25.0.9 runs on the same histories.
#include "version_fixture.h"

namespace slipway::test {

using VersionBranches = VersionRepo;

TEST_F(VersionBranches, MasterIsAReleaseBranch) {
  GitRepo repo(m_dir.path() / "m", "master");
  repo.commit("feat: x");
  auto r = version::compute_next_version(repo.path(), {});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->next_version->to_string(), "1.0.0");
  EXPECT_EQ(r->kind, version::BranchKind::release);
}

TEST_F(VersionBranches, BetaStartsAtFirstPrerelease) {
  released();
  m_repo.checkout("beta", true);
  m_repo.commit("feat: beta feature");
  auto r = compute();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->next_version->to_string(), "1.1.0-beta.1");
  EXPECT_EQ(r->kind, version::BranchKind::prerelease);
  EXPECT_EQ(r->channel, "beta");
}

TEST_F(VersionBranches, BetaIncrementsAfterAChannelTaggedPrerelease) {
  released();
  m_repo.checkout("beta", true);
  m_repo.commit("feat: beta feature");
  m_repo.tag("v1.1.0-beta.1");
  channel_note("v1.1.0-beta.1", "beta");
  m_repo.commit("fix: beta fix");
  EXPECT_EQ(conventional(), "1.1.0-beta.2");
}

TEST_F(VersionBranches, BetaFeatureAfterPrereleaseStaysOnTheSameLine) {
  released();
  m_repo.checkout("beta", true);
  m_repo.commit("feat: one");
  m_repo.tag("v1.1.0-beta.1");
  channel_note("v1.1.0-beta.1", "beta");
  m_repo.commit("feat: two");
  m_repo.tag("v1.1.0-beta.2");
  channel_note("v1.1.0-beta.2", "beta");
  m_repo.commit("feat: three");
  EXPECT_EQ(conventional(), "1.1.0-beta.3");
}

TEST_F(VersionBranches, BreakingOnBetaMovesToTheNextMajorPrerelease) {
  released();
  m_repo.checkout("beta", true);
  m_repo.commit("feat: beta feature");
  m_repo.tag("v1.1.0-beta.1");
  channel_note("v1.1.0-beta.1", "beta");
  m_repo.commit("feat!: big");
  EXPECT_EQ(conventional(), "2.0.0-beta.1");
  EXPECT_EQ(angular(), "none");
}

TEST_F(VersionBranches, PrereleaseTagWithoutChannelNoteIsNotTheLastReleaseSoTheTagExists) {
  released();
  m_repo.checkout("beta", true);
  m_repo.commit("feat: beta feature");
  m_repo.tag("v1.1.0-beta.1");
  m_repo.commit("fix: beta fix");
  EXPECT_EQ(conventional(),
            "error: The release `1.1.0-beta.1` on branch `beta` cannot be published: the tag "
            "`v1.1.0-beta.1` already exists.");
}

TEST_F(VersionBranches, AlphaFromAFixIsAPatchPrerelease) {
  released();
  m_repo.checkout("alpha", true);
  m_repo.commit("fix: alpha");
  EXPECT_EQ(conventional(), "1.0.1-alpha.1");
}

TEST_F(VersionBranches, FirstEverReleaseOnBeta) {
  m_repo.commit("chore: init");
  m_repo.checkout("beta", true);
  m_repo.commit("feat: x");
  EXPECT_EQ(conventional(), "1.0.0-beta.1");
}

TEST_F(VersionBranches, TaggingAPrereleaseWritesTheChannelNoteSoTheNextOneIncrements) {
  released();
  m_repo.checkout("beta", true);
  m_repo.commit("feat: one");
  auto r = compute();
  ASSERT_TRUE(r && r->next_version);
  ASSERT_TRUE(version::create_release_tag(m_repo.path(), *r));
  EXPECT_EQ(m_repo.git({"notes", "--ref", "semantic-release-v1.1.0-beta.1", "show", "v1.1.0-beta.1^{commit}"}),
            "{\"channels\":[\"beta\"]}\n");
  m_repo.commit("fix: two");
  EXPECT_EQ(conventional(), "1.1.0-beta.2");
}

// main: v1.0.0, v1.1.0, v2.0.0; 1.x branches from v1.1.0.
class VersionMaintenance : public VersionRepo {
 protected:
  void SetUp() override {
    released();
    m_repo.commit("feat: a");
    m_repo.tag("v1.1.0");
    m_repo.commit("feat!: b");
    m_repo.tag("v2.0.0");
  }
};

TEST_F(VersionMaintenance, FixOnMajorMaintenanceBranch) {
  m_repo.git({"checkout", "-q", "-b", "1.x", "v1.1.0"});
  m_repo.commit("fix: m");
  auto r = compute();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->next_version->to_string(), "1.1.1");
  EXPECT_EQ(r->kind, version::BranchKind::maintenance);
  EXPECT_EQ(r->range->to_string(), ">=1.1.0 <2.0.0");
}

TEST_F(VersionMaintenance, FeatOnMajorMaintenanceBranchIsInRange) {
  m_repo.git({"checkout", "-q", "-b", "1.x", "v1.1.0"});
  m_repo.commit("feat: m");
  EXPECT_EQ(angular(), "1.2.0");
}

TEST_F(VersionMaintenance, BreakingOnMaintenanceBranchIsOutOfRange) {
  m_repo.git({"checkout", "-q", "-b", "1.x", "v1.1.0"});
  m_repo.commit("feat!: m");
  auto r = compute();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::conflict);
  EXPECT_EQ(r.error().message,
            "The release `2.0.0` on branch `1.x` cannot be published as it is out of range: only "
            "versions within the range `>=1.1.0 <2.0.0` can be published from branch `1.x`; a valid "
            "branch could be `main`.");
}

TEST_F(VersionMaintenance, FeatOnMinorMaintenanceBranchOverflows) {
  m_repo.git({"checkout", "-q", "-b", "1.1.x", "v1.1.0"});
  m_repo.commit("feat: m");
  EXPECT_EQ(conventional(),
            "error: The release `1.2.0` on branch `1.1.x` cannot be published as it is out of range: "
            "only versions within the range `>=1.1.0 <1.2.0` can be published from branch `1.1.x`; a "
            "valid branch could be `main`.");
}

TEST_F(VersionMaintenance, FixOnMinorMaintenanceBranch) {
  m_repo.git({"checkout", "-q", "-b", "1.1.x", "v1.1.0"});
  m_repo.commit("fix: m");
  EXPECT_EQ(conventional(), "1.1.1");
}

TEST_F(VersionMaintenance, MaintenanceReleaseContinuesFromItsOwnTags) {
  m_repo.git({"checkout", "-q", "-b", "1.x", "v1.1.0"});
  m_repo.commit("fix: m");
  m_repo.tag("v1.1.1");
  m_repo.commit("fix: n");
  EXPECT_EQ(conventional(), "1.1.2");
}

TEST_F(VersionMaintenance, CustomReleaseNxBranchesFromAConfigFile) {
  m_repo.git({"checkout", "-q", "-b", "release-1.x", "v1.1.0"});
  m_repo.commit("fix: m");
  write_file(m_dir.path() / "branches.yaml",
             "branches:\n"
             "  - main\n"
             "  - name: 'release-+([0-9])?(.{+([0-9]),x}).x'\n"
             "    range: \"${name.replace(/^release-/g, '')}\"\n");
  auto rules = version::load_branch_rules(m_dir.path() / "branches.yaml");
  ASSERT_TRUE(rules) << rules.error().to_string();
  version::VersionOptions options;
  options.branches = *rules;
  auto r = compute(options);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->next_version->to_string(), "1.1.1");
  EXPECT_EQ(r->kind, version::BranchKind::maintenance);
}

TEST_F(VersionBranches, MaintenanceBranchWithoutRoomIsOutOfRange) {
  released();
  m_repo.checkout("1.x", true);
  m_repo.commit("fix: m");
  m_repo.checkout("main");
  m_repo.commit("feat: main");
  m_repo.checkout("1.x");
  auto r = compute();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("The release `1.0.1` on branch `1.x` cannot be published as it is out of range"),
            std::string::npos);
  EXPECT_NE(r.error().message.find("`>=1.0.0 <1.0.0`"), std::string::npos);
}

TEST_F(VersionBranches, MainBehindNextCannotTakeAFeature) {
  released();
  m_repo.checkout("next", true);
  m_repo.commit("feat: next");
  m_repo.tag("v1.1.0");
  m_repo.checkout("main");
  m_repo.commit("feat: main feat");
  auto r = compute();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "The release `1.1.0` on branch `main` cannot be published as it is out of range: only "
            "versions within the range `>=1.0.0 <1.1.0` can be published from branch `main`; a valid "
            "branch could be `next`.");
}

TEST_F(VersionBranches, MainBehindNextCanTakeAFix) {
  released();
  m_repo.checkout("next", true);
  m_repo.commit("feat: next");
  m_repo.tag("v1.1.0");
  m_repo.checkout("main");
  m_repo.commit("fix: main fix");
  EXPECT_EQ(conventional(), "1.0.1");
}

TEST_F(VersionBranches, FeatureBranchGetsNoVersion) {
  released();
  m_repo.checkout("feature/login", true);
  m_repo.commit("feat: login");
  auto r = compute();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->next_version);
  EXPECT_FALSE(r->kind);
  EXPECT_EQ(r->reason, "branch feature/login is not a release branch: the branch rules name only main");
}

TEST_F(VersionBranches, ExplicitBranchOptionOverridesTheCheckedOutOne) {
  released();
  m_repo.checkout("feature/x", true);
  m_repo.commit("feat: x");
  version::VersionOptions options;
  options.branch = "beta";
  EXPECT_EQ(next(version::Preset::conventionalcommits, options), "1.1.0-beta.1");
}

TEST_F(VersionBranches, DetachedHeadWithoutBranchIsAClearError) {
  released();
  m_repo.commit("feat: x");
  m_repo.git({"checkout", "-q", "--detach", "HEAD"});
  auto r = compute();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_input);
  EXPECT_EQ(r.error().message,
            "HEAD is detached in " + m_repo.path().string() + ": pass --branch NAME to say whose rules apply");
}

TEST_F(VersionBranches, DetachedHeadWithBranchWorks) {
  released();
  m_repo.commit("feat: x");
  m_repo.commit("fix: y");
  m_repo.git({"checkout", "-q", "--detach", "HEAD~1"});
  version::VersionOptions options;
  options.branch = "main";
  auto r = compute(options);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->next_version->to_string(), "1.1.0");
  EXPECT_EQ(r->commits_counted, 1u);
}

TEST_F(VersionBranches, ShallowCloneIsAClearError) {
  released();
  m_repo.commit("feat: x");
  m_repo.commit("fix: y");
  std::filesystem::path clone = m_dir.path() / "shallow";
  auto cloned = run_command({"git", "clone", "-q", "--depth", "1", "file://" + m_repo.path().string(),
                             clone.string()});
  ASSERT_EQ(cloned.exit_code, 0) << cloned.err;
  auto r = version::compute_next_version(clone, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unsupported);
  EXPECT_EQ(r.error().message, "repository " + clone.string() +
                                   " is a shallow clone: its history is incomplete, so the last release "
                                   "cannot be found; fetch the full history (git fetch --unshallow)");
}

TEST_F(VersionBranches, RemoteTrackingBranchesCountForRanges) {
  released();
  m_repo.checkout("next", true);
  m_repo.commit("feat: next");
  m_repo.tag("v1.1.0");
  m_repo.checkout("main");
  m_repo.commit("feat: main");
  std::filesystem::path clone = m_dir.path() / "clone";
  auto cloned = run_command({"git", "clone", "-q", m_repo.path().string(), clone.string()});
  ASSERT_EQ(cloned.exit_code, 0) << cloned.err;
  auto r = version::compute_next_version(clone, {});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("a valid branch could be `next`"), std::string::npos);
}

TEST_F(VersionBranches, MonorepoTagFormatPerComponent) {
  m_repo.commit("chore: init");
  m_repo.tag("orders@1.2.0");
  m_repo.tag("billing@3.0.0");
  m_repo.commit("feat: x");
  version::VersionOptions options;
  options.tag_format = "orders@${version}";
  auto r = compute(options);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->next_version->to_string(), "1.3.0");
  EXPECT_EQ(r->next_tag, "orders@1.3.0");
  EXPECT_EQ(r->last_tag, "orders@1.2.0");
}

TEST_F(VersionBranches, MonorepoPathFilterCountsOnlyTheComponentFolder) {
  m_repo.commit("chore: init", "services/orders/a.txt");
  m_repo.commit("chore: init billing", "services/billing/a.txt");
  m_repo.tag("orders@1.0.0");
  m_repo.tag("billing@1.0.0");
  m_repo.commit("feat(billing): invoices", "services/billing/b.txt");
  m_repo.commit("fix(orders): rounding", "services/orders/b.txt");
  m_repo.commit("feat!: shared change", "README.md");
  version::VersionOptions orders;
  orders.tag_format = "orders@${version}";
  orders.paths = {"services/orders"};
  auto r = compute(orders);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->next_version->to_string(), "1.0.1");
  EXPECT_EQ(r->commits_counted, 1u);
  version::VersionOptions billing = orders;
  billing.tag_format = "billing@${version}";
  billing.paths = {"services/billing"};
  EXPECT_EQ(next(version::Preset::conventionalcommits, billing), "1.1.0");
}

TEST_F(VersionBranches, MonorepoIndependentReleasesPerComponent) {
  m_repo.commit("chore: init", "services/orders/a.txt");
  m_repo.tag("orders@1.0.0");
  m_repo.commit("feat: orders api", "services/orders/b.txt");
  m_repo.tag("orders@1.1.0");
  m_repo.commit("fix: billing bug", "services/billing/a.txt");
  version::VersionOptions orders;
  orders.tag_format = "orders@${version}";
  orders.paths = {"services/orders"};
  EXPECT_EQ(next(version::Preset::conventionalcommits, orders), "none");
  version::VersionOptions billing;
  billing.tag_format = "billing@${version}";
  billing.paths = {"services/billing"};
  EXPECT_EQ(next(version::Preset::conventionalcommits, billing), "1.0.0");
}

TEST_F(VersionBranches, MonorepoMergeOfComponentWorkCounts) {
  m_repo.commit("chore: init", "services/orders/a.txt");
  m_repo.tag("orders@1.0.0");
  m_repo.checkout("topic", true);
  m_repo.commit("feat: orders thing", "services/orders/b.txt");
  m_repo.checkout("main");
  m_repo.commit("docs: unrelated", "docs/x.md");
  m_repo.git({"merge", "--no-ff", "-q", "-m", "Merge branch 'topic'", "topic"});
  version::VersionOptions orders;
  orders.tag_format = "orders@${version}";
  orders.paths = {"services/orders"};
  auto r = compute(orders);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->next_version->to_string(), "1.1.0");
  EXPECT_EQ(r->commits_counted, 1u);  // the merge is TREESAME to topic there, as in git log -- PATH
}

TEST_F(VersionBranches, BranchesConfigRejectsUnknownFields) {
  write_file(m_dir.path() / "b.yaml", "- main\n- name: beta\n  prerelase: true\n");
  auto rules = version::load_branch_rules(m_dir.path() / "b.yaml");
  ASSERT_FALSE(rules);
  EXPECT_EQ(rules.error().to_string(),
            (m_dir.path() / "b.yaml").string() + ":3:3: unknown branch field 'prerelase' (did you mean 'prerelease'?)");
}

TEST_F(VersionBranches, NoReleaseBranchInConfigIsAnError) {
  released();
  m_repo.commit("feat: x");
  version::VersionOptions options;
  options.branches = {{"main", {}, {}, std::string("true")}};
  auto r = compute(options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "The release branches are invalid in the `branches` configuration: a minimum of 1 and a "
            "maximum of 3 release branches are required, and they must exist in the repository (found 0).");
}

TEST_F(VersionBranches, GlobsFollowMicromatch) {
  const char* maintenance = "+([0-9])?(.{+([0-9]),x}).x";
  EXPECT_TRUE(version::glob_matches(maintenance, "1.x"));
  EXPECT_TRUE(version::glob_matches(maintenance, "12.3.x"));
  EXPECT_TRUE(version::glob_matches(maintenance, "1.x.x"));
  EXPECT_FALSE(version::glob_matches(maintenance, "x.1"));
  EXPECT_FALSE(version::glob_matches(maintenance, "main"));
  EXPECT_TRUE(version::glob_matches("release/*", "release/2024"));
  EXPECT_FALSE(version::glob_matches("release/*", "release/a/b"));
}

}  // namespace slipway::test
