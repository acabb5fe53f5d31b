// The version engine: the next semantic version of a git repository's
// current branch, computed natively the way semantic-release computes it.
//
// This is the entry point other modules use (the CLI's `slipway version`, the
// run module's built-in `task: SlipwayVersion@1` step, which should set
// `Slipway.Version` to `next_version` and skip when it is absent):
//
//   VersionOptions options;                       // semantic-release's defaults
//   options.preset = Preset::conventionalcommits; // slipway's default
//   Result<VersionResult> r = compute_next_version("/path/to/repo", options);
//   if (!r) -> r.error() (not a repo, shallow clone, out of range, ...)
//   else if (r->next_version) -> r->next_version->to_string(), r->notes
//   else -> no release; r->reason says why
//
// Reads only (libgit2, no git processes). Thread-safety: reentrant; each call
// opens its own repository handle.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "model/workspace.h"
#include "version/analyzer.h"
#include "version/branches.h"
#include "version/commit_parser.h"
#include "version/semver.h"

namespace slipway::version {

inline constexpr const char* k_default_tag_format = "v${version}";

struct VersionOptions {
  std::optional<std::string> branch;     // default: the checked-out branch
  std::optional<std::string> head;       // commit to release; default: HEAD
  Preset preset = Preset::conventionalcommits;
  std::vector<BranchRule> branches = default_branch_rules();
  std::string tag_format = k_default_tag_format;  // must hold ${version} once
  std::vector<std::string> paths;        // monorepo: only commits touching these folders
};

struct VersionResult {
  std::string branch;
  std::optional<BranchKind> kind;        // nullopt: the branch has no rule (feature branch)
  std::optional<std::string> channel;
  std::optional<VersionRange> range;     // release and maintenance branches
  std::string head;                      // the commit released
  std::optional<SemVer> last_version;
  std::optional<std::string> last_tag;
  bool head_is_released = false;         // the last release's tag is on `head`
  size_t commits_counted = 0;            // commits since the last release (after path filters)
  Analysis analysis;
  std::optional<Bump> bump;
  std::optional<SemVer> next_version;    // nullopt: no release
  std::string next_tag;
  std::string notes;                     // Markdown; empty without a release
  std::string reason;                    // why there is no release
};

// The versioning options `component` declares (tag format, preset, paths, branch rules).
VersionOptions options_for(const model::Component& component);

// Errors: not_found (no repository, unknown branch), invalid_input (bad tag
// format, bad branch rules, detached HEAD without a branch), unsupported
// (shallow clone), conflict (next version out of the branch's range, or its
// tag already exists elsewhere), io/corrupt from git.
Result<VersionResult> compute_next_version(const std::filesystem::path& repo_dir,
                                           const VersionOptions& options);

// "v${version}" + "1.2.0" → "v1.2.0".
std::string make_tag(const std::string& tag_format, const std::string& version);
// The version part of `tag` under `tag_format`, as semantic-release reads it
// (prefix, then anything, then the suffix; then node-semver's clean + valid).
std::optional<SemVer> version_from_tag(const std::string& tag_format, const std::string& tag);
// invalid_input unless the format holds "${version}" exactly once.
Status check_tag_format(const std::string& tag_format);

// Creates the annotated tag `result.next_tag` on `result.head` with the notes
// as its message, plus semantic-release's channel note, so both tools agree on
// the history afterwards. Reentrant: when the tag already exists on that
// commit it does nothing and returns false; true when it created the tag.
Result<bool> create_release_tag(const std::filesystem::path& repo_dir, const VersionResult& result);

}  // namespace slipway::version
