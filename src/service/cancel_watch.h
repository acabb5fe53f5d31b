// Watches for the cancel of one run while this process runs it: a
// SIGINT/SIGTERM to this process (core/interrupt.h, while the front-end holds
// an InterruptGuard), or a cancel request in the store (`slipway run cancel`
// from any process, later any host). Either sets the flag the scheduler
// polls (run::RunOptions::cancel) and says why (RunOptions::cancel_reason).
//
// The store is polled on a connection of the watch's own thread: the run's
// own store connection belongs to its recorder while the run goes.
//
// Thread-safety: flag() and reason() may be read from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace slipway::service {

class CancelWatch {
 public:
  // Starts watching run `run_id` of the store at `store_location`.
  CancelWatch(std::string store_location, std::string run_id);
  ~CancelWatch();  // stops watching
  CancelWatch(const CancelWatch&) = delete;
  CancelWatch& operator=(const CancelWatch&) = delete;

  const std::atomic<bool>* flag() const { return &m_canceled; }
  // "canceled by alice" for a request, "canceled" for a signal.
  std::string reason() const;

 private:
  void watch();
  void cancel(std::string reason);

  std::string m_store_location;
  std::string m_run_id;
  std::atomic<bool> m_canceled{false};
  mutable std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stopping = false;
  std::string m_reason;
  std::thread m_thread;
};

}  // namespace slipway::service
