// The `process` platform's driver: runs each component as a local service
// under its own supervisor process (supervisor.h has the design and files).
//
// apply: unpacks the release's artifact (from <state>/artifacts; a top-level
// *.tar.gz or *.tgz is extracted, else the tree is used as is) into
// <state>/services/ENV/COMPONENT/versions/INSTANCE/app, writes the launch
// file (argv or `sh -c command`, cwd, environment: PATH/HOME/LANG of slipway,
// VERSION, SLIPWAY_ENV, SLIPWAY_COMPONENT, the component's `env` with values
// and secrets filled in, every secret of the environment as SECRET_<NAME>;
// the supervisor adds PORT), starts the supervisor when none runs, and waits
// for its answer: serving (success) or a failed health check (error; the
// previous version keeps serving). rollback asks for the previous instance
// again (already serving after a failed health check) or stops the service
// when nothing was applied before; remove stops it. observe reads what the
// supervisor says runs.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "deploy/driver.h"

namespace slipway::deploy {

// `supervisor_exe` is a slipway binary that runs `supervise DIR`; empty: this
// process's own executable (the CLI).
std::unique_ptr<Driver> make_process_driver(std::filesystem::path supervisor_exe = {});

// The folder of one component's service in an environment.
std::filesystem::path service_dir(const std::filesystem::path& state_dir, const std::string& environment,
                                  const std::string& component);

// The pid of the supervisor running for the service folder `dir` of the state
// whose id is `state_id` (state_id.h), else 0. The pid in dir/supervisor.pid
// counts only when that process's command line is supervisor_argv(..., state_id):
// a reused pid, a zombie, or the supervisor of another state that a copied
// pid file names is not this state's, and is never signalled.
int running_supervisor(const std::filesystem::path& dir, const std::string& state_id);

// The service log of `component` in `environment`, with every secret value
// any of its versions received replaced by "***" (the Masker of run logs):
// a service that prints its password does not show it to service-logs.
// not_found when the component never ran there.
Result<std::string> masked_service_log(const std::filesystem::path& state_dir, const std::string& environment,
                                       const std::string& component);

// Stops every supervisor (and so every service) of the state in state_dir
// (of `environment` only, when not empty) and waits for them to exit.
// Returns how many were stopped; io error when the state id cannot be read.
Result<int> stop_services(const std::filesystem::path& state_dir, const std::string& environment = {});

}  // namespace slipway::deploy
