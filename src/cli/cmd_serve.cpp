// slipway serve: the long-running process of a state folder. For now it has
// no HTTP API (the server issue adds it); it hosts the process platform's
// supervisors (deploy/service_host.h): takes the state's serve lease (one
// serve per state; a second one is refused naming the holder), starts or
// adopts the supervisor of every deployed process service, restarts those
// that die, and takes the process driver's hand-offs until SIGINT/SIGTERM
// (service/state.h does the work; this file parses and prints).
//
// On exit the services keep running by default: like services started by
// `slipway apply` alone, they outlive the CLI, and restarting serve (an
// upgrade of slipway) must not take them down; the next serve adopts them.
// `--stop-services-on-exit` stops them (what `make demo` uses on Ctrl-C).
#include <signal.h>

#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/app.h"
#include "core/interrupt.h"
#include "service/state.h"

namespace slipway::cli {

namespace {

namespace fs = std::filesystem;

Status serve(const GlobalOptions& options, service::OnExit on_exit) {
  service::Config config = service_config(options, "");
  fs::path db = fs::absolute(config.store).lexically_normal();
  if (fs::is_directory(db)) db /= "state.db";  // `--state DIR` names the state folder
  config.store = db.string();
  config.state_root = db.parent_path();
  const bool stop = on_exit == service::OnExit::stop_services;
  service::ServeHooks hooks;
  hooks.say = [](const std::string& line) { std::cout << line << std::endl; };
  hooks.started = [&](std::size_t count) {
    std::cout << "slipway serve: supervising " << count << " service" << (count == 1 ? "" : "s") << " of "
              << config.state_root.string() << " (Ctrl-C to stop" << (stop ? " them" : "") << ")" << std::endl;
  };
  ::signal(SIGPIPE, SIG_IGN);
  InterruptGuard interrupts;  // Ctrl-C and SIGTERM end the loop; the lease is released
  Result<int> stopped = service::serve(config, on_exit, hooks);
  if (!stopped) return std::unexpected(stopped.error());
  if (stop)
    std::cout << "slipway serve: stopped " << *stopped << " service" << (*stopped == 1 ? "" : "s") << std::endl;
  else
    std::cout << "slipway serve: exiting; the services keep running" << std::endl;
  return {};
}

}  // namespace

void add_serve_command(CLI::App& app, GlobalOptions& options) {
  CLI::App* cmd = app.add_subcommand("serve", "supervise the state's local services until Ctrl-C (no HTTP API yet)");
  auto stop = std::make_shared<bool>(false);
  cmd->add_flag("--stop-services-on-exit", *stop, "stop the services when serve exits (default: they keep running)");
  cmd->callback([=, &options] {
    const service::OnExit on_exit = *stop ? service::OnExit::stop_services : service::OnExit::keep_services;
    if (Status s = serve(options, on_exit); !s) options.exit_code = report(s.error());
  });
}

}  // namespace slipway::cli
