// Pushes: `slipway notify` (a post-receive hook) and `slipway watch` (polling).
//
// A push is handled once however often it is told: its trigger key
// (push:<component>:<ref>:<sha>) is claimed in the same transaction that
// records what handling it did: the run it started (numbered and recorded
// there, or recorded failed when its pipeline cannot be expanded), "" for no
// run, or "batched". A process killed before that transaction leaves the push
// unhandled, so the next notify or watch handles it; one killed after it
// leaves a run that recovery marks failed.
//
// Batching (trigger batch: true): a push to a ref while a run of that ref is
// going starts no run; its sha is kept under the ref's batch key. When the
// run ends, its process builds the ref's newest head once, with every change
// since the commit the run built, as Azure does.
#include <algorithm>

#include "core/clock.h"
#include "core/host.h"
#include "run/triggers.h"
#include "service/run_sources.h"
#include "service/runs.h"
#include "version/git_repo.h"

namespace slipway::service {
namespace {

namespace fs = std::filesystem;

// The trigger key of one push.
std::string push_key(const std::string& component, const std::string& ref, const std::string& sha) {
  return "push:" + component + ":" + ref + ":" + sha;
}

// The ref_heads key of a ref's last handled head.
std::string head_key(const std::string& component, const std::string& ref) { return component + ":" + ref; }

// The ref_heads key naming the newest push a running run held back ("" when none).
std::string batch_key(const std::string& component, const std::string& ref) { return "batched:" + component + ":" + ref; }

constexpr const char* k_batched = "batched";

bool same_folder(const fs::path& a, const fs::path& b) {
  std::error_code ec1, ec2;
  return fs::weakly_canonical(a, ec1) == fs::weakly_canonical(b, ec2) && !ec1 && !ec2;
}

// The id of a run of `pipeline` on `ref` whose slipway process is alive on this host; nullopt when none.
Result<std::optional<std::string>> running_run_of(store::RunStore& runs, const std::string& pipeline,
                                                  const std::string& ref) {
  Result<std::vector<store::StoredRun>> running = runs.running_runs();
  if (!running) return std::unexpected(running.error());
  for (const store::StoredRun& run : *running)
    if (run.pipeline == pipeline && run.branch == ref && run.owner_host == host_name() && process_alive(run.owner_pid))
      return std::optional<std::string>(run.id);
  return std::optional<std::string>();
}

// Checks the pipeline's triggers and asks its `trigger:` about the push.
Result<run::TriggerDecision> decide(const yaml::Node& root, const Push& push, const std::vector<std::string>& paths,
                                    PushOutcome& out) {
  if (Status s = run::check_triggers(root.get("trigger"), root.get("pr")); !s) return std::unexpected(s.error());
  if (root.get("pr"))
    out.notes.push_back(out.component + ": 'pr:' is not used: slipway starts runs for pushes, not pull requests");
  return run::evaluate_trigger(root.get("trigger"), run::PushEvent{push.ref, paths});
}

PushOutcome outcome_for(const std::string& component, const Push& push, bool batched_head) {
  PushOutcome out;
  out.component = component;
  out.ref = push.ref;
  out.sha = push.sha;
  out.batched_head = batched_head;
  return out;
}

PushOutcome no_run(PushOutcome out, std::string reason, std::vector<std::string> changed_paths) {
  out.handling = PushHandling::no_run;
  out.reason = std::move(reason);
  out.changed_paths = std::move(changed_paths);
  return out;
}

PushOutcome batched(PushOutcome out, std::string running_run) {
  out.handling = PushHandling::batched;
  out.reason = std::move(running_run);
  return out;
}

// A run that never ran: its pipeline could not be read.
run::RunRecord failed_record(const RunSource& source, const Error& error) {
  run::RunRecord record = initial_record(source, "");
  record.state = run::RunState::finished;
  record.result = run::TaskResult::failed;
  record.reason = error.to_string();
  record.finish_ms = record.start_ms;
  return record;
}

}  // namespace

// What one transaction records for a push (record_handling).
struct RunService::Handling {
  std::string component;
  std::string ref;
  std::string sha;
  std::string outcome;        // the trigger key's value when no run starts: "" or "batched"
  bool batched_head = false;  // built after a batched run: its key was handled (held back) before
  bool hold_back = false;     // batched: the newest head, built when the running run ends
};

Status RunService::handle_push(const Push& push, const RunSettings& settings, const PushReport& report) {
  Result<const model::Workspace*> ws = need_workspace("notify");
  if (!ws) return std::unexpected(ws.error());
  for (const model::Component& component : (*ws)->components) {
    // A repo given as a file:// URL is also the folder its own hooks run in.
    bool own_folder = component.repo.starts_with("file://") && same_folder(component.repo.substr(7), push.repo);
    if (!own_folder && !same_folder(repository_of(component), push.repo)) continue;
    if (Status s = permit_run("run " + component.name); !s) return s;
    report_pushes(component, push, settings, report);
    return {};
  }
  return fail(ErrorCode::not_found, "no component of the workspace has its repo at " + push.repo.string());
}

fs::path RunService::repository_of(const model::Component& component) const {
  if (component.repo_is_url) return mirrors().mirror_path(component.repo);
  return workspace()->repo_location(component);
}

Status RunService::watch_once(const RunSettings& settings, const PushReport& report) {
  if (Status s = permit_run("run the workspace's components"); !s) return s;
  version::MirrorCache mirrors(state_root() / "mirrors");
  for (const model::Component& component : workspace()->components) {
    fs::path repo = workspace()->repo_location(component);
    if (component.repo_is_url) {  // its branches as its mirror has them after one fetch
      Result<version::ResolvedRef> fetched = mirrors.resolve(component.repo, "HEAD", true);
      if (!fetched) {
        report(fail(fetched.error().code, "component '" + component.name + "': " + fetched.error().message));
        continue;
      }
      repo = fetched->mirror;
    }
    Result<version::GitRepository> git = version::GitRepository::open(repo);
    if (!git) continue;  // not a git repository (yet)
    Result<std::vector<version::GitRef>> heads = git->local_branches();
    if (!heads) {
      report(std::unexpected(heads.error()));
      continue;
    }
    for (const version::GitRef& head : *heads)
      report_pushes(component, Push{repo, "refs/heads/" + head.name, head.commit, ""}, settings, report);
  }
  return {};
}

// The push, then each head its run held back, until none is left.
void RunService::report_pushes(const model::Component& component, const Push& push, const RunSettings& settings,
                               const PushReport& report) {
  Result<PushOutcome> outcome = push_once(component, push, false, settings);
  report(outcome);
  while (outcome && outcome->run) {
    Result<std::optional<Push>> held = take_batched_head(component, push.ref, outcome->run->record.commit);
    if (!held || !*held) {
      if (!held) report(std::unexpected(held.error()));
      return;
    }
    outcome = push_once(component, **held, true, settings);
    report(outcome);
  }
}

Result<PushOutcome> RunService::push_once(const model::Component& component, const Push& push, bool batched_head,
                                          const RunSettings& settings) {
  fresh_mirrors();
  PushOutcome out = outcome_for(component.name, push, batched_head);
  if (!batched_head) {
    Result<std::optional<std::string>> seen = store().runs().trigger_run(push_key(component.name, push.ref, push.sha));
    if (!seen) return std::unexpected(seen.error());
    if (*seen) return already_handled(std::move(out));
  }
  Result<std::vector<std::string>> paths = changed_paths(component, push, batched_head);
  if (!paths) return std::unexpected(paths.error());
  Handling handling{component.name, push.ref, push.sha, "", batched_head, false};
  Result<RunSource> source = component_source(*workspace(), component, push.ref, push.sha, &mirrors());
  if (!source) return std::unexpected(source.error());
  Result<pipeline::ExpandedPipeline> expanded = expand(*source, {});
  Result<run::TriggerDecision> decision =
      expanded ? decide(expanded->root, push, *paths, out) : std::unexpected(expanded.error());
  if (!decision) return start_failed(std::move(out), handling, *source, decision.error());
  if (!decision->run) return record_outcome(no_run(std::move(out), decision->reason, std::move(*paths)), handling);
  if (decision->batch) {
    Result<std::optional<std::string>> running = running_run_of(store().runs(), source->pipeline, push.ref);
    if (!running) return std::unexpected(running.error());
    if (*running) {
      handling.outcome = k_batched;
      handling.hold_back = true;
      return record_outcome(batched(std::move(out), **running), handling);
    }
  }
  Result<run::PipelineSpec> spec = read_spec(expanded->root);
  if (!spec) return start_failed(std::move(out), handling, *source, spec.error());
  return start_pushed(std::move(out), handling, PreparedRun{std::move(*source), std::move(*spec), {}, {}, std::move(expanded->warnings)}, settings);
}

// The paths a push changed (for `trigger: paths:`): the diff from the hook's
// old sha, else from the ref's head the last handled push left, else from
// the commit's first parent; a new ref's all-zero old sha counts as none.
Result<std::vector<std::string>> RunService::changed_paths(const model::Component& component, const Push& push,
                                                           bool batched_head) {
  const fs::path repo = repository_of(component);
  if (component.repo_is_url) {  // the pushed commit in the mirror first
    Result<version::ResolvedRef> fetched = mirrors().resolve(component.repo, push.sha, true);
    if (!fetched) return fail(fetched.error().code, "component '" + component.name + "': " + fetched.error().message);
  }
  Result<version::GitRepository> git = version::GitRepository::open(repo);
  if (!git) return std::unexpected(git.error());
  std::string before = push.before;
  bool may_fall_back = batched_head;  // a head that is gone since (force push, gc): diff against the parent
  if (before.empty()) {
    Result<std::optional<std::string>> head = store().runs().ref_head(head_key(component.name, push.ref));
    if (!head) return std::unexpected(head.error());
    if (*head) before = **head, may_fall_back = true;
  }
  if (before.find_first_not_of('0') == std::string::npos || before == push.sha) before.clear();
  Result<std::vector<std::string>> changed = git->changed_paths(before, push.sha);
  if (!changed && may_fall_back) changed = git->changed_paths("", push.sha);
  if (!changed)
    return fail(changed.error().code, component.name + ": " + changed.error().message + " in " + repo.string());
  return changed;
}

Result<PushOutcome> RunService::already_handled(PushOutcome out) {
  Result<std::optional<std::string>> run = store().runs().trigger_run(push_key(out.component, out.ref, out.sha));
  if (!run) return std::unexpected(run.error());
  const std::string first = run->value_or("");
  out.handling = PushHandling::already_handled;
  out.reason = first.empty() ? "no run" : first == k_batched ? k_batched : "run " + first;
  return out;
}

Result<PushOutcome> RunService::record_outcome(PushOutcome out, const Handling& handling) {
  Result<std::optional<std::string>> recorded = record_handling(handling, std::nullopt);
  if (!recorded) return std::unexpected(recorded.error());
  if (!*recorded) return already_handled(std::move(out));
  return out;
}

Result<PushOutcome> RunService::start_failed(PushOutcome out, const Handling& handling, const RunSource& source,
                                             const Error& error) {
  run::RunRecord failed = failed_record(source, error);
  Result<std::optional<std::string>> recorded = record_handling(handling, failed);
  if (!recorded) return std::unexpected(recorded.error());
  if (!*recorded) return already_handled(std::move(out));
  failed.id = **recorded;
  out.run = RunOutcome{std::move(failed), std::nullopt, std::nullopt};
  return out;
}

Result<PushOutcome> RunService::start_pushed(PushOutcome out, const Handling& handling, const PreparedRun& prepared,
                                             const RunSettings& settings) {
  Result<std::optional<std::string>> recorded = record_handling(handling, initial_record(prepared.source, ""));
  if (!recorded) return std::unexpected(recorded.error());
  if (!*recorded) return already_handled(std::move(out));
  Result<RunOutcome> run = execute(prepared, **recorded, settings);
  if (!run) return std::unexpected(run.error());
  out.run = std::move(*run);
  return out;
}

// Claims the push's key and records its handling (and `run`, numbered) at
// once; nullopt when the key was claimed first by someone else. Returns what
// the key records: the run's id, "" or "batched".
Result<std::optional<std::string>> RunService::record_handling(const Handling& handling,
                                                               const std::optional<run::RunRecord>& run) {
  const std::int64_t now = to_epoch_ms(m_config.clock->now());
  return store().transaction([&]() -> Result<std::optional<std::string>> {
    store::RunStore& runs = store().runs();
    const std::string key = push_key(handling.component, handling.ref, handling.sha);
    Result<bool> first = runs.claim_trigger(key, now);
    if (!first) return std::unexpected(first.error());
    if (!*first && !handling.batched_head) return std::optional<std::string>();
    std::string outcome = handling.outcome;
    if (run) {
      Result<std::string> id = add_run(*run);
      if (!id) return std::unexpected(id.error());
      outcome = *id;
    }
    if (Status s = runs.set_trigger_run(key, outcome); !s) return std::unexpected(s.error());
    const std::string ref_head = handling.batched_head ? "" : head_key(handling.component, handling.ref);
    if (!ref_head.empty())
      if (Status s = runs.set_ref_head(ref_head, handling.sha, now); !s) return std::unexpected(s.error());
    if (handling.batched_head || handling.hold_back)
      if (Status s = runs.set_ref_head(batch_key(handling.component, handling.ref), handling.hold_back ? handling.sha : "", now); !s)
        return std::unexpected(s.error());
    return std::optional<std::string>(outcome);
  });
}

// After a run of `ref` that built `built`: the ref's newest head when a push
// was held back while it ran and that head is another commit; nullopt otherwise.
Result<std::optional<Push>> RunService::take_batched_head(const model::Component& component, const std::string& ref,
                                                          const std::string& built) {
  store::RunStore& runs = store().runs();
  Result<std::optional<std::string>> held = runs.ref_head(batch_key(component.name, ref));
  if (!held) return std::unexpected(held.error());
  if (!*held || (*held)->empty()) return std::optional<Push>();
  Result<std::optional<std::string>> newest = runs.ref_head(head_key(component.name, ref));
  if (!newest) return std::unexpected(newest.error());
  if (*newest && **newest != built)
    return std::optional<Push>(Push{workspace()->repo_location(component), ref, **newest, built});
  if (Status s = runs.set_ref_head(batch_key(component.name, ref), "", to_epoch_ms(m_config.clock->now())); !s)
    return std::unexpected(s.error());
  return std::optional<Push>();
}

}  // namespace slipway::service
