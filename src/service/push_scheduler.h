// The scheduler of `slipway serve`: pushes accepted by a webhook wait in a
// queue and a few local agent slots (worker threads) hand each to
// RunService::handle_push, so the host's delivery is answered (202) before
// its run starts. Each slot opens its own RunService (its own Store
// connection) per push: the Store is single-threaded, and the workspace is
// read as it is when the run starts, as `slipway notify` does.
//
// stop() takes no more pushes, drops those still queued (their commits are
// still in the repository: the next push or watch pass of the ref handles
// them) and waits for the runs in flight; those end early on SIGINT/SIGTERM
// as every run does (cancel_watch.h), or are left for recovery when the
// process is killed.
//
// Ownership: owns its worker threads. Thread-safety: submit and stop from
// any thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "service/runs.h"

namespace slipway::service {

class PushScheduler {
 public:
  using Say = std::function<void(const std::string& line)>;  // called from the slots, one line at a time
  // `slots` parallel runs (at least 1); `agents` job slots of each run (0: cores).
  PushScheduler(Config config, int slots, int agents, Say say);
  ~PushScheduler();  // stops
  PushScheduler(const PushScheduler&) = delete;
  PushScheduler& operator=(const PushScheduler&) = delete;

  // Queues `push`, handled as `actor` (the identity whose permission run applies).
  void submit(Push push, std::string actor);
  void stop();

 private:
  struct Item {
    Push push;
    std::string actor;
  };
  void work();
  void handle(const Item& item);
  void say(const std::string& line);

  Config m_config;
  int m_agents;
  Say m_say;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::deque<Item> m_queue;
  bool m_stopping = false;
  std::mutex m_say_mutex;
  std::vector<std::thread> m_slots;
};

}  // namespace slipway::service
