// The conformance suite kept as data: tests/pipeline/cases/<name>/ holds
// azure-pipelines.yml (plus templates), and expected.yaml (the normalized
// output, byte for byte) or expected-error.txt (the error message, exactly).
// An optional options.txt has lines `source NAME=DIR` (template source,
// relative to the case), `param NAME=VALUE`.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "pipeline/pipeline.h"
#include "support/test_support.h"

namespace slipway::pipeline {
namespace {

namespace fs = std::filesystem;

fs::path cases_dir() { return test::source_dir() / "tests" / "pipeline" / "cases"; }

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(cases_dir()))
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string trim_end(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

class PipelineCase : public testing::TestWithParam<std::string> {};

TEST_P(PipelineCase, ExpandsAsExpected) {
  fs::path dir = cases_dir() / GetParam();
  ExpandOptions options;
  options.display_root = dir;
  options.self_root = dir;
  if (fs::exists(dir / "options.txt")) {
    std::istringstream lines(test::read_file(dir / "options.txt"));
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("source ", 0) == 0) {
        std::string pair = line.substr(7);
        size_t eq = pair.find('=');
        options.template_sources[pair.substr(0, eq)] = dir / pair.substr(eq + 1);
      } else if (line.rfind("param ", 0) == 0) {
        std::string pair = line.substr(6);
        size_t eq = pair.find('=');
        options.parameters[pair.substr(0, eq)] = pair.substr(eq + 1);
      }
    }
  }
  Result<ExpandedPipeline> result = expand_pipeline(dir / "azure-pipelines.yml", options);
  if (fs::exists(dir / "expected-error.txt")) {
    std::string expected = trim_end(test::read_file(dir / "expected-error.txt"));
    ASSERT_FALSE(result.has_value()) << "expected the error:\n" << expected << "\ngot:\n" << to_yaml_text(*result);
    EXPECT_EQ(result.error().to_string(), expected);
  } else {
    ASSERT_TRUE(result.has_value()) << result.error().to_string();
    EXPECT_EQ(to_yaml_text(*result), test::read_file(dir / "expected.yaml"));
  }
}

std::string test_name(const testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  std::replace_if(name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Cases, PipelineCase, testing::ValuesIn(case_names()), test_name);

TEST(PipelineCases, SuiteHasAtLeast150Cases) { EXPECT_GE(case_names().size(), 150u); }

}  // namespace
}  // namespace slipway::pipeline
