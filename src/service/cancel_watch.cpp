#include "service/cancel_watch.h"

#include <chrono>
#include <memory>

#include "core/interrupt.h"
#include "store/store.h"

namespace slipway::service {
namespace {

// A signal is seen within this; the store is asked every k_store_polls of these.
constexpr std::chrono::milliseconds k_poll{50};
constexpr int k_store_polls = 4;

}  // namespace

CancelWatch::CancelWatch(std::string store_location, std::string run_id)
    : m_store_location(std::move(store_location)), m_run_id(std::move(run_id)) {
  m_thread = std::thread([this] { watch(); });
}

CancelWatch::~CancelWatch() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_wake.notify_all();
  m_thread.join();
}

std::string CancelWatch::reason() const {
  std::lock_guard lock(m_mutex);
  return m_reason;
}

void CancelWatch::cancel(std::string reason) {
  {
    std::lock_guard lock(m_mutex);
    m_reason = std::move(reason);
  }
  m_canceled = true;
}

void CancelWatch::watch() {
  // Without a store of its own the watch still sees signals.
  Result<std::unique_ptr<store::Store>> store = store::open_store(m_store_location);
  std::unique_lock lock(m_mutex);
  for (int poll = 0; !m_stopping; ++poll) {
    m_wake.wait_for(lock, k_poll);
    if (m_stopping || m_canceled) continue;
    lock.unlock();
    if (interrupt_requested()) {
      cancel("canceled");
    } else if (store && poll % k_store_polls == 0) {
      Result<std::optional<store::CancelRequest>> request = (*store)->runs().cancel_request(m_run_id);
      if (request && *request)
        cancel((*request)->actor.empty() ? "canceled on request" : "canceled by " + (*request)->actor);
    }
    lock.lock();
  }
}

}  // namespace slipway::service
