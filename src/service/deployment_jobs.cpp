// Azure deployment jobs on slipway's environments: a `deployment` job whose
// `environment:` names an environment of the workspace waits for that
// environment's gates (approvals by role, freeze windows), holds its lock
// while it runs, and is recorded in the environment's history.
//
// Its approvals are asked for the subject "run-<run>.<job id>" (what
// `slipway approve` takes in place of a release), with the run's actor as
// the requester; the job's reason says what it waits for. The gate runs in
// the job's slot, on a store connection of its own (a Store is one thread's).
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "core/strings.h"
#include "release/gates.h"
#include "service/runs.h"
#include "service/service.h"

namespace slipway::service {

namespace {

using namespace std::chrono_literals;

std::string env_resource(const std::string& environment) { return "env:" + environment; }

// The environment's lock while the job runs: renewed every 10 s on the
// gate's own store connection (the job's thread does not touch it meanwhile),
// so a holder that died is known within the lease wherever it ran.
class HeldLock {
 public:
  static constexpr Millis k_lease{30000};

  HeldLock(std::shared_ptr<store::Store> db, store::Lease lease) : m_db(std::move(db)), m_lease(std::move(lease)) {
    m_renewer = std::thread([this] {
      std::unique_lock lock(m_mutex);
      while (!m_wake.wait_for(lock, 10s, [this] { return m_stop; }))
        if (Result<store::Lease> renewed = m_db->locks().heartbeat(m_lease, k_lease)) m_lease = *renewed;
    });
  }
  ~HeldLock() {
    {
      std::lock_guard lock(m_mutex);
      m_stop = true;
    }
    m_wake.notify_all();
    m_renewer.join();
    (void)m_db->locks().release(m_lease);
  }
  HeldLock(const HeldLock&) = delete;
  HeldLock& operator=(const HeldLock&) = delete;

 private:
  std::shared_ptr<store::Store> m_db;
  store::Lease m_lease;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stop = false;
  std::thread m_renewer;
};

}  // namespace

std::string deployment_subject(const std::string& run_id, const std::string& job_id) {
  return "run-" + run_id + "." + job_id;
}

Result<std::vector<store::ApprovalRecord>> deployment_approvals(store::Store& store, const std::string& subject,
                                                               const std::string& environment) {
  store::EventFilter filter{.subject = env_resource(environment), .kind = "deployment.approved"};
  Result<std::vector<store::Event>> events = store.events().list(filter);
  if (!events) return std::unexpected(events.error());
  std::vector<store::ApprovalRecord> out;
  for (const store::Event& event : *events)
    if (event.detail.value("approval", "") == subject) out.push_back({subject, environment, event.actor, event.time});
  return out;
}

Status check_deployment_environments(const run::PipelineSpec& spec, const model::Workspace* workspace,
                                     const std::string& actor) {
  for (const run::StageSpec& stage : spec.stages)
    for (const run::JobSpec& job : stage.jobs) {
      if (!job.deployment) continue;
      if (job.environment.empty())
        return fail(ErrorCode::invalid_input, "deployment job '" + job.name + "' needs an environment", job.where);
      if (!workspace || !workspace->environment(job.environment))
        return fail(ErrorCode::not_found,
                    "deployment job '" + job.name + "': environment '" + job.environment +
                        "' is not an environment of the workspace" + (workspace ? "" : " (there is no workspace)"),
                    job.where);
      if (actor.empty())  // its approvals and history name who deploys
        return fail(ErrorCode::invalid_input,
                    "deployment job '" + job.name + "' deploys to '" + job.environment +
                        "': it needs an identity (--as NAME or SLIPWAY_USER)",
                    job.where);
    }
  return {};
}

Result<run::RunOptions::Finish> RunService::open_deployment(const run::JobMessage& job, const std::atomic<bool>& cancel,
                                                            const std::function<void(const std::string&)>& waiting) {
  const model::Environment* env = workspace() ? workspace()->environment(job.environment) : nullptr;
  if (!env) return fail(ErrorCode::not_found, "environment '" + job.environment + "' is not an environment of the workspace");
  Result<std::unique_ptr<store::Store>> own = store().open_another(*m_config.clock);
  if (!own) return std::unexpected(own.error());
  std::shared_ptr<store::Store> db = std::move(*own);
  const std::string subject = deployment_subject(job.run_id, job.id);
  const std::string actor = m_config.actor;
  const nlohmann::json detail = {{"run", job.run_id}, {"job", job.id}, {"approval", subject}};
  Result<std::int64_t> asked = db->events().append({actor, "deployment.requested", env_resource(env->name), detail});
  if (!asked) return std::unexpected(asked.error());

  // The gates, asked again every second until they pass (an approval given
  // from another process counts), then the lock, then the gates once more
  // under it (a freeze may have begun, an approval expired, while it waited).
  std::string said;
  auto wait = [&](const std::string& why) -> Status {
    if (why != said) waiting(said = why);
    if (cancel.load()) return fail(ErrorCode::io, "canceled while " + why);
    std::this_thread::sleep_for(1s);
    return {};
  };
  auto missing = [&]() -> Result<std::string> {
    Result<std::vector<store::ApprovalRecord>> approvals = deployment_approvals(*db, subject, env->name);
    if (!approvals) return std::unexpected(approvals.error());
    release::GateFacts facts{subject, actor, actor, false, {}, std::move(*approvals), m_config.clock->now()};
    Result<release::GateDecision> gates = release::check_gates(*workspace(), *env, facts);
    if (!gates) return std::unexpected(gates.error());
    if (gates->allowed()) return std::string();
    return "waiting for " + join(gates->missing, "; ") + " (slipway approve " + subject + " --env " + env->name + ")";
  };
  std::optional<store::Lease> lease;
  while (!lease) {
    Result<std::string> gates = missing();
    if (!gates) return std::unexpected(gates.error());
    if (!gates->empty()) {
      if (Status s = wait(*gates); !s) return std::unexpected(s.error());
      continue;
    }
    Result<store::LockAttempt> taken = db->locks().try_acquire(
        env_resource(env->name), {"deployment job " + job.id + " of run " + job.run_id, actor}, HeldLock::k_lease);
    if (!taken) return std::unexpected(taken.error());
    if (!taken->acquired) {
      if (Status s = wait("waiting for " + env_resource(env->name) + ", held by " + store::describe_holder(taken->lease)); !s)
        return std::unexpected(s.error());
      continue;
    }
    lease = taken->lease;
    Result<std::string> again = missing();
    if (!again || !again->empty()) {  // the gates closed while it waited for the lock
      (void)db->locks().release(*lease);
      if (!again) return std::unexpected(again.error());
      lease.reset();
    }
  }
  waiting("");
  const auto started = m_config.clock->now();
  Result<std::int64_t> began = db->events().append({actor, "deployment.started", env_resource(env->name), detail});
  if (!began) {
    (void)db->locks().release(*lease);
    return std::unexpected(began.error());
  }
  // From here the renewer alone uses the connection, until Finish stops it.
  auto lock = std::make_shared<HeldLock>(db, *lease);
  return run::RunOptions::Finish([db, lock, actor, detail, env_name = env->name, started,
                                  clock = m_config.clock](run::TaskResult result) mutable {
    lock.reset();  // the renewer stops before this thread uses the connection
    nlohmann::json done = detail;
    done["result"] = run::result_name(result);
    done["seconds"] = std::chrono::duration_cast<std::chrono::seconds>(clock->now() - started).count();
    (void)db->events().append({actor, "deployment.finished", env_resource(env_name), done});
  });
}

}  // namespace slipway::service
