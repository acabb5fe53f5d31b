// One reader per followed run log, however many clients follow it.
//
// A client following a run's log (GET /runs/{id}/logs?follow=1) used to
// read the run's record and step logs itself, every poll: two hundred
// followers were two thousand reads a second competing with the run they
// watch. Here the first follower of a (run, job) starts one reader thread,
// which keeps every line it read; each follower is handed them from the
// first, then as they come. The reader stops when the run ends or when its
// last follower left.
//
// Ownership: owns its readers (joined by the last follower to leave, or by
// the destructor). Thread-safety: follow() may be called from any thread.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "service/service.h"

namespace slipway::server {

class LogHub {
 public:
  // Lines as (job, line), handed on in batches: what arrived since the last one.
  using Lines = std::vector<std::pair<std::string, std::string>>;
  using Batch = std::function<void(const Lines& lines)>;

  explicit LogHub(service::Config config);
  ~LogHub();
  LogHub(const LogHub&) = delete;
  LogHub& operator=(const LogHub&) = delete;

  // Hands run `id`'s lines (of job `job` when not empty) to `batch`, from
  // the first, a batch at a time (what arrived since the last one: one
  // write for many lines), until the run ends: returns its result. `keep_going` is asked
  // after each batch and at least every 200 ms; false ends the follow with
  // an io error (the client left). Errors: those of reading the run
  // (not_found for an unknown run).
  Result<std::string> follow(const std::string& id, const std::string& job, const Batch& batch,
                             const std::function<bool()>& keep_going);

 private:
  struct Tail;
  std::shared_ptr<Tail> join(const std::string& id, const std::string& job);
  void leave(const std::string& key, const std::shared_ptr<Tail>& tail);

  service::Config m_config;
  std::mutex m_mutex;
  std::map<std::string, std::shared_ptr<Tail>> m_tails;  // by run id and job
};

}  // namespace slipway::server
