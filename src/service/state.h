// The state folder as a whole: creating it (`slipway init`) and hosting the
// process platform's services it records (`slipway serve`). Neither needs a
// loaded workspace: init makes the state of a workspace it has just written,
// serve hosts whatever the state's applies deployed.
//
// Thread-safety: each call opens its own store; run one at a time per state.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>

#include "core/error.h"
#include "service/service.h"

namespace slipway::service {

// What `slipway init` made, recorded as the state's first event.
struct InitRecord {
  std::string product;
  std::string component;
  std::filesystem::path dir;  // the workspace folder
  std::string actor;          // who ran init (the first admin of the scaffold)
};

enum class GitIgnore { write, skip };  // a .gitignore in the state folder, so state is never committed

// Creates the state store at config.store (migrated, empty), writes the
// .gitignore when asked and it is absent, and records "workspace.init".
Status init_state(const Config& config, const InitRecord& init, GitIgnore ignore);

// What `slipway serve` tells while it runs; empty members are not called.
struct ServeHooks {
  std::function<void(const std::string&)> say;        // a line of the service host ("x: restarted")
  std::function<void(std::size_t services)> started;  // supervising that many services
};

enum class OnExit { keep_services, stop_services };

// Hosts the services of the state at config.state_root until SIGINT/SIGTERM
// (core/interrupt.h; the caller holds the InterruptGuard): takes the state's
// serve lease (conflict "slipway serve already runs for DIR: HOLDER" when
// another serve holds it), starts or adopts the supervisor of every deployed
// process service, restarts those that die, and renews the lease. Returns how
// many services it stopped on exit (none with keep_services: they outlive
// serve, and the next serve adopts them).
Result<int> serve(const Config& config, OnExit on_exit, const ServeHooks& hooks);

}  // namespace slipway::service
