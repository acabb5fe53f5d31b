// Run commands: `slipway run COMPONENT|--file PATH` runs a pipeline here and
// now; `slipway runs` lists recorded runs; `slipway logs RUN` prints a run's
// step logs. Ctrl-C (SIGINT/SIGTERM) during a run cancels it: every running
// step's process group is stopped, always() steps run, the run is canceled.
#include <signal.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <thread>

#include "cli/app.h"
#include "cli/print.h"
#include "core/clock.h"
#include "core/host.h"
#include "core/json_text.h"
#include "core/process.h"
#include "core/process_marks.h"
#include "core/strings.h"
#include "model/workspace.h"
#include "pipeline/pipeline.h"
#include "run/artifacts.h"
#include "run/builtin_tasks.h"
#include "run/run_files.h"
#include "run/scheduler.h"
#include "run/store_recorder.h"
#include "run/step_isolation.h"
#include "run/step_logs.h"
#include "run/triggers.h"
#include "store/store.h"
#include "version/git_repo.h"
#include "version/pipeline_step.h"

namespace slipway::cli {

namespace {

// The workspace's variable groups for the run module, each secret read from
// the environment variable it names (a group with a secret not set carries
// the problem, reported only when a pipeline uses the group). None when no
// workspace loads: a `--file` run outside a workspace knows no groups.
run::VariableGroups workspace_variable_groups(const GlobalOptions& options) {
  run::VariableGroups groups;
  Result<model::Workspace> workspace = model::load_workspace(options.workspace);
  if (!workspace) return groups;
  for (const model::VariableGroup& group : workspace->variable_groups) {
    run::VariableGroupSpec spec{group.name, group.values, {}, {}};
    for (const auto& [name, variable] : group.secrets) {
      const char* value = std::getenv(variable.c_str());
      if (value) spec.secrets.emplace_back(name, value);
      else if (spec.problem.empty())
        spec.problem = "secret '" + name + "' of variable group '" + group.name + "' reads environment variable " +
                       variable + ", which is not set";
    }
    groups.push_back(std::move(spec));
  }
  return groups;
}

namespace fs = std::filesystem;

std::atomic<bool> g_cancel{false};

extern "C" void on_cancel_signal(int) { g_cancel.store(true); }

struct RunArgs {
  std::string as;
  std::string component;
  std::string file;
  std::string branch = "main";
  std::string commit;
  int agents = 0;
  bool follow = false;
  std::vector<std::string> templates;
  // Set by notify/watch: the push event; the run starts only when the pipeline's
  // trigger matches, and the run's id is recorded for trigger_key.
  std::string trigger_ref;
  std::string trigger_key;
  std::vector<std::string> trigger_paths;  // the push's changed paths (empty: unknown)
};

fs::path state_dir(const GlobalOptions& options) { return fs::path(state_path(options)).parent_path(); }

Result<std::unique_ptr<store::Store>> open_state(const GlobalOptions& options) {
  return store::open_store(state_path(options));
}

// The JSON document of a recorded run; not_found "no run ID".
Result<nlohmann::json> load_run(const GlobalOptions& options, const std::string& id) {
  Result<std::unique_ptr<store::Store>> store = open_state(options);
  if (!store) return std::unexpected(store.error());
  return run::load_run_document((*store)->runs(), id);
}

// Prints live lines with --follow, and passes everything on.
class FollowRecorder final : public run::RunRecorder {
 public:
  FollowRecorder(run::RunRecorder& inner, bool follow) : m_inner(inner), m_follow(follow) {}
  Status save(const run::RunRecord& run) override { return m_inner.save(run); }
  void log(const std::string& run_id, const std::string& job_id, int step, std::int64_t at_ms,
           std::string_view line) override {
    m_inner.log(run_id, job_id, step, at_ms, line);
    if (!m_follow) return;
    std::lock_guard lock(m_mutex);
    std::cout << "[" << job_id << "] " << line << "\n";
  }
  Status add_artifact(const run::ArtifactRecord& a) override { return m_inner.add_artifact(a); }
  void step_finished(const std::string& run_id, const std::string& job_id, int step) override {
    m_inner.step_finished(run_id, job_id, step);
  }
  Result<std::vector<run::ArtifactRecord>> artifacts(const std::string& id) override { return m_inner.artifacts(id); }

