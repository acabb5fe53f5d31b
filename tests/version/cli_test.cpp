// `slipway version` against the real binary: output channels, JSON, exit
// codes, the workspace form and tagging.
#include <nlohmann/json.hpp>

#include "version_fixture.h"

namespace slipway::test {

using VersionCli = VersionRepo;

TEST_F(VersionCli, PrintsTheNextVersionAloneOnStdout) {
  released();
  m_repo.commit("feat: x");
  CommandResult r = run_slipway({"version", "--repo", m_repo.path().string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "1.1.0\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(VersionCli, NoReleaseIsExitZeroWithAMessageOnStderr) {
  released();
  m_repo.commit("docs: x");
  CommandResult r = run_slipway({"version", "--repo", m_repo.path().string()});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "no release: There are no relevant changes, so no new version is released.\n");
}

TEST_F(VersionCli, PresetOptionSwitchesToAngular) {
  released();
  m_repo.commit("feat!: x");
  CommandResult cc = run_slipway({"version", "--repo", m_repo.path().string()});
  EXPECT_EQ(cc.out, "2.0.0\n");
  CommandResult angular = run_slipway({"version", "--repo", m_repo.path().string(), "--preset", "angular"});
  EXPECT_EQ(angular.out, "");
  EXPECT_EQ(angular.exit_code, 0);
}

TEST_F(VersionCli, JsonHasTheWholeAnswer) {
  released();
  m_repo.commit("fix: a");
  m_repo.commit("feat(api): b");
  CommandResult r = run_slipway({"version", "--repo", m_repo.path().string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto json = nlohmann::json::parse(r.out);
  EXPECT_EQ(json["last_version"], "1.0.0");
  EXPECT_EQ(json["next_version"], "1.1.0");
  EXPECT_EQ(json["bump"], "minor");
  EXPECT_EQ(json["commits"], 2);
  EXPECT_EQ(json["branch"], "main");
  EXPECT_EQ(json["branch_kind"], "release");
  EXPECT_NE(json["notes"].get<std::string>().find("* **api:** b ("), std::string::npos);
}

TEST_F(VersionCli, ErrorsAreReportedWithExitCodes) {
  released();
  m_repo.commit("feat: x");
  CommandResult preset = run_slipway({"version", "--repo", m_repo.path().string(), "--preset", "eslint"});
  EXPECT_EQ(preset.exit_code, 2);
  EXPECT_EQ(preset.err, "slipway: error: unknown preset 'eslint': expected conventionalcommits or angular\n");
  CommandResult none = run_slipway({"version", "--repo", (m_dir.path() / "missing").string()});
  EXPECT_EQ(none.exit_code, 2);
}

TEST_F(VersionCli, OutOfRangeIsExitOne) {
  released();
  m_repo.commit("feat: a");
  m_repo.tag("v1.1.0");
  m_repo.commit("feat!: b");
  m_repo.tag("v2.0.0");
  m_repo.git({"checkout", "-q", "-b", "1.x", "v1.1.0"});
  m_repo.commit("feat!: m");
  CommandResult r = run_slipway({"version", "--repo", m_repo.path().string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("slipway: error: The release `2.0.0` on branch `1.x` cannot be published as it is out of range"),
            std::string::npos);
}

TEST_F(VersionCli, TagFormatAndBranchesConfigOptions) {
  m_repo.commit("chore: init");
  m_repo.tag("orders@1.0.0");
  m_repo.checkout("trunk", true);
  m_repo.commit("fix: x");
  write_file(m_dir.path() / "branches.json", "{\"branches\": [\"trunk\"]}");
  CommandResult r = run_slipway({"version", "--repo", m_repo.path().string(), "--tag-format", "orders@${version}",
                                 "--branches-config", (m_dir.path() / "branches.json").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "1.0.1\n");
}

TEST_F(VersionCli, ComponentInAWorkspaceWithNotesAndReentrantTag) {
  TempDir workspace;
  GitRepo repo(workspace / "repos/orders");
  repo.commit("chore: init", "azure-pipelines.yml", "steps:\n- script: echo build\n");
  repo.tag("orders@1.0.0");
  repo.commit("feat: take orders");
  write_file(workspace / "slipway.yaml",
             "product:\n  name: shop\n  version: \"1.0\"\n"
             "components:\n  orders:\n    repo: repos/orders\n"
             "    versioning:\n      tag_format: \"orders@${version}\"\n      preset: angular\n");
  std::string ws = workspace.path().string();
  CommandResult notes = run_slipway({"-C", ws, "version", "orders", "--notes"});
  ASSERT_EQ(notes.exit_code, 0) << notes.err;
  EXPECT_TRUE(notes.out.starts_with("1.1.0\n\n## 1.1.0 (2023-11-14)\n\n### Features\n\n* take orders (")) << notes.out;
  CommandResult tag = run_slipway({"-C", ws, "version", "orders", "--tag"});
  ASSERT_EQ(tag.exit_code, 0) << tag.err;
  EXPECT_EQ(tag.out, "1.1.0\n");
  EXPECT_EQ(repo.git({"tag", "--points-at", "HEAD"}), "orders@1.1.0\n");
  CommandResult again = run_slipway({"-C", ws, "version", "orders", "--tag"});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_EQ(again.out, "");
  EXPECT_EQ(again.err, "no release: orders@1.1.0 is already on " + repo.git({"rev-parse", "--short=7", "HEAD"}));
  CommandResult unknown = run_slipway({"-C", ws, "version", "ordres"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.err, "slipway: error: unknown component 'ordres' (did you mean 'orders'?)\n");
}

}  // namespace slipway::test
