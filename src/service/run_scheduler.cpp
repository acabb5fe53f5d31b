#include "service/run_scheduler.h"

#include <algorithm>

#include "run/job.h"

namespace slipway::service {
namespace {

// One line of what a push did, as `slipway notify` says it.
std::string describe(const PushOutcome& out) {
  const std::string head = out.component + " " + out.ref + " " + out.sha.substr(0, 12) + ": ";
  switch (out.handling) {
    case PushHandling::started:
      return head + (out.run ? "run " + out.run->record.id + " " + run::result_name(out.run->record.result) : "run");
    case PushHandling::no_run: return head + "no run (" + out.reason + ")";
    case PushHandling::batched: return head + "batched behind run " + out.reason;
    case PushHandling::already_handled: return head + "already handled (" + out.reason + ")";
  }
  return head;
}

}  // namespace

RunScheduler::RunScheduler(Config config, int slots, int agents, Say say)
    : m_config(std::move(config)), m_agents(agents), m_say(std::move(say)) {
  for (int i = 0; i < std::max(slots, 1); ++i) m_slots.emplace_back([this] { work(); });
}

RunScheduler::~RunScheduler() { stop(); }

void RunScheduler::submit(Push push, std::string actor) {
  submit_job(
      [this, push = std::move(push)](RunService& runs, RunSettings& settings) {
        Status handled = runs.handle_push(push, settings, [this](const Result<PushOutcome>& outcome) {
          say(outcome ? describe(*outcome) : outcome.error().to_string());
        });
        if (!handled) say(push.ref + ": " + handled.error().to_string());
      },
      std::move(actor));
}

bool RunScheduler::submit_job(Job job, std::string actor) {
  {
    std::lock_guard lock(m_mutex);
    if (m_stopping) return false;
    m_queue.push_back({std::move(job), std::move(actor)});
  }
  m_wake.notify_one();
  return true;
}

void RunScheduler::watch_every(Millis interval, std::string actor) {
  m_watcher = std::thread([this, interval, actor = std::move(actor)] {
    for (;;) {
      if (!m_watch_pending.exchange(true)) {
        const bool queued = submit_job(
            [this](RunService& runs, RunSettings& settings) {
              Status watched = runs.watch_once(settings, [this](const Result<PushOutcome>& outcome) {
                if (!outcome) return say(outcome.error().to_string());
                if (outcome->handling != PushHandling::already_handled) say(describe(*outcome));
              });
              if (!watched) say("watch: " + watched.error().to_string());
              m_watch_pending = false;
            },
            actor);
        if (!queued) return;
      }
      std::unique_lock lock(m_mutex);
      if (m_watch_wake.wait_for(lock, interval, [this] { return m_stopping; })) return;
    }
  });
}

void RunScheduler::stop() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
    m_queue.clear();
  }
  m_wake.notify_all();
  m_watch_wake.notify_all();
  if (m_watcher.joinable()) m_watcher.join();
  for (std::thread& slot : m_slots)
    if (slot.joinable()) slot.join();
}

void RunScheduler::work() {
  for (;;) {
    Item item;
    {
      std::unique_lock lock(m_mutex);
      m_wake.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
      if (m_stopping) return;
      item = std::move(m_queue.front());
      m_queue.pop_front();
    }
    handle(item);
  }
}

void RunScheduler::handle(const Item& item) {
  Config as = m_config;
  as.actor = item.actor;
  Result<std::unique_ptr<RunService>> runs = RunService::open(as);
  if (!runs) return say(runs.error().to_string());
  RunSettings settings;
  settings.agents = m_agents;
  settings.listener.warning = [this](const std::string& text) { say(text); };
  item.job(**runs, settings);
}

void RunScheduler::say(const std::string& line) {
  if (!m_say) return;
  std::lock_guard lock(m_say_mutex);
  m_say(line);
}

}  // namespace slipway::service
