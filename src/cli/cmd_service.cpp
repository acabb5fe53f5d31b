// Local services of the process platform: the hidden `supervise DIR` (run by
// the process driver, one per component instance), `service-logs ENV
// COMPONENT [--tail N] [--follow]` and `service-stop [ENV]`. (`slipway logs`
// already prints a run's step logs, so service logs have their own command.)
#include <chrono>
#include <iostream>
#include <memory>
#include <thread>

#include "cli/app.h"
#include "core/interrupt.h"
#include "deploy/supervisor.h"

namespace slipway::cli {
namespace {

struct LogArgs {
  std::string as, env, component;
  int tail = -1;  // -1: everything
  bool follow = false;
};

// The last `lines` lines of `text` (all of it when lines < 0).
std::string last_lines(const std::string& text, int lines) {
  if (lines < 0) return text;
  if (lines == 0) return "";
  size_t start = text.ends_with('\n') ? text.size() - 1 : text.size();  // a final newline ends the last line
  for (int n = 0; n < lines; ++n) {
    size_t newline = start == 0 ? std::string::npos : text.rfind('\n', start - 1);
    if (newline == std::string::npos) return text;
    start = newline;
  }
  return text.substr(start + 1);
}

// Prints the log (its last --tail lines), then with --follow what is added,
// masked as the rest, until Ctrl-C.
Status service_logs(const GlobalOptions& options, const LogArgs& args) {
  Result<std::unique_ptr<service::Service>> service = open_service(options, args.as);
  if (!service) return std::unexpected(service.error());
  Result<std::string> text = (*service)->service_log(args.env, args.component);
  if (!text) return std::unexpected(text.error());
  std::cout << last_lines(*text, args.tail) << std::flush;
  if (!args.follow) return {};
  InterruptGuard interrupts;
  size_t printed = text->size();
  while (!interrupt_requested()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    Result<std::string> now = (*service)->service_log(args.env, args.component);
    if (!now) return std::unexpected(now.error());
    if (now->size() < printed) printed = 0;  // the log was started again
    std::cout << now->substr(printed) << std::flush;
    printed = now->size();
  }
  return {};
}

}  // namespace

void add_service_commands(CLI::App& app, GlobalOptions& options) {
  auto run = [&options](const std::function<Status()>& body) {
    if (Status s = body(); !s) options.exit_code = report(s.error());
  };

  add_serve_command(app, options);
  add_token_commands(app, options);
  add_state_commands(app, options);

  CLI::App* supervise = app.add_subcommand("supervise", "run one service's supervisor (started by the process driver)");
  supervise->group("");
  auto dir = std::make_shared<std::string>();
  auto state_id = std::make_shared<std::string>();
  supervise->add_option("dir", *dir, "the service folder")->required();
  supervise->add_option("--state-id", *state_id, "the id of the state the service belongs to")->required();
  supervise->callback([=] { run([&] { return deploy::run_supervisor(*dir, *state_id); }); });

  CLI::App* logs = app.add_subcommand("service-logs", "print the log of a component's service in an environment");
  auto args = std::make_shared<LogArgs>();
  logs->add_option("environment", args->env, "environment")->required();
  logs->add_option("component", args->component, "component")->required();
  logs->add_option("--tail", args->tail, "print only the last N lines")->check(CLI::Range(0, 1000000));
  logs->add_flag("--follow,-f", args->follow, "keep printing what the service writes, until Ctrl-C");
  logs->callback([=, &options] { run([&] { return service_logs(options, *args); }); });

  CLI::App* stop = app.add_subcommand("service-stop", "stop the local services (of one environment, or all)");
  auto stop_env = std::make_shared<std::string>();
  stop->add_option("environment", *stop_env, "environment (default: every one)");
  add_as_option(stop, args->as);
  stop->callback([=, &options] {
    run([&]() -> Status {
      Result<std::unique_ptr<service::Service>> service = open_service(options, args->as);
      if (!service) return std::unexpected(service.error());
      Result<int> stopped = (*service)->stop_services(*stop_env);
      if (!stopped) return std::unexpected(stopped.error());
      int n = *stopped;
      std::cout << "stopped " << n << " service" << (n == 1 ? "" : "s") << "\n";
      return {};
    });
  });
}

}  // namespace slipway::cli
