// Runs started by hand (start, retry), canceled, recovered and read back.
// Pushes (notify, watch) are in pushes.cpp; what a run runs in run_sources.cpp.
#include "service/runs.h"

#include <algorithm>
#include <cstdlib>
#include <mutex>

#include "core/clock.h"
#include "core/files.h"
#include "core/host.h"
#include "core/process_marks.h"
#include "core/strings.h"
#include "run/artifacts.h"
#include "run/builtin_tasks.h"
#include "run/local_agent.h"
#include "run/native_tasks.h"
#include "run/readiness.h"
#include "run/scheduler.h"
#include "run/step_isolation.h"
#include "run/step_logs.h"
#include "run/store_recorder.h"
#include "run/triggers.h"
#include "service/cancel_watch.h"
#include "service/run_sources.h"
#include "version/pipeline_step.h"

namespace slipway::service {
namespace {

namespace fs = std::filesystem;

// Passes everything on to the store's recorder, and each log line to the listener too.
class ListeningRecorder final : public run::RunRecorder {
 public:
  ListeningRecorder(run::RunRecorder& inner, const RunListener& listener) : m_inner(inner), m_listener(listener) {}
  Status save(const run::RunRecord& run) override { return m_inner.save(run); }
  void log(const std::string& run_id, const std::string& job_id, int step, std::int64_t at_ms,
           std::string_view line) override {
    m_inner.log(run_id, job_id, step, at_ms, line);
    if (!m_listener.line) return;
    std::lock_guard lock(m_mutex);
    m_listener.line(job_id, line);
  }
  Status add_artifact(const run::ArtifactRecord& a) override { return m_inner.add_artifact(a); }
  void step_finished(const std::string& run_id, const std::string& job_id, int step) override {
    m_inner.step_finished(run_id, job_id, step);
  }
  Result<std::vector<run::ArtifactRecord>> artifacts(const std::string& id) override { return m_inner.artifacts(id); }

