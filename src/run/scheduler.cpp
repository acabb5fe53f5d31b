// The scheduler: a coordinator and N worker slots over the stage/job DAG.
//
// Algorithm. The calling thread is the coordinator. Under one mutex it runs
// `advance()` to a fixed point: a pending stage whose dependencies are all
// done has its condition evaluated (skipped, or started); in a started stage
// a pending job whose dependencies are done has its condition evaluated
// (skipped, or turned into one JobMessage per matrix leg and queued); a
// stage whose jobs are all done gets its aggregated result. Then it sleeps
// until a worker finishes a job (or, while a cancel flag is watched, for at
// most 50 ms). Workers pop queued messages (respecting a job's maxParallel),
// run them on the Agent outside the lock, and write the outcome back.
//
// Invariants: a job is queued only after all its dependencies are done, so
// its condition sees their final results and outputs; every record change
// happens under the mutex and marks the record for the saver thread, which
// writes a copy off the lock (the final state is saved by run() itself); the
// agent sees one cancel flag for the whole run. Skipping propagates by
// evaluation, as in Azure (a dependant of a skipped job fails succeeded()).
//
// Why not a thread per job or an async loop: slots bound the number of
// concurrent processes exactly like agent slots do, and a job's steps are
// sequential and blocking by nature (they wait on child processes).
#include "run/scheduler.h"

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "core/clock.h"
#include "core/host.h"
#include "core/strings.h"
#include "run/artifacts.h"
#include "run/conditions.h"
#include "run/local_agent.h"
#include "run/native_tasks.h"

namespace slipway::run {

namespace {

std::int64_t now_ms() { return to_epoch_ms(system_clock().now()); }

constexpr std::string_view k_default_build_number = "$(Date:yyyyMMdd)$(Rev:.r)";

enum class Phase { pending, running, done };

struct JobNode {
  const JobSpec* spec = nullptr;
  Phase phase = Phase::pending;
  std::vector<size_t> instances;  // indexes into the stage record's jobs
  std::vector<size_t> depends_on;  // indexes of the jobs of the stage this one waits for
  int running = 0;
  int unfinished = 0;
  TaskResult result = TaskResult::skipped;
};

struct StageNode {
  const StageSpec* spec = nullptr;
  Phase phase = Phase::pending;
  std::vector<JobNode> jobs;
  std::vector<size_t> depends_on;  // indexes of the stages this one waits for
};

// Names → indexes, case-insensitive as Azure compares them; built once so a
// dependency is found in constant time, not by scanning every name.
template <class Nodes>
std::unordered_map<std::string, size_t> index_by_lower_name(const Nodes& nodes) {
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < nodes.size(); ++i) index.emplace(to_lower(nodes[i].spec->name), i);
  return index;
}

struct Work {
  size_t stage = 0;
  size_t job = 0;
  size_t instance = 0;
  JobMessage message;
};

std::string branch_ref(const std::string& branch) {
  if (branch.empty()) return "refs/heads/main";
  if (branch.starts_with("refs/")) return branch;
  return "refs/heads/" + branch;
}

std::string branch_name(const std::string& ref) {
  size_t slash = ref.rfind('/');
  return slash == std::string::npos ? ref : ref.substr(slash + 1);
}

expr::Value outputs_value(const std::vector<Variable>& outputs, const std::string& prefix) {
  expr::Value::Object members;
  for (const Variable& v : outputs) members.emplace_back(prefix + v.name, expr::Value::string(v.value));
  return expr::Value::object(std::move(members));
}

class Scheduler final : public JobHost {
 public:
  Scheduler(const PipelineSpec& spec, const RunOptions& options, RunRecorder& recorder, Agent& agent)
      : m_spec(spec), m_options(options), m_recorder(recorder), m_agent(agent), m_artifacts(options.blobs) {}

