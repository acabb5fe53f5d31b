#include "cli/app.h"

#include "cli/api.h"
#include "cli/identity.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>

namespace slipway::cli {

int exit_code_for(const Error& error) {
  switch (error.code) {
    case ErrorCode::invalid_input:
    case ErrorCode::not_found:
    case ErrorCode::unsupported:
      return k_exit_bad_input;
    default:
      return k_exit_failed;
  }
}

int report(const Error& error) {
  std::cerr << "slipway: error: " << error.to_string() << "\n";
  return exit_code_for(error);
}

CLI::Validator agents_range() { return CLI::Range(1, k_max_agents); }

namespace {

std::string number_text(double value) {
  std::ostringstream out;
  out << value;  // 0.1, 86400
  return out.str();
}

}  // namespace

CLI::Validator seconds_range(double min, double max) {
  return CLI::Validator(
      [min, max](std::string& text) -> std::string {
        double value = 0;
        try {
          size_t used = 0;
          value = std::stod(text, &used);
          if (used != text.size()) return "not a number: " + text;
        } catch (const std::exception&) {
          return "not a number: " + text;
        }
        if (!std::isfinite(value) || value < min || value > max)
          return "expected seconds from " + number_text(min) + " to " + number_text(max) +
                 ", got " + text;
        return {};
      },
      "SECONDS");
}

std::string state_path(const GlobalOptions& options) {
  if (!options.state.empty()) return options.state;
  if (const char* env = std::getenv("SLIPWAY_STATE"); env && *env) return env;
  return (std::filesystem::path(options.workspace) / ".slipway" / "state.db").string();
}

std::filesystem::path find_workspace(std::filesystem::path from) {
  std::error_code ec;
  for (std::filesystem::path dir = std::filesystem::absolute(from, ec); !dir.empty(); dir = dir.parent_path()) {
    if (std::filesystem::exists(dir / "slipway.yaml", ec)) return dir;
    if (dir == dir.parent_path()) break;
  }
  return from;
}

// Files kept beside the state (logs, artifacts, work folders, services): the
// SQLite file's folder; with a database server, SLIPWAY_STATE_ROOT, else the
// workspace's .slipway folder (where the file would be).
std::filesystem::path state_root(const GlobalOptions& options, const std::string& store) {
  if (!service::is_database_url(store)) return std::filesystem::path(store).parent_path();
  if (const char* root = std::getenv("SLIPWAY_STATE_ROOT"); root && *root) return root;
  return std::filesystem::path(options.workspace) / ".slipway";
}

service::Config service_config(const GlobalOptions& options, const std::string& as) {
  service::Config config;
  config.workspace = options.workspace;
  config.store = state_path(options);
  config.state_root = state_root(options, config.store);
  if (const char* key = std::getenv("SLIPWAY_MASTER_KEY"); key && *key) config.key_value = key;
  if (const char* file = std::getenv("SLIPWAY_MASTER_KEY_FILE"); file && *file) config.key_file = file;
  Result<std::string> actor = acting_identity(as);
  if (actor) config.actor = *actor;
  else config.no_actor = actor.error().to_string();
  return config;
}

namespace {

// Only `slipway init` makes a state: an explicit one (--state, SLIPWAY_STATE) that does not exist is a mistake.
// A database server's state is made by the first slipway that opens its (empty) database.
Status check_state_exists(const GlobalOptions& options) {
  const std::string store = state_path(options);
  if (service::is_database_url(store)) return {};
  const bool explicit_state = !options.state.empty() || std::getenv("SLIPWAY_STATE");
  std::error_code ec;
  if (explicit_state && !std::filesystem::exists(store, ec))
    return fail(ErrorCode::not_found, "no state at " + store + "; only 'slipway init' creates one");
  return {};
}

}  // namespace

Status check_local_state(const GlobalOptions& options) {
  if (Status s = require_local(options, options.command); !s) return s;
  return check_state_exists(options);
}

Result<std::unique_ptr<service::Service>> open_service(const GlobalOptions& options, const std::string& as) {
  if (Status s = check_local_state(options); !s) return std::unexpected(s.error());
  return service::Service::open(service_config(options, as));
}

Result<std::unique_ptr<service::RunService>> open_run_service(const GlobalOptions& options, const std::string& as) {
  if (Status s = check_local_state(options); !s) return std::unexpected(s.error());
  return service::RunService::open(service_config(options, as));
}

void add_as_option(CLI::App* command, std::string& as) {
  command->add_option("--as", as, "acting identity (default: SLIPWAY_USER, else user: in the user config file)");
}

int report_status(const Status& status) { return status ? k_exit_ok : report(status.error()); }

}  // namespace slipway::cli
