// Branch rules as semantic-release's `branches` option describes them, and
// their normalisation into typed branches with the range of versions each may
// publish (semantic-release's lib/branches/normalize.js).
//
// A rule names branches by a micromatch glob (`+([0-9])?(.{+([0-9]),x}).x`,
// `main`, `release-*`); the first rule matching a branch wins. A branch is
//   - maintenance when its rule has a `range` or its name reads N.x / N.N.x;
//   - prerelease when its rule has `prerelease` (true = the branch name, or an
//     identifier);
//   - release otherwise (1 to 3 of them, in rule order; the first is main).
// `range` and `channel` may use `${name}` and `${name.replace(/^PREFIX/, 'R')}`.
//
// Thread-safety: pure functions over values.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "version/semver.h"

namespace slipway::version {

struct BranchRule {
  std::string name;                       // a glob
  std::optional<std::string> range;       // maintenance range template
  std::optional<std::string> channel;     // channel template ("" = default channel)
  std::optional<std::string> prerelease;  // "true" = the branch name, else the identifier
};

// semantic-release's defaults: N.x/N.N.x maintenance, master, main, next,
// next-major, beta and alpha prereleases.
std::vector<BranchRule> default_branch_rules();

// Reads rules from YAML or JSON: a sequence, or a mapping with a `branches`
// sequence (a .releaserc works). Entries are names or {name, range, channel,
// prerelease}. invalid_input with file:line:col on a bad entry.
Result<std::vector<BranchRule>> load_branch_rules(const std::filesystem::path& file);

// micromatch-style glob with extglobs (+() ?() *() @()), braces and classes.
bool glob_matches(std::string_view pattern, std::string_view name);

enum class BranchKind { release, maintenance, prerelease };
const char* branch_kind_name(BranchKind kind);

struct BranchTag {
  std::string tag;
  SemVer version;
  std::vector<std::optional<std::string>> channels;  // from the channel notes; {null} by default
};

// A branch that exists, with its tags (those reachable from it).
struct ExistingBranch {
  std::string name;
  std::vector<BranchTag> tags;
};

struct Branch {
  std::string name;
  BranchKind kind = BranchKind::release;
  std::optional<std::string> channel;  // nullopt = the default channel
  std::string prerelease_id;           // prerelease branches only
  std::optional<VersionRange> range;   // release and maintenance branches
  std::vector<BranchTag> tags;
  bool main = false;
};

// Assigns existing branches to rules and computes every branch's range.
// Errors carry semantic-release's messages (ERELEASEBRANCHES and friends).
Result<std::vector<Branch>> normalize_branches(const std::vector<BranchRule>& rules,
                                               const std::vector<ExistingBranch>& existing);

}  // namespace slipway::version