  Result<RunRecord> run() {
    build_records();
    m_run.start_ms = now_ms();
    Variables base = run_variables();
    int revision = m_options.revision;
    std::string_view format = m_spec.name_format.empty() ? k_default_build_number : m_spec.name_format;
    if (m_options.revision_counter && format.find("$(Rev:") != std::string_view::npos) {
      Result<int> next = m_options.revision_counter(build_number_revision_key(format, m_run.start_ms, base));
      if (!next) return std::unexpected(next.error());
      revision = *next;
    }
    m_run.build_number = format_build_number(format, m_run.start_ms, revision, base);
    if (Status s = m_recorder.save(m_run); !s) return std::unexpected(s.error());
    std::thread saver([this] { save_loop(); });

    int slots = m_options.slots > 0 ? m_options.slots : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    std::vector<std::thread> workers;
    for (int i = 0; i < slots; ++i) workers.emplace_back([this] { work(); });
    {
      std::unique_lock lock(m_mutex);
      advance();
      while (!all_done()) {
        if (m_options.cancel) m_changed.wait_for(lock, std::chrono::milliseconds(50));
        else m_changed.wait(lock);
        if (m_options.cancel && m_options.cancel->load() && !m_cancel.load()) {
          // Jobs running now are canceled; jobs whose condition still holds
          // (always(), canceled()) start later with a flag of their own.
          m_cancel = true;
          m_run.reason = m_options.cancel_reason ? m_options.cancel_reason() : "canceled";
          for (const std::shared_ptr<std::atomic<bool>>& flag : m_job_flags) *flag = true;
        }
        advance();
      }
      m_stopping = true;
    }
    m_work.notify_all();
    for (std::thread& t : workers) t.join();
    m_save_wanted.notify_all();
    saver.join();

    std::lock_guard lock(m_mutex);
    std::vector<TaskResult> results;
    for (const StageRecord& stage : m_run.stages) results.push_back(stage.result);
    m_run.result = aggregate_results(results);
    if (m_run.result == TaskResult::skipped) m_run.result = TaskResult::succeeded;
    if (m_cancel.load() && m_run.result != TaskResult::failed) m_run.result = TaskResult::canceled;
    m_run.state = RunState::finished;
    m_run.finish_ms = now_ms();
    if (m_save_error) return std::unexpected(*m_save_error);
    if (Status s = m_recorder.save(m_run); !s) return std::unexpected(s.error());
    return m_run;
  }

  // ---- JobHost ----
  void step_started(const JobMessage& job, int step, const StepRecord& record) override { set_step(job, step, record); }
  void step_finished(const JobMessage& job, int step, const StepRecord& record) override {
    m_recorder.step_finished(m_run.id, job.id, step);
    set_step(job, step, record);
  }
  void log(const JobMessage& job, int step, std::int64_t at_ms, std::string_view line) override {
    m_recorder.log(m_run.id, job.id, step, at_ms, line);
  }
  Result<ArtifactInfo> publish_artifact(const JobMessage& job, const std::string& name,
                                        const std::filesystem::path& from, const std::string& version) override {
    Result<ArtifactInfo> info = m_artifacts.put(name, from);
    if (!info) return info;
    ArtifactRecord record{m_run.id, job.id, name, info->digest, info->size, info->files, now_ms(), m_options.component, version};
    if (Status s = m_recorder.add_artifact(record); !s) return std::unexpected(s.error());
    std::lock_guard lock(m_mutex);
    m_run.artifacts.push_back(record);
    return info;
  }
  Status download_artifact(const JobMessage&, const std::string& name, const std::filesystem::path& to) override {
    Result<std::vector<ArtifactRecord>> list = m_recorder.artifacts(m_run.id);
    if (!list) return std::unexpected(list.error());
    bool found = false;
    for (const ArtifactRecord& a : *list) {
      if (!name.empty() && a.name != name) continue;
      found = true;
      if (Status s = m_artifacts.get(a.digest, name.empty() ? to / a.name : to); !s) return s;
    }
    if (!found && !name.empty())
      return fail(ErrorCode::not_found, "artifact '" + name + "' was not published in run " + m_run.id);
    return {};
  }

