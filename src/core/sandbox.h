// A filesystem sandbox for child processes, built on the kernel's Landlock
// LSM (no privileges needed; Linux 5.13+).
//
// Landlock is an allow-list: a process that enforces a ruleset may only
// reach what a rule grants, each rule covering a file or a whole folder
// tree. To say "the rest of the system is readable, except these trees"
// Sandbox::build walks from / down to each named path and grants the default
// access on every sibling along the way - each folder on a path to a named
// path gets only the right to be listed (a grant there would reach the named
// path too). So, with a default of `read`, names stay visible everywhere,
// contents do not; and what appears later directly in such a folder is out
// of reach (it was not there to be granted). Symbolic links are never
// granted themselves: a path through one is judged at its target.
//
// A Sandbox owns the ruleset's descriptor (close-on-exec); the child
// enforces it on itself between fork and exec (ProcessOptions::sandbox in
// core/process.h), after which neither it nor anything it starts can widen it.
//
// Thread-safety: build() may run on many threads; a Sandbox is immutable.
#pragma once

#include <filesystem>
#include <span>
#include <vector>

#include "core/error.h"

namespace slipway {

enum class PathAccess {
  none,        // not even opened
  read,        // read files, list folders, execute
  read_write,  // everything: also create, write, truncate, remove, rename, devices' ioctl
};

struct PathRule {
  std::filesystem::path path;  // absolute; a file or a folder (and all beneath it)
  PathAccess access;
};

// The Landlock ABI version of the running kernel; 0 when it has no Landlock
// (not built in, or not enabled at boot).
int landlock_abi();

class Sandbox {
 public:
  // A ruleset where every path has `everywhere` access except the rules'
  // paths and what lies beneath them, which have their rule's (the deepest
  // rule on a path wins). Only the access rights the running ABI knows are
  // handled; with ABI 6+ the child also cannot signal processes or reach
  // abstract UNIX sockets outside its sandbox. unsupported when the kernel
  // has no Landlock; io when the kernel refuses a rule.
  static Result<Sandbox> build(PathAccess everywhere, std::span<const PathRule> rules);

  Sandbox(Sandbox&& other) noexcept;
  Sandbox& operator=(Sandbox&& other) noexcept;
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;
  ~Sandbox();

  // The Landlock ruleset's descriptor, for ProcessOptions::sandbox.
  int ruleset_fd() const { return m_fd; }

 private:
  explicit Sandbox(int fd) : m_fd(fd) {}
  int m_fd = -1;
};

// For a child between fork and exec (async-signal-safe): sets no_new_privs
// and enforces the ruleset on the calling thread. False when the kernel
// refuses (the child must then not exec).
bool enter_sandbox(int ruleset_fd);

}  // namespace slipway
