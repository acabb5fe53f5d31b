// Validate's check of a workspace's component pipelines (pipeline/components.h):
// each expansion error at its position, the include chain after the message,
// nothing repeated from the workspace check, nothing claimed about pipelines
// that cannot be read through.
#include "pipeline/components.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/workspace.h"
#include "support/test_support.h"

namespace slipway::pipeline {
namespace {

const std::string k_workspace =
    "product: {name: shop, version: '1.0'}\n"
    "templates:\n"
    "  local: {path: templates}\n"
    "  remote: {git: https://git.example.com/templates.git}\n"
    "components:\n"
    "  api: {repo: repos/api}\n";

// Every diagnostic of validate for a workspace of `files`, as file:line:col: message.
std::vector<std::string> check(const std::vector<std::pair<std::string, std::string>>& files) {
  test::TempDir dir;
  test::write_file(dir / "slipway.yaml", k_workspace);
  test::write_file(dir / "templates" / "README", "the local template source\n");
  for (const auto& [path, content] : files) test::write_file(dir / path, content);
  model::WorkspaceLoad load = model::inspect_workspace(dir.path());
  check_component_pipelines(load.workspace, load.diagnostics);
  std::vector<std::string> lines;
  for (const Error& error : load.diagnostics.errors()) lines.push_back(error.to_string());
  return lines;
}

TEST(ComponentPipelines, UnknownJobKeyIsAnErrorAtTheKey) {
  EXPECT_EQ(
      check({{"repos/api/azure-pipelines.yml", "jobs:\n- job: build\n  stepz: []\n"}}),
      std::vector<std::string>{"repos/api/azure-pipelines.yml:3:3: unknown key 'stepz' in job "
                               "'build' (did you mean 'steps'?)"});
}

TEST(ComponentPipelines, ErrorInATemplateKeepsItsChainAfterTheMessage) {
  EXPECT_EQ(
      check({{"repos/api/azure-pipelines.yml", "steps:\n- template: s.yml@local\n"},
             {"templates/s.yml",
              "parameters:\n- name: n\n  type: number\n  default: x\nsteps: []\n"}}),
      std::vector<std::string>{"templates/s.yml:4:12: parameter 'n': 'x' is not a valid number "
                               "(included from repos/api/azure-pipelines.yml:2:13)"});
}

TEST(ComponentPipelines, DefaultParametersExpandClean) {
  EXPECT_TRUE(check({{"repos/api/azure-pipelines.yml",
                      "parameters:\n- name: n\n  type: number\n  default: 2\nsteps:\n"
                      "- script: echo ${{ parameters.n }}\n"}})
                  .empty());
}

TEST(ComponentPipelines, YamlSyntaxErrorIsReportedOnce) {
  std::vector<std::string> lines = check({{"repos/api/azure-pipelines.yml", "steps: [\n"}});
  ASSERT_EQ(lines.size(), 1u) << lines[0];
  EXPECT_NE(lines[0].find("repos/api/azure-pipelines.yml:2:1: YAML syntax error"),
            std::string::npos)
      << lines[0];
}

TEST(ComponentPipelines, PipelineUsingAGitTemplateSourceIsPassedOver) {
  EXPECT_TRUE(
      check({{"repos/api/azure-pipelines.yml", "steps:\n- template: s.yml@remote\n"}}).empty());
}

TEST(ComponentPipelines, MissingPipelineIsTheWorkspaceChecksError) {
  EXPECT_EQ(check({{"repos/api/README", "no pipeline\n"}}),
            std::vector<std::string>{"slipway.yaml:6:3: pipeline of component 'api' not found: "
                                     "repos/api/azure-pipelines.yml"});
}

}  // namespace
}  // namespace slipway::pipeline
