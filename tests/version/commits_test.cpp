// Commit analysis scenarios: each builds a repository and asks for the next
// version under both presets (expected values from semantic-release 25.0.9).
#include "version/pipeline_step.h"
#include "version_fixture.h"

namespace slipway::test {

using VersionCommits = VersionRepo;

TEST_F(VersionCommits, NoTagsAtAllFirstReleaseIsOneZeroZero) {
  m_repo.commit("chore: init");
  m_repo.commit("fix: first fix");
  EXPECT_EQ(conventional(), "1.0.0");
  EXPECT_EQ(angular(), "1.0.0");
}

TEST_F(VersionCommits, NoTagsAndNothingReleasableIsNoRelease) {
  m_repo.commit("chore: init");
  m_repo.commit("docs: readme");
  EXPECT_EQ(conventional(), "none");
}

TEST_F(VersionCommits, FeatBumpsMinor) {
  released();
  m_repo.commit("feat: add export");
  EXPECT_EQ(conventional(), "1.1.0");
  EXPECT_EQ(angular(), "1.1.0");
}

TEST_F(VersionCommits, FixBumpsPatch) {
  released();
  m_repo.commit("fix: off by one");
  EXPECT_EQ(conventional(), "1.0.1");
}

TEST_F(VersionCommits, PerfBumpsPatch) {
  released();
  m_repo.commit("perf: faster");
  EXPECT_EQ(angular(), "1.0.1");
}

TEST_F(VersionCommits, OtherTypesAreNotReleasable) {
  released();
  for (const char* m : {"docs: a", "chore: b", "style: c", "refactor: d", "test: e", "build: f", "ci: g"})
    m_repo.commit(m);
  EXPECT_EQ(conventional(), "none");
  EXPECT_EQ(angular(), "none");
}

TEST_F(VersionCommits, ScopedFeatIsMinor) {
  released();
  m_repo.commit("feat(api): add endpoint");
  EXPECT_EQ(conventional(), "1.1.0");
}

TEST_F(VersionCommits, ScopeWithSpacesIsAccepted) {
  released();
  m_repo.commit("feat(a b): spaced scope");
  EXPECT_EQ(angular(), "1.1.0");
}

TEST_F(VersionCommits, HighestBumpWins) {
  released();
  m_repo.commit("fix: a");
  m_repo.commit("feat: b");
  m_repo.commit("fix: c");
  EXPECT_EQ(conventional(), "1.1.0");
}

TEST_F(VersionCommits, BangIsMajorInConventionalCommits) {
  released();
  m_repo.commit("feat!: drop v1 api");
  EXPECT_EQ(conventional(), "2.0.0");
}

TEST_F(VersionCommits, BangIsIgnoredByAngularAndTheCommitCountsForNothing) {
  released();
  m_repo.commit("feat!: drop v1 api");
  EXPECT_EQ(angular(), "none");
}

TEST_F(VersionCommits, BangWithScopeIsMajorInConventionalCommitsOnly) {
  released();
  m_repo.commit("fix(api)!: change shape");
  EXPECT_EQ(conventional(), "2.0.0");
  EXPECT_EQ(angular(), "none");
}

TEST_F(VersionCommits, BreakingChangeFooterIsMajorInBothPresets) {
  released();
  m_repo.commit("feat: new config\n\nSome body.\n\nBREAKING CHANGE: old keys removed");
  EXPECT_EQ(conventional(), "2.0.0");
  EXPECT_EQ(angular(), "2.0.0");
}

TEST_F(VersionCommits, HyphenatedFooterIsBreakingOnlyInConventionalCommits) {
  released();
  m_repo.commit("feat: x\n\nBREAKING-CHANGE: hyphen");
  EXPECT_EQ(conventional(), "2.0.0");
  EXPECT_EQ(angular(), "1.1.0");
}

TEST_F(VersionCommits, BreakingLineInsideTheBodyCounts) {
  released();
  m_repo.commit("fix: x\n\nFirst paragraph.\nBREAKING CHANGE: in the body\nmore body text");
  EXPECT_EQ(angular(), "2.0.0");
}

TEST_F(VersionCommits, BreakingDirectlyAfterTheHeaderCounts) {
  released();
  m_repo.commit("chore: x\nBREAKING CHANGE: no blank line");
  EXPECT_EQ(conventional(), "2.0.0");
}

TEST_F(VersionCommits, BreakingKeywordIsCaseInsensitive) {
  released();
  m_repo.commit("feat: x\n\nbreaking change: lower case");
  EXPECT_EQ(angular(), "2.0.0");
}

TEST_F(VersionCommits, BreakingInTheMiddleOfALineDoesNotCount) {
  released();
  m_repo.commit("fix: x\n\nThis is a BREAKING CHANGE: mid line");
  EXPECT_EQ(conventional(), "1.0.1");
}

TEST_F(VersionCommits, BreakingChangesPluralDoesNotCount) {
  released();
  m_repo.commit("fix: x\n\nBREAKING CHANGES: plural");
  EXPECT_EQ(conventional(), "1.0.1");
}

TEST_F(VersionCommits, BareBreakingKeywordWithoutColonDoesNotCount) {
  released();
  m_repo.commit("fix: x\n\nBREAKING CHANGE");
  EXPECT_EQ(angular(), "1.0.1");
}

TEST_F(VersionCommits, BulletedBreakingLineCounts) {
  released();
  m_repo.commit("fix: x\n\n  * BREAKING CHANGE: bullet");
  EXPECT_EQ(angular(), "2.0.0");
}

TEST_F(VersionCommits, BreakingNoteOnNonConventionalHeaderStillCounts) {
  released();
  m_repo.commit("Add stuff\n\nBREAKING CHANGE: in a free-form message");
  EXPECT_EQ(conventional(), "2.0.0");
  EXPECT_EQ(angular(), "2.0.0");
}

TEST_F(VersionCommits, BreakingAfterAMetaFieldLineIsSwallowed) {
  released();
  m_repo.commit("feat: x");
  m_repo.commit("chore: y\n\n---\nBREAKING CHANGE: after a rule line");
  EXPECT_EQ(conventional(), "1.1.0");
}

TEST_F(VersionCommits, UppercaseFeatAndFixAreReleasable) {
  released();
  m_repo.commit("FEAT: upper");
  EXPECT_EQ(angular(), "1.1.0");
}

TEST_F(VersionCommits, UppercaseFixIsPatch) {
  released();
  m_repo.commit("FIX: upper");
  EXPECT_EQ(conventional(), "1.0.1");
}

TEST_F(VersionCommits, CapitalizedFeatIsIgnored) {
  released();
  m_repo.commit("Feat: capitalized");
  EXPECT_EQ(conventional(), "none");
  EXPECT_EQ(angular(), "none");
}

TEST_F(VersionCommits, SpaceBeforeColonIsNotConventional) {
  released();
  m_repo.commit("feat : spaced");
  EXPECT_EQ(conventional(), "none");
}

TEST_F(VersionCommits, MissingSpaceAfterColonIsNotConventional) {
  released();
  m_repo.commit("feat:nospace");
  EXPECT_EQ(angular(), "none");
}

TEST_F(VersionCommits, NonConventionalHistoryIsNoRelease) {
  released();
  m_repo.commit("Update readme");
  m_repo.commit("WIP");
  m_repo.commit("fixed the thing");
  auto r = compute();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->next_version);
  EXPECT_EQ(r->commits_counted, 3u);
  EXPECT_EQ(r->reason, "There are no relevant changes, so no new version is released.");
}

