// The apply engine.
//
// Design. An apply is: resolve the environment; create missing secrets (they
// are needed before the first service starts, and are never regenerated);
// ask the driver what really runs; plan against the store's applied state
// (plan.h); then apply the plan's entries wave by wave. After each entry
// succeeds its new state is written to the store at once (one small
// transaction): the store is therefore always a true, per-component record of
// what was applied, and a killed slipway leaves at most the entries that were
// in flight unrecorded, which the next plan shows as still to do (and the
// driver's observation shows as drift if it half happened). A retry plans
// again and does only what is left. An entry with action `nothing` never
// reaches the driver, so applying what is applied calls no driver action.
//
// Atomic per component: when the driver fails an entry, the engine asks it
// to roll that entry back to what the store says was applied before, records
// both steps and reports the run as failed; the store keeps the previous
// state for that component. Entries of the same wave already running finish
// (and are recorded), no further entry starts (later waves depend on this
// one). Product version and release bookkeeping belong to the caller
// (release/applier.h), which records them only on success.
//
// Runs left "running" by a killed process are marked failed when the next
// apply of the environment starts (the caller holds the environment's lock,
// so no other apply can be live).
//
// Parallelism. The entries of one wave are independent (plan.h), so they run
// concurrently on up to `ApplyRequest::parallelism` threads; waves still run
// one after another, and removes are one entry per wave (dependants first).
// Driver calls for different targets run at the same time (driver.h allows
// it); the Store is one connection for one thread at a time (store.h), so
// every store call and keep_alive (which renews the lock through the same
// store) happens under one mutex, as do the log files and the result.
#include "deploy/engine.h"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>

