// Facts about the running process that state records name owners by: which
// process on which machine holds a lock or runs a job.
#pragma once

#include <string>

namespace slipway {

// The id of the calling process.
long current_pid();

// This machine's host name ("unknown" when the system will not say).
std::string host_name();

// True when a process with this id exists on this machine (it may belong to
// another user). Only meaningful for pids recorded on this host.
bool process_alive(long pid);

}  // namespace slipway
