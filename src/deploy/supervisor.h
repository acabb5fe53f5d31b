// The process platform's supervisor: one small detached `slipway supervise
// DIR --state-id ID` process per component instance (DIR =
// <state>/services/ENV/COMPONENT, ID = state_id(<state>), state_id.h: a pid
// is only signalled when its command line carries its own state's id).
//
// Why not one supervisor thread inside `slipway serve`: a process per service
// makes `slipway apply` work without a server running, survives the CLI
// exiting, and keeps one service's trouble (a wedged proxy, a crash loop) away
// from the others. When `slipway serve` runs, it is the parent of these
// processes and restarts one that dies (service_host.h). All state is in files under DIR, so any slipway process can
// look at it (observe → drift) and a killed supervisor is simply restarted by
// the next apply.
//
// Files in DIR (written with a temporary name and rename):
//   supervisor.json  {"host", "port"}: the stable address (port 0: none)
//   versions/I/launch.json  {"version", "argv", "cwd", "env", "health", ...}
//                           one instance I = version + configuration (0600:
//                           it holds the service's secrets)
//   desired.json     {"instance", "request"} or {"stop": true, "request"}
//   state.json       {"pid", "state", "instance", "version", "child", "internal_port",
//                     "request", "outcome", "message"} by the supervisor
//                     ("state": the state id it was started with)
//   supervisor.pid   the supervisor's pid, once its stable port listens
//   service.log      the service's stdout and stderr (plus [slipway] lines)
//
// Behaviour: the supervisor listens on the stable port and proxies every TCP
// connection to the serving child's internal port. A new desired instance is
// started on a fresh internal port with PORT set; once its health check
// passes, new connections go to it, the old child is given until its open
// connections finish (at most the grace period) and is then stopped with
// SIGTERM, then SIGKILL after the grace period. A failed health check stops
// the new child and keeps the old one serving. A child that exits on its own
// is restarted with backoff (1 s doubling to 30 s). SIGTERM or a stop request
// stops the child and ends the supervisor (state.json outcome "stopped"). A
// supervisor started after one that was killed first ends the child the
// killed one left running (state.json "child", its own process group) when
// state.json says it was of the same state.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"

namespace slipway::deploy {

// Runs the supervisor for DIR of the state whose id is `state_id` until
// stopped. An error when DIR has no supervisor.json or the stable port cannot
// be listened on. Blocks; installs a SIGTERM/SIGINT handler; forks the
// service's children.
Status run_supervisor(const std::filesystem::path& dir, const std::string& state_id);

// The argv of the supervisor of `dir` run by `exe` (the command line that
// running_supervisor() recognises).
std::vector<std::string> supervisor_argv(const std::filesystem::path& exe, const std::filesystem::path& dir,
                                         const std::string& state_id);

}  // namespace slipway::deploy
