// The scheduler of `slipway serve`: pushes accepted by a webhook and runs
// asked through the API wait in a queue, and a few local agent slots
// (worker threads) take each (a push to RunService::handle_push), so the
// request is answered before its run goes. Each slot opens its own
// RunService (its own Store connection) per item: the Store is
// single-threaded, and the workspace is read as it is when the run starts,
// as `slipway notify` does.
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

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "service/runs.h"

namespace slipway::service {

class RunScheduler {
 public:
  using Say = std::function<void(const std::string& line)>;  // called from the slots, one line at a time
  // `slots` parallel runs (at least 1); `agents` job slots of each run (0: cores).
  RunScheduler(Config config, int slots, int agents, Say say);
  ~RunScheduler();  // stops
  RunScheduler(const RunScheduler&) = delete;
  RunScheduler& operator=(const RunScheduler&) = delete;

  // What a slot does with its RunService (acting as the item's actor) and the run settings.
  using Job = std::function<void(RunService& runs, RunSettings& settings)>;

  // Queues `push`, handled as `actor` (the identity whose permission run applies).
  void submit(Push push, std::string actor);
  // Queues `job`, done as `actor`; false when the scheduler stopped.
  bool submit_job(Job job, std::string actor);
  // The push triggers of `slipway watch`: every `interval`, one pass over the
  // component repositories (RunService::watch_once) as `actor`, queued like
  // any run unless the last pass is still queued or going. Until stop.
  void watch_every(Millis interval, std::string actor);
  void stop();

 private:
  struct Item {
    Job job;
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
  std::thread m_watcher;
  std::condition_variable m_watch_wake;  // its own: a submit's notify_one must reach a slot
  std::atomic<bool> m_watch_pending = false;
};

}  // namespace slipway::service
