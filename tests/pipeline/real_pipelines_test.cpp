// Real pipelines (../shared/conformance/real-pipelines, read in place, never
// copied): 30 Azure Pipelines files that open-source projects wrote for their
// own builds, each with its same-repository templates. Every valid case must
// expand; case 11 is not valid YAML in its repository either and must fail
// with its position; a case listed in real-pipelines-not-expandable.txt must
// fail with the error given there (its reason says why Azure fails it too).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>

#include "core/strings.h"
#include "pipeline/pipeline.h"
#include "support/test_support.h"

namespace slipway::pipeline {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view k_invalid_yaml_case = "11-DEAP__deap";

fs::path corpus_dir() { return test::source_dir() / ".." / "shared" / "conformance" / "real-pipelines"; }

// SOURCE holds the repository, the main pipeline's path, the commit.
fs::path main_pipeline(const fs::path& case_dir) {
  std::istringstream lines(test::read_file(case_dir / "SOURCE"));
  std::string repository, path;
  std::getline(lines, repository);
  std::getline(lines, path);
  return case_dir / std::string(trim(path));
}

std::vector<fs::path> case_dirs(const fs::path& corpus) {
  std::vector<fs::path> dirs;
  for (const auto& entry : fs::directory_iterator(corpus))
    if (entry.is_directory() && fs::exists(entry.path() / "SOURCE")) dirs.push_back(entry.path());
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

// "<case>: <error expected, word for word>" per line; '#' lines are comments.
std::map<std::string, std::string> not_expandable() {
  std::map<std::string, std::string> listed;
  std::istringstream lines(
      test::read_file(test::source_dir() / "tests" / "pipeline" / "real-pipelines-not-expandable.txt"));
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    size_t colon = line.find(": ");
    if (colon != std::string::npos) listed[line.substr(0, colon)] = line.substr(colon + 2);
  }
  return listed;
}

Result<ExpandedPipeline> expand_case(const fs::path& case_dir) {
  ExpandOptions options;
  options.self_root = case_dir;
  options.display_root = case_dir;
  return expand_pipeline(main_pipeline(case_dir), options);
}

TEST(RealPipelines, EveryValidCaseExpands) {
  if (!fs::is_directory(corpus_dir()))
    GTEST_SKIP() << "the real pipelines corpus is absent (" << corpus_dir().string() << "); skipped";
  std::map<std::string, std::string> listed = not_expandable();
  int expanded = 0;
  std::vector<fs::path> dirs = case_dirs(fs::canonical(corpus_dir()));
  for (const fs::path& dir : dirs) {
    std::string name = dir.filename().string();
    if (name == k_invalid_yaml_case) continue;
    Result<ExpandedPipeline> result = expand_case(dir);
    auto reason = listed.find(name);
    if (reason == listed.end()) {
      EXPECT_TRUE(result.has_value()) << name << ": " << result.error().to_string();
      if (result) ++expanded;
    } else {
      EXPECT_FALSE(result.has_value()) << name << " expands: remove it from real-pipelines-not-expandable.txt";
      if (!result) {
        EXPECT_NE(result.error().to_string().find(reason->second), std::string::npos)
            << name << ": " << result.error().to_string();
      }
    }
  }
  EXPECT_EQ(dirs.size(), 30u);
  std::printf("real pipelines: %d of %zu cases expand (%s is invalid YAML)\n", expanded, dirs.size(),
              std::string(k_invalid_yaml_case).c_str());
}

TEST(RealPipelines, InvalidYamlCaseFailsWithItsPosition) {
  fs::path dir = corpus_dir() / k_invalid_yaml_case;
  if (!fs::is_directory(dir)) GTEST_SKIP() << "the real pipelines corpus is absent; skipped";
  Result<ExpandedPipeline> result = expand_case(fs::canonical(dir));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().to_string().substr(0, 23), ".azure-pipelines/ci.yml");
  EXPECT_EQ(result.error().to_string(), ".azure-pipelines/ci.yml:24:7: YAML syntax error: end of map not found");
}

}  // namespace
}  // namespace slipway::pipeline
