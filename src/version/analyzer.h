// From commits to a release type and release notes, as semantic-release's
// commit-analyzer and release-notes-generator do.
//
// Thread-safety: pure functions.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "version/commit_parser.h"
#include "version/semver.h"

namespace slipway::version {

struct CommitInput {
  std::string hash;     // full id
  std::string message;  // raw
};

struct AnalyzedCommit {
  std::string hash;
  ParsedCommit parsed;
  std::optional<Bump> bump;  // what this commit alone asks for
};

struct Analysis {
  std::vector<AnalyzedCommit> commits;  // after dropping empty messages and cancelled reverts
  std::optional<Bump> bump;             // the highest; nullopt = no release
};

// `commits` newest first, as `git log` lists them. A revert and the commit it
// reverts (same header and full hash), with the revert newer, both drop out
// (conventional-commits-filter's order-sensitive pairing).
Analysis analyze_commits(const std::vector<CommitInput>& commits, Preset preset);

struct NotesContext {
  std::string version;   // "1.3.0"
  std::string date;      // "2026-11-25"
  Preset preset = Preset::conventionalcommits;
};

// Markdown: "## VERSION (DATE)", then BREAKING CHANGES, Features, Bug Fixes,
// Performance Improvements and Reverts, each entry "* **scope:** subject (abc1234)".
std::string render_release_notes(const Analysis& analysis, const NotesContext& context);

// Writes `notes` at the top of the changelog file (created when absent), above
// its previous content, keeping a leading "# Title" line first. Atomic.
Status prepend_changelog(const std::filesystem::path& file, const std::string& notes);

}  // namespace slipway::version
