// The `slipway` command: argument parsing and dispatch, nothing else.
#include <cstdlib>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "cli/app.h"
#include "core/strings.h"

namespace {

// "unknown command 'promte' (did you mean 'promote'?)" when the command words
// on the line name no command; nullopt when they do (the error is another one).
std::optional<std::string> unknown_command(CLI::App& app, int argc, char** argv) {
  CLI::App* level = &app;
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word == "-C" || word == "--workspace" || word == "--state" || word == "--server") {
      ++i;  // their value
      continue;
    }
    if (word.starts_with("-")) continue;
    if (level->get_require_subcommand_min() == 0) return std::nullopt;  // a word here is an argument
    std::vector<std::string> names;
    CLI::App* next = nullptr;
    for (CLI::App* sub : level->get_subcommands({})) {
      names.push_back(sub->get_name());
      if (sub->check_name(word)) next = sub;
    }
    if (next) {
      level = next;
      continue;
    }
    return "unknown command '" + word + "'" + slipway::did_you_mean(word, names);
  }
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace slipway::cli;
  CLI::App app{"slipway: code-driven delivery for distributed products", "slipway"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "slipway 0.1.0");
  GlobalOptions options;
  bool workspace_given = false;
  if (const char* env = std::getenv("SLIPWAY_WORKSPACE"); env && *env) {
    options.workspace = env;
    workspace_given = true;
  }
  CLI::Option* workspace =
      app.add_option("-C,--workspace", options.workspace, "workspace directory (default: found upward from .)");
  app.add_option("--state", options.state, "state database (default: WORKSPACE/.slipway/state.db)");
  app.add_option("--server", options.server, "send commands to this slipway server (or SLIPWAY_SERVER; token: SLIPWAY_TOKEN)");
  // Before any command runs: the workspace is found upward, as git finds its
  // repository; `init` makes a new one where it is told.
  app.parse_complete_callback([&] {
    for (CLI::App* level = &app; !level->get_subcommands().empty();) {
      level = level->get_subcommands().front();
      options.command += (options.command.empty() ? "" : " ") + level->get_name();
    }
    if (workspace_given || workspace->count() > 0 || app.got_subcommand("init")) return;
    options.workspace = find_workspace(".").string();
  });

  add_workspace_commands(app, options);
  add_pipeline_commands(app, options);
  add_task_commands(app, options);
  add_version_commands(app, options);
  add_init_commands(app, options);
  add_run_commands(app, options);
  add_release_commands(app, options);
  add_deploy_commands(app, options);
  add_service_commands(app, options);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (std::optional<std::string> unknown = unknown_command(app, argc, argv)) {
      std::cerr << "slipway: error: " << *unknown << "\n";
      return k_exit_bad_input;
    }
    int code = app.exit(e);
    return code == 0 ? 0 : k_exit_bad_input;
  } catch (const std::exception& e) {
    std::cerr << "slipway: internal error: " << e.what() << "\n";
    return 70;
  }
  return options.exit_code;
}
