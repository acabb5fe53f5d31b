#include <gtest/gtest.h>

#include "run/triggers.h"

namespace slipway::run {
namespace {

TriggerDecision decide(const std::string& yaml_text, const std::string& ref, std::vector<std::string> paths = {}) {
  Result<yaml::Node> node = yaml::parse(yaml_text, "p.yml");
  EXPECT_TRUE(node);
  const yaml::Node* trigger = node->get("trigger");
  Result<TriggerDecision> d = evaluate_trigger(trigger, PushEvent{ref, std::move(paths)});
  EXPECT_TRUE(d) << d.error().to_string();
  return d ? *d : TriggerDecision{};
}

TEST(Triggers, AbsentTriggerRunsEveryBranchButNotTags) {
  EXPECT_TRUE(decide("steps: []", "refs/heads/anything").run);
  EXPECT_FALSE(decide("steps: []", "refs/tags/v1").run);
}

TEST(Triggers, NoneRunsNothing) {
  TriggerDecision d = decide("trigger: none", "refs/heads/main");
  EXPECT_FALSE(d.run);
  EXPECT_EQ(d.reason, "trigger is none");
}

TEST(Triggers, ListFormIncludesBranchesWithWildcards) {
  EXPECT_TRUE(decide("trigger: [main, releases/*]", "refs/heads/releases/1.2").run);
  EXPECT_TRUE(decide("trigger: [main, releases/*]", "main").run);
  TriggerDecision d = decide("trigger: [main, releases/*]", "refs/heads/feature/x");
  EXPECT_FALSE(d.run);
  EXPECT_EQ(d.reason, "branch 'feature/x' is not included");
}

TEST(Triggers, ExcludeWinsOverInclude) {
  std::string t = "trigger:\n  batch: true\n  branches:\n    include: ['*']\n    exclude: [refs/heads/experimental/*]\n";
  EXPECT_TRUE(decide(t, "refs/heads/main").run);
  EXPECT_TRUE(decide(t, "refs/heads/main").batch);
  TriggerDecision d = decide(t, "refs/heads/experimental/a");
  EXPECT_FALSE(d.run);
  EXPECT_EQ(d.reason, "branch 'experimental/a' is excluded");
}

TEST(Triggers, PathFiltersNeedAnIncludedChange) {
  std::string t = "trigger:\n  branches: {include: [main]}\n  paths:\n    include: [src]\n    exclude: [src/docs, '*.md']\n";
  EXPECT_TRUE(decide(t, "main", {"src/app.cpp"}).run);
  EXPECT_FALSE(decide(t, "main", {"src/docs/a.txt", "README.md"}).run);
  EXPECT_FALSE(decide(t, "main", {"tools/x"}).run);
  EXPECT_EQ(decide(t, "main", {"tools/x"}).reason, "no changed path is included");
  EXPECT_TRUE(decide(t, "main", {}).run);  // unknown changes pass
}

TEST(Triggers, TagsNeedATagsFilter) {
  std::string t = "trigger:\n  branches: {include: [main]}\n  tags: {include: ['v*'], exclude: [v0.*]}\n";
  EXPECT_TRUE(decide(t, "refs/tags/v1.0.0").run);
  EXPECT_FALSE(decide(t, "refs/tags/v0.9").run);
  EXPECT_FALSE(decide(t, "refs/tags/nightly").run);
}

TEST(Triggers, BadShapeIsAnErrorWithPosition) {
  Result<yaml::Node> node = yaml::parse("trigger:\n  branches: 3\n", "p.yml");
  ASSERT_TRUE(node);
  Result<TriggerDecision> d = evaluate_trigger(node->get("trigger"), PushEvent{"main", {}});
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().to_string(), "p.yml:2:13: trigger.branches must be a mapping with include/exclude");
}

std::string shape_error(const std::string& yaml_text) {
  Result<yaml::Node> node = yaml::parse(yaml_text, "p.yml");
  EXPECT_TRUE(node);
  Status s = check_triggers(node->get("trigger"), node->get("pr"));
  return s ? std::string("ok") : s.error().to_string();
}

TEST(Triggers, MisspeltKeysAreErrorsWithTheirPosition) {
  EXPECT_EQ(shape_error("trigger:\n  branches:\n    includes: [main]\n"),
            "p.yml:3:5: unknown key 'includes' in trigger.branches (expected include, exclude)");
  EXPECT_EQ(shape_error("trigger:\n  branch: [main]\n"),
            "p.yml:2:3: unknown key 'branch' in trigger (expected batch, branches, paths, tags)");
  EXPECT_EQ(shape_error("trigger:\n  batch: yes please\n"), "p.yml:2:10: trigger.batch must be true or false");
  EXPECT_EQ(shape_error("pr:\n  autocancel: false\n"),
            "p.yml:2:3: unknown key 'autocancel' in pr (expected autoCancel, branches, paths, drafts)");
  EXPECT_EQ(shape_error("pr:\n  paths: {exclude: [docs], inclde: [src]}\n"),
            "p.yml:2:28: unknown key 'inclde' in pr.paths (expected include, exclude)");
  // A push is refused the same way.
  Result<yaml::Node> node = yaml::parse("trigger:\n  branches:\n    includes: [main]\n", "p.yml");
  ASSERT_TRUE(node);
  EXPECT_FALSE(evaluate_trigger(node->get("trigger"), PushEvent{"main", {}}));
}

TEST(Triggers, EveryFormAzureAcceptsPassesTheShapeCheck) {
  EXPECT_EQ(shape_error("steps: []\n"), "ok");
  EXPECT_EQ(shape_error("trigger: none\npr: none\n"), "ok");
  EXPECT_EQ(shape_error("trigger: [main, releases/*]\npr: [main]\n"), "ok");
  EXPECT_EQ(shape_error("trigger:\n  batch: true\n  branches: {include: [main], exclude: [x]}\n"
                        "  paths: {include: [src]}\n  tags: {include: ['v*']}\n"
                        "pr:\n  autoCancel: false\n  drafts: true\n  branches: [main]\n  paths: {exclude: [docs]}\n"),
            "ok");
}

TEST(Triggers, WildcardMatch) {
  EXPECT_TRUE(wildcard_match("a*c", "abbbc"));
  EXPECT_TRUE(wildcard_match("a?c", "abc"));
  EXPECT_FALSE(wildcard_match("a?c", "abbc"));
  EXPECT_TRUE(wildcard_match("*", ""));
}

}  // namespace
}  // namespace slipway::run
