// What every `slipway` subcommand shares: global options, exit codes, and
// the two output channels (results on stdout, diagnostics on stderr).
//
// Each command group lives in its own cmd_*.cpp and registers itself through
// one add_*_commands function; those files only parse arguments, call the
// service layer (src/service) and print.
#pragma once

#include <CLI/CLI.hpp>

#include <filesystem>
#include <memory>
#include <string>

#include "core/error.h"
#include "service/runs.h"
#include "service/service.h"

namespace slipway::cli {

// Exit codes: 0 success, 1 the operation ran and failed (or was refused), 2 bad input.
inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_failed = 1;
inline constexpr int k_exit_bad_input = 2;

struct GlobalOptions {
  std::string workspace = ".";  // -C / --workspace, or SLIPWAY_WORKSPACE; else found upward (find_workspace)
  std::string state;            // --state or SLIPWAY_STATE; empty = <workspace>/.slipway/state.db
  std::string server;           // --server URL or SLIPWAY_SERVER: commands go to that server (cli/api.h)
  std::string command;          // the command's words ("secret rotate"), for messages
  bool json = false;            // --json on read commands
  int exit_code = k_exit_ok;    // set by the command that ran
};

// Prints "slipway: error: <error>" on stderr and returns the exit code for its kind.
int report(const Error& error);
int exit_code_for(const Error& error);

// Checks for numeric options. CLI11's own ranges let NaN through (every
// comparison with it is false), so these also require a finite number.
inline constexpr int k_max_agents = 256;  // parallel job slots; each is a thread and a work folder
CLI::Validator agents_range();            // 1 .. k_max_agents
CLI::Validator seconds_range(double min, double max);  // finite, min .. max

// The workspace a command started in `from` works on: the nearest folder
// upward holding slipway.yaml (as git finds its repository); `from` when none.
std::filesystem::path find_workspace(std::filesystem::path from);

// The resolved path of the state database for these options.
std::string state_path(const GlobalOptions& options);
// Where the state's files are (logs, artifacts, work and task folders) for the state at `store`.
std::filesystem::path state_root(const GlobalOptions& options, const std::string& store);

// The service for these options (workspace, state, master key from
// SLIPWAY_MASTER_KEY or SLIPWAY_MASTER_KEY_FILE), acting as `as`, else as
// cli/identity.h's rules say (none: state-changing use cases refuse).
// Both refuse while a server is configured: a command that has no server
// form must not act on a local state the user did not mean (cli/api.h).
Result<std::unique_ptr<service::Service>> open_service(const GlobalOptions& options, const std::string& as = "");
// What both check first: no server is configured, and an explicit state
// (--state, SLIPWAY_STATE) exists (only `slipway init` makes one).
Status check_local_state(const GlobalOptions& options);
// The run use cases for the same options; the workspace may be absent (`run --file`).
Result<std::unique_ptr<service::RunService>> open_run_service(const GlobalOptions& options, const std::string& as = "");
// The configuration both open from.
service::Config service_config(const GlobalOptions& options, const std::string& as);

// `--as NAME` on an acting command (docs/identity.md).
void add_as_option(CLI::App* command, std::string& as);

// The exit code for a use case's result: 0, or the error reported.
int report_status(const Status& status);

void add_workspace_commands(CLI::App& app, GlobalOptions& options);
void add_pipeline_commands(CLI::App& app, GlobalOptions& options);
void add_version_commands(CLI::App& app, GlobalOptions& options);
void add_init_commands(CLI::App& app, GlobalOptions& options);
void add_run_commands(CLI::App& app, GlobalOptions& options);
void add_release_commands(CLI::App& app, GlobalOptions& options);
void add_deploy_commands(CLI::App& app, GlobalOptions& options);
void add_service_commands(CLI::App& app, GlobalOptions& options);
void add_serve_command(CLI::App& app, GlobalOptions& options);  // cmd_serve.cpp, registered by add_service_commands
void add_token_commands(CLI::App& app, GlobalOptions& options);  // cmd_token.cpp, registered by add_service_commands
void add_state_commands(CLI::App& app, GlobalOptions& options);  // cmd_state.cpp, registered by add_service_commands
void add_task_commands(CLI::App& app, GlobalOptions& options);

}  // namespace slipway::cli