 private:
  run::RunRecorder& m_inner;
  const RunListener& m_listener;
  std::mutex m_mutex;
};

// `task: SlipwayVersion@1` runs in the agent through the run module's hook
// (the run module does not know the version module).
void register_version_task() {
  static std::once_flag once;
  std::call_once(once, [] {
    run::register_builtin_task("SlipwayVersion@1", [](const fs::path& sources, std::map<std::string, std::string> inputs,
                                                      const std::string& branch) -> Result<run::TaskVariables> {
      const bool has_branch =
          std::any_of(inputs.begin(), inputs.end(), [](const auto& input) { return iequals(input.first, "branch"); });
      if (!has_branch && !branch.empty()) inputs["branch"] = branch;
      Result<std::vector<version::StepVariable>> set = version::run_version_step(sources, inputs);
      if (!set) return std::unexpected(set.error());
      run::TaskVariables out;
      for (const version::StepVariable& v : *set) out.emplace_back(v.name, v.value);
      return out;
    });
  });
}

bool by_number(const std::string& a, const std::string& b) { return std::atoll(a.c_str()) < std::atoll(b.c_str()); }

std::string text_of(const nlohmann::json& document, const char* key) {
  const auto found = document.find(key);
  return found != document.end() && found->is_string() ? found->get<std::string>() : std::string();
}

RunSummary summary_of(const nlohmann::json& document) {
  RunSummary out{text_of(document, "id"),    text_of(document, "pipeline"), text_of(document, "buildNumber"),
                 text_of(document, "branch"), text_of(document, "state"),   text_of(document, "result"),
                 text_of(document, "start"), text_of(document, "finish"),   text_of(document, "reason"), {}, {}, {}};
  if (out.state == "running")
    for (const nlohmann::json& stage : document.value("stages", nlohmann::json::array()))
      for (const nlohmann::json& job : stage.value("jobs", nlohmann::json::array()))
        if (job.value("finish", nlohmann::json()).is_null() && !job.value("reason", "").empty())
          out.waiting.push_back(job.value("id", "") + ": " + job.value("reason", ""));
  for (const StepTests& step : tests_of(document)) {
    if (step.summary) {
      if (!out.tests) out.tests.emplace().format = step.summary->format;
      out.tests->add(*step.summary);
    }
    if (step.coverage) (out.coverage ? *out.coverage : out.coverage.emplace()).add(*step.coverage);
  }
  return out;
}

bool job_matches(const nlohmann::json& job, const std::string& filter) {
  return filter.empty() || iequals(job.value("id", ""), filter) || iequals(job.value("name", ""), filter);
}

}  // namespace

bool RunOutcome::succeeded() const {
  const bool ran = record.result == run::TaskResult::succeeded || record.result == run::TaskResult::succeeded_with_issues;
  return ran && !build_error;
}

RunService::RunService(Config config, std::unique_ptr<Service> service, std::unique_ptr<store::Store> store)
    : m_config(std::move(config)), m_service(std::move(service)), m_store(std::move(store)) {}

RunService::~RunService() = default;

Result<std::unique_ptr<RunService>> RunService::open(Config config) {
  register_version_task();
  std::error_code ec;
  if (fs::exists(config.workspace / "slipway.yaml", ec)) {
    Result<std::unique_ptr<Service>> service = Service::open(config);
    if (!service) return std::unexpected(service.error());
    return std::unique_ptr<RunService>(new RunService(std::move(config), std::move(*service), nullptr));
  }
  Result<std::unique_ptr<store::Store>> store = store::open_store(config.store, {.clock = config.clock});
  if (!store) return std::unexpected(store.error());
  return std::unique_ptr<RunService>(new RunService(std::move(config), nullptr, std::move(*store)));
}

store::Store& RunService::store() { return m_service ? m_service->store() : *m_store; }

const model::Workspace* RunService::workspace() const { return m_service ? &m_service->workspace() : nullptr; }

fs::path RunService::state_root() const { return fs::absolute(m_config.state_root); }

std::shared_ptr<store::BlobStore> RunService::blobs() {
  if (!m_blobs) m_blobs = store::open_blob_store(m_config.store, state_root());
  return m_blobs;
}

Result<const model::Workspace*> RunService::need_workspace(const std::string& doing) const {
  if (const model::Workspace* found = workspace()) return found;
  return fail(ErrorCode::not_found, "no slipway.yaml in " + m_config.workspace.string() + ": " + doing +
                                        " needs a workspace (give -C DIR)");
}

Result<const model::Component*> RunService::component(const std::string& name) const {
  Result<const model::Workspace*> ws = need_workspace("a run of component " + name);
  if (!ws) return std::unexpected(ws.error());
  return (*ws)->require_component(name);
}

Status RunService::permit_run(const std::string& doing) const {
  Result<const model::Workspace*> ws = need_workspace(doing);
  if (!ws) return std::unexpected(ws.error());
  return m_service->permit(Permission::run, nullptr, doing);
}

Recovery RunService::recover() {
  Recovery out;
  if (Result<int> killed = kill_orphaned_processes(run::process_scope(state_root() / "work")); killed) out.killed_processes = *killed;
  Result<std::vector<std::string>> marked = run::recover_orphaned_runs(store().runs(), host_name(), process_alive);
  if (marked) out.failed_runs = std::move(*marked);
  else out.problem = marked.error();
  return out;
}

// ---- starting and executing

void RunService::fresh_mirrors() { m_mirrors = std::make_unique<version::MirrorCache>(state_root() / "mirrors"); }

version::MirrorCache& RunService::mirrors() const {
  if (!m_mirrors) m_mirrors = std::make_unique<version::MirrorCache>(state_root() / "mirrors");
  return *m_mirrors;
}

Result<pipeline::ExpandedPipeline> RunService::expand(const RunSource& source,
                                                      const std::map<std::string, fs::path>& templates) {
  std::vector<std::string> warnings;
  pipeline::ExpandOptions options = expand_options(workspace(), templates);
  add_remote_sources(options, workspace(), mirrors(), warnings);
  Result<pipeline::ExpandedPipeline> expanded = expand_source(source, std::move(options), state_root() / "tmp");
  if (expanded) expanded->warnings = std::move(warnings);
  return expanded;
}

Result<run::PipelineSpec> RunService::read_spec(const yaml::Node& root) const {
  if (Status s = run::check_triggers(root.get("trigger"), root.get("pr")); !s) return std::unexpected(s.error());
  Result<run::PipelineSpec> spec = run::read_pipeline(root, variable_groups(workspace()));
  if (!spec) return spec;
  Result<std::shared_ptr<const run::TaskCatalog>> tasks = task_catalog(workspace(), state_root());
  if (!tasks) return std::unexpected(tasks.error());
  if (Status s = run::check_tasks_available(*spec, tasks->get()); !s) return std::unexpected(s.error());
  if (Status s = run::check_containers(*spec, run::container_engine()); !s) return std::unexpected(s.error());
  if (Status s = add_secure_files(*spec); !s) return std::unexpected(s.error());
  if (Status s = check_deployment_environments(*spec, workspace(), m_config.actor); !s) return std::unexpected(s.error());
  if (Status s = resolve_checkouts(*spec, root, workspace(), mirrors()); !s) return std::unexpected(s.error());
  return spec;
}

// The contents of the secure files the pipeline's DownloadSecureFile@1 steps
// name, from the workspace's secure_files (slipway's secrets of an
// environment); an unknown name or a secret not generated yet stops the run.
Status RunService::add_secure_files(run::PipelineSpec& spec) const {
  for (const run::StageSpec& stage : spec.stages)
    for (const run::JobSpec& job : stage.jobs)
      for (const run::StepSpec& step : job.steps) {
        const std::string name = run::secure_file_of(step);
        if (name.empty() && !(step.kind == run::StepKind::task && iequals(step.task, "DownloadSecureFile@1"))) continue;
        bool known = false;
        for (const auto& [have, content] : spec.secure_files) known = known || have == name;
        if (known) continue;
        const model::SecureFile* file = nullptr;
        if (workspace())
          for (const model::SecureFile& candidate : workspace()->secure_files)
            if (candidate.name == name) file = &candidate;
        if (!file || !m_service)
          return fail(ErrorCode::not_found,
                      "secure file '" + name + "' is not defined in the workspace (secure_files: in slipway.yaml)", step.where);
        Result<std::string> content = m_service->secret_for_slipway(file->environment, file->secret);
        if (!content) return fail(content.error().code, "secure file '" + name + "': " + content.error().message, step.where);
        spec.secure_files.emplace_back(name, std::move(*content));
      }
  return {};
}

Result<RunOutcome> RunService::start(const RunRequest& request, const RunSettings& settings) {
  fresh_mirrors();
  if (request.file.empty() == request.component.empty())
    return fail(ErrorCode::invalid_input, "give either a COMPONENT or --file PATH");
  Result<RunSource> source = request.component.empty()
                                 ? file_source(request.file, workspace(), request.branch, request.commit)
                                 : component_run_source(request);
  if (!source) return std::unexpected(source.error());
  Result<pipeline::ExpandedPipeline> expanded = expand(*source, request.templates);
  if (!expanded) return std::unexpected(expanded.error());
  Result<run::PipelineSpec> spec = read_spec(expanded->root);
  if (!spec) return std::unexpected(spec.error());
  PreparedRun prepared{std::move(*source), std::move(*spec), {}, {}, std::move(expanded->warnings)};
  if (!prepared.source.warning.empty()) prepared.warnings.insert(prepared.warnings.begin(), prepared.source.warning);
  Result<std::string> id = begin_run(initial_record(prepared.source, ""));
  if (!id) return std::unexpected(id.error());
  return execute(prepared, *id, settings);
}

Result<RunSource> RunService::component_run_source(const RunRequest& request) {
  Result<const model::Component*> found = component(request.component);
  if (!found) return std::unexpected(found.error());
  if (Status s = permit_run("run " + request.component); !s) return std::unexpected(s.error());
  return component_source(*workspace(), **found, request.branch, request.commit, &mirrors());
}

// Numbered and recorded at once: a run's number is never handed out without
// its record, which says "running" (and whose process runs it) until the
// scheduler saves it. Joins the caller's transaction.
Result<std::string> RunService::add_run(run::RunRecord record) {
  Result<std::int64_t> number = store().meta().next_counter("run");
  if (!number) return std::unexpected(number.error());
  record.id = std::to_string(*number);
  if (Status s = store().runs().save_run(run::to_stored(record)); !s) return std::unexpected(s.error());
  return record.id;
}

Result<std::string> RunService::begin_run(const run::RunRecord& initial) {
  return store().transaction([&]() -> Result<std::string> { return add_run(initial); });
}

run::RunOptions RunService::run_options(const PreparedRun& prepared, const std::string& id, int agents) {
  const fs::path root = state_root();
  run::RunOptions options;
  options.run_id = id;
  options.build_id = std::atoll(id.c_str());
  options.pipeline = prepared.source.pipeline;
  options.component = prepared.source.component;
  options.branch = prepared.source.branch;
  options.commit = prepared.source.commit;
  if (fs::is_directory(prepared.source.repository)) options.repository = prepared.source.repository.string();
  options.source = recorded_source(prepared.source);
  options.retry_of = prepared.retry_of;
  options.reuse = prepared.reuse;
  // $(Rev:r) counts the runs of this pipeline whose build number is otherwise the same.
  options.revision_counter = [this, pipeline = options.pipeline](const std::string& key) -> Result<int> {
    Result<std::int64_t> next = store().meta().next_counter("revision:" + pipeline + ":" + key);
    if (!next) return std::unexpected(next.error());
    return static_cast<int>(*next);
  };
  options.slots = agents;
  options.deployment_gate = [this](const run::JobMessage& job, const std::atomic<bool>& cancel,
                                   const std::function<void(const std::string&)>& waiting) {
    return open_deployment(job, cancel, waiting);
  };
  options.work_dir = root / "work";
  options.blobs = blobs();
  options.protected_paths = {root};
  // read_spec checked the catalog reads; a folder broken since fails its step.
  options.tasks = task_catalog(workspace(), root).value_or(nullptr);
  return options;
}

Result<RunOutcome> RunService::execute(const PreparedRun& prepared, const std::string& id, const RunSettings& settings) {
  if (settings.listener.started) settings.listener.started(id);
  run::RunOptions options = run_options(prepared, id, settings.agents);
  if (std::optional<std::string> warning = run::isolation_warning(); warning && settings.listener.warning)
    settings.listener.warning(*warning);
  if (settings.listener.warning) {
    for (const std::string& warning : prepared.warnings) settings.listener.warning(warning);
    for (const std::string& warning : prepared.spec.warnings) settings.listener.warning(warning);
  }
  CancelWatch cancel(m_config.store, id);
  options.cancel = cancel.flag();
  options.cancel_reason = [&cancel] { return cancel.reason(); };
  // On a database server, finished step logs go to its blob store for the other hosts.
  run::StoreRecorder files(store(), state_root() / "runs", is_database_url(m_config.store) ? blobs() : nullptr);
  if (!prepared.retry_of.empty())
    if (Status s = share_artifacts(prepared.retry_of, id, files); !s) return std::unexpected(s.error());
  ListeningRecorder recorder(files, settings.listener);
  Result<run::RunRecord> record = run::run_pipeline(prepared.spec, options, recorder);
  files.close_logs();
  if (!record) return std::unexpected(record.error());
  RunOutcome outcome{std::move(*record), std::nullopt, std::nullopt};
  if (!prepared.source.component.empty() && outcome.succeeded()) record_build(outcome);
  return outcome;
}

// The jobs a retry reuses keep their artifacts: the new run lists them too (same digests, nothing copied).
Status RunService::share_artifacts(const std::string& from, const std::string& to, run::RunRecorder& recorder) {
  Result<std::vector<run::ArtifactRecord>> reused = run::stored_artifacts(store().runs(), from);
  if (!reused) return std::unexpected(reused.error());
  for (run::ArtifactRecord artifact : *reused) {
    artifact.run_id = to;
    if (Status s = recorder.add_artifact(artifact); !s) return s;
  }
  return {};
}

void RunService::record_build(RunOutcome& outcome) {
  Result<BuildOutcome> built = m_service->build_succeeded(outcome.record.component, outcome.record);
  if (built) outcome.build = std::move(*built);
  else outcome.build_error = built.error();
}

// ---- retry and cancel

Result<RunOutcome> RunService::retry(const std::string& id, const RunSettings& settings) {
  fresh_mirrors();
  Result<nlohmann::json> old = run::load_run_document(store().runs(), id);
  if (!old) return std::unexpected(old.error());
  if (text_of(*old, "state") == "running") return fail(ErrorCode::conflict, "run " + id + " is still running");
  Result<RunSource> source = retry_source(*old);
  if (!source) return std::unexpected(source.error());
  Result<pipeline::ExpandedPipeline> expanded = expand(*source, {});
  if (!expanded) return std::unexpected(expanded.error());
  Result<run::PipelineSpec> spec = read_spec(expanded->root);
  if (!spec) return std::unexpected(spec.error());
  PreparedRun prepared{std::move(*source), std::move(*spec), id, run::jobs_from_json(*old), std::move(expanded->warnings)};
  if (!prepared.source.warning.empty()) prepared.warnings.insert(prepared.warnings.begin(), prepared.source.warning);
  Result<std::string> next = begin_run(initial_record(prepared.source, id));
  if (!next) return std::unexpected(next.error());
  return execute(prepared, *next, settings);
}

// What run `old` ran: a component's build again from the commit it built,
// a pipeline file again from the file.
Result<RunSource> RunService::retry_source(const nlohmann::json& old) {
  const std::string component_name = text_of(old, "component");
  const std::string branch = text_of(old, "branch"), commit = text_of(old, "commit");
  if (!component_name.empty()) {
    Result<const model::Component*> found = component(component_name);
    if (!found) return std::unexpected(found.error());
    if (Status s = permit_run("retry a run of " + component_name); !s) return std::unexpected(s.error());
    return component_source(*workspace(), **found, branch, commit, &mirrors());
  }
  const std::string file = text_of(old, "source");
  if (file.empty())
    return fail(ErrorCode::invalid_input, "run " + text_of(old, "id") + " does not say which file it ran");
  Result<RunSource> source = file_source(file, workspace(), branch, commit);
  if (source) source->pipeline = text_of(old, "pipeline");
  return source;
}

Result<CancelOutcome> RunService::cancel(const std::string& id) {
  Result<nlohmann::json> run = run::load_run_document(store().runs(), id);
  if (!run) return std::unexpected(run.error());
  if (text_of(*run, "state") != "running")
    return fail(ErrorCode::conflict, "run " + id + " is not running (" + text_of(*run, "result") + ")");
  const std::string component_name = text_of(*run, "component");
  if (!component_name.empty())
    if (Status s = permit_run("cancel run " + id + " of " + component_name); !s) return std::unexpected(s.error());
  const store::CancelRequest request{id, m_config.actor, to_epoch_ms(m_config.clock->now())};
  return store().transaction([&]() -> Result<CancelOutcome> {
    Result<bool> recorded = store().runs().request_cancel(request);
    if (!recorded) return std::unexpected(recorded.error());
    if (!*recorded) {
      Result<std::optional<store::CancelRequest>> first = store().runs().cancel_request(id);
      if (!first) return std::unexpected(first.error());
      return CancelOutcome{id, *first ? (*first)->actor : "", true};
    }
    Result<std::int64_t> event = store().events().append({request.actor, "run.cancel_requested", "run:" + id, {}});
    if (!event) return std::unexpected(event.error());
    return CancelOutcome{id, request.actor, false};
  });
}

// ---- what runs recorded

nlohmann::json to_json(const RunSummary& r) {
  auto text_or_null = [](const std::string& text) { return text.empty() ? nlohmann::json() : nlohmann::json(text); };
  nlohmann::json out{{"id", r.id},         {"pipeline", r.pipeline},           {"buildNumber", r.build_number},
                     {"result", r.result}, {"state", r.state},                 {"start", text_or_null(r.start)},
                     {"finish", text_or_null(r.finish)}, {"reason", r.reason}, {"branch", r.branch}};
  if (r.tests)
    out["tests"] = {{"total", r.tests->total},     {"passed", r.tests->passed},  {"failed", r.tests->failed},
                    {"skipped", r.tests->skipped}, {"files", r.tests->files},    {"durationMs", r.tests->duration_ms}};
  if (r.coverage) out["coverage"] = run::to_json(*r.coverage);
  if (!r.waiting.empty()) out["waiting"] = r.waiting;
  return out;
}

std::vector<StepTests> tests_of(const nlohmann::json& run) {
  std::vector<StepTests> out;
  for (const nlohmann::json& stage : run.value("stages", nlohmann::json::array()))
    for (const nlohmann::json& job : stage.value("jobs", nlohmann::json::array()))
      for (const nlohmann::json& step : job.value("steps", nlohmann::json::array()))
        if (step.contains("tests") || step.contains("coverage")) {
          StepTests one{job.value("id", ""), step.value("displayName", ""), {}, {}};
          if (step.contains("tests") && step["tests"].is_object()) one.summary = run::test_summary_from_json(step["tests"]);
          if (step.contains("coverage") && step["coverage"].is_object()) one.coverage = run::coverage_from_json(step["coverage"]);
          out.push_back(std::move(one));
        }
  return out;
}

Result<nlohmann::json> RunService::run_document(const std::string& id) {
  return run::load_run_document(store().runs(), id);
}

Result<store::TokenRecord> RunService::authenticate(const std::string& token) {
  m_config.actor.clear();
  if (!m_service) return fail(ErrorCode::not_found, "no slipway.yaml in " + m_config.workspace.string());
  Result<store::TokenRecord> who = m_service->authenticate(token);
  if (who) m_config.actor = who->user;
  return who;
}

Result<std::vector<RunSummary>> RunService::runs() {
  Result<std::vector<store::StoredRun>> stored = store().runs().runs();
  if (!stored) return std::unexpected(stored.error());
  std::vector<RunSummary> out;
  for (const store::StoredRun& run : *stored) out.push_back(summary_of(run.document));
  std::stable_sort(out.begin(), out.end(), [](const RunSummary& a, const RunSummary& b) { return by_number(a.id, b.id); });
  return out;
}

// A step another host ran has no log file here: its compressed log comes
// from the blob store into this host's runs/ folder, where readers look.
void RunService::fetch_shared_log(const std::string& id, const std::string& job_id, int step, const fs::path& plain) {
  fs::path compressed = plain;
  compressed += ".gz";
  std::error_code ec;
  if (fs::exists(plain, ec) || fs::exists(compressed, ec)) return;
  Result<std::optional<std::string>> sha = store().runs().step_log(id, job_id, step);
  if (!sha || !*sha) return;
  if (!create_private_directories(compressed.parent_path())) return;
  (void)blobs()->get_file(**sha, compressed);
}

Result<std::vector<StepLog>> RunService::logs(const std::string& id, const std::string& job) {
  Result<nlohmann::json> document = run::load_run_document(store().runs(), id);
  if (!document) return std::unexpected(document.error());
  const fs::path root = state_root() / "runs";
  std::vector<StepLog> out;
  bool any = false;
  for (const nlohmann::json& stage : (*document)["stages"]) {
    for (const nlohmann::json& record : stage["jobs"]) {
      if (!job_matches(record, job)) continue;
      any = true;
      const std::string job_id = record.value("id", "");
      int index = 0;
      for (const nlohmann::json& step : record["steps"]) {
        StepLog log{job_id, step.value("displayName", ""), step.value("result", ""), {}};
        const fs::path plain = run::step_log_path(root, id, job_id, index);
        fetch_shared_log(id, job_id, index++, plain);
        run::read_step_log(plain, [&log](std::string_view line) { log.lines.emplace_back(line); });
        out.push_back(std::move(log));
      }
    }
  }
  if (!any && !job.empty()) return fail(ErrorCode::not_found, "run " + id + " has no job '" + job + "'");
  return out;
}

Result<std::string> RunService::follow_logs(const std::string& id, const std::string& job,
                                            const std::function<void(const std::string&, std::string_view)>& line) {
  Result<nlohmann::json> done = run::follow_run_logs(
      state_root() / "runs", id, job, [&] { return run::load_run_document(store().runs(), id); }, line);
  if (!done) return std::unexpected(done.error());
  return text_of(*done, "result");
}

Result<std::vector<run::ArtifactRecord>> RunService::artifacts(const std::optional<std::string>& id) {
  std::vector<std::string> ids;
  if (id) {
    if (!run::load_run_document(store().runs(), *id)) return fail(ErrorCode::not_found, "no run " + *id);
    ids.push_back(*id);
  } else {
    Result<std::vector<store::StoredRun>> stored = store().runs().runs();
    if (!stored) return std::unexpected(stored.error());
    for (const store::StoredRun& r : *stored) ids.push_back(r.id);
    std::stable_sort(ids.begin(), ids.end(), by_number);
  }
  std::vector<run::ArtifactRecord> out;
  for (const std::string& run_id : ids) {
    Result<std::vector<run::ArtifactRecord>> of_run = run::stored_artifacts(store().runs(), run_id);
    if (!of_run) return std::unexpected(of_run.error());
    out.insert(out.end(), of_run->begin(), of_run->end());
  }
  return out;
}

Status RunService::get_artifact(const std::string& name, const std::string& id, const fs::path& to) {
  if (Status s = run::check_artifact_name(name); !s) return s;
  Result<std::vector<run::ArtifactRecord>> of_run = artifacts(id);
  if (!of_run) return std::unexpected(of_run.error());
  for (const run::ArtifactRecord& artifact : *of_run)
    if (artifact.name == name) return run::ArtifactStore(blobs()).get(artifact.digest, to);
  return fail(ErrorCode::not_found, "run " + id + " has no artifact '" + name + "'");
}

}  // namespace slipway::service
