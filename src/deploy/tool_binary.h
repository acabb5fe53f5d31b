// Finding an external tool (helm, kubectl, terraform/tofu) for a driver, and
// running it with its output sent to the driver's log.
//
// Lookup order (find_tool): the override variable (e.g. SLIPWAY_HELM=/opt/helm)
// when set and non-empty, else the environment's `platform.binary`, else each
// folder of `search_path` (a PATH-style list). The caller passes the variable
// and the path explicitly (ToolLocator) so tests never touch the process
// environment. Thread-safe (no shared state).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/process.h"
#include "core/yaml.h"
#include "deploy/driver.h"

namespace slipway::deploy {

struct ToolLocator {
  std::string search_path;  // PATH-style list of folders
  std::string override_binary;  // the value of the override variable ("" = unset)
  // From this process: $PATH and the given override variable.
  static ToolLocator from_environment(const char* override_variable);
};

// The tool's executable; nullopt when none of the candidate names is found.
std::optional<std::filesystem::path> locate_tool(const ToolLocator& locator, const std::vector<std::string>& names);

// What a driver runs: shown as `label` ("helm", "terraform (or tofu)"), any of
// `names` on the search path, overridden by `override_variable`.
struct ToolSpec {
  std::string label;
  std::vector<std::string> names;
  const char* override_variable = "";
};

// The tool for a call in `context`. Order: the override variable (locator),
// then the environment's `platform.binary` (relative to the workspace
// folder), then the locator's search path. not_found, naming what was looked at:
//   "helm: SLIPWAY_HELM=/x is not an executable file"
//   "helm: /ws/bin/helm (binary of the platform of environment 'prod') is not an executable file"
//   "helm not found on PATH (/usr/bin:/bin); install it, set the platform's binary or SLIPWAY_HELM"
Result<std::filesystem::path> find_tool(const ToolLocator& locator, const ToolSpec& spec,
                                        const DriverContext& context);

// `node` (a values/vars tree) as JSON with ${{ values.a.b }} (from the
// environment's merged values) and ${{ secrets.n }} (context.secrets)
// substituted; a scalar that is exactly one reference keeps the value's type;
// other ${{ }} text is left alone. invalid_input "OWNER: ${{ values.x }} is not
// set in environment E" / "OWNER: secret n is not available in environment E".
Result<nlohmann::ordered_json> render_references(const yaml::Node& node, const std::string& owner,
                                                 const DriverContext& context);

// Writes `content` readable by the owner only (0600 file, 0700 folder).
Status write_private_file(const std::filesystem::path& file, const std::string& content);

struct ToolRun {
  int exit_code = -1;
  std::string out;  // stdout, whole (also logged line by line unless quiet)
  std::string err;  // stderr, whole (also logged line by line)
};

// Runs argv (argv[0] an absolute path) in `cwd`; stdout and stderr lines go to
// context.log(target, line) unless `quiet` (stdout only is kept quiet, e.g.
// JSON answers). Errors only when the tool cannot be started.
Result<ToolRun> run_tool(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                         const std::string& target, const DriverContext& context, bool quiet = false);

// run_tool, then success only on exit 0: io "TARGET: WHAT failed (exit N)"
// (WHAT e.g. "helm upgrade").
Status run_tool_checked(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                        const std::string& target, const std::string& what, const DriverContext& context);

}  // namespace slipway::deploy
