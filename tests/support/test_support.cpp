#include "support/test_support.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

extern char** environ;

namespace slipway::test {

TempDir::TempDir() {
  std::random_device random;
  const char* base = std::getenv("TMPDIR");
  std::filesystem::path root = base && *base ? base : "/tmp";
  for (;;) {
    m_path = root / ("slipway-test-" + std::to_string(random()));
    if (std::filesystem::create_directory(m_path)) break;
  }
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(m_path, ignored);
}

void write_file(const std::filesystem::path& path, const std::string& content) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << content;
  if (!out) ADD_FAILURE() << "cannot write " << path;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

CommandResult run_command(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                          const std::vector<std::string>& env) {
  int out_pipe[2];
  int err_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) return {};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
  posix_spawn_file_actions_addclose(&actions, err_pipe[0]);
  if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());

  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
  for (const std::string& extra : env) env_strings.push_back(extra);
  std::vector<char*> envp;
  for (std::string& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> argp;
  for (std::string& a : args) argp.push_back(a.data());
  argp.push_back(nullptr);

  pid_t pid = 0;
  int rc = posix_spawnp(&pid, argp[0], &actions, nullptr, argp.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_pipe[1]);
  CommandResult result;
  if (rc != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    result.err = "cannot start " + argv[0];
    return result;
  }
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_count = 2;
  char buffer[65536];
  while (open_count > 0) {
    if (poll(fds, 2, -1) < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<size_t>(n));
      } else {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_count;
      }
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

CommandResult run_slipway(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                          const std::vector<std::string>& env) {
  std::vector<std::string> argv{SLIPWAY_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, cwd, env);
}

GitRepo::GitRepo(const std::filesystem::path& dir, const std::string& branch) : m_dir(dir) {
  std::filesystem::create_directories(dir);
  git({"init", "-q", "-b", branch});
  git({"config", "user.name", "Test"});
  git({"config", "user.email", "test@example.com"});
  git({"config", "commit.gpgsign", "false"});
}

std::string GitRepo::git(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"git"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::string date = std::to_string(1700000000 + m_counter) + " +0000";
  CommandResult result = run_command(
      argv, m_dir, {"GIT_AUTHOR_DATE=" + date, "GIT_COMMITTER_DATE=" + date,
                    "GIT_CONFIG_NOSYSTEM=1", "HOME=" + m_dir.string()});
  if (result.exit_code != 0) ADD_FAILURE() << "git failed: " << result.err;
  return result.out;
}

std::string GitRepo::commit(const std::string& message, const std::string& file,
                            const std::string& content) {
  ++m_counter;
  std::string name = file.empty() ? "file" + std::to_string(m_counter) + ".txt" : file;
  write_file(m_dir / name, content.empty() ? "change " + std::to_string(m_counter) + "\n" : content);
  git({"add", "-A"});
  git({"commit", "-q", "--allow-empty", "-m", message});
  std::string sha = git({"rev-parse", "HEAD"});
  while (!sha.empty() && sha.back() == '\n') sha.pop_back();
  return sha;
}

void GitRepo::tag(const std::string& name, const std::string& ref) { git({"tag", name, ref}); }

void GitRepo::checkout(const std::string& branch, bool create) {
  if (create)
    git({"checkout", "-q", "-b", branch});
  else
    git({"checkout", "-q", branch});
}

std::filesystem::path source_dir() { return SLIPWAY_SOURCE_DIR; }

}  // namespace slipway::test
