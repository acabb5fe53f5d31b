// Behaviour of the expander's API and of `slipway pipeline expand` beyond the data cases.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "pipeline/pipeline.h"
#include "support/test_support.h"

namespace slipway::pipeline {
namespace {

TEST(PipelineExpand, TemplateCacheGivesTheSameResultAndReusesFiles) {
  test::TempDir dir;
  test::write_file(dir / "azure-pipelines.yml",
                   "steps:\n- template: steps.yml\n  parameters: {name: a}\n- template: steps.yml\n  parameters: {name: b}\n");
  test::write_file(dir / "steps.yml",
                   "parameters:\n- name: name\n  type: string\nsteps:\n- bash: echo ${{ parameters.name }}\n");
  ExpandOptions options;
  options.display_root = dir.path();
  Result<ExpandedPipeline> plain = expand_pipeline(dir / "azure-pipelines.yml", options);
  ASSERT_TRUE(plain) << plain.error().to_string();
  TemplateCache cache;
  options.cache = &cache;
  Result<ExpandedPipeline> first = expand_pipeline(dir / "azure-pipelines.yml", options);
  ASSERT_TRUE(first) << first.error().to_string();
  // Edits are not seen through the cache: one process, one snapshot.
  test::write_file(dir / "steps.yml", "steps:\n- bash: echo changed\n");
  Result<ExpandedPipeline> second = expand_pipeline(dir / "azure-pipelines.yml", options);
  ASSERT_TRUE(second) << second.error().to_string();
  EXPECT_EQ(to_yaml_text(*plain), to_yaml_text(*first));
  EXPECT_EQ(to_yaml_text(*first), to_yaml_text(*second));
  EXPECT_EQ(first->included_files, 1u);
}

// Eight levels of templates, each including the next ten times: 10^8 step
// lists from nine small files, under the file and nesting limits. The size
// limit must stop it while it grows, not after.
TEST(PipelineExpand, TemplateFanOutStopsAtTheSizeLimit) {
  test::TempDir dir;
  test::write_file(dir / "azure-pipelines.yml", "steps:\n- template: t1.yml\n");
  for (int level = 1; level <= 8; ++level) {
    std::string body = "steps:\n";
    for (int i = 0; i < 10; ++i)
      body += level < 8 ? "- template: t" + std::to_string(level + 1) + ".yml\n"
                        : "- bash: echo a fairly long line of text that makes each step about a hundred bytes " +
                              std::to_string(i) + "\n";
    test::write_file(dir / ("t" + std::to_string(level) + ".yml"), body);
  }
  ExpandOptions options;
  options.display_root = dir.path();
  Result<ExpandedPipeline> result = expand_pipeline(dir / "azure-pipelines.yml", options);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::invalid_input);
  EXPECT_NE(result.error().message.find("the templates included expand beyond 20 MB"), std::string::npos)
      << result.error().message;
}

TEST(PipelineExpand, PipelineFileMustBeARegularFile) {
  test::TempDir dir;
  ASSERT_EQ(::mkfifo((dir / "fifo.yml").c_str(), 0600), 0);
  Result<ExpandedPipeline> result = expand_pipeline(dir / "fifo.yml");
  ASSERT_FALSE(result);
}

TEST(PipelineExpand, MissingFileIsNotFound) {
  test::TempDir dir;
  Result<ExpandedPipeline> result = expand_pipeline(dir / "nope.yml");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::not_found);
}

TEST(PipelineCli, ExpandFilePrintsYamlAndJson) {
  test::TempDir dir;
  test::write_file(dir / "p.yml", "steps:\n- script: echo hi\n");
  test::CommandResult yaml = test::run_slipway({"pipeline", "expand", "--file", "p.yml"}, dir.path());
  ASSERT_EQ(yaml.exit_code, 0) << yaml.err;
  EXPECT_EQ(yaml.out,
            "stages:\n  - stage: __default\n    dependsOn: []\n    condition: succeeded()\n    jobs:\n"
            "      - job: Job\n        dependsOn: []\n        condition: succeeded()\n        steps:\n"
            "          - script: echo hi\n            displayName: CmdLine\n");
  test::CommandResult json = test::run_slipway({"pipeline", "expand", "--file", "p.yml", "--json"}, dir.path());
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_NE(json.out.find("\"stages\": ["), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"displayName\": \"CmdLine\""), std::string::npos) << json.out;
}

TEST(PipelineCli, ExpandErrorExitsTwoWithTheChainOnStderr) {
  test::TempDir dir;
  test::write_file(dir / "p.yml", "steps:\n- template: t/s.yml\n  parameters:\n    os: ruby\n");
  test::write_file(dir / "t/s.yml",
                   "parameters:\n- name: os\n  values: [linux, mac]\nsteps:\n- bash: echo ${{ parameters.os }}\n");
  test::CommandResult result = test::run_slipway({"pipeline", "expand", "--file", "p.yml"}, dir.path());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err,
            "slipway: error: p.yml:4:9: parameter 'os' must be one of linux, mac; "
            "got 'ruby'\n");
}

TEST(PipelineCli, TemplatesOptionNamesASource) {
  test::TempDir dir;
  test::write_file(dir / "p.yml", "steps:\n- template: s.yml@shared\n");
  test::write_file(dir / "lib/s.yml", "steps:\n- bash: echo shared\n");
  test::CommandResult result =
      test::run_slipway({"pipeline", "expand", "--file", "p.yml", "--templates", "shared=lib"}, dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("bash: echo shared"), std::string::npos) << result.out;
  test::CommandResult missing = test::run_slipway({"pipeline", "expand", "--file", "p.yml"}, dir.path());
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err,
            "slipway: error: p.yml:2:13: unknown template source 'shared' in 's.yml@shared' (none are configured)\n");
}

}  // namespace
}  // namespace slipway::pipeline
