// Which pushes start a run: Azure's `trigger:` semantics over a push event.
//   absent                    every branch push runs (tags do not)
//   none                      nothing runs
//   [main, releases/*]        branch include list
//   {batch, branches: {include, exclude}, paths: {include, exclude}, tags: {include, exclude}}
// Branch and tag names may be written with or without refs/heads/ or
// refs/tags/. Wildcards: '*' any run of characters (including '/'), '?' one
// character. Exclude wins over include. Paths are prefixes ("docs" covers
// "docs/a.md") or wildcard patterns; with path filters a push runs when some
// changed path is included and not excluded; an unknown change list passes.
// Tags run when a tags filter includes them. `batch: true`: a push to a ref
// while a run of that ref is going starts no run of its own; when the run
// ends, the ref's newest head is built once (the CLI's notify and watch do
// this). `pr:` is checked but not used by slipway.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/yaml.h"

namespace slipway::run {

struct PushEvent {
  std::string ref;                         // refs/heads/main, refs/tags/v1.2.0 (or a bare branch name)
  std::vector<std::string> changed_paths;  // empty: unknown
};

struct TriggerDecision {
  bool run = false;
  bool batch = false;
  std::string reason;  // e.g. "branch 'main' is included", "trigger is none"
};

// `trigger` is the pipeline's `trigger:` node, or nullptr when absent.
// invalid_input (with position) for shapes Azure does not accept.
Result<TriggerDecision> evaluate_trigger(const yaml::Node* trigger, const PushEvent& event);

// The shape of a pipeline's `trigger:` and `pr:` (nullptr when absent), as
// Azure checks it before any run: none, a list of branches, or a mapping of
// the known keys only (trigger: batch, branches, paths, tags; pr:
// autoCancel, branches, paths, drafts), filters of include/exclude lists,
// booleans for batch, autoCancel and drafts. invalid_input with the
// position of the first offence, e.g. a misspelt `includes:`.
Status check_triggers(const yaml::Node* trigger, const yaml::Node* pr);

// '*' and '?' wildcard match of a whole name.
bool wildcard_match(std::string_view pattern, std::string_view text);

}  // namespace slipway::run