 private:
  void build_records() {
    m_run.id = m_options.run_id;
    m_run.pipeline = m_options.pipeline;
    m_run.component = m_options.component;
    m_run.branch = branch_ref(m_options.branch);
    m_run.commit = m_options.commit;
    m_run.source = m_options.source;
    m_run.retry_of = m_options.retry_of;
    m_run.owner_pid = current_pid();
    m_run.owner_host = host_name();
    for (const StageSpec& stage : m_spec.stages) {
      StageNode node;
      node.spec = &stage;
      StageRecord record{stage.name, stage.display_name, TaskResult::skipped, false, 0, 0, {}, {}};
      for (const JobSpec& job : stage.jobs) {
        JobNode jn;
        jn.spec = &job;
        auto add = [&](const std::string& leg) {
          JobRecord jr;
          jr.stage = stage.name;
          jr.job = job.name;
          jr.leg = leg;
          jr.id = stage.name + "." + job.name + (leg.empty() ? "" : "." + leg);
          jr.display_name = leg.empty() ? job.display_name : job.display_name + " (" + leg + ")";
          for (const StepSpec& step : job.steps) {
            StepRecord sr;
            sr.name = step.name;
            sr.display_name = step.display_name;
            jr.steps.push_back(sr);
          }
          jn.instances.push_back(record.jobs.size());
          m_index[jr.id] = {m_stages.size(), record.jobs.size()};
          record.jobs.push_back(std::move(jr));
        };
        if (job.legs.empty()) add("");
        for (const MatrixLeg& leg : job.legs) add(leg.name);
        node.jobs.push_back(std::move(jn));
      }
      link_job_dependencies(node);
      m_stages.push_back(std::move(node));
      m_run.stages.push_back(std::move(record));
    }
    link_stage_dependencies();
  }

  Variables run_variables() const {
    Variables v;
    v.set("Build.BuildId", std::to_string(m_options.build_id));
    v.set("Build.BuildNumber", m_run.build_number);
    v.set("Build.DefinitionName", m_options.pipeline);
    v.set("Build.Repository.Name", m_options.pipeline);
    v.set("Build.Repository.Uri", m_options.repository);
    v.set("Build.SourceBranch", m_run.branch);
    v.set("Build.SourceBranchName", branch_name(m_run.branch));
    v.set("Build.SourceVersion", m_options.commit);
    v.set("Build.Reason", "Manual");
    v.set("System.DefinitionName", m_options.pipeline);
    return v;
  }

  bool all_done() const {
    for (const StageNode& s : m_stages)
      if (s.phase != Phase::done) return false;
    return m_running == 0;
  }

  // Called under m_mutex on every job and stage change: the saver thread
  // writes the record later, off the lock.
  void save() {
    m_dirty = true;
    m_save_wanted.notify_one();
  }

  // Saves a copy of the record while the run goes, at most every 200 ms and
  // at least 10 times the last save's duration apart. A save of a big run
  // takes milliseconds (tens of them when it wrote every job); under the lock
  // it held up every step's start and finish. run() saves the final state.
  void save_loop() {
    std::unique_lock lock(m_mutex);
    while (true) {
      m_save_wanted.wait(lock, [&] { return m_dirty || m_stopping; });
      if (m_stopping) return;
      RunRecord copy = m_run;
      m_dirty = false;
      lock.unlock();
      auto started = std::chrono::steady_clock::now();
      Status saved = m_recorder.save(copy);
      auto took = std::chrono::steady_clock::now() - started;
      lock.lock();
      if (!saved && !m_save_error) m_save_error = saved.error();
      m_save_wanted.wait_for(lock, std::max<std::chrono::steady_clock::duration>(std::chrono::milliseconds(200), 10 * took),
                             [&] { return m_stopping; });
    }
  }

  size_t stage_index(const StageNode& node) const { return static_cast<size_t>(&node - m_stages.data()); }

