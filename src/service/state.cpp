#include "service/state.h"

#include <chrono>
#include <fstream>
#include <memory>

#include "core/host.h"
#include "core/interrupt.h"
#include "deploy/process_driver.h"
#include "deploy/service_host.h"
#include "store/store.h"

namespace slipway::service {
namespace {

namespace fs = std::filesystem;

constexpr Millis k_serve_ttl{30000};

Status write_gitignore(const fs::path& state_dir) {
  const fs::path ignore = state_dir / ".gitignore";
  std::error_code ec;
  if (fs::exists(ignore, ec)) return {};
  std::ofstream out(ignore);
  out << "# slipway's state: never commit it\n*\n";
  out.close();
  if (!out) return fail(ErrorCode::io, "cannot write " + ignore.string());
  return {};
}

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

// Supervises until interrupted, renewing the lease; an error when the lease was lost.
Status host_until_interrupted(store::Store& store, store::Lease& held, deploy::ServiceHost& host,
                              const fs::path& state_dir) {
  auto renewed = std::chrono::steady_clock::now();
  while (!interrupt_requested()) {
    host.tick(std::chrono::milliseconds(200));
    if (std::chrono::steady_clock::now() - renewed <= k_serve_ttl / 3) continue;
    Result<store::Lease> next = store.locks().heartbeat(held, k_serve_ttl);
    if (!next)
      return fail(ErrorCode::conflict,
                  "slipway serve lost its lease on " + state_dir.string() + ": " + next.error().message);
    held = *next;
    renewed = std::chrono::steady_clock::now();
  }
  return {};
}

// Starts a supervisor for every deployed service and adopts those running already.
Status start_services(store::Store& store, deploy::ServiceHost& host, const fs::path& state_dir,
                      const ServeHooks& hooks) {
  Result<std::vector<fs::path>> dirs = deployed_services(store, state_dir);
  if (!dirs) return std::unexpected(dirs.error());
  for (const fs::path& dir : *dirs)
    if (Result<int> pid = host.supervise(dir); !pid && hooks.say) hooks.say(dir.string() + ": " + pid.error().message);
  host.adopt_running();
  if (hooks.started) hooks.started(host.watched().size());
  return {};
}

}  // namespace

Status init_state(const Config& config, const InitRecord& init, GitIgnore ignore) {
  Result<std::unique_ptr<store::Store>> store = store::open_store(config.store, {.clock = config.clock});
  if (!store) return std::unexpected(store.error());
  if (ignore == GitIgnore::write)
    if (Status s = write_gitignore(config.state_root); !s) return s;
  Result<std::int64_t> recorded = (*store)->events().append(
      {.actor = init.actor,
       .kind = "workspace.init",
       .subject = "product:" + init.product,
       .detail = {{"dir", fs::absolute(init.dir).lexically_normal().string()}, {"component", init.component}}});
  if (!recorded) return std::unexpected(recorded.error());
  return {};
}

Result<int> serve(const Config& config, OnExit on_exit, const ServeHooks& hooks) {
  const fs::path state_dir = fs::absolute(config.state_root).lexically_normal();
  Result<std::unique_ptr<store::Store>> store = store::open_store(config.store, {.clock = config.clock});
  if (!store) return std::unexpected(store.error());
  const store::LockOwner owner{"slipway serve", config.actor.empty() ? "slipway" : config.actor};
  // One serve hosts the services of a state folder. A database server is
  // shared by hosts, each with its own folders: the host is part of the name.
  const std::string hosted = (is_database_url(config.store) ? host_name() + ":" : "") + state_dir.string();
  Result<store::LockAttempt> lease = (*store)->locks().try_acquire("serve:" + hosted, owner, k_serve_ttl);
  if (!lease) return std::unexpected(lease.error());
  if (!lease->acquired)
    return fail(ErrorCode::conflict, "slipway serve already runs for " + hosted + ": " +
                                         store::describe_holder(lease->lease));
  store::Lease held = lease->lease;
  auto say = [&hooks](const std::string& line) {
    if (hooks.say) hooks.say(line);
  };
  Result<std::unique_ptr<deploy::ServiceHost>> host = deploy::ServiceHost::open(state_dir, {}, say);
  Status result = host ? start_services(**store, **host, state_dir, hooks) : Status(std::unexpected(host.error()));
  if (result) result = host_until_interrupted(**store, held, **host, state_dir);
  int stopped = 0;
  if (host && on_exit == OnExit::stop_services) stopped = (*host)->stop_all();
  if (host) host->reset();
  (void)(*store)->locks().release(held);
  if (!result) return std::unexpected(result.error());
  return stopped;
}

}  // namespace slipway::service
