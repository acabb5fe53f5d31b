// The `slipway` command: argument parsing and dispatch, nothing else.
#include <cstdlib>
#include <exception>
#include <iostream>

#include "cli/app.h"

int main(int argc, char** argv) {
  using namespace slipway::cli;
  CLI::App app{"slipway: code-driven delivery for distributed products", "slipway"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "slipway 0.1.0");
  GlobalOptions options;
  if (const char* env = std::getenv("SLIPWAY_WORKSPACE"); env && *env) options.workspace = env;
  app.add_option("-C,--workspace", options.workspace, "workspace directory (default: .)");
  app.add_option("--state", options.state, "state database (default: WORKSPACE/.slipway/state.db)");

  add_workspace_commands(app, options);
  add_pipeline_commands(app, options);
  add_version_commands(app, options);
  add_init_commands(app, options);
  add_run_commands(app, options);
  add_release_commands(app, options);
  add_deploy_commands(app, options);
  add_service_commands(app, options);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : k_exit_bad_input;
  } catch (const std::exception& e) {
    std::cerr << "slipway: internal error: " << e.what() << "\n";
    return 70;
  }
  return options.exit_code;
}