  // {result, outputs} of a job for `dependencies.<job>`; matrix outputs keyed "leg.step.var".
  expr::Value job_value(size_t stage, const JobNode& job) const {
    std::vector<Variable> outputs;
    for (size_t i : job.instances) {
      const JobRecord& r = m_run.stages[stage].jobs[i];
      for (const Variable& v : r.outputs) outputs.push_back({r.leg.empty() ? v.name : r.leg + "." + v.name, v.value, v.secret});
    }
    return expr::Value::object({{"result", expr::Value::string(result_title(job.result))},
                                {"outputs", outputs_value(outputs, "")}});
  }

  // `stageDependencies.<stage>.<job>`: the jobs of the stages `stage` depends
  // on, as Azure gives them (built from every finished stage, each stage
  // start cost time in proportion to the stages before it).
  expr::Value stage_dependencies_value(const StageNode& stage) const {
    expr::Value::Object stages;
    for (size_t s : stage.depends_on) {
      if (m_stages[s].phase != Phase::done) continue;
      expr::Value::Object jobs;
      for (const JobNode& j : m_stages[s].jobs) jobs.emplace_back(j.spec->name, job_value(s, j));
      stages.emplace_back(m_stages[s].spec->name, expr::Value::object(std::move(jobs)));
    }
    return expr::Value::object(std::move(stages));
  }

  // Stage-level `dependencies.<stage>`: {result, outputs['job.step.var']}.
  expr::Value stage_value(size_t s) const {
    std::vector<Variable> outputs;
    for (const JobRecord& r : m_run.stages[s].jobs)
      for (const Variable& v : r.outputs)
        outputs.push_back({r.job + "." + (r.leg.empty() ? "" : r.leg + ".") + v.name, v.value, v.secret});
    return expr::Value::object({{"result", expr::Value::string(result_title(m_run.stages[s].result))},
                                {"outputs", outputs_value(outputs, "")}});
  }

  void finish_stage(StageNode& stage, TaskResult result, std::string reason) {
    size_t s = stage_index(stage);
    stage.phase = Phase::done;
    StageRecord& record = m_run.stages[s];
    record.result = result;
    record.finished = true;
    record.reason = std::move(reason);
    if (record.start_ms == 0) record.start_ms = now_ms();
    record.finish_ms = now_ms();
  }

  void finish_job_unrun(size_t s, JobNode& job, TaskResult result, const std::string& reason) {
    job.phase = Phase::done;
    job.result = result;
    for (size_t i : job.instances) {
      JobRecord& r = m_run.stages[s].jobs[i];
      r.result = result;
      r.finished = true;
      r.reason = reason;
    }
  }

  // One pass after another until nothing changes.
  void advance() {
    bool changed = true, any = false;
    while (changed) {
      changed = false;
      for (StageNode& stage : m_stages) {
        if (stage.phase == Phase::pending) changed |= try_start_stage(stage);
        if (stage.phase == Phase::running) changed |= advance_stage(stage);
      }
      any |= changed;
    }
    if (any) save();
  }

  bool try_start_stage(StageNode& stage) {
    StatusFacts facts;
    facts.canceled = m_cancel.load();
    expr::Value::Object deps;
    for (size_t ds : stage.depends_on) {
      const StageNode& d = m_stages[ds];
      if (d.phase != Phase::done) return false;
      facts.previous.emplace_back(d.spec->name, m_run.stages[ds].result);
      deps.emplace_back(d.spec->name, stage_value(ds));
    }
    Variables vars = run_variables();
    vars.set_all(m_spec.variables);
    vars.set_all(m_options.variables);
    expr::Value::Object named{{"variables", variables_value(vars)},
                              {"dependencies", expr::Value::object(std::move(deps))},
                              {"stageDependencies", stage_dependencies_value(stage)}};
    Result<bool> go = evaluate_condition(stage.spec->condition, stage.spec->where, named, facts);
    size_t s = stage_index(stage);
    if (!go) {
      for (JobNode& job : stage.jobs) finish_job_unrun(s, job, TaskResult::skipped, "stage failed");
      finish_stage(stage, TaskResult::failed, go.error().to_string());
    } else if (!*go) {
      for (JobNode& job : stage.jobs) finish_job_unrun(s, job, TaskResult::skipped, "stage skipped");
      finish_stage(stage, TaskResult::skipped, "condition '" + stage.spec->condition + "' was false");
    } else {
      stage.phase = Phase::running;
      m_run.stages[s].start_ms = now_ms();
    }
    return true;
  }

