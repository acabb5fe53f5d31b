// The pipelines of a workspace's components: how they are expanded, and the
// check `slipway validate` makes of them.
//
// A component's pipeline is expanded with its repository as `self`, the
// workspace's local template sources as `path@NAME`, files named relative to
// the workspace folder, and default parameters: what `slipway run COMPONENT`
// expands, so an error validate does not report does not wait for a run.
#pragma once

#include <functional>

#include "core/error.h"
#include "model/workspace.h"
#include "pipeline/pipeline.h"

namespace slipway::pipeline {

// The options that expand `component`'s pipeline (its file is
// workspace.repo_location(component) / component.pipeline). Git template
// sources are left out: they have no local folder (a run is given one with
// --templates NAME=DIR).
ExpandOptions component_expand_options(const model::Workspace& workspace,
                                       const model::Component& component);

// Expands the pipeline of every component whose repository is a local folder
// holding its pipeline file, and adds each failure to `diagnostics` at the
// position of the problem, the include chain (when there is one) at the end
// of the message. Passed over: a remote or bare repository and a missing file
// (the workspace check reports those), a pipeline using a template source
// with no local folder (it cannot be read through), and a failure at a
// position the workspace check already reported (a YAML syntax error).
// `diagnostics` is sorted afterwards.
//
// `remote`, when given, reads what is read by URL: it adds the remote
// template sources and repositories to each expansion (so their references
// are resolved and their files read at their refs, a fetch failure reported
// at the reference), and gives the files of a component whose repository is
// a URL (its default branch).
struct RemoteReader {
  std::function<void(ExpandOptions&)> add_sources;
  std::function<Result<std::filesystem::path>(const model::Component&)> component_files;
};
void check_component_pipelines(const model::Workspace& workspace, Diagnostics& diagnostics,
                               const RemoteReader* remote = nullptr);

}  // namespace slipway::pipeline
