#include "server/log_hub.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <thread>
#include <utility>
#include <vector>

#include "service/feed.h"

namespace slipway::server {

struct LogHub::Tail {
  std::mutex mutex;
  std::condition_variable changed;
  Lines lines;  // all read so far; only appended to
  bool done = false;
  Result<std::string> result = std::string();
  int followers = 0;
  std::atomic<bool> wanted{true};  // false: the reader stops at its next poll
  std::thread reader;
};

LogHub::LogHub(service::Config config) : m_config(std::move(config)) {}

LogHub::~LogHub() {
  std::map<std::string, std::shared_ptr<Tail>> tails;
  {
    std::lock_guard lock(m_mutex);
    tails.swap(m_tails);
  }
  for (auto& [key, tail] : tails) {
    tail->wanted = false;
    if (tail->reader.joinable()) tail->reader.join();
  }
}

std::shared_ptr<LogHub::Tail> LogHub::join(const std::string& id, const std::string& job) {
  std::lock_guard lock(m_mutex);
  std::shared_ptr<Tail>& tail = m_tails[id + "\n" + job];
  if (!tail) {
    tail = std::make_shared<Tail>();
    tail->reader = std::thread([tail = tail.get(), config = m_config, id, job] {
      Result<std::string> result = [&]() -> Result<std::string> {
        Result<std::unique_ptr<service::Feed>> feed = service::Feed::open(config);
        if (!feed) return std::unexpected(feed.error());
        return (*feed)->follow_logs(
            id, job,
            [&](const std::string& from_job, std::string_view text) {
              std::lock_guard guard(tail->mutex);
              tail->lines.emplace_back(from_job, std::string(text));
              tail->changed.notify_all();
            },
            [&] { return tail->wanted.load(); });
      }();
      std::lock_guard guard(tail->mutex);
      tail->result = std::move(result);
      tail->done = true;
      tail->changed.notify_all();
    });
  }
  std::lock_guard guard(tail->mutex);
  ++tail->followers;
  return tail;
}

void LogHub::leave(const std::string& key, const std::shared_ptr<Tail>& tail) {
  {
    std::lock_guard lock(m_mutex);
    std::lock_guard guard(tail->mutex);
    if (--tail->followers > 0) return;
    auto found = m_tails.find(key);
    if (found != m_tails.end() && found->second == tail) m_tails.erase(found);
  }
  tail->wanted = false;  // the last one out stops the reader
  if (tail->reader.joinable()) tail->reader.join();
}

Result<std::string> LogHub::follow(const std::string& id, const std::string& job, const Batch& batch,
                                   const std::function<bool()>& keep_going) {
  std::shared_ptr<Tail> tail = join(id, job);
  std::size_t next = 0;
  bool left = false;
  std::unique_lock lock(tail->mutex);
  for (;;) {
    if (const std::size_t to = tail->lines.size(); next < to) {
      // Copied out, then handed on outside the lock: a slow client holds no one up.
      Lines copy(tail->lines.begin() + static_cast<std::ptrdiff_t>(next),
                 tail->lines.begin() + static_cast<std::ptrdiff_t>(to));
      lock.unlock();
      batch(copy);
      next = to;
      lock.lock();
    }
    if (next < tail->lines.size()) continue;  // more came while the batch was handed on
    if (tail->done) break;
    lock.unlock();
    left = !keep_going();
    lock.lock();
    if (left) break;
    tail->changed.wait_for(lock, std::chrono::milliseconds(200),
                           [&] { return tail->done || next < tail->lines.size(); });
  }
  Result<std::string> result = left ? fail(ErrorCode::io, "the reader of run " + id + "'s log left") : tail->result;
  lock.unlock();
  leave(id + "\n" + job, tail);
  return result;
}

}  // namespace slipway::server
