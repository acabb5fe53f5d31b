// The message parser and tag-format helpers on their own (no repository).
#include <gtest/gtest.h>

#include "version/next_version.h"

namespace slipway::test {

using version::parse_commit_message;
using version::Preset;

TEST(CommitParser, HeaderPartsAndGreedyScope) {
  auto c = parse_commit_message("feat(a): b (c): d", Preset::angular);
  EXPECT_EQ(c.type, "feat");
  EXPECT_EQ(c.scope, "a): b (c");
  EXPECT_EQ(c.subject, "d");
}

TEST(CommitParser, BreakingHeaderBecomesANoteOnlyWithoutFooterNotes) {
  auto bang = parse_commit_message("feat(api)!: drop v1", Preset::conventionalcommits);
  ASSERT_EQ(bang.notes.size(), 1u);
  EXPECT_EQ(bang.notes[0].text, "drop v1");
  auto both = parse_commit_message("feat!: drop v1\n\nBREAKING CHANGE: the real story", Preset::conventionalcommits);
  ASSERT_EQ(both.notes.size(), 1u);
  EXPECT_EQ(both.notes[0].text, "the real story");
}

TEST(CommitParser, NoteTextRunsUntilAReferenceLine) {
  auto c = parse_commit_message("fix: x\n\nBREAKING CHANGE: first line\nsecond line\nCloses #12\nafter",
                                Preset::angular);
  ASSERT_EQ(c.notes.size(), 1u);
  EXPECT_EQ(c.notes[0].text, "first line\nsecond line");
}

TEST(CommitParser, GitRevertMessageNamesHeaderAndHash) {
  std::string sha(40, 'a');
  auto c = parse_commit_message("Revert \"feat: x\"\n\nThis reverts commit " + sha + ".", Preset::conventionalcommits);
  EXPECT_EQ(c.revert_header, "feat: x");
  EXPECT_EQ(c.revert_hash, sha);
  EXPECT_FALSE(c.type);
  EXPECT_EQ(version::release_type(c), version::Bump::patch);
}

TEST(CommitParser, AngularRevertNeedsNoPeriodConventionalDoes) {
  std::string msg = "revert: feat: x\n\nThis reverts commit abcdef1";
  EXPECT_TRUE(parse_commit_message(msg, Preset::angular).is_revert());
  EXPECT_FALSE(parse_commit_message(msg, Preset::conventionalcommits).is_revert());
}

TEST(TagFormat, VersionIsReadAfterThePrefixAndBeforeTheSuffix) {
  EXPECT_EQ(version::version_from_tag("v${version}", "v1.2.3")->to_string(), "1.2.3");
  EXPECT_EQ(version::version_from_tag("orders@${version}", "orders@2.0.0-beta.1")->to_string(), "2.0.0-beta.1");
  EXPECT_EQ(version::version_from_tag("${version}-svc", "1.0.0-svc")->to_string(), "1.0.0");
  EXPECT_FALSE(version::version_from_tag("v${version}", "orders@1.0.0"));
  EXPECT_FALSE(version::version_from_tag("v${version}", "v1.2"));
  EXPECT_EQ(version::make_tag("orders@${version}", "1.4.0"), "orders@1.4.0");
}

TEST(SemVer, IncrementsLikeNodeSemver) {
  auto v = [](const char* s) { return *version::parse_semver(s); };
  EXPECT_EQ(version::increment(v("1.3.0-beta.1"), version::Bump::minor).to_string(), "1.3.0");
  EXPECT_EQ(version::increment(v("1.3.0-beta.1"), version::Bump::major).to_string(), "2.0.0");
  EXPECT_EQ(version::increment(v("2.0.0-beta.1"), version::Bump::major).to_string(), "2.0.0");
  EXPECT_EQ(version::increment_prerelease(v("1.3.0-beta.9")).to_string(), "1.3.0-beta.10");
  EXPECT_LT(version::compare(v("1.0.0-beta.2"), v("1.0.0-beta.10")), 0);
  EXPECT_LT(version::compare(v("1.0.0-alpha"), v("1.0.0")), 0);
  EXPECT_FALSE(version::parse_semver("01.2.3"));
}

}  // namespace slipway::test
