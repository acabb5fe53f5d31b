// Conventional-commit messages parsed exactly as semantic-release's
// @semantic-release/commit-analyzer sees them (conventional-commits-parser 6
// with the options of a conventional-changelog preset), and the analyzer's
// default release rules.
//
// The two presets differ in three ways:
//   - conventionalcommits: `type(scope)!: subject` is breaking; both
//     "BREAKING CHANGE" and "BREAKING-CHANGE" start a breaking note; a revert
//     names the reverted hash as "This reverts commit <hash>." (with a period).
//   - angular: `!` makes the header unparseable (the commit counts only through
//     its notes); only "BREAKING CHANGE" starts a note; the hash is 7-40 word
//     characters, no period needed.
// In both, a note starts on any line after the header that reads, ignoring
// leading spaces, "|" and "*", KEYWORD followed by ":" or a space (keyword
// case-insensitive); a line "-name-" starts a meta field that swallows every
// later line (the parser's fieldPattern). Types are case-sensitive: "feat" and
// "FEAT" are minor, "Feat" is nothing.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "version/semver.h"

namespace slipway::version {

enum class Preset { conventionalcommits, angular };

const char* preset_name(Preset preset);
// "conventionalcommits" or "angular"; invalid_input otherwise.
Result<Preset> parse_preset(std::string_view name);

struct CommitNote {
  std::string title;  // the keyword as written, e.g. "BREAKING CHANGE"
  std::string text;
};

struct ParsedCommit {
  std::string header;                 // the first line
  std::optional<std::string> type;    // absent when the header is not conventional
  std::optional<std::string> scope;
  std::optional<std::string> subject;
  std::vector<CommitNote> notes;      // breaking-change notes
  // Present when the message reverts another commit: its header and hash.
  std::optional<std::string> revert_header;
  std::optional<std::string> revert_hash;

  bool breaking() const { return !notes.empty(); }
  bool is_revert() const { return revert_header.has_value() || revert_hash.has_value(); }
};

// Parses a commit message (as semantic-release passes it: trimmed).
ParsedCommit parse_commit_message(std::string_view message, Preset preset);

// The analyzer's default release rules: breaking → major, revert → patch,
// feat/FEAT → minor, fix/FIX/perf → patch; nullopt = no release.
std::optional<Bump> release_type(const ParsedCommit& commit);

}  // namespace slipway::version