  // Resolves dependsOn names (case-insensitive, as Azure) to indexes once:
  // advance() runs after every event and must not rescan names (it did, and
  // 5,000 stages took minutes). Names were checked when the spec was built.
  static void link_job_dependencies(StageNode& stage) {
    std::unordered_map<std::string, size_t> index = index_by_lower_name(stage.jobs);
    for (JobNode& job : stage.jobs)
      for (const std::string& dep : job.spec->depends_on)
        if (auto found = index.find(to_lower(dep)); found != index.end()) job.depends_on.push_back(found->second);
  }

  void link_stage_dependencies() {
    std::unordered_map<std::string, size_t> index = index_by_lower_name(m_stages);
    for (StageNode& stage : m_stages)
      for (const std::string& dep : stage.spec->depends_on)
        if (auto found = index.find(to_lower(dep)); found != index.end()) stage.depends_on.push_back(found->second);
  }

  bool advance_stage(StageNode& stage) {
    bool changed = false;
    size_t s = stage_index(stage);
    for (JobNode& job : stage.jobs) {
      if (job.phase != Phase::pending) continue;
      StatusFacts facts;
      facts.canceled = m_cancel.load();
      bool ready = true;
      for (size_t d : job.depends_on) {
        const JobNode& other = stage.jobs[d];
        if (other.phase != Phase::done) ready = false;
        else facts.previous.emplace_back(other.spec->name, other.result);
      }
      if (!ready) continue;
      changed = true;
      if (reuse_job(s, job)) continue;
      expr::Value::Object deps;
      for (const JobNode& other : stage.jobs)
        if (other.phase == Phase::done) deps.emplace_back(other.spec->name, job_value(s, other));
      Variables vars = run_variables();
      vars.set_all(m_spec.variables);
      vars.set_all(m_options.variables);
      vars.set_all(stage.spec->variables);
      expr::Value::Object named{{"variables", variables_value(vars)},
                                {"dependencies", expr::Value::object(std::move(deps))},
                                {"stageDependencies", stage_dependencies_value(stage)}};
      Result<bool> go = evaluate_condition(job.spec->condition, job.spec->where, named, facts);
      if (!go) {
        finish_job_unrun(s, job, TaskResult::failed, go.error().to_string());
        continue;
      }
      if (!*go) {
        finish_job_unrun(s, job, TaskResult::skipped, "condition '" + job.spec->condition + "' was false");
        continue;
      }
      if (Status queued = queue_job(stage, job, named); !queued)
        finish_job_unrun(s, job, TaskResult::failed, queued.error().to_string());
    }
    bool all = true;
    std::vector<TaskResult> results;
    for (const JobNode& job : stage.jobs) {
      if (job.phase != Phase::done) all = false;
      results.push_back(job.result);
    }
    if (all) {
      finish_stage(stage, aggregate_results(results), "");
      changed = true;
    }
    return changed;
  }

  bool is_secret_output(const std::string& value) const {
    if (value.empty()) return false;
    for (const StageRecord& stage : m_run.stages)
      for (const JobRecord& job : stage.jobs)
        for (const Variable& v : job.outputs)
          if (v.secret && v.value == value) return true;
    return false;
  }

