// Template expansion: an Azure-Pipelines YAML file (plus its templates) →
// the normalized expanded pipeline.
//
// THE CONTRACT (shared with src/run, which consumes the tree). The result is a
// core/yaml.h Node (marks kept where known); key names are Azure's; every value
// is a scalar string unless said otherwise; keys appear in this order:
//
//   name: $(Date:yyyyMMdd)$(Rev:.r)   # optional build number format, verbatim
//   trigger: ...                       # verbatim (after template expansion), optional
//   pr: ...                            # verbatim, optional
//   resources: ...                     # verbatim, optional
//   variables: {configuration: release}  # optional; a mapping name -> value, unless a
//                                      #   `- group: NAME` is among them: then Azure's list
//                                      #   in order, items {group: NAME} or {name: N, value: V}
//   stages:                            # ALWAYS present, even for steps-only / jobs-only files
//   - stage: __default                 # default name: __default, then __default_2, __default_3...
//     displayName: ...                 # optional
//     dependsOn: []                    # ALWAYS a sequence (default: the previous stage)
//     condition: succeeded()           # ALWAYS present
//     variables: {}                    # optional mapping
//     (pool, lockBehavior, trigger, isSkippable, templateContext: verbatim when given)
//     jobs:
//     - job: Job                       # default "Job", then Job_2, Job_3...; or `deployment: NAME`
//       displayName: ...               # optional
//       dependsOn: []                  # ALWAYS a sequence (default [])
//       condition: succeeded()         # ALWAYS present
//       variables: {}                  # optional mapping
//       timeoutInMinutes / cancelTimeoutInMinutes / continueOnError ('true'|'false')
//       workspace / strategy / environment / pool / container / services: verbatim when given
//       (deployment jobs: strategy.<runOnce|rolling|canary>.<hook>.steps normalized like steps)
//       steps:                         # absent for deployment jobs
//       - script: echo hi              # exactly one of Azure's step forms: script, bash, pwsh,
//                                      #   powershell, checkout, task (any NAME@VERSION), publish,
//                                      #   upload, download, downloadBuild, getPackage, reviewApp
//         displayName: CmdLine         # ALWAYS present; defaults: script CmdLine, bash Bash,
//                                      #   checkout "Checkout X", task its name, publish
//                                      #   PublishPipelineArtifact, download DownloadPipelineArtifact
//         name / inputs / env / condition / continueOnError / timeoutInMinutes /
//         retryCountOnTaskFailure / enabled / workingDirectory: when given (booleans as 'true'/'false')
//         (checkout: fetchDepth, clean, path...; publish: artifact; download: artifact, path: verbatim)
//
// `$(macro)` and `$[ runtime ]` text is left verbatim for the run module.
//
// A key Azure's schema does not know for the pipeline, a template file, a
// stage, a job, a deployment job or a step is an error at the key ("unknown
// key 'stepz' in job 'build' (did you mean 'steps'?)").
//
// Nothing that only a runner can judge is refused here (tasks, pwsh, variable
// groups, containers, services, pools): whether this machine runs them is
// run/'s question.
//
// Errors: one Error (invalid_input, not_found for missing files) whose message is the include chain and the
// problem, e.g. "t/build.yaml:12:7 (included from azure-pipelines.yml:20:5):
// parameter 'platform' must be one of node, dotnet; got 'ruby'"; `where` is
// empty (the chain is the position), so Error::to_string() prints the message.
//
// Thread-safety: expand_pipeline is reentrant; a TemplateCache may be shared by
// expansions that run one at a time (it is not locked).
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/yaml.h"

namespace slipway::pipeline {

class TemplateCache;

// A `resources: repositories` entry of a pipeline (Azure's keys).
struct RepositoryResource {
  std::string alias;     // `repository:`
  std::string type;      // git, github, bitbucket...
  std::string name;      // Project/Repo, owner/repo, or a URL
  std::string ref;       // empty: the repository's default branch
  std::string endpoint;  // a service connection's name; may be empty
  Position where;
};

// The entries of `root`'s resources.repositories (a pipeline file's root
// document); entries without an alias are left out.
std::vector<RepositoryResource> repository_resources(const yaml::Node& root);

struct ExpandOptions {
  // `path@NAME` → folder of that template source (absolute, or relative to the cwd).
  std::map<std::string, std::filesystem::path> template_sources;
  // Root of the pipeline's own repository (`/x.yml` and `@self`); empty = the
  // nearest ancestor of the pipeline file holding .git, else its folder.
  std::filesystem::path self_root;
  // Files are shown relative to this folder when inside it; empty = the cwd.
  std::filesystem::path display_root;
  // Values for the pipeline's own (runtime) parameters; others take defaults.
  std::map<std::string, std::string> parameters;
  // Parsed template files (and parsed expressions) kept across expansions; may be null.
  TemplateCache* cache = nullptr;
  // The folder `path@ALIAS` reads when ALIAS is no template source but an
  // entry of the pipeline's resources.repositories (its files at its ref);
  // null: such references are unknown template sources. Its error is the
  // reference's, at the template's position.
  std::function<Result<std::filesystem::path>(const RepositoryResource&)> repository_folder;
  // The folder of template source NAME when it is not in template_sources (a
  // git source, fetched only when a reference uses it); nullopt: unknown.
  std::function<Result<std::optional<std::filesystem::path>>(const std::string& name)> template_source_folder;
};

struct ExpandedPipeline {
  yaml::Node root;              // the normalized tree (see the contract above)
  std::size_t included_files = 0;  // distinct template files read (root excluded)
  std::size_t expanded_bytes = 0;  // size estimate of the expanded text (keys + scalars)
  std::vector<std::string> warnings;  // from the sources read: a stale mirror used, a moved tag (filled by callers)
};

// Azure's limits (learn.microsoft.com, "Templates" → template limits).
inline constexpr std::size_t k_max_included_files = 100;
inline constexpr std::size_t k_max_nesting = 100;
inline constexpr std::size_t k_max_expanded_bytes = 20u * 1024 * 1024;

// Expands the pipeline at `file` with its templates and normalizes it.
Result<ExpandedPipeline> expand_pipeline(const std::filesystem::path& file,
                                         const ExpandOptions& options = {});

// Only parses the file and every ${{ }} expression in it (Azure's syntax
// validation): no evaluation, no templates. Errors as expand_pipeline's.
Status check_pipeline_syntax(const std::filesystem::path& file, const ExpandOptions& options = {});

// The normalized tree as text: YAML, or JSON (2-space indented) with Azure's key names.
std::string to_yaml_text(const ExpandedPipeline& pipeline);
std::string to_json_text(const ExpandedPipeline& pipeline);

// Parsed files by canonical path, resolved template references, and parsed
// expressions by text and position. Files are re-read only when absent; the
// cache never notices edits (one process = one snapshot of the templates).
// Share one cache only between expansions with the same template sources.
class TemplateCache {
 public:
  TemplateCache();
  ~TemplateCache();
  TemplateCache(const TemplateCache&) = delete;
  TemplateCache& operator=(const TemplateCache&) = delete;
  struct State;
  State& state() { return *m_state; }

 private:
  std::unique_ptr<State> m_state;
};

}  // namespace slipway::pipeline
