// A child process the store tests can watch and kill mid-flight (run_command
// in test_support only runs to completion). Runs tests/store/store_child.
#pragma once

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace slipway::test {

class Child {
 public:
  // Starts STORE_CHILD with `args`; stdout is readable with read_line.
  explicit Child(std::vector<std::string> args) {
    args.insert(args.begin(), STORE_CHILD);
    int out[2];
    if (::pipe(out) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&m_pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) m_pid = -1;
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    m_out = out[0];
  }
  ~Child() {
    if (m_pid > 0) {
      ::kill(m_pid, SIGKILL);
      wait();
    }
    if (m_out >= 0) ::close(m_out);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  bool started() const { return m_pid > 0; }

  // The next line of stdout without '\n'; "" at end of output.
  std::string read_line() {
    std::string line;
    char c = 0;
    while (::read(m_out, &c, 1) == 1 && c != '\n') line += c;
    return line;
  }

  void kill_hard() { ::kill(m_pid, SIGKILL); }

  // Waits for the end; returns the exit code, or 128 + signal.
  int wait() {
    if (m_pid <= 0) return m_status;
    int status = 0;
    ::waitpid(m_pid, &status, 0);
    m_pid = -1;
    m_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return m_status;
  }

 private:
  pid_t m_pid = -1;
  int m_out = -1;
  int m_status = -1;
};

}  // namespace slipway::test
