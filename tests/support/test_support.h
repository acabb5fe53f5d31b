// Helpers shared by all unit tests: temporary folders, files, child commands
// and real git repositories built in temp folders.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace slipway::test {

// A fresh directory under $TMPDIR, removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return m_path; }
  std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

 private:
  std::filesystem::path m_path;
};

// Writes a file, creating its parent folders.
void write_file(const std::filesystem::path& path, const std::string& content);
std::string read_file(const std::filesystem::path& path);

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs argv (no shell) in `cwd` with extra "NAME=value" environment entries.
CommandResult run_command(const std::vector<std::string>& argv,
                          const std::filesystem::path& cwd = {},
                          const std::vector<std::string>& env = {});

// Runs the built `slipway` binary.
CommandResult run_slipway(const std::vector<std::string>& args,
                          const std::filesystem::path& cwd = {},
                          const std::vector<std::string>& env = {});

// A git repository in a temp folder, driven with the git CLI (tests only;
// slipway itself reads repositories with libgit2). Commit dates advance by one
// second per commit so history order is deterministic.
class GitRepo {
 public:
  explicit GitRepo(const std::filesystem::path& dir, const std::string& branch = "main");
  const std::filesystem::path& path() const { return m_dir; }
  // Writes `file` (default: a unique file) and commits with `message`; returns the sha.
  std::string commit(const std::string& message, const std::string& file = {},
                     const std::string& content = {});
  void tag(const std::string& name, const std::string& ref = "HEAD");
  void checkout(const std::string& branch, bool create = false);
  // Runs git with the arguments; fails the test on a non-zero exit; returns stdout.
  std::string git(const std::vector<std::string>& args);

 private:
  std::filesystem::path m_dir;
  int m_counter = 0;
};

std::filesystem::path source_dir();  // the project's source tree

}  // namespace slipway::test
