// The built-in pipeline step `task: SlipwayVersion@1`, as one function the
// step runner calls with the step's `inputs:` and the checked-out repository.
//
// The run module sits left of version in the data flow, so it does not link
// this library: it exposes a hook for built-in tasks, and the front end (CLI
// or server) wires SlipwayVersion@1 to run_version_step.
//
// Inputs (all optional, Azure-style camelCase, case-insensitive names):
//   preset: conventionalcommits | angular     tagFormat: v${version}
//   branch: NAME (else the checked-out one)    paths: folder[, folder...]
//   tag: true|false (create the annotated tag; default false)
// Variables set (for later steps; a release-less run sets Released=false and
// leaves Version empty):
//   Slipway.Version, Slipway.VersionTag, Slipway.VersionBump,
//   Slipway.LastVersion, Slipway.Released, Slipway.ReleaseNotes
//
// Thread-safety: reentrant.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/error.h"

namespace slipway::version {

struct StepVariable {
  std::string name;
  std::string value;
};

// Errors: invalid_input for an unknown input or bad value; otherwise those of
// compute_next_version and create_release_tag.
Result<std::vector<StepVariable>> run_version_step(const std::filesystem::path& repo_dir,
                                                   const std::map<std::string, std::string>& inputs);

}  // namespace slipway::version