  // Retry: takes the earlier run's records when every instance succeeded there.
  bool reuse_job(size_t s, JobNode& job) {
    if (m_options.reuse.empty()) return false;
    for (size_t i : job.instances) {
      auto it = m_options.reuse.find(m_run.stages[s].jobs[i].id);
      if (it == m_options.reuse.end()) return false;
      TaskResult r = it->second.result;
      if (r != TaskResult::succeeded && r != TaskResult::succeeded_with_issues) return false;
    }
    std::vector<TaskResult> results;
    for (size_t i : job.instances) {
      JobRecord& record = m_run.stages[s].jobs[i];
      const JobRecord& earlier = m_options.reuse.at(record.id);
      record.result = earlier.result;
      record.outputs = earlier.outputs;
      record.steps = earlier.steps;
      record.start_ms = earlier.start_ms;
      record.finish_ms = earlier.finish_ms;
      record.finished = true;
      record.reason = "reused from run " + m_options.retry_of;
      results.push_back(record.result);
    }
    job.result = aggregate_results(results);
    job.phase = Phase::done;
    return true;
  }

  // Builds one message per instance: variables in Azure's precedence, `$[ ]`
  // values evaluated, then macros expanded once.
  Status queue_job(StageNode& stage, JobNode& job, expr::Value::Object named) {
    size_t s = stage_index(stage);
    std::vector<Work> work;
    for (size_t n = 0; n < job.instances.size(); ++n) {
      const JobRecord& record = m_run.stages[s].jobs[job.instances[n]];
      Variables vars = run_variables();
      vars.set("Build.BuildNumber", m_run.build_number);
      vars.set("System.StageName", stage.spec->name);
      vars.set("System.StageDisplayName", stage.spec->display_name);
      vars.set("System.JobName", record.leg.empty() ? job.spec->name : record.leg);
      vars.set("System.PhaseName", job.spec->name);
      vars.set("System.JobDisplayName", record.display_name);
      vars.set("System.JobId", record.id);
      vars.set("Agent.JobName", record.display_name);
      vars.set("Build.BuildId", std::to_string(m_options.build_id));
      if (job.spec->deployment) {  // as Azure sets them in deployment jobs
        vars.set("Environment.Name", job.spec->environment);
        vars.set("Environment.ResourceName", job.spec->environment_resource);
      }
      NameValues layered = m_spec.variables;
      layered.insert(layered.end(), m_options.variables.begin(), m_options.variables.end());
      layered.insert(layered.end(), stage.spec->variables.begin(), stage.spec->variables.end());
      layered.insert(layered.end(), job.spec->variables.begin(), job.spec->variables.end());
      if (!record.leg.empty())
        for (const MatrixLeg& leg : job.spec->legs)
          if (leg.name == record.leg) layered.insert(layered.end(), leg.variables.begin(), leg.variables.end());
      for (const auto& [name, value] : layered) {
        named[0].second = variables_value(vars);
        Result<std::string> resolved = evaluate_runtime_value(value, job.spec->where, named);
        if (!resolved) return std::unexpected(resolved.error());
        // A value taken from a secret output stays secret (masked, not in the environment).
        bool secret = (*resolved != value && is_secret_output(*resolved)) || m_spec.is_secret(name);
        vars.set(name, *resolved, secret);
      }
      vars.expand_values();
      Work w;
      w.stage = s;
      w.job = static_cast<size_t>(&job - stage.jobs.data());
      w.instance = job.instances[n];
      w.message.run_id = m_run.id;
      w.message.id = record.id;
      w.message.stage = stage.spec->name;
      w.message.job = job.spec->name;
      w.message.leg = record.leg;
      w.message.display_name = record.display_name;
      w.message.variables = vars.all();
      w.message.steps = job.spec->steps;
      w.message.timeout_minutes = job.spec->timeout_minutes;
      w.message.cancel_timeout_minutes = job.spec->cancel_timeout_minutes;
      w.message.clean_workspace = job.spec->clean_workspace;
      w.message.container = job.spec->container;
      if (job.spec->deployment) w.message.environment = job.spec->environment;
      w.message.services = job.spec->services;
      for (const StepSpec& step : job.spec->steps)  // a job gets only the secure files its steps name
        for (const auto& [name, content] : m_spec.secure_files)
          if (step.kind == StepKind::task && secure_file_of(step) == name) w.message.secure_files.emplace_back(name, content);
      work.push_back(std::move(w));
    }
    job.phase = Phase::running;
    job.unfinished = static_cast<int>(work.size());
    for (Work& w : work) m_queue.push_back(std::move(w));
    m_work.notify_all();
    return {};
  }