 private:
  run::RunRecorder& m_inner;
  bool m_follow;
  std::mutex m_mutex;
};

std::optional<fs::path> git_root(fs::path dir) {
  std::error_code ec;
  dir = fs::absolute(dir, ec);
  for (; !dir.empty(); dir = dir.parent_path()) {
    if (fs::exists(dir / ".git", ec)) return dir;
    if (dir == dir.parent_path()) break;
  }
  return std::nullopt;
}

// The workspace component whose pipeline file is `file`; "" when none (or no workspace).
std::string component_owning(const fs::path& file, const GlobalOptions& options) {
  Result<model::Workspace> workspace = model::load_workspace(options.workspace);
  if (!workspace) return "";
  std::error_code ec;
  for (const model::Component& c : workspace->components)
    if (!c.repo_is_url && fs::weakly_canonical(fs::path(workspace->repo_location(c)) / c.pipeline, ec) == file) return c.name;
  return "";
}

// A pipeline file of no component is named by its stem ("ci.yml" → "ci"), or
// by its repository's folder when the stem is the generic "azure-pipelines".
std::string file_pipeline_name(const fs::path& file, const fs::path& repo) {
  std::string stem = file.stem().string();
  if (stem.starts_with(".")) stem.erase(0, 1);
  if (iequals(stem, "azure-pipelines") || stem.empty()) return repo.filename().string();
  return stem;
}

// The commit HEAD names in `repo`; "" when it is not a git repo or has no commit.
std::string git_head(const fs::path& repo) {
  Result<version::GitRepository> git = version::GitRepository::open(repo);
  if (!git) return "";
  Result<std::string> head = git->head_commit();
  return head ? *head : std::string();
}

std::string duration_text(std::int64_t start, std::int64_t finish) {
  if (start == 0 || finish == 0) return "";
  std::int64_t ms = finish - start;
  return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + "s";
}

// The version a successful build of a component stands for, recorded; the
// auto environments tracking its branch follow. Lines go to stderr under
// --json (stdout is the run's JSON then).
Status record_component_build(const GlobalOptions& options, const RunArgs& args, const run::RunRecord& record) {
  std::ostream& out = options.json ? std::cerr : std::cout;
  Result<std::unique_ptr<service::Service>> service = open_service(options, args.as);
  if (!service) return std::unexpected(service.error());
  Result<service::BuildOutcome> built = (*service)->build_succeeded(args.component, record);
  if (!built) return std::unexpected(built.error());
  for (const std::string& note : built->notes) out << note << "\n";
  Status result;
  for (const release::ApplyRecord& r : built->applies)
    if (Status s = print_apply(r, out); !s && result) result = s;
  return result;
}

// Numbers the run, runs it with Ctrl-C wired to cancel, prints the result.
int execute_run(const run::PipelineSpec& spec, run::RunOptions run_options, const RunArgs& args,
                const GlobalOptions& options) {
  Result<std::unique_ptr<store::Store>> store = store::open_store(state_path(options));
  if (!store) return report(store.error());
  Result<std::int64_t> number = (*store)->meta().next_counter("run");
  if (!number) return report(number.error());

  run_options.run_id = std::to_string(*number);
  run_options.build_id = *number;
  // $(Rev:r) counts the runs of this pipeline whose build number is otherwise the same.
  run_options.revision_counter = [&store, pipeline = run_options.pipeline](const std::string& key) -> Result<int> {
    Result<std::int64_t> next = (*store)->meta().next_counter("revision:" + pipeline + ":" + key);
    if (!next) return std::unexpected(next.error());
    return static_cast<int>(*next);
  };
  run_options.slots = args.agents;
  fs::path dir = fs::absolute(state_dir(options));
  run_options.work_dir = dir / "work";
  run_options.artifact_dir = dir / "artifacts";
  run_options.protected_paths = {dir};
  if (std::optional<std::string> warning = run::isolation_warning())
    std::cerr << "slipway: warning: " << *warning << "\n";
  run_options.cancel = &g_cancel;
  if (!args.trigger_key.empty())
    if (Status s = (*store)->runs().set_trigger_run(args.trigger_key, run_options.run_id); !s) return report(s.error());

  run::StoreRecorder files(**store, dir / "runs");
  if (!run_options.retry_of.empty()) {
    // The reused jobs' artifacts belong to the new run too (same digests, nothing copied).
    Result<std::vector<run::ArtifactRecord>> reused = run::stored_artifacts((*store)->runs(), run_options.retry_of);
    if (!reused) return report(reused.error());
    for (run::ArtifactRecord artifact : *reused) {
      artifact.run_id = run_options.run_id;
      if (Status s = files.add_artifact(artifact); !s) return report(s.error());
    }
  }
  FollowRecorder recorder(files, args.follow && !options.json);
  g_cancel = false;
  struct sigaction action {};
  action.sa_handler = on_cancel_signal;
  sigemptyset(&action.sa_mask);
  struct sigaction old_int {}, old_term {};
  sigaction(SIGINT, &action, &old_int);
  sigaction(SIGTERM, &action, &old_term);
  Result<run::RunRecord> record = run::run_pipeline(spec, run_options, recorder);
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  files.close_logs();
  if (!record) return report(record.error());

  if (options.json) {
    std::cout << json_text(run::run_to_json(*record), 2) << "\n";
  } else {
    for (const run::StageRecord& stage : record->stages)
      for (const run::JobRecord& job : stage.jobs)
        std::cout << "  " << job.id << "  " << run::result_name(job.result) << "  "
                  << duration_text(job.start_ms, job.finish_ms) << (job.reason.empty() ? "" : "  (" + job.reason + ")")
                  << "\n";
    std::cout << "run " << record->id << " (" << record->pipeline << " " << record->build_number
              << "): " << run::result_name(record->result) << "\n";
  }
  bool ok = record->result == run::TaskResult::succeeded || record->result == run::TaskResult::succeeded_with_issues;
  if (!ok) return k_exit_failed;
  // A component's build: its auto environments follow.
  if (!args.component.empty()) return report_status(record_component_build(options, args, *record));
  return k_exit_ok;
}


// The trigger "run" of a push held back by a running run of its ref (batch: true).
constexpr std::string_view k_batched = "batched";

// The trigger key of one push: a push is handled once, however often it is told.
std::string push_key(const std::string& component, const std::string& ref, const std::string& sha) {
  return "push:" + component + ":" + ref + ":" + sha;
}

// The ref_heads key of a ref's last handled head.
std::string head_key(const std::string& component, const std::string& ref) { return component + ":" + ref; }

// The ref_heads key naming the newest push a running run held back ("" when none).
std::string batch_key(const std::string& component, const std::string& ref) { return "batched:" + component + ":" + ref; }

int run_batched_head(const RunArgs& args, const GlobalOptions& options, const std::string& component,
                     const fs::path& repo, const std::string& built);

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

int run_pipeline_command(const RunArgs& args, const GlobalOptions& options) {
  if (!args.file.empty() == !args.component.empty())
    return report(Error{ErrorCode::invalid_input, "give either a COMPONENT or --file PATH", {}});
  pipeline::ExpandOptions expand;
  run::RunOptions run_options;
  fs::path file;
  std::string name;
  fs::path repo;
  if (!args.file.empty()) {
    std::error_code ec;
    if (!fs::exists(args.file, ec)) return report(Error{ErrorCode::not_found, "no pipeline file " + args.file, {}});
    file = fs::weakly_canonical(fs::absolute(args.file), ec);
    std::optional<fs::path> root = git_root(file.parent_path());
    repo = root ? *root : file.parent_path();
    name = file_pipeline_name(file, repo);
    run_options.component = component_owning(file, options);
    if (!run_options.component.empty()) name = run_options.component;
  } else {
    Result<model::Workspace> workspace = model::load_workspace(options.workspace);
    if (!workspace) return report(workspace.error());
    const model::Component* component = workspace->component(args.component);
    if (!component) {
      std::vector<std::string> names;
      for (const model::Component& c : workspace->components) names.push_back(c.name);
      return report(Error{ErrorCode::not_found,
                          "unknown component '" + args.component + "'" + did_you_mean(args.component, names), {}});
    }
    if (component->repo_is_url)
      return report(Error{ErrorCode::unsupported, "component '" + component->name + "' has a remote repo; run needs a local folder", {}});
    repo = workspace->repo_location(*component);
    file = repo / component->pipeline;
    name = component->name;
    run_options.component = component->name;
    expand.self_root = repo;
    expand.display_root = workspace->dir;
    for (const model::TemplateSource& source : workspace->template_sources)
      if (!source.path.empty()) expand.template_sources[source.name] = workspace->dir / source.path;
  }
  for (const std::string& text : args.templates) {
    size_t eq = text.find('=');
    if (eq == std::string::npos || eq == 0)
      return report(Error{ErrorCode::invalid_input, "--templates needs NAME=DIR, got '" + text + "'", {}});
    expand.template_sources[text.substr(0, eq)] = text.substr(eq + 1);
  }
  Result<pipeline::ExpandedPipeline> expanded = pipeline::expand_pipeline(file, expand);
  if (!expanded) {
    std::cerr << "slipway: error: " << expanded.error().to_string() << "\n";
    return k_exit_bad_input;
  }
  if (Status s = run::check_triggers(expanded->root.get("trigger"), expanded->root.get("pr")); !s) return report(s.error());
  bool batch = false;
  if (!args.trigger_ref.empty()) {
    if (expanded->root.get("pr"))
      std::cerr << "slipway: note: " << name << ": 'pr:' is not used: slipway starts runs for pushes, not pull requests\n";
    Result<run::TriggerDecision> decision =
        run::evaluate_trigger(expanded->root.get("trigger"), run::PushEvent{args.trigger_ref, args.trigger_paths});
    if (!decision) {
      std::cerr << "slipway: error: " << decision.error().to_string() << "\n";
      return k_exit_bad_input;
    }
    if (!decision->run) {
      std::cout << name << ": " << args.trigger_ref << " starts no run (" << decision->reason;
      if (decision->reason == "no changed path is included") {
        std::cout << "; changed:";
        for (size_t i = 0; i < args.trigger_paths.size() && i < 5; ++i) std::cout << " " << args.trigger_paths[i];
        if (args.trigger_paths.size() > 5) std::cout << " and " << args.trigger_paths.size() - 5 << " more";
      }
      std::cout << ")\n";
      return k_exit_ok;
    }
    batch = decision->batch;
    if (batch) {
      Result<std::unique_ptr<store::Store>> store = open_state(options);
      if (!store) return report(store.error());
      store::RunStore& runs = (*store)->runs();
      Result<std::optional<std::string>> running = running_run_of(runs, name, args.trigger_ref);
      if (!running) return report(running.error());
      if (*running) {
        if (Status s = runs.set_trigger_run(args.trigger_key, std::string(k_batched)); !s) return report(s.error());
        if (Status s = runs.set_ref_head(batch_key(name, args.trigger_ref), args.commit, to_epoch_ms(system_clock().now())); !s)
          return report(s.error());
        std::cout << name << ": " << args.trigger_ref << " " << args.commit << " is batched: run " << **running
                  << " of this ref is running; the newest head is built when it ends\n";
        return k_exit_ok;
      }
    }
  }
  Result<run::PipelineSpec> spec = run::read_pipeline(expanded->root, workspace_variable_groups(options));
  if (!spec) {
    std::cerr << "slipway: error: " << spec.error().to_string() << "\n";
    return k_exit_bad_input;
  }

  run_options.pipeline = name;
  run_options.branch = args.branch;
  run_options.commit = args.commit.empty() ? git_head(repo) : args.commit;
  if (fs::is_directory(repo)) run_options.repository = fs::absolute(repo).string();
  run_options.source = fs::absolute(file).string();
  int result = execute_run(*spec, run_options, args, options);
  if (!batch) return result;
  return std::max(result, run_batched_head(args, options, name, repo, run_options.commit));
}

// After a run of a batched trigger (trigger: batch: true): when pushes to its
// ref were held back while it ran, the ref's newest head is built now, once,
// with every change since the commit the run built (Azure's batching).
int run_batched_head(const RunArgs& args, const GlobalOptions& options, const std::string& component,
                     const fs::path& repo, const std::string& built) {
  std::string head;
  {
    Result<std::unique_ptr<store::Store>> store = open_state(options);
    if (!store) return report(store.error());
    store::RunStore& runs = (*store)->runs();
    Result<std::optional<std::string>> held = runs.ref_head(batch_key(component, args.trigger_ref));
    if (!held) return report(held.error());
    if (!*held || (*held)->empty()) return k_exit_ok;
    if (Status s = runs.set_ref_head(batch_key(component, args.trigger_ref), "", to_epoch_ms(system_clock().now())); !s)
      return report(s.error());
    Result<std::optional<std::string>> newest = runs.ref_head(head_key(component, args.trigger_ref));
    if (!newest) return report(newest.error());
    if (!*newest || **newest == built) return k_exit_ok;
    head = **newest;
  }
  Result<version::GitRepository> git = version::GitRepository::open(repo);
  if (!git) return report(git.error());
  Result<std::vector<std::string>> paths = git->changed_paths(built, head);
  if (!paths) paths = git->changed_paths("", head);
  if (!paths) return report(paths.error());
  std::cout << component << ": " << args.trigger_ref << " " << head << " was batched; building it now\n";
  RunArgs next = args;
  next.commit = head;
  next.trigger_key = push_key(component, args.trigger_ref, head);
  next.trigger_paths = std::move(*paths);
  return run_pipeline_command(next, options);
}

// A push of `sha` to `ref` in `repo`, the repo of `component`: starts the run
// its trigger asks for, once per (component, ref, sha) however often it is
// told. The changed paths (for `trigger: paths:`) are the diff from `before`
// (the hook's old sha), else from the ref's head the last push handled left
// in the store (notify or watch), else from the commit's first parent; a new
// ref's all-zero old sha counts as none.
int on_push(const model::Component& component, const fs::path& repo, const std::string& ref, const std::string& sha,
            std::string before, RunArgs args, const GlobalOptions& options) {
  Result<version::GitRepository> git = version::GitRepository::open(repo);
  if (!git) return report(git.error());
  std::string key = push_key(component.name, ref, sha);
  std::vector<std::string> paths;
  {
    Result<std::unique_ptr<store::Store>> store = open_state(options);
    if (!store) return report(store.error());
    store::RunStore& runs = (*store)->runs();
    auto already = [&](const std::string& run) {
      std::string started = run.empty() ? "no run" : run == k_batched ? "batched" : "run " + run;
      std::cout << component.name << ": " << ref << " " << sha << " was already notified (" << started << ")\n";
      return k_exit_ok;
    };
    // Asked first, read-only: a watch pass sees every head again and needs no diff for those it handled.
    Result<std::optional<std::string>> seen = runs.trigger_run(key);
    if (!seen) return report(seen.error());
    if (*seen) return already(**seen);
    bool stored_before = false;
    if (before.empty()) {
      Result<std::optional<std::string>> head = runs.ref_head(head_key(component.name, ref));
      if (!head) return report(head.error());
      if (*head) before = **head, stored_before = true;
    }
    if (before.find_first_not_of('0') == std::string::npos || before == sha) before.clear();
    Result<std::vector<std::string>> changed = git->changed_paths(before, sha);
    if (!changed && stored_before) changed = git->changed_paths("", sha);  // that head is gone (force push, gc)
    if (!changed)
      return report(Error{changed.error().code, component.name + ": " + changed.error().message + " in " + repo.string(), {}});
    paths = std::move(*changed);
    std::int64_t now = to_epoch_ms(system_clock().now());
    Result<bool> first = runs.claim_trigger(key, now);
    if (!first) return report(first.error());
    if (!*first) {  // another process claimed it since
      Result<std::optional<std::string>> run = runs.trigger_run(key);
      if (!run) return report(run.error());
      return already(run->value_or(""));
    }
    if (Status s = runs.set_ref_head(head_key(component.name, ref), sha, now); !s) return report(s.error());
  }
  args.component = component.name;
  args.file.clear();
  args.branch = ref;
  args.commit = sha;
  args.trigger_ref = ref;
  args.trigger_key = key;
  args.trigger_paths = std::move(paths);
  return run_pipeline_command(args, options);
}

bool same_folder(const fs::path& a, const fs::path& b) {
  std::error_code ec1, ec2;
  return fs::weakly_canonical(a, ec1) == fs::weakly_canonical(b, ec2) && !ec1 && !ec2;
}

int notify_push(const std::string& repo, const std::string& ref, const std::string& sha, const std::string& before,
                const RunArgs& args, const GlobalOptions& options) {
  Result<model::Workspace> workspace = model::load_workspace(options.workspace);
  if (!workspace) return report(workspace.error());
  for (const model::Component& component : workspace->components) {
    if (component.repo_is_url || !same_folder(workspace->repo_location(component), repo)) continue;
    return on_push(component, workspace->repo_location(component), ref, sha, before, args, options);
  }
  return report(Error{ErrorCode::not_found, "no component of the workspace has its repo at " + repo, {}});
}

// One pass over every local component repo: each branch head is a push event,
// its changes counted from the head the last handled push left (on_push).
int watch_once(const RunArgs& args, const GlobalOptions& options) {
  Result<model::Workspace> workspace = model::load_workspace(options.workspace);
  if (!workspace) return report(workspace.error());
  int worst = k_exit_ok;
  for (const model::Component& component : workspace->components) {
    if (component.repo_is_url) continue;
    fs::path repo = workspace->repo_location(component);
    Result<version::GitRepository> git = version::GitRepository::open(repo);
    if (!git) continue;  // not a git repo (yet)
    Result<std::vector<version::GitRef>> heads = git->local_branches();
    if (!heads) {
      worst = std::max(worst, report(heads.error()));
      continue;
    }
    for (const version::GitRef& head : *heads)
      worst = std::max(worst, on_push(component, repo, "refs/heads/" + head.name, head.commit, "", args, options));
  }
  return worst;
}

// Marks runs whose slipway process died (kill -9) as failed and kills the
// processes their steps left behind (core/process_marks.h); quiet unless it finds some.
void recover(const GlobalOptions& options) {
  if (Result<int> killed = kill_orphaned_processes(); killed && *killed > 0)
    std::cerr << "slipway: killed " << *killed << " process(es) left by runs whose slipway process died\n";
  Result<std::unique_ptr<store::Store>> store = open_state(options);
  Result<std::vector<std::string>> marked =
      store ? run::recover_orphaned_runs((*store)->runs(), host_name(), process_alive)
            : Result<std::vector<std::string>>(std::unexpected(store.error()));
  if (!marked) {
    std::cerr << "slipway: warning: " << marked.error().to_string() << "\n";
    return;
  }
  for (const std::string& id : *marked)
    std::cerr << "slipway: run " << id << " was left running by a process that died; marked failed\n";
}

int retry_run(const std::string& id, const RunArgs& args, const GlobalOptions& options) {
  Result<nlohmann::json> old = load_run(options, id);
  if (!old) return report(old.error());
  if (old->value("state", "") == "running")
    return report(Error{ErrorCode::conflict, "run " + id + " is still running", {}});
  std::string source = old->value("source", "");
  if (source.empty()) return report(Error{ErrorCode::invalid_input, "run " + id + " does not say which file it ran", {}});
  pipeline::ExpandOptions expand;
  if (Result<model::Workspace> workspace = model::load_workspace(options.workspace); workspace)
    for (const model::TemplateSource& t : workspace->template_sources)
      if (!t.path.empty()) expand.template_sources[t.name] = workspace->dir / t.path;
  Result<pipeline::ExpandedPipeline> expanded = pipeline::expand_pipeline(source, expand);
  if (!expanded) {
    std::cerr << "slipway: error: " << expanded.error().to_string() << "\n";
    return k_exit_bad_input;
  }
  Result<run::PipelineSpec> spec = run::read_pipeline(expanded->root, workspace_variable_groups(options));
  if (!spec) {
    std::cerr << "slipway: error: " << spec.error().to_string() << "\n";
    return k_exit_bad_input;
  }
  run::RunOptions run_options;
  run_options.pipeline = old->value("pipeline", "");
  run_options.component = old->value("component", "");
  run_options.branch = old->value("branch", "");
  run_options.commit = old->value("commit", "");
  std::optional<fs::path> repo = git_root(fs::path(source).parent_path());
  if (repo) run_options.repository = repo->string();
  run_options.source = source;
  run_options.retry_of = id;
  run_options.reuse = run::jobs_from_json(*old);
  return execute_run(*spec, run_options, args, options);
}

// Asks the slipway process that owns a running run to cancel it (SIGINT, as Ctrl-C would).
int cancel_run(const std::string& id, const GlobalOptions& options) {
  Result<nlohmann::json> run = load_run(options, id);
  if (!run) return report(run.error());
  if (run->value("state", "") != "running")
    return report(Error{ErrorCode::conflict, "run " + id + " is not running (" + run->value("result", "") + ")", {}});
  nlohmann::json owner = run->value("owner", nlohmann::json::object());
  long pid = owner.value("pid", 0L);
  if (owner.value("host", "") != host_name())
    return report(Error{ErrorCode::unsupported, "run " + id + " runs on host " + owner.value("host", "") + ", not here", {}});
  if (pid <= 0 || !process_alive(pid) || ::kill(static_cast<pid_t>(pid), SIGINT) != 0)
    return report(Error{ErrorCode::conflict, "run " + id + ": its slipway process (pid " + std::to_string(pid) + ") is gone", {}});
  std::cout << "cancel requested for run " << id << "\n";
  return k_exit_ok;
}

int list_runs(const GlobalOptions& options) {
  Result<std::unique_ptr<store::Store>> store = open_state(options);
  if (!store) return report(store.error());
  Result<std::vector<store::StoredRun>> stored = (*store)->runs().runs();
  if (!stored) return report(stored.error());
  std::vector<std::pair<long long, nlohmann::json>> runs;
  for (const store::StoredRun& r : *stored) runs.emplace_back(std::atoll(r.id.c_str()), r.document);
  std::stable_sort(runs.begin(), runs.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  if (options.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [id, json] : runs)
      list.push_back({{"id", json["id"]}, {"pipeline", json["pipeline"]}, {"buildNumber", json["buildNumber"]},
                      {"result", json["result"]}, {"state", json["state"]}, {"start", json["start"]}, {"finish", json["finish"]}});
    std::cout << json_text(list, 2) << "\n";
    return k_exit_ok;
  }
  for (const auto& [id, json] : runs)
    std::cout << json.value("id", "") << "  " << json.value("pipeline", "") << "  " << json.value("buildNumber", "")
              << "  " << (json.value("state", "") == "running" ? "running" : json.value("result", "")) << "  "
              << (json["start"].is_string() ? json["start"].get<std::string>() : "") << "\n";
  return k_exit_ok;
}

// `logs RUN --follow`: the lines of a run (running in another process) as they
// are written, until it finishes; exits as the run did.
int follow_logs(const std::string& run_id, const std::string& job_filter, const GlobalOptions& options) {
  Result<nlohmann::json> done = run::follow_run_logs(
      state_dir(options) / "runs", run_id, job_filter, [&] { return load_run(options, run_id); },
      [](const std::string& job, std::string_view line) { std::cout << "[" << job << "] " << line << std::endl; });
  if (!done) return report(done.error());
  std::string result = done->value("result", "");
  std::cout << "run " << run_id << ": " << result << "\n";
  return result == "succeeded" || result == "succeededWithIssues" ? k_exit_ok : k_exit_failed;
}

int print_logs(const std::string& run_id, const std::string& job_filter, const GlobalOptions& options) {
  fs::path root = state_dir(options) / "runs";
  Result<nlohmann::json> json = load_run(options, run_id);
  if (!json) return report(json.error());
  bool any = false;
  for (const nlohmann::json& stage : (*json)["stages"]) {
    for (const nlohmann::json& job : stage["jobs"]) {
      std::string id = job.value("id", "");
      if (!job_filter.empty() && !iequals(id, job_filter) && !iequals(job.value("name", ""), job_filter)) continue;
      any = true;
      int index = 0;
      for (const nlohmann::json& step : job["steps"]) {
        std::cout << "== " << id << " / " << step.value("displayName", "") << " (" << step.value("result", "") << ")\n";
        run::read_step_log(run::step_log_path(root, run_id, id, index),
                           [](std::string_view line) { std::cout << line << "\n"; });
        ++index;
      }
    }
  }
  if (!any && !job_filter.empty())
    return report(Error{ErrorCode::not_found, "run " + run_id + " has no job '" + job_filter + "'", {}});
  return k_exit_ok;
}

int list_artifacts(const std::string& run_id, const GlobalOptions& options) {
  Result<std::unique_ptr<store::Store>> store = open_state(options);
  if (!store) return report(store.error());
  std::vector<std::string> ids;
  if (!run_id.empty()) {
    if (!run::load_run_document((*store)->runs(), run_id)) return report(Error{ErrorCode::not_found, "no run " + run_id, {}});
    ids.push_back(run_id);
  } else {
    Result<std::vector<store::StoredRun>> stored = (*store)->runs().runs();
    if (!stored) return report(stored.error());
    for (const store::StoredRun& r : *stored) ids.push_back(r.id);
    std::stable_sort(ids.begin(), ids.end(), [](const std::string& a, const std::string& b) { return std::atoll(a.c_str()) < std::atoll(b.c_str()); });
  }
  nlohmann::json list = nlohmann::json::array();
  for (const std::string& id : ids) {
    Result<std::vector<run::ArtifactRecord>> artifacts = run::stored_artifacts((*store)->runs(), id);
    if (!artifacts) return report(artifacts.error());
    for (const run::ArtifactRecord& a : *artifacts) {
      if (options.json)
        list.push_back({{"run", a.run_id}, {"job", a.job_id}, {"name", a.name}, {"component", a.component},
                        {"version", a.version}, {"digest", a.digest}, {"size", a.size}, {"files", a.files}});
      else
        std::cout << a.run_id << "  " << a.name << "  " << (a.component.empty() ? "-" : a.component) << "  "
                  << (a.version.empty() ? "-" : a.version) << "  " << a.size << " bytes  " << a.files
                  << " files  sha256:" << a.digest << "\n";
    }
  }
  if (options.json) std::cout << json_text(list, 2) << "\n";
  return k_exit_ok;
}

int get_artifact(const std::string& name, const std::string& run_id, const std::string& to, const GlobalOptions& options) {
  if (Status s = run::check_artifact_name(name); !s) return report(s.error());
  fs::path dir = state_dir(options);
  Result<std::unique_ptr<store::Store>> state = open_state(options);
  if (!state) return report(state.error());
  if (!run::load_run_document((*state)->runs(), run_id)) return report(Error{ErrorCode::not_found, "no run " + run_id, {}});
  Result<std::vector<run::ArtifactRecord>> artifacts = run::stored_artifacts((*state)->runs(), run_id);
  if (!artifacts) return report(artifacts.error());
  for (const run::ArtifactRecord& a : *artifacts) {
    if (a.name != name) continue;
    run::ArtifactStore store(dir / "artifacts");
    if (Status s = store.get(a.digest, to); !s) return report(s.error());
    std::cout << "artifact '" << name << "' of run " << run_id << " written to " << to << "\n";
    return k_exit_ok;
  }
  return report(Error{ErrorCode::not_found, "run " + run_id + " has no artifact '" + name + "'", {}});
}

}  // namespace

void add_run_commands(CLI::App& app, GlobalOptions& options) {
  // `task: SlipwayVersion@1` runs in the agent through the run module's hook.
  run::register_builtin_task("SlipwayVersion@1", [](const fs::path& sources,
                                                    std::map<std::string, std::string> inputs,
                                                    const std::string& branch) -> Result<run::TaskVariables> {
    bool has_branch = false;
    for (const auto& [key, value] : inputs) has_branch = has_branch || iequals(key, "branch");
    if (!has_branch && !branch.empty()) inputs["branch"] = branch;
    Result<std::vector<version::StepVariable>> set = version::run_version_step(sources, inputs);
    if (!set) return std::unexpected(set.error());
    run::TaskVariables out;
    for (const version::StepVariable& v : *set) out.emplace_back(v.name, v.value);
    return out;
  });
  auto args = std::make_shared<RunArgs>();
  CLI::App* run = app.add_subcommand("run", "run a component's pipeline (or a pipeline file) now");
  run->add_option("component", args->component, "a workspace component");
  run->add_option("--file", args->file, "run this pipeline file instead of a component's");
  run->add_option("--branch", args->branch, "the branch being built (default: main)");
  run->add_option("--commit", args->commit, "the commit being built (default: HEAD of the repository)");
  run->add_option("--agents", args->agents, "parallel job slots (default: number of cores)")->check(agents_range());
  run->add_option("--templates", args->templates, "template source NAME=DIR (repeatable)");
  run->add_flag("--follow", args->follow, "print step output as it happens");
  run->add_flag("--json", options.json, "print the run as JSON");
  add_as_option(run, args->as);
  auto retry_id = std::make_shared<std::string>();
  CLI::App* retry = run->add_subcommand("retry", "rerun a run's failed and canceled jobs (and their dependants), reusing the rest");
  retry->add_option("id", *retry_id, "the run to retry")->required();
  retry->add_option("--agents", args->agents, "parallel job slots (default: number of cores)")->check(agents_range());
  retry->add_flag("--json", options.json, "print the run as JSON");
  retry->callback([args, retry_id, &options] {
    recover(options);
    options.exit_code = retry_run(*retry_id, *args, options);
  });
  auto cancel_id = std::make_shared<std::string>();
  CLI::App* cancel = run->add_subcommand("cancel", "cancel a running run (its steps' process groups are stopped)");
  cancel->add_option("id", *cancel_id, "the run to cancel")->required();
  cancel->callback([cancel_id, &options] { options.exit_code = cancel_run(*cancel_id, options); });
  run->callback([args, retry, cancel, &options] {
    if (retry->parsed() || cancel->parsed()) return;
    recover(options);
    options.exit_code = run_pipeline_command(*args, options);
  });

  CLI::App* runs = app.add_subcommand("runs", "list recorded runs");
  runs->add_flag("--json", options.json, "print JSON");
  runs->callback([&options] {
    recover(options);
    options.exit_code = list_runs(options);
  });

  CLI::App* artifact = app.add_subcommand("artifact", "artifacts of runs");
  artifact->require_subcommand(1);
  auto artifact_args = std::make_shared<std::array<std::string, 3>>();  // name, run, to
  CLI::App* list = artifact->add_subcommand("list", "list artifacts (of one run with --run)");
  list->add_option("--run", (*artifact_args)[1], "only this run");
  list->add_flag("--json", options.json, "print JSON");
  list->callback([artifact_args, &options] { options.exit_code = list_artifacts((*artifact_args)[1], options); });
  CLI::App* get = artifact->add_subcommand("get", "write an artifact of a run into a folder");
  get->add_option("name", (*artifact_args)[0], "the artifact name")->required();
  get->add_option("--run", (*artifact_args)[1], "the run")->required();
  get->add_option("--to", (*artifact_args)[2], "the folder to write into")->required();
  get->callback([artifact_args, &options] {
    const auto& a = *artifact_args;
    options.exit_code = get_artifact(a[0], a[1], a[2], options);
  });

  auto notify_args = std::make_shared<std::array<std::string, 4>>();  // repo, ref, sha, before
  CLI::App* notify = app.add_subcommand("notify", "a push happened (for a git post-receive hook): start the runs its trigger asks for");
  notify->add_option("--repo", (*notify_args)[0], "the component's repository folder")->required();
  notify->add_option("--ref", (*notify_args)[1], "the pushed ref, e.g. refs/heads/main")->required();
  notify->add_option("--sha", (*notify_args)[2], "the pushed commit")->required();
  notify->add_option("--before", (*notify_args)[3],
                     "the ref's previous commit (the hook's old sha); changed paths count from it "
                     "(default: the ref's head the last notify or watch handled, else the pushed commit's "
                     "first parent)");
  notify->add_option("--agents", args->agents, "parallel job slots (default: number of cores)")->check(agents_range());
  notify->callback([notify_args, args, &options] {
    recover(options);
    const auto& n = *notify_args;
    options.exit_code = notify_push(n[0], n[1], n[2], n[3], *args, options);
  });
  auto watch_args = std::make_shared<std::pair<bool, double>>(false, 10.0);  // once, interval seconds
  CLI::App* watch = app.add_subcommand("watch", "poll the workspace's component repos and start runs for new pushes");
  watch->add_flag("--once", watch_args->first, "one pass, then exit");
  watch->add_option("--interval", watch_args->second, "seconds between passes (default 10)")
      ->check(seconds_range(0.1, 24 * 3600));
  watch->add_option("--agents", args->agents, "parallel job slots (default: number of cores)")->check(agents_range());
  watch->callback([watch_args, args, &options] {
    recover(options);
    for (;;) {
      options.exit_code = watch_once(*args, options);
      if (watch_args->first) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<long>(watch_args->second * 1000)));
    }
  });

  auto log_args = std::make_shared<std::tuple<std::string, std::string, bool>>();  // run, job, follow
  CLI::App* logs = app.add_subcommand("logs", "print the step logs of a run");
  logs->add_option("run", std::get<0>(*log_args), "the run id")->required();
  logs->add_option("--job", std::get<1>(*log_args), "only this job (id or name)");
  logs->add_flag("--follow", std::get<2>(*log_args), "stream a running run's lines until it finishes; exit as it did");
  logs->callback([log_args, &options] {
    const auto& [id, job, follow] = *log_args;
    options.exit_code = follow ? follow_logs(id, job, options) : print_logs(id, job, options);
  });
}

}  // namespace slipway::cli
