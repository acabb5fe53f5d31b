// The seam between a finished build (src/run, driven by cmd_run.cpp) and the
// releases (src/release, driven by cmd_release.cpp). src/run knows nothing of
// releases (DESIGN §4: run is left of release); the CLI connects them here:
// after `slipway run COMPONENT` (or a run started by `notify`/`watch`)
// succeeds, cmd_run.cpp calls after_component_build, which works out the
// version built and hands it to ReleaseService::on_build_succeeded, so the
// `auto` environments tracking that branch get a new release applied.
#pragma once

#include <optional>
#include <string>

#include "cli/app.h"
#include "model/workspace.h"
#include "run/run_record.h"
#include "version/next_version.h"

namespace slipway::cli {

// "refs/heads/main" → "main"; anything else unchanged.
std::string short_branch(const std::string& ref);

// The versioning options of `component` (tag format, preset, paths, branch rules).
void fill_options(const model::Component& component, version::VersionOptions& options);

// The version a build of `component` at `commit` (empty: HEAD) on `branch`
// stands for: the next version computed from its repo (`untagged` holds the
// computation, to tag it once recorded), or the released one when the commit
// already carries its tag; nullopt when the branch releases nothing (a
// feature branch, a remote repo). Errors come from the version engine.
struct BuiltVersion {
  std::string version;
  std::optional<version::VersionResult> untagged;
};
Result<std::optional<BuiltVersion>> build_version(const model::Workspace& workspace, const model::Component& component,
                                                  const std::string& branch, const std::string& commit);
// Creates the release tag of a recorded build (reentrant); nothing when it is tagged already.
Status tag_built_version(const model::Workspace& workspace, const model::Component& component,
                         const BuiltVersion& built);

// After the successful run `run` of workspace component `component`: records
// the version built (artifact: the run's artifact named after the component),
// tags it in the component's repo (as semantic-release would), and moves the
// auto environments tracking the run's branch. A rebuild of a recorded version
// with another artifact is not a new version: said, nothing recorded. Prints one line
// per environment moved (to stderr when `options.json`, stdout is the run's
// JSON then). Success when nothing was to do (no artifact, no version, no
// auto environment tracks the branch); an error when recording failed or an
// automatic apply failed ("applying R to dev failed: ...").
Status after_component_build(const GlobalOptions& options, const std::string& component, const run::RunRecord& run);

}  // namespace slipway::cli