  // Worker slot: take queued jobs until the run ends.
  void work() {
    while (true) {
      std::unique_lock lock(m_mutex);
      std::deque<Work>::iterator chosen;
      m_work.wait(lock, [&] {
        chosen = std::find_if(m_queue.begin(), m_queue.end(), [&](const Work& w) {
          const JobNode& job = m_stages[w.stage].jobs[w.job];
          return job.spec->max_parallel <= 0 || job.running < job.spec->max_parallel;
        });
        return chosen != m_queue.end() || m_stopping;
      });
      if (chosen == m_queue.end()) return;
      Work w = std::move(*chosen);
      m_queue.erase(chosen);
      JobNode& job = m_stages[w.stage].jobs[w.job];
      ++job.running;
      ++m_running;
      auto flag = std::make_shared<std::atomic<bool>>(false);
      m_job_flags.insert(flag);
      JobRecord& record = m_run.stages[w.stage].jobs[w.instance];
      record.start_ms = now_ms();
      save();
      lock.unlock();

      RunOptions::Finish finish;
      Result<JobOutcome> outcome = JobOutcome{};
      if (!w.message.environment.empty() && m_options.deployment_gate) {
        auto waiting = [this, &w](const std::string& why) {
          std::lock_guard held(m_mutex);
          m_run.stages[w.stage].jobs[w.instance].reason = why;
          save();
        };
        Result<RunOptions::Finish> gate = m_options.deployment_gate(w.message, *flag, waiting);
        if (gate) finish = std::move(*gate);
        else outcome = std::unexpected(gate.error());
      }
      if (outcome) outcome = m_agent.run_job(w.message, *this, *flag);
      if (finish) finish(outcome ? outcome->result : TaskResult::failed);

      lock.lock();
      m_job_flags.erase(flag);
      JobRecord& done = m_run.stages[w.stage].jobs[w.instance];
      done.finished = true;
      done.finish_ms = now_ms();
      if (!outcome) {
        done.result = TaskResult::failed;
        done.reason = outcome.error().to_string();
      } else {
        done.result = outcome->result;
        done.reason = outcome->reason;
        done.steps = outcome->steps;
        done.outputs = outcome->outputs;
        if (outcome->build_number) m_run.build_number = *outcome->build_number;
        if (done.result == TaskResult::failed && job.spec->continue_on_error) done.result = TaskResult::succeeded_with_issues;
      }
      --job.running;
      --m_running;
      if (--job.unfinished == 0) {
        std::vector<TaskResult> results;
        for (size_t i : job.instances) results.push_back(m_run.stages[w.stage].jobs[i].result);
        job.result = aggregate_results(results);
        job.phase = Phase::done;
      }
      save();
      m_changed.notify_all();
      m_work.notify_all();
    }
  }

  void set_step(const JobMessage& job, int step, const StepRecord& record) {
    std::lock_guard lock(m_mutex);
    auto it = m_index.find(job.id);
    if (it == m_index.end()) return;
    JobRecord& r = m_run.stages[it->second.first].jobs[it->second.second];
    if (step >= 0 && static_cast<size_t>(step) < r.steps.size()) r.steps[static_cast<size_t>(step)] = record;
  }

