// What `slipway pipeline check` reports, on normalized trees and a machine
// whose installed programs the test chooses.
#include <gtest/gtest.h>

#include "run/readiness.h"
#include "support/test_support.h"

namespace slipway::run {
namespace {

Machine machine_with(std::set<std::string> programs, std::set<std::string> groups = {},
                     std::shared_ptr<const TaskCatalog> tasks = nullptr) {
  ContainerEngine engine{programs.count("podman") ? "/usr/bin/podman" : "",
                         "need docker or podman; neither is installed"};
  return Machine{[programs](const std::string& program) { return programs.count(program) > 0; }, std::move(groups),
                 std::move(tasks), engine, {"staging"}};
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
    - {task: AzurePowerShell@4, displayName: AzurePowerShell}
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
  EXPECT_EQ(found[1].reason, "pwsh is not installed");
  EXPECT_EQ(found[2].runner, "bash");
  EXPECT_EQ(found[3].reason, "no implementation of task 'AzurePowerShell@4'");
  EXPECT_EQ(found[4].runner, "git (libgit2)");
  EXPECT_EQ(found[5].reason, "repository 'other' is not in resources.repositories");
  EXPECT_EQ(found[6].runner, "artifact store");
  EXPECT_EQ(found[7].reason, "'getPackage' steps are not run by slipway");
}

TEST(Readiness, MissingBashAndInstalledPwshAreSaid) {
  std::vector<Readiness> found = check(k_steps, machine_with({"pwsh"}));
  EXPECT_EQ(found[0].reason, "bash is not installed");
  EXPECT_TRUE(found[1].can_run());
  EXPECT_EQ(found[1].runner, "pwsh (PowerShell@2)");
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
  EXPECT_EQ(found[5].reason, "services need docker or podman; neither is installed");
}

TEST(Readiness, CheckoutOfADeclaredRepositoryRuns) {
  std::vector<Readiness> found = check(R"(
resources:
  repositories:
  - repository: tools
    type: git
    name: https://git.example.com/tools.git
stages:
- stage: s
  jobs:
  - job: j
    steps: [{checkout: self}, {checkout: tools}, {checkout: other}]
)", machine_with({"bash"}));
  ASSERT_EQ(found.size(), 3u);
  EXPECT_TRUE(found[1].can_run());
  EXPECT_EQ(found[1].runner, "git (libgit2)");
  EXPECT_EQ(found[2].reason, "repository 'other' is not in resources.repositories");
}

TEST(Readiness, ContainersRunWithTheEngineFound) {
  std::vector<Readiness> found = check(R"(
stages:
- stage: s
  jobs:
  - job: j
    container: ubuntu:22.04
    services: {db: postgres:16}
    steps: []
)", machine_with({"bash", "podman"}));
  ASSERT_EQ(found.size(), 2u);
  EXPECT_TRUE(found[0].can_run());
  EXPECT_EQ(found[0].runner, "podman");
  EXPECT_TRUE(found[1].can_run());
}

TEST(Readiness, DeploymentJobsNeedAnEnvironmentOfTheWorkspace) {
  std::vector<Readiness> found = check(R"(
stages:
- stage: s
  jobs:
  - deployment: a
    environment: staging.web
    strategy: {runOnce: {deploy: {steps: []}}}
  - deployment: b
    environment: {name: prod}
    strategy: {runOnce: {deploy: {steps: []}}}
)", machine_with({"bash"}));
  ASSERT_EQ(found.size(), 2u);
  EXPECT_TRUE(found[0].can_run());
  EXPECT_EQ(found[0].step, "environment 'staging'");
  EXPECT_EQ(found[1].reason, "environment 'prod' is not an environment of the workspace");
}

TEST(Readiness, DeploymentHookStepsAreChecked) {
  std::vector<Readiness> found = check(R"(
stages:
- stage: s
  jobs:
  - deployment: d
    environment: staging
    strategy: {runOnce: {deploy: {steps: [{task: KubernetesManifest@0, displayName: KubernetesManifest}]}}}
)", machine_with({"bash"}));
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[1].job, "s.d");
  EXPECT_EQ(found[1].reason, "kubectl is not installed (task KubernetesManifest@0 runs it)");
}

TEST(Readiness, KnownTasksHaveImplementations) {
  EXPECT_EQ(task_implementation("cmdline@2"), "bash");
  EXPECT_EQ(task_implementation("DownloadPipelineArtifact@2"), "artifact store");
  EXPECT_EQ(task_implementation("CmdLine@1"), "built-in CmdLine@1");
  EXPECT_EQ(task_implementation("UsePythonVersion@0.206.0"), "built-in UsePythonVersion@0.206.0");
  EXPECT_EQ(task_implementation("AzurePowerShell@4"), "");
  // A wrapper whose program is missing is named with it.
  std::vector<Readiness> npm = check("stages: [{stage: s, jobs: [{job: j, steps: [{task: Npm@1}]}]}]", machine_with({"bash"}));
  ASSERT_EQ(npm.size(), 1u);
  EXPECT_EQ(npm[0].reason, "npm is not installed (task Npm@1 runs it)");
  EXPECT_EQ(task_implementation("publishtestresults@2"), "built-in publishtestresults@2");
}

TEST(Readiness, TaskFoldersRunTheirTasksWhenNodeIsInstalled) {
  test::TempDir root;
  for (const auto& [name, handler] : {std::pair{"greet", "Node20_1"}, std::pair{"ps", "PowerShell3"}}) {
    std::filesystem::create_directories(root / name);
    test::write_file(root / name / "task.json", std::string(R"({"name": ")") + name +
                                                    R"(", "version": {"Major": 1}, "execution": {")" + handler +
                                                    R"(": {"target": "t"}}})");
  }
  Result<TaskCatalog> catalog = TaskCatalog::from_folders({root / "greet", root / "ps"});
  ASSERT_TRUE(catalog) << catalog.error().to_string();
  auto tasks = std::make_shared<const TaskCatalog>(std::move(*catalog));
  const std::string pipeline = "stages: [{stage: s, jobs: [{job: j, steps: [{task: greet@1}, {task: ps@1}, {task: other@1}]}]}]";
  std::vector<Readiness> with_node = check(pipeline, machine_with({"node"}, {}, tasks));
  ASSERT_EQ(with_node.size(), 3u);
  EXPECT_EQ(with_node[0].runner, "task folder " + (root / "greet").string() + " (greet@1.0.0, Node20_1)");
  EXPECT_TRUE(with_node[0].can_run());
  EXPECT_EQ(with_node[1].reason, "task folder ps@1.0.0 runs with PowerShell3; slipway runs Node handlers only");
  EXPECT_EQ(with_node[2].reason, "no implementation of task 'other@1'");
  std::vector<Readiness> without = check(pipeline, machine_with({}, {}, tasks));
  EXPECT_EQ(without[0].reason, "node is not installed (task folder greet@1.0.0 runs with Node20_1)");
}

}  // namespace
}  // namespace slipway::run
