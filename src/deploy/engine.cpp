// The apply engine.
//
// Design. An apply is: resolve the environment; create missing secrets (they
// are needed before the first service starts, and are never regenerated);
// ask the driver what really runs; plan against the store's applied state
// (plan.h); then apply the plan's entries wave by wave. After each entry
// succeeds its new state is written to the store at once (one small
// transaction): the store is therefore always a true, per-component record of
// what was applied, and a killed slipway leaves at most the one entry that was
// in flight unrecorded, which the next plan shows as still to do (and the
// driver's observation shows as drift if it half happened). A retry plans
// again and does only what is left. An entry with action `nothing` never
// reaches the driver, so applying what is applied calls no driver action.
//
// Atomic per component: when the driver fails an entry, the engine asks it
// to roll that entry back to what the store says was applied before, records
// both steps, stops (later waves depend on this one) and reports the run as
// failed; the store keeps the previous state for that component. Product
// version and release bookkeeping belong to the caller (release/applier.h),
// which records them only on success.
//
// Runs left "running" by a killed process are marked failed when the next
// apply of the environment starts (the caller holds the environment's lock,
// so no other apply can be live).
//
// Why waves run sequentially for now: drivers share one log sink and one
// store connection; running a wave's entries on threads needs a Store per
// thread. The plan already groups independent entries, so this is a local
// change when a driver needs it.
#include "deploy/engine.h"

#include <fstream>

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
  std::map<std::string, std::ofstream> logs;
  DriverContext context{&workspace, &*env, *secrets, request.state_dir,
                        [&](const std::string& target, const std::string& line) {
                          std::string file = target;
                          for (char& c : file)
                            if (c == '/' || c == ':') c = '_';
                          std::ofstream& out = logs[file];
                          if (!out.is_open()) out.open(log_dir / (file + ".log"), std::ios::app);
                          out << masker.mask(line) << "\n";
                          out.flush();
                        }};
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
  auto record = [&](const std::string& target, const std::string& action, bool ok, const std::string& message) {
    result.steps.push_back({target, action, ok, message});
    return store.deploys().add_apply_step(*run, target, action, ok ? "succeeded" : "failed", masker.mask(message));
  };

  int changes = 0;
  for (const PlanEntry& entry : result.plan.entries) {
    if (entry.action == PlanAction::nothing) continue;
    if (Status alive = request.keep_alive(); !alive) {
      (void)record(entry.target, plan_action_name(entry.action), false, alive.error().message);
      (void)store.deploys().finish_apply(*run, "failed");
      result.message = alive.error().message;
      return result;
    }
    Status done = entry.action == PlanAction::remove ? driver.remove(entry, context) : driver.apply(entry, context);
    if (!done) {
      std::string message = masker.mask(done.error().message);
      if (Status s = record(entry.target, plan_action_name(entry.action), false, message); !s)
        return std::unexpected(s.error());
      if (entry.action != PlanAction::remove) {
        Status back = driver.rollback(entry, previous_of(entry.target), context);
        std::string what = back ? "back to " + (previous_of(entry.target) ? previous_of(entry.target)->version
                                                                           : std::string("nothing"))
                                : masker.mask(back.error().message);
        if (Status s = record(entry.target, "revert", back.has_value(), what); !s) return std::unexpected(s.error());
      }
      if (Status s = store.deploys().finish_apply(*run, "failed"); !s) return std::unexpected(s.error());
      result.message = message;
      return result;
    }
    Status saved = entry.action == PlanAction::remove ? store.deploys().remove_applied(env->name, entry.target)
                                                      : store.deploys().put_applied(applied_row(env->name, entry));
    if (!saved) return std::unexpected(saved.error());
    if (Status s = record(entry.target, plan_action_name(entry.action), true, entry.why); !s)
      return std::unexpected(s.error());
    ++changes;
  }
  if (Status s = store.deploys().finish_apply(*run, "succeeded"); !s) return std::unexpected(s.error());
  result.succeeded = true;
  result.message = "applied " + std::to_string(changes) + " change" + (changes == 1 ? "" : "s");
  return result;
}

}  // namespace slipway::deploy