TEST_F(VersionCommits, RevertAndRevertedInRangeCancel) {
  released();
  m_repo.commit("feat: x");
  m_repo.git({"revert", "--no-edit", "HEAD"});
  EXPECT_EQ(conventional(), "none");
  EXPECT_EQ(angular(), "none");
}

TEST_F(VersionCommits, RevertCancelsAcrossCommitsInBetween) {
  released();
  m_repo.commit("feat: x");
  m_repo.commit("docs: between");
  m_repo.git({"revert", "--no-edit", "HEAD~1"});
  EXPECT_EQ(conventional(), "none");
}

TEST_F(VersionCommits, RevertOfAReleasedCommitIsAPatch) {
  released();
  m_repo.commit("feat: x");
  m_repo.tag("v1.1.0");
  m_repo.git({"revert", "--no-edit", "HEAD"});
  EXPECT_EQ(conventional(), "1.1.1");
  EXPECT_EQ(angular(), "1.1.1");
}

TEST_F(VersionCommits, RevertColonFormWithFullHashCancels) {
  released();
  std::string sha = m_repo.commit("feat: x");
  m_repo.commit("revert: feat: x\n\nThis reverts commit " + sha + ".");
  EXPECT_EQ(conventional(), "none");
  EXPECT_EQ(angular(), "none");
}

