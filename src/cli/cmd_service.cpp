// Local services of the process platform: the hidden `supervise DIR` (run by
// the process driver, one per component instance), `service-logs ENV
// COMPONENT` and `service-stop [ENV]`. (`slipway logs` already prints a run's
// step logs, so service logs have their own command.)
#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/app.h"
#include "core/files.h"
#include "deploy/process_driver.h"
#include "deploy/supervisor.h"

namespace slipway::cli {

void add_service_commands(CLI::App& app, GlobalOptions& options) {
  auto run = [&options](const std::function<Status()>& body) {
    if (Status s = body(); !s) options.exit_code = report(s.error());
  };

  add_serve_command(app, options);

  CLI::App* supervise = app.add_subcommand("supervise", "run one service's supervisor (started by the process driver)");
  supervise->group("");
  auto dir = std::make_shared<std::string>();
  auto state_id = std::make_shared<std::string>();
  supervise->add_option("dir", *dir, "the service folder")->required();
  supervise->add_option("--state-id", *state_id, "the id of the state the service belongs to")->required();
  supervise->callback([=] { run([&] { return deploy::run_supervisor(*dir, *state_id); }); });

  CLI::App* logs = app.add_subcommand("service-logs", "print the log of a component's service in an environment");
  auto env = std::make_shared<std::string>();
  auto component = std::make_shared<std::string>();
  logs->add_option("environment", *env, "environment")->required();
  logs->add_option("component", *component, "component")->required();
  logs->callback([=, &options] {
    run([&]() -> Status {
      std::filesystem::path state_dir = std::filesystem::path(state_path(options)).parent_path();
      Result<std::string> text = deploy::masked_service_log(state_dir, *env, *component);
      if (!text) return std::unexpected(text.error());
      std::cout << *text;
      return {};
    });
  });

  CLI::App* stop = app.add_subcommand("service-stop", "stop the local services (of one environment, or all)");
  auto stop_env = std::make_shared<std::string>();
  stop->add_option("environment", *stop_env, "environment (default: every one)");
  stop->callback([=, &options] {
    run([&]() -> Status {
      std::filesystem::path state_dir = std::filesystem::path(state_path(options)).parent_path();
      Result<int> stopped = deploy::stop_services(state_dir, *stop_env);
      if (!stopped) return std::unexpected(stopped.error());
      int n = *stopped;
      std::cout << "stopped " << n << " service" << (n == 1 ? "" : "s") << "\n";
      return {};
    });
  });
}

}  // namespace slipway::cli
