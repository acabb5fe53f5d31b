// Running a child process: its own process group, its output as lines, a
// deadline, cancellation, and no way for it to outlive the caller.
//
// The child is started with clone(CLONE_VM | CLONE_VFORK) + execve (argv, never a shell) in a new
// process group whose id is the child's pid. Before exec the child asks the
// kernel for SIGKILL when its parent thread dies (PR_SET_PDEATHSIG), so a
// killed caller takes its direct children with it. Grandchildren are reached
// through the group: on timeout, on cancel, and when the direct child exits,
// the whole group is killed (SIGTERM, then SIGKILL after the grace period),
// so background leftovers never hold the output pipes open.
//
// Caveat (Linux semantics): the parent-death signal fires when the *thread*
// that spawned the child exits; call run_process from a thread that outlives
// the child (run_process blocks until the child is gone, so this holds unless
// the thread is killed).
//
// Thread-safety: run_process may be called from many threads at once; each
// call owns its child. The callbacks run on the calling thread.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace slipway {

enum class OutputStream { out, err };

struct ProcessOptions {
  std::vector<std::string> argv;          // argv[0] is looked up on PATH when it has no '/'
  std::filesystem::path cwd;              // empty: the caller's
  std::optional<std::vector<std::string>> env;  // "NAME=value" entries; nullopt: inherit
  std::chrono::milliseconds timeout{0};   // 0: no deadline
  std::chrono::milliseconds kill_grace{2000};  // SIGTERM → SIGKILL delay
  const std::atomic<bool>* cancel = nullptr;   // set to true to stop the child (polled)
  // Called with each complete line (without its '\n'); a line longer than
  // max_line is delivered in pieces; a last unterminated line is delivered at
  // the end. Null: output is read and dropped.
  std::function<void(OutputStream, std::string_view line)> on_line;
  size_t max_line = 64 * 1024;
  // A Landlock ruleset (core/sandbox.h) the child enforces on itself before
  // exec; -1: none. A child that cannot enforce it exits 126 unstarted.
  int sandbox_fd = -1;
  // The user the child becomes before exec (needs root; supplementary
  // groups are dropped); nullopt: this process's.
  struct User {
    unsigned uid = 0;
    unsigned gid = 0;
  };
  std::optional<User> run_as;
};

struct ProcessResult {
  int exit_code = -1;      // the exit status when the child exited normally, else -1
  int signal = 0;          // the signal that ended the child, else 0
  bool timed_out = false;  // the deadline passed and the group was killed
  bool canceled = false;   // *cancel became true and the group was killed
  int pid = 0;             // also the process group id

  bool succeeded() const { return exit_code == 0 && !timed_out && !canceled; }
};

// Starts argv and waits for it, delivering output lines. Errors: not_found
// when argv[0] cannot be found on PATH, invalid_input when argv is empty or
// cwd is not a directory, io when the system refuses (fork, pipe). A child
// that fails (non-zero exit, signal, timeout, cancel) is a ProcessResult,
// not an error.
Result<ProcessResult> run_process(const ProcessOptions& options);

// Sends `signal` to every process of group `pgid`; true when the group existed.
bool kill_process_group(int pgid, int signal);

// The current environment as "NAME=value" entries.
std::vector<std::string> current_environment();

// For a background child between fork and exec (async-signal-safe calls
// only): stdin from `in_fd`, stdout and stderr to `out_fd`, no blocked
// signals, default SIGTERM/SIGINT, so the program starts as if from a shell.
void prepare_background_child(int in_fd, int out_fd);

// This process's children that no run_process call owns: processes it
// adopted as their subreaper (core/process_marks.h), or children of other
// code. nullopt when the kernel does not list children
// (/proc/self/task/TID/children needs CONFIG_PROC_CHILDREN).
std::optional<std::vector<int>> unowned_children();

// Reaps the exited ones among unowned_children(), unless a run_process call
// is starting a child at this moment (its pid is not registered yet): then
// nothing is reaped and the next call does it.
void reap_unowned_children();

// argv[0] resolved against PATH (or as given when it contains '/').
std::optional<std::filesystem::path> find_program(std::string_view name);

}  // namespace slipway