TEST_F(VersionCommits, RevertWithShortHashDoesNotCancel) {
  released();
  std::string sha = m_repo.commit("feat: x");
  m_repo.commit("revert: feat: x\n\nThis reverts commit " + sha.substr(0, 7) + ".");
  EXPECT_EQ(conventional(), "1.1.0");
}

TEST_F(VersionCommits, RevertOfARevertRestoresTheOriginal) {
  released();
  m_repo.commit("fix: y");
  m_repo.commit("feat: x");
  m_repo.git({"revert", "--no-edit", "HEAD"});
  m_repo.git({"revert", "--no-edit", "HEAD"});
  EXPECT_EQ(conventional(), "1.1.0");
}

TEST_F(VersionCommits, MergeCommitWithConventionalTitleCounts) {
  released();
  m_repo.checkout("topic", true);
  m_repo.commit("docs: on branch");
  m_repo.checkout("main");
  m_repo.commit("docs: on main");
  m_repo.git({"merge", "--no-ff", "-q", "-m", "feat: merge title", "topic"});
  EXPECT_EQ(conventional(), "1.1.0");
}

TEST_F(VersionCommits, PlainMergeIsIgnoredButMergedCommitsCount) {
  released();
  m_repo.checkout("topic", true);
  m_repo.commit("fix: on branch");
  m_repo.checkout("main");
  m_repo.commit("docs: on main");
  m_repo.git({"merge", "--no-ff", "-q", "-m", "Merge branch 'topic'", "topic"});
  auto r = compute();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->next_version->to_string(), "1.0.1");
  EXPECT_EQ(r->commits_counted, 3u);
}

TEST_F(VersionCommits, LastReleaseIsTheHighestReachableTag) {
  released();
  m_repo.commit("fix: a");
  m_repo.tag("v2.0.0", "HEAD~1");
  m_repo.commit("fix: b");
  EXPECT_EQ(conventional(), "2.0.1");
}

TEST_F(VersionCommits, UnreachableTagsAreIgnored) {
  released();
  m_repo.checkout("other", true);
  m_repo.commit("feat: elsewhere");
  m_repo.tag("v3.0.0");
  m_repo.checkout("main");
  m_repo.commit("fix: here");
  EXPECT_EQ(conventional(), "1.0.1");
}

TEST_F(VersionCommits, PrereleaseTagsOnAReleaseBranchAreNotTheLastRelease) {
  released();
  m_repo.commit("chore: x");
  m_repo.tag("v1.1.0-beta.1");
  m_repo.commit("fix: after pre");
  EXPECT_EQ(conventional(), "1.0.1");
}

TEST_F(VersionCommits, TagsOutsideTheFormatOrNotSemverAreIgnored) {
  released();
  m_repo.commit("fix: a");
  m_repo.tag("release-2.0.0");
  m_repo.tag("v1.5");
  m_repo.commit("fix: b");
  EXPECT_EQ(conventional(), "1.0.1");
}

TEST_F(VersionCommits, EmptyMessagesAreSkipped) {
  released();
  m_repo.git({"commit", "-q", "--allow-empty", "--allow-empty-message", "-m", ""});
  m_repo.commit("fix: real");
  auto r = compute();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->next_version->to_string(), "1.0.1");
  EXPECT_EQ(r->analysis.commits.size(), 1u);
}

TEST_F(VersionCommits, HeadAlreadyReleasedIsNoRelease) {
  released();
  m_repo.commit("feat: x");
  m_repo.tag("v1.1.0");
  auto r = compute();
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->next_version);
  EXPECT_TRUE(r->head_is_released);
  EXPECT_EQ(r->last_tag, "v1.1.0");
}

