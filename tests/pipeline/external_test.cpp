// The third-party Azure Pipelines suite (../shared/conformance/azure-pipelines,
// read in place, never copied). Each pipeline file of each case folder must
// behave as its metadata says, or be listed in external-not-applicable.txt
// with a reason.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>

#include "core/strings.h"
#include "core/yaml.h"
#include "pipeline/pipeline.h"
#include "support/test_support.h"

namespace slipway::pipeline {
namespace {

namespace fs = std::filesystem;

struct Metadata {
  bool expect_failure = false;
  std::vector<std::string> messages;
  bool syntax_only = false;
  bool autocompletion = false;
  std::map<std::string, std::string> repositories;  // repository name → folder (suite-relative)
};

Metadata read_metadata(const std::string& text) {
  Metadata metadata;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::string_view view = trim(line);
    if (view.empty()) continue;
    if (view.front() != '#') break;
    view.remove_prefix(1);
    view = trim(view);
    size_t colon = view.find(':');
    if (colon == std::string_view::npos) continue;
    std::string key = to_lower(trim(view.substr(0, colon)));
    std::string value(trim(view.substr(colon + 1)));
    if (key == "expectedexception") metadata.expect_failure = true;
    else if (key == "expectederrormessage" || key == "expectedmessage") metadata.messages.push_back(value);
    else if (key == "validatesyntax") metadata.syntax_only = iequals(value, "true");
    else if (key == "autocompletion") metadata.autocompletion = true;
    else if (key == "localrepository") {
      size_t at = value.find('@');
      size_t eq = value.find('=');
      if (at != std::string::npos && eq != std::string::npos)
        metadata.repositories[value.substr(0, at)] = value.substr(eq + 1);
    }
  }
  return metadata;
}

// The pipeline files of a case folder: pipeline*.yml anywhere in it, else every .yml.
std::vector<fs::path> pipeline_files(const fs::path& folder) {
  std::vector<fs::path> named, all;
  for (const auto& entry : fs::recursive_directory_iterator(folder)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".yml") continue;
    all.push_back(entry.path());
    if (entry.path().filename().string().rfind("pipeline", 0) == 0) named.push_back(entry.path());
  }
  std::vector<fs::path>& files = named.empty() ? all : named;
  std::sort(files.begin(), files.end());
  return files;
}

// Empty when the file behaves as its metadata says, else what went wrong.
std::string run_case(const fs::path& suite, const fs::path& file) {
  std::string text = test::read_file(file);
  Metadata metadata = read_metadata(text);
  if (metadata.autocompletion) return "an editor auto-completion case";
  ExpandOptions options;
  options.display_root = suite;
  options.self_root = file.parent_path();
  if (Result<yaml::Node> document = yaml::parse(text, file.string()); document && document->is_mapping()) {
    if (const yaml::Node* resources = document->get("resources"))
      if (const yaml::Node* repositories = resources->get("repositories"))
        for (const yaml::Node& repository : repositories->items()) {
          const yaml::Node* alias = repository.get("repository");
          const yaml::Node* name = repository.get("name");
          if (!alias || !name) continue;
          auto found = metadata.repositories.find(name->text());
          if (found != metadata.repositories.end()) options.template_sources[alias->text()] = suite / found->second;
        }
  }
  std::string error;
  bool ok = true;
  if (metadata.syntax_only) {
    Status status = check_pipeline_syntax(file, options);
    if (!status) { ok = false; error = status.error().to_string(); }
  } else {
    Result<ExpandedPipeline> result = expand_pipeline(file, options);
    if (!result) { ok = false; error = result.error().to_string(); }
  }
  if (!metadata.expect_failure) return ok ? std::string() : "expected success, got: " + error;
  if (ok) return "expected an error, expansion succeeded";
  for (const std::string& message : metadata.messages)
    if (error.find(message) == std::string::npos) return "error lacks '" + message + "': " + error;
  return {};
}

TEST(ExternalAzureSuite, EveryCasePassesOrIsListedNotApplicable) {
  fs::path suite = test::source_dir() / ".." / "shared" / "conformance" / "azure-pipelines";
  if (!fs::is_directory(suite))
    GTEST_SKIP() << "the external Azure Pipelines suite is absent (" << suite.string()
                 << "); external conformance check skipped";
  suite = fs::canonical(suite);
  std::map<std::string, std::string> not_applicable;
  std::istringstream lines(test::read_file(test::source_dir() / "tests" / "pipeline" /
                                           "external-not-applicable.txt"));
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    size_t colon = line.find(": ");
    ASSERT_NE(colon, std::string::npos) << "line without ': reason': " << line;
    not_applicable[line.substr(0, colon)] = line.substr(colon + 2);
  }
  int passed = 0, skipped = 0, folders = 0, folders_passed = 0, folders_skipped = 0;
  std::vector<std::string> failures;
  std::vector<fs::path> folders_list;
  for (const auto& entry : fs::directory_iterator(suite))
    if (entry.is_directory()) folders_list.push_back(entry.path());
  std::sort(folders_list.begin(), folders_list.end());
  for (const fs::path& folder : folders_list) {
    ++folders;
    bool all_passed = true, any_skipped = false;
    for (const fs::path& file : pipeline_files(folder)) {
      std::string name = file.lexically_relative(suite).generic_string();
      std::string problem = run_case(suite, file);
      bool listed = not_applicable.contains(name);
      if (listed) {
        ++skipped;
        any_skipped = true;
        if (problem.empty()) failures.push_back(name + ": passes now; remove it from external-not-applicable.txt");
        not_applicable.erase(name);
      } else if (problem.empty()) {
        ++passed;
      } else {
        all_passed = false;
        failures.push_back(name + ": " + problem);
      }
    }
    if (any_skipped) ++folders_skipped;
    else if (all_passed) ++folders_passed;
  }
  for (const auto& [name, reason] : not_applicable) failures.push_back(name + ": listed but not in the suite");
  std::cout << "external Azure Pipelines suite: " << folders << " cases (" << folders_passed << " passed, "
            << folders_skipped << " with a not-applicable file); " << passed + skipped << " pipeline files ("
            << passed << " passed, " << skipped << " not applicable)\n";
  for (const std::string& failure : failures) ADD_FAILURE() << failure;
}

}  // namespace
}  // namespace slipway::pipeline
