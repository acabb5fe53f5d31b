// The one wrapper around libgit2: what the version engine needs from a git
// repository, as plain values. Nothing else in slipway includes git2.h.
//
// Ownership: a GitRepository owns its libgit2 handle; it is movable, not
// copyable. Thread-safety: one instance per thread (libgit2 objects are not
// shared); libgit2 itself is initialised once per process, thread-safely.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace slipway::version {

struct GitCommit {
  std::string hash;     // full hex id
  std::string message;  // raw message, as stored
  size_t parent_count = 0;
  long long time = 0;   // committer time, seconds since the epoch
};

struct GitRef {
  std::string name;    // short name: "main", "v1.2.0"
  std::string commit;  // the commit it points at (tags peeled)
};

class GitRepository {
 public:
  // Opens the repository at `dir` (a work tree or a bare repository; no
  // upward search). not_found when there is none.
  static Result<GitRepository> open(const std::filesystem::path& dir);
  GitRepository(GitRepository&&) noexcept;
  GitRepository& operator=(GitRepository&&) noexcept;
  ~GitRepository();

  bool is_shallow() const;
  // The checked-out branch's short name; nullopt when HEAD is detached.
  // not_found when the repository has no commit yet.
  Result<std::optional<std::string>> current_branch() const;
  Result<std::string> head_commit() const;
  // Committer time of `commit` (seconds since the epoch).
  Result<long long> commit_time(const std::string& commit) const;
  // The commit `spec` names (a branch, tag or hex id); nullopt when none.
  std::optional<std::string> resolve(const std::string& spec) const;

  // Local branches, then remote-tracking branches of origin not present locally.
  Result<std::vector<GitRef>> branches() const;
  // Local branches only (refs/heads/*), short names, in ref-name order.
  Result<std::vector<GitRef>> local_branches() const;
  // Every tag, peeled to its commit (tags of non-commits are skipped).
  Result<std::vector<GitRef>> tags() const;
  // True when `ancestor` is `commit` or one of its ancestors.
  Result<bool> is_ancestor(const std::string& ancestor, const std::string& commit) const;
  // Which of `candidates` are reachable from `tip` (tip included): one walk
  // that stops as soon as every candidate is found.
  Result<std::vector<bool>> reachable_from(const std::string& tip,
                                           const std::vector<std::string>& candidates) const;

  // The note texts attached to `commit` in every refs/notes/semantic-release*
  // notes ref (semantic-release's channel notes), in ref-name order.
  Result<std::vector<std::string>> semantic_release_notes(const std::string& commit) const;

  // Commits reachable from `tip` but not from any of `hide`, newest first (by
  // committer time, as `git log` lists them). With `paths`, only commits whose
  // tree differs from their parent's under one of the paths (merges: from
  // every parent's), like `git log -- PATHS`.
  Result<std::vector<GitCommit>> log(const std::string& tip, const std::vector<std::string>& hide,
                                     const std::vector<std::string>& paths) const;

  // The paths a push changed: the tree diff from `before` to `after` (any
  // spec resolve() takes), each changed file's old and new path (a rename
  // gives both), sorted, without duplicates. `before` "" diffs against
  // `after`'s first parent (a root commit: against the empty tree).
  // not_found "no commit 'X'" when a spec names no commit.
  Result<std::vector<std::string>> changed_paths(const std::string& before, const std::string& after) const;

  // Writes the files of the commit `spec` names (any spec resolve() takes)
  // into `dir` (created when absent; what is there must not clash), without
  // touching the repository's HEAD, index or work tree, so a bare repository
  // works too. Regular files and folders only: symbolic links and submodules
  // are left out. not_found "no commit 'X'" when the spec names no commit.
  Status write_tree(const std::string& spec, const std::filesystem::path& dir) const;

  // Creates the annotated tag `name` on `commit` (tagger from the repository's
  // user config, else "slipway"). conflict when the tag exists.
  Status create_annotated_tag(const std::string& name, const std::string& commit,
                              const std::string& message);
  // Sets (replacing) the note of `commit` in refs/notes/NOTES_REF.
  Status set_note(const std::string& notes_ref, const std::string& commit, const std::string& text);

 private:
  struct Handle;
  explicit GitRepository(std::unique_ptr<Handle> handle);
  std::unique_ptr<Handle> m_handle;
};

}  // namespace slipway::version
