// What a run runs, for the run use cases (runs.cpp, pushes.cpp): the
// pipeline file and the repository, branch and commit it builds, and the
// pipeline expanded from it.
//
// A component's build reads its pipeline from the commit it builds (the
// branch's head in the component's repository), written out of git into a
// scratch folder: never from a work tree, whose checkout may be another
// branch, and which a bare repository (a server's push target) has not. A
// pipeline file (`run --file`) is read as it is on disk. A component whose
// repository is a plain folder (no git) is read from the folder.
//
// Thread-safety: pure functions over their arguments and the file system.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "core/error.h"
#include "model/workspace.h"
#include "pipeline/components.h"
#include "pipeline/pipeline.h"
#include "run/run_record.h"
#include "run/spec.h"
#include "run/task_folder.h"
#include "version/mirrors.h"

namespace slipway::service {

struct RunSource {
  std::string pipeline;              // the run's name: the component's, else from the file
  std::string component;             // the component built; "" for a pipeline file
  std::filesystem::path repository;  // what `checkout: self` fetches; empty when none
  std::string branch;                // as asked: "main" or "refs/heads/main"
  std::string commit;                // "" when the repository is no git repository
  std::filesystem::path file;        // the pipeline file: absolute, or relative to the commit's tree
  bool in_commit = false;            // `file` is read from `commit`'s tree
  std::string warning;               // the repository's mirror could not be fetched (a stale copy was used)
};

// A run ready to go: what it runs, the pipeline read, and for a retry what it reuses.
struct PreparedRun {
  RunSource source;
  run::PipelineSpec spec;
  std::string retry_of;
  std::map<std::string, run::JobRecord> reuse;  // job instance id → its record in the run retried
  std::vector<std::string> warnings;            // shown when it starts (pipeline::ExpandedPipeline::warnings)
};

// The build of `component` at `commit` (default: the head of `branch`).
// not_found "the repository of C has no branch 'B'" / "no commit 'X' in
// the repository of C". A repository that is a URL is read from its mirror
// in `mirrors` (unsupported without one); its `repository` is the mirror.
Result<RunSource> component_source(const model::Workspace& workspace, const model::Component& component,
                                   const std::string& branch, const std::string& commit,
                                   version::MirrorCache* mirrors = nullptr);

// The pipeline file `file` as it is on disk, named after the workspace
// component whose pipeline it is (when `workspace` has one), else after the
// file; its repository is the nearest folder holding .git, else its folder.
Result<RunSource> file_source(const std::filesystem::path& file, const model::Workspace* workspace,
                              const std::string& branch, const std::string& commit);

// The expansion options a workspace gives (its local template sources), plus `templates`.
pipeline::ExpandOptions expand_options(const model::Workspace* workspace,
                                       const std::map<std::string, std::filesystem::path>& templates);

// Adds to `options` the repositories read by URL through `mirrors`: the
// workspace's git template sources (at their ref) and the pipeline's
// resources.repositories (at the entry's ref, else its template source's,
// else main). An entry's repository is its `name` when that is a git URL or
// an absolute path, else the workspace template source named as its alias or
// its name (a path source read as a git repository), else
// https://github.com/NAME for `type: github`. What a fetch warns of (a stale
// copy used, a moved tag) is added to `warnings`.
void add_remote_sources(pipeline::ExpandOptions& options, const model::Workspace* workspace,
                        version::MirrorCache& mirrors, std::vector<std::string>& warnings);

// Gives each `checkout: ALIAS` step of `spec` the mirror of the pipeline's
// resources.repositories entry ALIAS (of `root`, the expanded pipeline) and
// the commit its ref names, fetched now. not_found at the step for an alias
// the pipeline does not declare; a fetch's error at the step.
Status resolve_checkouts(run::PipelineSpec& spec, const yaml::Node& root, const model::Workspace* workspace,
                         version::MirrorCache& mirrors);

// What `validate` reads by URL (pipeline::check_component_pipelines): the
// sources above, and a URL component's files at its default branch.
pipeline::RemoteReader remote_reader(const model::Workspace& workspace, version::MirrorCache& mirrors,
                                     std::vector<std::string>& warnings);

// Expands the pipeline of `source`; one in a commit is written out under
// `scratch` (a folder of slipway's state, removed again before returning).
Result<pipeline::ExpandedPipeline> expand_source(const RunSource& source, pipeline::ExpandOptions options,
                                                 const std::filesystem::path& scratch);

// The workspace's variable groups for a run, each secret read from the
// environment variable it names (a missing one is the group's problem,
// reported only when a pipeline uses the group); none without a workspace.
run::VariableGroups variable_groups(const model::Workspace* workspace);

// The task folders runs may use: the workspace's `tasks:`, then those
// `slipway task add` put under STATE_ROOT/tasks (service/tasks.cpp). Errors:
// a folder whose task.json cannot be read (named), one task version twice.
Result<std::shared_ptr<const run::TaskCatalog>> task_catalog(const model::Workspace* workspace,
                                                             const std::filesystem::path& state_root);

// The pipeline file as a run records it: absolute, in the repository for a commit's.
std::string recorded_source(const RunSource& source);

// The first record of a run of `source` by this process: running, not numbered yet.
run::RunRecord initial_record(const RunSource& source, const std::string& retry_of);

// "refs/heads/main" → "main"; anything else unchanged.
std::string short_branch(const std::string& ref);

}  // namespace slipway::service
