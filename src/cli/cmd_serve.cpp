// slipway serve: the long-running process of a state folder. For now it has
// no HTTP API (the server issue adds it); it hosts the process platform's
// supervisors (deploy/service_host.h): takes the state's serve lease (one
// serve per state; a second one is refused naming the holder), starts or
// adopts the supervisor of every deployed process service, restarts those
// that die, and takes the process driver's hand-offs until SIGINT/SIGTERM.
//
// On exit the services keep running by default: like services started by
// `slipway apply` alone, they outlive the CLI, and restarting serve (an
// upgrade of slipway) must not take them down; the next serve adopts them.
// `--stop-services-on-exit` stops them (what `make demo` uses on Ctrl-C).
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/app.h"
#include "core/clock.h"
#include "deploy/process_driver.h"
#include "deploy/service_host.h"
#include "store/store.h"

namespace slipway::cli {

namespace {

namespace fs = std::filesystem;

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop = true; }

// The process services the store records as applied, whose folders hold a deployed instance.
Result<std::vector<fs::path>> deployed_services(store::Store& store, const fs::path& state_dir) {
  std::vector<fs::path> dirs;
  std::error_code ec;
  for (const fs::directory_entry& env : fs::directory_iterator(state_dir / "services", ec)) {
    Result<std::vector<store::AppliedTarget>> applied = store.deploys().applied(env.path().filename().string());
    if (!applied) return std::unexpected(applied.error());
    for (const store::AppliedTarget& t : *applied) {
      fs::path dir = deploy::service_dir(state_dir, t.environment, t.target);
      if (deploy::service_deployed(dir)) dirs.push_back(dir);
    }
  }
  return dirs;
}

Status serve(const GlobalOptions& options, bool stop_services_on_exit) {
  fs::path db = fs::absolute(state_path(options)).lexically_normal();
  if (fs::is_directory(db)) db /= "state.db";  // `--state DIR` names the state folder
  fs::path state_dir = db.parent_path();
  Result<std::unique_ptr<store::Store>> store = store::open_store(db.string());
  if (!store) return std::unexpected(store.error());
  constexpr Millis k_ttl{30000};
  const char* user = std::getenv("USER");
  store::LockOwner owner{"slipway serve", user && *user ? user : "slipway"};
  std::string resource = "serve:" + state_dir.string();
  Result<store::LockAttempt> lease = (*store)->locks().try_acquire(resource, owner, k_ttl);
  if (!lease) return std::unexpected(lease.error());
  if (!lease->acquired)
    return fail(ErrorCode::conflict, "slipway serve already runs for " + state_dir.string() + ": " +
                                         store::describe_holder(lease->lease));
  store::Lease held = lease->lease;

  auto say = [](const std::string& line) { std::cout << line << std::endl; };
  Result<std::unique_ptr<deploy::ServiceHost>> host = deploy::ServiceHost::open(state_dir, {}, say);
  if (!host) {
    (void)(*store)->locks().release(held);
    return std::unexpected(host.error());
  }
  struct sigaction action{};
  action.sa_handler = on_signal;
  ::sigaction(SIGTERM, &action, nullptr);
  ::sigaction(SIGINT, &action, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  Status result;
  Result<std::vector<fs::path>> dirs = deployed_services(**store, state_dir);
  if (!dirs) result = std::unexpected(dirs.error());
  for (const fs::path& dir : dirs ? *dirs : std::vector<fs::path>{})
    if (Result<int> pid = (*host)->supervise(dir); !pid) say(dir.string() + ": " + pid.error().message);
  (*host)->adopt_running();
  std::size_t count = (*host)->watched().size();
  std::cout << "slipway serve: supervising " << count << " service" << (count == 1 ? "" : "s") << " of "
            << state_dir.string() << " (Ctrl-C to stop" << (stop_services_on_exit ? " them" : "") << ")"
            << std::endl;

  auto renewed = std::chrono::steady_clock::now();
  while (result && !g_stop) {
    (*host)->tick(std::chrono::milliseconds(200));
    if (std::chrono::steady_clock::now() - renewed > k_ttl / 3) {
      Result<store::Lease> next = (*store)->locks().heartbeat(held, k_ttl);
      if (!next) {
        result = fail(ErrorCode::conflict, "slipway serve lost its lease on " + state_dir.string() + ": " +
                                               next.error().message);
        break;
      }
      held = *next;
      renewed = std::chrono::steady_clock::now();
    }
  }
  if (stop_services_on_exit) {
    int n = (*host)->stop_all();
    std::cout << "slipway serve: stopped " << n << " service" << (n == 1 ? "" : "s") << std::endl;
  } else {
    std::cout << "slipway serve: exiting; the services keep running" << std::endl;
  }
  host->reset();
  (void)(*store)->locks().release(held);
  return result;
}

}  // namespace

void add_serve_command(CLI::App& app, GlobalOptions& options) {
  CLI::App* cmd = app.add_subcommand("serve", "supervise the state's local services until Ctrl-C (no HTTP API yet)");
  auto stop = std::make_shared<bool>(false);
  cmd->add_flag("--stop-services-on-exit", *stop, "stop the services when serve exits (default: they keep running)");
  cmd->callback([=, &options] {
    if (Status s = serve(options, *stop); !s) options.exit_code = report(s.error());
  });
}

}  // namespace slipway::cli