namespace slipway::deploy {

namespace fs = std::filesystem;

namespace {

// Marks runs a killed process left behind as failed.
Status close_stale_runs(store::Store& store, const std::string& environment) {
  Result<std::vector<store::ApplyRun>> runs = store.deploys().apply_runs(environment);
  if (!runs) return std::unexpected(runs.error());
  for (const store::ApplyRun& run : *runs) {
    if (run.status != "running") continue;
    if (Status s = store.deploys().add_apply_step(run.id, "", "interrupted", "failed",
                                                  "the process applying it stopped; the next apply continues");
        !s)
      return s;
    if (Status s = store.deploys().finish_apply(run.id, "failed"); !s) return s;
  }
  return {};
}

store::AppliedTarget applied_row(const std::string& environment, const PlanEntry& entry) {
  store::AppliedTarget row;
  row.environment = environment;
  row.target = entry.target;
  row.version = entry.to_version;
  row.digest = entry.digest;
  row.config_digest = entry.config_digest;
  row.config = config_key_digests(entry.config);
  return row;
}

}  // namespace

Result<ApplyResult> apply_environment(store::Store& store, Driver& driver, const MasterKey& key,
                                      const ApplyRequest& request) {
  const model::Workspace& workspace = *request.workspace;
  Result<model::ResolvedEnvironment> env = model::resolve_environment(workspace, request.environment);
  if (!env) return std::unexpected(env.error());
  if (Status s = close_stale_runs(store, env->name); !s) return std::unexpected(s.error());

  // Secrets: generated once, before anything needs them.
  SecretVault vault(store, key);
  if (Result<std::vector<std::string>> made = vault.ensure(env->name, env->secrets, request.actor); !made)
    return std::unexpected(made.error());
  Result<std::map<std::string, std::string>> secrets = vault.values(env->name);
  if (!secrets) return std::unexpected(secrets.error());
  Masker masker;
  for (const auto& [name, value] : *secrets) masker.add(value);

  fs::path log_dir = request.state_dir / "logs" / env->name;
  std::error_code ec;
  fs::create_directories(log_dir, ec);
  std::mutex log_mutex;
  std::map<std::string, std::ofstream> logs;
  DriverContext context{&workspace, &*env, *secrets, request.state_dir,
                        [&](const std::string& target, const std::string& line) {
                          std::string file = target;
                          for (char& c : file)
                            if (c == '/' || c == ':') c = '_';
                          std::lock_guard lock(log_mutex);
                          std::ofstream& out = logs[file];
                          if (!out.is_open()) out.open(log_dir / (file + ".log"), std::ios::app);
                          out << masker.mask(line) << "\n";
                          out.flush();
                        },
                        request.blobs};
  if (std::vector<std::string> problems = driver.check(context); !problems.empty())
    return fail(ErrorCode::invalid_input, std::string(driver.name()) + " driver: " + problems.front());

  // Plan against the store and what the driver sees.
  PlanInput input;
  input.workspace = &workspace;
  input.environment = &*env;
  input.wanted = request.wanted;
  Result<std::vector<store::AppliedTarget>> applied = store.deploys().applied(env->name);
  if (!applied) return std::unexpected(applied.error());
  input.applied = std::move(*applied);
  Result<std::vector<store::SecretRecord>> records = store.deploys().secrets(env->name);
  if (!records) return std::unexpected(records.error());
  for (const store::SecretRecord& r : *records) input.secret_generations[r.name] = r.generation;
  for (const store::AppliedTarget& t : input.applied)
    if (std::optional<Observation> seen = driver.observe(t.target, context)) input.observed[t.target] = *seen;
  Result<Plan> plan = make_plan(input);
  if (!plan) return std::unexpected(plan.error());

  ApplyResult result;
  result.plan = std::move(*plan);
  if (!result.plan.has_changes()) {
    result.succeeded = true;
    result.message = "no changes";
    return result;
  }
  Result<std::int64_t> run = store.deploys().start_apply(env->name, request.actor, request.release);
  if (!run) return std::unexpected(run.error());
  result.run_id = *run;

  auto previous_of = [&](const std::string& target) -> const store::AppliedTarget* {
    for (const store::AppliedTarget& t : input.applied)
      if (t.target == target) return &t;
    return nullptr;
  };

  // Shared by the workers of a wave; everything below is guarded by `mutex`.
  std::mutex mutex;
  std::optional<Error> store_error;  // a store write failed: the apply cannot be trusted to go on
  std::string failure;               // the first entry's failure message
  int changes = 0;
  auto record = [&](const std::string& target, const std::string& action, bool ok, const std::string& message) {
    result.steps.push_back({target, action, ok, message});
    Status s = store.deploys().add_apply_step(*run, target, action, ok ? "succeeded" : "failed", masker.mask(message));
    if (!s && !store_error) store_error = s.error();
  };
  auto stopped = [&] { return store_error.has_value() || !failure.empty(); };

  // One entry: the driver's action (and revert on failure), then its record.
  auto apply_entry = [&](const PlanEntry& entry) {
    {
      std::lock_guard lock(mutex);
      if (stopped()) return;
      if (Status alive = request.keep_alive(); !alive) {
        record(entry.target, plan_action_name(entry.action), false, alive.error().message);
        failure = alive.error().message;
        return;
      }
    }
    Status done = entry.action == PlanAction::remove ? driver.remove(entry, context) : driver.apply(entry, context);
    if (!done) {
      std::string message = masker.mask(done.error().message);
      std::optional<Status> back;
      if (entry.action != PlanAction::remove) back = driver.rollback(entry, previous_of(entry.target), context);
      std::lock_guard lock(mutex);
      record(entry.target, plan_action_name(entry.action), false, message);
      if (back) {
        const store::AppliedTarget* previous = previous_of(entry.target);
        std::string what = *back ? "back to " + (previous ? previous->version : std::string("nothing"))
                                 : masker.mask(back->error().message);
        record(entry.target, "revert", back->has_value(), what);
      }
      if (failure.empty()) failure = message;
      return;
    }
    std::lock_guard lock(mutex);
    Status saved = entry.action == PlanAction::remove ? store.deploys().remove_applied(env->name, entry.target)
                                                      : store.deploys().put_applied(applied_row(env->name, entry));
    if (!saved) {
      if (!store_error) store_error = saved.error();
      return;
    }
    record(entry.target, plan_action_name(entry.action), true, entry.why);
    ++changes;
  };

  unsigned threads = request.parallelism ? request.parallelism : std::max(4u, std::thread::hardware_concurrency());
  for (size_t first = 0; first < result.plan.entries.size() && !stopped();) {
    std::vector<const PlanEntry*> wave;
    size_t next = first;
    for (; next < result.plan.entries.size() && result.plan.entries[next].wave == result.plan.entries[first].wave;
         ++next)
      if (result.plan.entries[next].action != PlanAction::nothing) wave.push_back(&result.plan.entries[next]);
    first = next;
    if (wave.size() <= 1 || threads <= 1) {
      for (const PlanEntry* entry : wave) apply_entry(*entry);
      continue;
    }
    std::atomic<size_t> taken{0};
    std::vector<std::thread> workers;
    for (unsigned i = 0; i < std::min<size_t>(threads, wave.size()); ++i)
      workers.emplace_back([&] {
        for (size_t at = taken++; at < wave.size(); at = taken++) apply_entry(*wave[at]);
      });
    for (std::thread& worker : workers) worker.join();
  }
  if (store_error) return std::unexpected(*store_error);
  if (!failure.empty()) {
    if (Status s = store.deploys().finish_apply(*run, "failed"); !s) return std::unexpected(s.error());
    result.message = failure;
    return result;
  }
  if (Status s = store.deploys().finish_apply(*run, "succeeded"); !s) return std::unexpected(s.error());
  result.succeeded = true;
  result.message = "applied " + std::to_string(changes) + " change" + (changes == 1 ? "" : "s");
  return result;
}

}  // namespace slipway::deploy
