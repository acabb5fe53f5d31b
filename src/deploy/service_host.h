// The service host of `slipway serve`: the long-running parent of the process
// platform's supervisors (supervisor.h), and what the process driver hands
// services to while it runs.
//
// Design. Each service keeps its own `slipway supervise DIR` process (one
// service's trouble stays away from the others, and `slipway apply` alone
// still works without serve: the driver then starts the supervisor detached).
// While serve runs, the supervisors are ITS children (each in its own session,
// so a Ctrl-C in serve's terminal does not reach them); serve restarts a
// supervisor that dies without having been stopped (state.json outcome is not
// "stopped"; a SIGKILL, a crash) with backoff 1 s doubling to 30 s, and the
// new supervisor brings the desired instance back (and ends the orphaned child
// of the old one). Supervisors that already run when serve starts (started
// detached by an apply) are adopted: watched by pid and restarted the same
// way once they die.
//
// Hand-off: serve listens on the unix socket <state>/serve.sock (0600). The
// driver, finding no supervisor for a service, connects and sends one line
// "supervise DIR"; serve starts the supervisor and answers "ok PID" (or
// "error MESSAGE"). No socket, or nobody listening: the driver starts the
// supervisor itself. The socket is only a doorbell: everything else stays in
// the service's files, so a killed serve loses nothing.
//
// Thread-safety: one thread (serve's main loop) uses a ServiceHost.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace slipway::deploy {

// Where serve listens for hand-offs.
std::filesystem::path serve_socket(const std::filesystem::path& state_dir);

// Asks a running serve of `state_dir` to supervise `service_dir`: nullopt when
// no serve listens; else the supervisor's pid, or serve's error.
std::optional<Result<int>> ask_serve_to_supervise(const std::filesystem::path& state_dir,
                                                  const std::filesystem::path& service_dir);

// True when `dir` holds a service an apply left deployed: its supervisor.json
// and the launch file of the instance desired.json asks for exist.
bool service_deployed(const std::filesystem::path& dir);

class ServiceHost {
 public:
  // Listens on serve_socket(state_dir) (a stale socket file is replaced).
  // Supervisors are started, adopted and signalled only when they carry the
  // state's id (state_id.h). io error when the id cannot be read.
  // `exe`: the slipway binary that runs `supervise DIR`. `say`: one line per
  // event ("test/web: supervisor exited; restarting in 1 s"). io error when
  // the socket cannot be made (e.g. its path is longer than 107 bytes).
  static Result<std::unique_ptr<ServiceHost>> open(const std::filesystem::path& state_dir,
                                                   std::filesystem::path exe,
                                                   std::function<void(const std::string&)> say);
  ~ServiceHost();  // closes and removes the socket; leaves the supervisors running

  // Watches `dir`'s supervisor, starting one when none runs. Returns its pid.
  Result<int> supervise(const std::filesystem::path& dir);
  // Adopts the supervisors already running under <state>/services that are
  // not watched yet. Returns how many.
  int adopt_running();
  // One round: answers hand-offs (waiting up to `wait` for one), reaps
  // children, restarts the dead supervisors that were not stopped.
  void tick(std::chrono::milliseconds wait);
  // SIGTERM to every watched supervisor, waits for them. Returns how many.
  int stop_all();
  // Service folders watched, with their supervisor's pid (0 while waiting to restart).
  std::map<std::filesystem::path, int> watched() const;

 private:
  struct Watched {
    int pid = 0;
    bool child = false;  // ours (reaped with waitpid) or adopted (polled)
    bool exited = false;
    std::chrono::steady_clock::time_point started;
    std::optional<std::chrono::steady_clock::time_point> restart_at;
    int backoff = 1;
  };
  ServiceHost(std::filesystem::path state_dir, std::string state_id, std::filesystem::path exe, int listener,
              std::function<void(const std::string&)> say);
  Result<int> spawn(const std::filesystem::path& dir);
  void answer(int client);
  std::string name_of(const std::filesystem::path& dir) const;

  std::filesystem::path m_state_dir;
  std::string m_state_id;  // what this state's supervisors carry (state_id.h)
  std::filesystem::path m_exe;
  int m_listener = -1;
  std::function<void(const std::string&)> m_say;
  std::map<std::filesystem::path, Watched> m_watched;
  std::chrono::steady_clock::time_point m_last_scan;
};

}  // namespace slipway::deploy
