// What `slipway pipeline check` reports, on normalized trees and a machine
// whose installed programs the test chooses.
#include <gtest/gtest.h>

#include "run/readiness.h"

namespace slipway::run {
namespace {

Machine machine_with(std::set<std::string> programs, std::set<std::string> groups = {}) {
  return Machine{[programs](const std::string& program) { return programs.count(program) > 0; }, std::move(groups)};
}

std::vector<Readiness> check(const std::string& text, const Machine& machine) {
  Result<yaml::Node> node = yaml::parse(text, "p.yml");
  EXPECT_TRUE(node) << node.error().to_string();
  return node ? check_readiness(*node, machine) : std::vector<Readiness>{};
}

const std::string k_steps = R"(
stages:
- stage: s
  jobs:
  - job: j
    steps:
    - {script: echo, displayName: CmdLine}
    - {pwsh: dir, displayName: PowerShell}
    - {task: Bash@3, displayName: Bash}
    - {task: PublishTestResults@2, displayName: PublishTestResults}
    - {checkout: self, displayName: Checkout self}
    - {checkout: other, displayName: Checkout other}
    - {upload: out, displayName: PublishPipelineArtifact}
    - {getPackage: pkg, displayName: DownloadPackage}
)";

TEST(Readiness, NamesTheRunnerOrTheReasonOfEveryStep) {
  std::vector<Readiness> found = check(k_steps, machine_with({"bash"}));
  ASSERT_EQ(found.size(), 8u);
  EXPECT_EQ(found[0].runner, "bash");
  EXPECT_TRUE(found[0].can_run());
  EXPECT_EQ(found[0].job, "s.j");
  EXPECT_EQ(found[0].where.to_string(), "p.yml:7:7");
  EXPECT_EQ(found[1].reason, "pwsh is not installed (and slipway runs no pwsh steps yet)");
  EXPECT_EQ(found[2].runner, "bash");
  EXPECT_EQ(found[3].reason, "no implementation of task 'PublishTestResults@2'");
  EXPECT_EQ(found[4].runner, "git (libgit2)");
  EXPECT_EQ(found[5].reason, "checkout of repository 'other' is not supported");
  EXPECT_EQ(found[6].runner, "artifact store");
  EXPECT_EQ(found[7].reason, "'getPackage' steps are not run by slipway");
}

TEST(Readiness, MissingBashAndInstalledPwshAreSaid) {
  std::vector<Readiness> found = check(k_steps, machine_with({"pwsh"}));
  EXPECT_EQ(found[0].reason, "bash is not installed");
  EXPECT_EQ(found[1].reason, "pwsh steps are not run by slipway yet (pwsh is installed)");
}

TEST(Readiness, ContainersServicesPoolsAndGroupsAreJobNeeds) {
  std::vector<Readiness> found = check(R"(
variables:
- group: known
- group: unknown
stages:
- stage: s
  jobs:
  - job: j
    pool: {vmImage: windows-latest, demands: [cmake, Agent.OS -equals Linux, msbuild]}
    container: ubuntu:22.04
    services: {db: postgres:16}
    steps: []
  - job: k
    pool: {vmImage: $(image)}
    steps: []
)", machine_with({"bash", "cmake"}, {"Known"}));
  ASSERT_EQ(found.size(), 6u);
  EXPECT_TRUE(found[0].can_run());
  EXPECT_EQ(found[0].step, "variable group 'known'");
  EXPECT_EQ(found[1].reason, "variable group 'unknown' is not defined in the workspace");
  EXPECT_EQ(found[1].where.to_string(), "p.yml:4:3");
  EXPECT_EQ(found[2].reason, "image 'windows-latest' is not Linux: no local agent runs it");
  EXPECT_EQ(found[3].reason, "demand 'msbuild' is met by no local agent");
  EXPECT_EQ(found[4].reason, "container jobs need docker or podman; neither is installed");
  EXPECT_EQ(found[5].step, "services");
}

TEST(Readiness, DeploymentHookStepsAreChecked) {
  std::vector<Readiness> found = check(R"(
stages:
- stage: s
  jobs:
  - deployment: d
    strategy: {runOnce: {deploy: {steps: [{task: KubernetesManifest@0, displayName: KubernetesManifest}]}}}
)", machine_with({"bash"}));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].job, "s.d");
  EXPECT_EQ(found[0].reason, "no implementation of task 'KubernetesManifest@0'");
}

TEST(Readiness, KnownTasksHaveImplementations) {
  EXPECT_EQ(task_implementation("cmdline@2"), "bash");
  EXPECT_EQ(task_implementation("DownloadPipelineArtifact@2"), "artifact store");
  EXPECT_EQ(task_implementation("CmdLine@1"), "");
}

}  // namespace
}  // namespace slipway::run
