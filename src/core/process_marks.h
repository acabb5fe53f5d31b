// Marking every process started for a job, so that none outlives it, even
// when slipway itself is killed with SIGKILL.
//
// Why not process groups alone: a step can leave its group (setsid, a daemon's
// double fork), and the parent-death signal (core/process.h) only reaches
// slipway's direct children. What every descendant does keep is its
// environment: setsid, nohup, fork and exec pass it on. So each step process
// gets SLIPWAY_PROCESS_MARK=<owner pid>.<owner start time>/<scope> (the Azure
// Pipelines agent does the same with VSTS_PROCESS_LOOKUP_ID, Jenkins with
// BUILD_ID), and the marked processes are found by reading
// /proc/PID/environ. A process that execs with a scrubbed environment is
// not found: that is the documented limit.
//
// The owner is named by its pid *and* its start time (field 22 of
// /proc/PID/stat, clock ticks since boot): together they name one process for
// the machine's uptime, so a recycled pid is never taken for a live owner.
// Killing is race-free against pid reuse: the pid is pinned with a pidfd, its
// environment is read (again) through /proc, and the signal goes through the
// pidfd, so a pid recycled in between gets nothing.
//
// Thread-safety: all functions may be called from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace slipway {

inline constexpr std::string_view k_process_mark_variable = "SLIPWAY_PROCESS_MARK";

// Field 22 of /proc/PID/stat: the start time of a running process in clock
// ticks since boot; nullopt when there is none or it is a zombie. With the
// pid it names one process for the machine's uptime: a pid kept in a file
// is checked with it before anything is sent to it (pids are recycled).
std::optional<unsigned long long> process_start_time(long pid);

// The mark for processes this process starts for `scope` (e.g. "run/job"):
// "<pid>.<start time>/<scope>". Set it as k_process_mark_variable in their
// environment.
std::string process_mark(std::string_view scope);

// While one is alive, this process is the subreaper of its descendants
// (PR_SET_CHILD_SUBREAPER): a process a step leaves behind (setsid, a
// daemon's double fork) becomes this process's child once its parents in
// the step are gone, and the step's group is gone when the step ends. So
// kill_marked_processes looks among this process's children, a handful,
// instead of reading the environment of every process of the user (tens to
// hundreds, at every job's end). Guards nest; the last one to go turns the
// setting off and reaps the adopted children that have exited.
class OrphanAdoption {
 public:
  OrphanAdoption();
  ~OrphanAdoption();
  OrphanAdoption(const OrphanAdoption&) = delete;
  OrphanAdoption& operator=(const OrphanAdoption&) = delete;
};

// SIGKILLs every process of this user (but the caller) whose mark is exactly
// `mark`, repeating the search until none is left (a process forking while it
// is searched is caught by the next pass, up to 5 passes). While an
// OrphanAdoption is alive the search covers this process's adopted children
// (and, pass after pass, theirs); otherwise every process in /proc. Returns
// how many were killed. Errors: io when /proc cannot be read.
Result<int> kill_marked_processes(std::string_view mark);

// SIGKILLs every marked process of this user whose owner (the pid and start
// time in its mark) is no longer running and whose scope starts with
// `scope_prefix` + "/": what a killed slipway of that state left behind
// (another state's orphans are its own recovery's, and may be what a test
// of it waits for). Returns how many were killed. Errors: io when /proc
// cannot be read.
Result<int> kill_orphaned_processes(std::string_view scope_prefix);

}  // namespace slipway