TEST_F(VersionCommits, NotesAreGroupedWithBoldScopesAndShortHashes) {
  released();
  std::string feat = m_repo.commit("feat(api): add export");
  std::string fix = m_repo.commit("fix: crash on empty input");
  std::string perf = m_repo.commit("perf(db): batch writes");
  std::string breaking = m_repo.commit("feat(cli)!: rename flags");
  m_repo.commit("docs: not in notes");
  auto r = compute();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->notes,
            "## 2.0.0 (2023-11-14)\n"
            "\n### BREAKING CHANGES\n\n"
            "* **cli:** rename flags\n"
            "\n### Features\n\n"
            "* **cli:** rename flags (" + breaking.substr(0, 7) + ")\n"
            "* **api:** add export (" + feat.substr(0, 7) + ")\n"
            "\n### Bug Fixes\n\n"
            "* crash on empty input (" + fix.substr(0, 7) + ")\n"
            "\n### Performance Improvements\n\n"
            "* **db:** batch writes (" + perf.substr(0, 7) + ")\n");
}

TEST_F(VersionCommits, NotesCanBePrependedToAChangelog) {
  released();
  m_repo.commit("fix: crash");
  write_file(m_repo.path() / "CHANGELOG.md", "# Changelog\n\n## 1.0.0 (2023-11-14)\n\n* first\n");
  auto r = compute();
  ASSERT_TRUE(r);
  ASSERT_TRUE(version::prepend_changelog(m_repo.path() / "CHANGELOG.md", r->notes));
  std::string text = read_file(m_repo.path() / "CHANGELOG.md");
  EXPECT_TRUE(text.starts_with("# Changelog\n\n## 1.0.1 (2023-11-14)\n\n### Bug Fixes\n\n* crash ("));
  EXPECT_TRUE(text.ends_with("\n## 1.0.0 (2023-11-14)\n\n* first\n"));
}

TEST_F(VersionCommits, TagIsAnnotatedWithTheNotesAndReentrant) {
  released();
  m_repo.commit("feat: x");
  auto r = compute();
  ASSERT_TRUE(r && r->next_version);
  auto created = version::create_release_tag(m_repo.path(), *r);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_TRUE(*created);
  EXPECT_EQ(m_repo.git({"cat-file", "-t", "v1.1.0"}), "tag\n");
  EXPECT_NE(m_repo.git({"tag", "-l", "--format=%(contents)", "v1.1.0"}).find("### Features"), std::string::npos);
  auto again = version::create_release_tag(m_repo.path(), *r);
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
  auto after = compute();
  ASSERT_TRUE(after);
  EXPECT_FALSE(after->next_version);
  EXPECT_TRUE(after->head_is_released);
}

TEST_F(VersionCommits, NotARepositoryIsNotFound) {
  auto r = version::compute_next_version(m_dir.path() / "nothing", {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::not_found);
  EXPECT_EQ(r.error().message, "not a git repository: " + (m_dir.path() / "nothing").string());
}

TEST_F(VersionCommits, RepositoryWithoutCommitsIsAnError) {
  auto r = compute();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "the repository has no commit yet");
}

TEST_F(VersionCommits, TagFormatWithoutVersionIsRejected) {
  released();
  version::VersionOptions options;
  options.tag_format = "release";
  EXPECT_EQ(next(version::Preset::conventionalcommits, options),
            "error: invalid tag format 'release': it must contain ${version} exactly once");
}

}  // namespace slipway::test

namespace slipway::test {

TEST_F(VersionCommits, PipelineStepSetsVersionVariables) {
  released();
  m_repo.commit("feat: x");
  auto vars = version::run_version_step(m_repo.path(), {{"preset", "angular"}, {"tag", "true"}});
  ASSERT_TRUE(vars) << vars.error().message;
  std::map<std::string, std::string> got;
  for (const auto& v : *vars) got[v.name] = v.value;
  EXPECT_EQ(got["Slipway.Version"], "1.1.0");
  EXPECT_EQ(got["Slipway.VersionTag"], "v1.1.0");
  EXPECT_EQ(got["Slipway.VersionBump"], "minor");
  EXPECT_EQ(got["Slipway.LastVersion"], "1.0.0");
  EXPECT_EQ(got["Slipway.Released"], "true");
  EXPECT_EQ(m_repo.git({"tag", "--points-at", "HEAD"}), "v1.1.0\n");
  auto again = version::run_version_step(m_repo.path(), {{"tag", "true"}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->front().value, "");
  auto bad = version::run_version_step(m_repo.path(), {{"tagformat", "v${version}"}, {"prest", "x"}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "SlipwayVersion@1: unknown input 'prest' (did you mean 'preset'?)");
}

}  // namespace slipway::test
