// Finding an external tool (helm, kubectl, terraform/tofu) for a driver, and
// running it with its output sent to the driver's log.
//
// Lookup order: the override variable (e.g. SLIPWAY_HELM=/opt/helm) when set
// and non-empty, else each folder of `search_path` (a PATH-style list). The
// caller passes both explicitly (ToolLocator) so tests never touch the
// process environment. Thread-safe (no shared state).
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

// "helm not found on PATH (install it or set SLIPWAY_HELM to its path)".
std::string tool_missing_message(const std::string& tool, const char* override_variable);

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