  const PipelineSpec& m_spec;
  const RunOptions& m_options;
  RunRecorder& m_recorder;
  Agent& m_agent;
  ArtifactStore m_artifacts;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::condition_variable m_work;
  std::condition_variable m_save_wanted;
  bool m_dirty = false;  // the record changed since the saver's last copy
  RunRecord m_run;
  std::vector<StageNode> m_stages;
  std::map<std::string, std::pair<size_t, size_t>> m_index;  // job id → (stage, record)
  std::deque<Work> m_queue;
  int m_running = 0;
  bool m_stopping = false;
  std::atomic<bool> m_cancel{false};  // the run was canceled
  std::set<std::shared_ptr<std::atomic<bool>>> m_job_flags;  // cancel flags of running jobs
  std::optional<Error> m_save_error;
};

std::string pad(int value, size_t width) {
  std::string text = std::to_string(value);
  while (text.size() < width) text.insert(text.begin(), '0');
  return text;
}

std::string format_date(std::string_view format, std::int64_t now_ms) {
  std::time_t seconds = static_cast<std::time_t>(now_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  std::string out;
  for (size_t i = 0; i < format.size();) {
    auto token = [&](std::string_view t) { return format.substr(i, t.size()) == t; };
    if (token("yyyy")) out += pad(tm.tm_year + 1900, 4), i += 4;
    else if (token("yy")) out += pad((tm.tm_year + 1900) % 100, 2), i += 2;
    else if (token("MM")) out += pad(tm.tm_mon + 1, 2), i += 2;
    else if (token("dd")) out += pad(tm.tm_mday, 2), i += 2;
    else if (token("HH")) out += pad(tm.tm_hour, 2), i += 2;
    else if (token("mm")) out += pad(tm.tm_min, 2), i += 2;
    else if (token("ss")) out += pad(tm.tm_sec, 2), i += 2;
    else out += format[i++];
  }
  return out;
}

}  // namespace

TaskResult aggregate_results(const std::vector<TaskResult>& results) {
  bool any_failed = false, any_canceled = false, any_issues = false, any_ran = false;
  for (TaskResult r : results) {
    if (r == TaskResult::skipped) continue;
    any_ran = true;
    any_failed |= r == TaskResult::failed;
    any_canceled |= r == TaskResult::canceled;
    any_issues |= r == TaskResult::succeeded_with_issues;
  }
  if (!any_ran) return TaskResult::skipped;
  if (any_failed) return TaskResult::failed;
  if (any_canceled) return TaskResult::canceled;
  if (any_issues) return TaskResult::succeeded_with_issues;
  return TaskResult::succeeded;
}

namespace {

// revision nullopt: every $(Rev:...) stays "$(Rev)".
std::string format_number(std::string_view format, std::int64_t now_ms, std::optional<int> revision,
                          const Variables& variables) {
  std::string text(format.empty() ? k_default_build_number : format);
  std::string out;
  for (size_t i = 0; i < text.size();) {
    if (text.compare(i, 7, "$(Date:") == 0) {
      size_t end = text.find(')', i);
      if (end != std::string::npos) {
        out += format_date(std::string_view(text).substr(i + 7, end - i - 7), now_ms);
        i = end + 1;
        continue;
      }
    }
    if (text.compare(i, 6, "$(Rev:") == 0) {
      size_t end = text.find(')', i);
      if (end != std::string::npos) {
        std::string spec = text.substr(i + 6, end - i - 6);
        size_t rs = std::count(spec.begin(), spec.end(), 'r');
        size_t first = spec.find('r');
        out += revision ? (first == std::string::npos ? spec : spec.substr(0, first)) + pad(*revision, rs) : "$(Rev)";
        i = end + 1;
        continue;
      }
    }
    out += text[i++];
  }
  return variables.expand(out);
}

}  // namespace

std::string format_build_number(std::string_view format, std::int64_t now_ms, int revision,
                                 const Variables& variables) {
  return format_number(format, now_ms, revision, variables);
}

std::string build_number_revision_key(std::string_view format, std::int64_t now_ms, const Variables& variables) {
  return format_number(format, now_ms, std::nullopt, variables);
}

Result<RunRecord> run_pipeline(const PipelineSpec& spec, const RunOptions& options, RunRecorder& recorder) {
  std::unique_ptr<LocalAgent> local;
  Agent* agent = options.agent;
  if (!agent) {
    local = std::make_unique<LocalAgent>(options.work_dir, std::chrono::minutes(1), options.protected_paths,
                                         options.tasks);
    agent = local.get();
  }
  Scheduler scheduler(spec, options, recorder, *agent);
  return scheduler.run();
}

}  // namespace slipway::run
