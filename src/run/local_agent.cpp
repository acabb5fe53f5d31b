// Running the steps of one job: the step loop of the local agent.
//
// The loop keeps the job's running state: its variables (which steps may
// change with task.setvariable), the secret masker (grown by issecret=true),
// the job status so far (what a step's succeeded()/failed() sees) and whether
// the job was canceled or ran out of time. A step is: enabled? → condition →
// run (with retries) → result (exit code, timeout, cancel, task.complete,
// continueOnError) → job status. After a cancel or a job timeout only steps
// whose condition still holds (always(), canceled()) run, without the cancel
// flag but bounded by the cancel timeout.
#include "run/local_agent.h"

#include <unistd.h>

#include <algorithm>
#include <map>

#include "core/clock.h"
#include "core/files.h"
#include "core/hash.h"
#include "core/process.h"
#include "core/process_marks.h"
#include "core/strings.h"
#include "run/builtin_tasks.h"
#include "run/conditions.h"
#include "run/containers.h"
#include "run/git_checkout.h"
#include "run/logging_commands.h"
#include "run/native_tasks.h"
#include "run/step_isolation.h"
#include "run/task_folder.h"
#include "run/work_folder.h"

namespace slipway::run {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

std::string folder_name(std::string_view id) {
  std::string out(id);
  for (char& c : out)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') c = '_';
  if (out.empty() || out == "." || out == "..") out = "_" + out;
  return out;
}

namespace {

std::int64_t now_ms() { return to_epoch_ms(system_clock().now()); }

// A local folder that is no git repository: neither a work tree (.git) nor a
// bare repository (HEAD and objects/, as a server's push target has).
bool is_plain_folder(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec) || fs::exists(dir / ".git", ec)) return false;
  return !(fs::is_regular_file(dir / "HEAD", ec) && fs::is_directory(dir / "objects", ec));
}

TaskResult worse(TaskResult a, TaskResult b) { return static_cast<int>(a) >= static_cast<int>(b) ? a : b; }

struct JobState {
  JobState(const JobMessage& j, JobHost& h) : job(j), host(h) {}
  const JobMessage& job;
  JobHost& host;
  Variables variables;
  SecretMasker masker;
  TaskResult status = TaskResult::succeeded;
  bool canceled = false;       // by the caller, or by the job timeout
  bool timed_out = false;
  std::optional<SteadyClock::time_point> deadline;
  milliseconds minute{60000};
  const WorkFolder* work = nullptr;
  const StepConfinement* confinement = nullptr;
  std::optional<JobContainers> containers;  // the job's container and services, when it has them
  std::vector<std::string> container_log;   // how they started: the first step's log begins with it
  const std::vector<std::string>* system_env = nullptr;  // the agent's basics, for every step
  const TaskCatalog* tasks = nullptr;  // task folders the job's task steps may run; may be null
  fs::path cache_folder;               // Cache@2's entries
  std::vector<std::function<void()>> after_success;  // run when the job's steps succeeded (Cache@2 saves)
  std::vector<std::function<void()>> after_job;      // run when the job's steps are done (secure files removed)
  fs::path dir, sources, staging, binaries, temp;
  std::string process_mark;    // in every step's environment (core/process_marks.h)
  std::string bash;            // the agent's bash
  // Folders later steps find first on PATH (##vso[task.prependpath], tool selectors), newest first.
  std::vector<std::string> path_prepends;
  // Every step's environment but its own env: entries, as of variables revision
  // base_env_revision and path_prepends' size.
  std::vector<std::string> base_env;
  std::optional<std::pair<std::uint64_t, size_t>> base_env_revision;
  JobOutcome outcome;
};

// One run of a step's process; shared by script, bash and checkout.
struct Attempt {
  TaskResult result = TaskResult::succeeded;
  int exit_code = -1;
  std::string reason;
};

class StepRunner {
 public:
  StepRunner(JobState& state, int index, StepRecord& record, const std::atomic<bool>& cancel)
      : m_state(state), m_index(index), m_record(record), m_cancel(cancel) {}

  void log(std::string_view line) { m_state.host.log(m_state.job, m_index, now_ms(), m_state.masker.mask(line)); }

  // Runs argv with the job's environment and then `extra` (entries taken as
  // they are, after the step's env:); handles logging commands.
  Attempt run_process_step(const std::vector<std::string>& argv, const StepSpec& step,
                           const std::vector<std::string>& extra = {}, bool in_container = false) {
    Attempt attempt;
    ProcessOptions options;
    options.argv = argv;
    std::string wd = m_state.variables.expand(step.working_directory);
    options.cwd = wd.empty() ? m_state.sources : fs::path(wd).is_absolute() ? fs::path(wd) : m_state.sources / wd;
    options.env = environment(step);
    for (const std::string& entry : extra) put(*options.env, entry);
    // In the job's container the container is the confinement (run/containers.h).
    if (in_container) m_state.containers->wrap(options);
    else m_state.confinement->apply(options);
    bool after_cancel = m_state.canceled;
    milliseconds timeout{0};
    bool bound_by_job_deadline = false;  // the job's deadline, not the step's own limit, sets the timeout
    if (step.timeout_minutes > 0) timeout = m_state.minute * step.timeout_minutes;
    if (after_cancel) {
      int minutes = m_state.job.cancel_timeout_minutes > 0 ? m_state.job.cancel_timeout_minutes : 5;
      timeout = m_state.minute * minutes;
    } else {
      options.cancel = &m_cancel;
      if (m_state.deadline) {
        auto left = std::chrono::duration_cast<milliseconds>(*m_state.deadline - SteadyClock::now());
        if (left.count() <= 0) left = milliseconds(1);
        if (timeout.count() == 0 || left < timeout) {
          timeout = left;
          bound_by_job_deadline = true;
        }
      }
    }
    options.timeout = timeout;
    options.kill_grace = milliseconds(1000);
    options.on_line = [this](OutputStream, std::string_view line) { handle_line(line); };
    Result<ProcessResult> result = run_process(options);
    if (!result) {
      attempt.result = TaskResult::failed;
      attempt.reason = result.error().message;
      log("##[error]" + attempt.reason);
      return attempt;
    }
    attempt.exit_code = result->exit_code;
    if (in_container && (result->canceled || result->timed_out)) m_state.containers->kill_leftovers();
    if (result->canceled) {
      attempt.result = TaskResult::canceled;
      attempt.reason = "canceled";
    } else if (result->timed_out) {
      // Decided by which limit applied, not by comparing clocks: the timeout was
      // rounded down to milliseconds, so it may fire a fraction before the deadline.
      bool job_deadline = bound_by_job_deadline && !after_cancel;
      if (job_deadline) {
        m_state.timed_out = true;
        m_state.canceled = true;
        attempt.result = TaskResult::canceled;
        attempt.reason = "the job ran longer than the maximum time of " + std::to_string(m_state.job.timeout_minutes) + " minutes";
      } else {
        attempt.result = TaskResult::failed;
        attempt.reason = "the step ran longer than the maximum time of " +
                         std::to_string(step.timeout_minutes) + " minutes";
      }
      log("##[error]" + attempt.reason);
    } else if (result->exit_code != 0) {
      attempt.result = TaskResult::failed;
      attempt.reason = result->signal ? "killed by signal " + std::to_string(result->signal)
                                      : fs::path(argv.front()).filename().string() + " exited with code " +
                                            std::to_string(result->exit_code);
      log("##[error]" + attempt.reason);
    }
    return attempt;
  }

  std::optional<TaskResult> forced_result;
  StepRecord& record() { return m_record; }

 private:
  // The system basics of the agent's environment (never all of it: slipway's
  // may hold cloud credentials and secrets read through from_env), TMPDIR,
  // then the job's variables, then TF_BUILD and the process mark, then the
  // step's env: entries; a later entry of a name replaces an earlier one in
  // place. All but the step's entries are built again only when a variable
  // changed.
  std::vector<std::string> environment(const StepSpec& step) {
    const std::pair<std::uint64_t, size_t> revision{m_state.variables.revision(), m_state.path_prepends.size()};
    if (m_state.base_env_revision != revision) {
      m_state.base_env.clear();
      for (const std::string& entry : *m_state.system_env) put(m_state.base_env, entry);
      put(m_state.base_env, "PATH=" + search_path());
      put(m_state.base_env, "TMPDIR=" + m_state.temp.string());
      for (const std::string& entry : m_state.variables.environment()) put(m_state.base_env, entry);
      put(m_state.base_env, "TF_BUILD=True");
      put(m_state.base_env, std::string(k_process_mark_variable) + "=" + m_state.process_mark);
      m_state.base_env_revision = revision;
    }
    std::vector<std::string> out = m_state.base_env;
    for (const auto& [name, value] : step.env) put(out, name + "=" + m_state.variables.expand(value));
    return out;
  }

  // The steps' PATH: the prepended folders, then the agent's.
  std::string search_path() const {
    std::string out;
    for (auto it = m_state.path_prepends.rbegin(); it != m_state.path_prepends.rend(); ++it) out += *it + ":";
    for (const std::string& entry : *m_state.system_env)
      if (entry.starts_with("PATH=")) return out + entry.substr(5);
    return out + "/usr/local/bin:/usr/bin:/bin";
  }

 public:
  void prepend_path(const std::string& dir) {
    std::string folder(trim(dir));
    if (folder.empty()) return;
    std::erase(m_state.path_prepends, folder);
    m_state.path_prepends.push_back(folder);
  }

  // The lines `argv` prints, run as the step's process (confined, the job's
  // environment), bounded to 10 s; for native tasks' probes (tool versions).
  std::vector<std::string> probe(const std::vector<std::string>& argv, const StepSpec& step) {
    std::vector<std::string> lines;
    ProcessOptions options;
    options.argv = argv;
    options.cwd = m_state.sources;
    options.env = environment(step);
    m_state.confinement->apply(options);
    options.timeout = milliseconds(10000);
    options.on_line = [&lines](OutputStream, std::string_view line) {
      if (lines.size() < 1000) lines.emplace_back(line);
    };
    Result<ProcessResult> ran = run_process(options);
    if (!ran || ran->exit_code != 0) lines.clear();
    return lines;
  }

  // `program` as a step would find it on its PATH.
  std::optional<fs::path> find_on_path(const std::string& program) const {
    if (program.find('/') != std::string::npos) return fs::path(program);
    for (const std::string& dir : split(search_path(), ':')) {
      fs::path candidate = fs::path(dir.empty() ? "." : dir) / program;
      if (::access(candidate.c_str(), X_OK) == 0 && !fs::is_directory(candidate)) return candidate;
    }
    return std::nullopt;
  }

 private:
  static void put(std::vector<std::string>& env, std::string entry) {
    std::string_view name = std::string_view(entry).substr(0, entry.find('='));
    for (std::string& existing : env) {
      if (existing.size() > name.size() && existing[name.size()] == '=' && existing.starts_with(name)) {
        existing = std::move(entry);
        return;
      }
    }
    env.push_back(std::move(entry));
  }

  void handle_line(std::string_view line) {
    std::optional<LoggingCommand> command = parse_logging_command(line);
    if (command && command->kind == LoggingCommand::Kind::vso && command->area == "task" && command->action == "debug") {
      // As Azure's agent: debug lines only with System.Debug=true (tasks write many).
      const Variable* debug = m_state.variables.find("System.Debug");
      if (debug && iequals(debug->value, "true")) log("##[debug]" + command->message);
      return;
    }
    if (command) apply(*command);
    log(line);
  }

  void apply(const LoggingCommand& command) {
    if (command.kind != LoggingCommand::Kind::vso) return;
    const StepSpec& step = m_state.job.steps[static_cast<size_t>(m_index)];
    if (command.area == "task" && command.action == "setvariable") {
      std::string name = command.property("variable");
      if (name.empty()) return;
      bool secret = iequals(command.property("issecret"), "true");
      bool output = iequals(command.property("isoutput"), "true");
      if (secret) m_state.masker.add(command.message);
      m_state.variables.set(name, command.message, secret);
      if (output) {
        std::string ref = step.name.empty() ? "__step" + std::to_string(m_index) : step.name;
        m_state.variables.set(ref + "." + name, command.message, secret);
        m_state.outcome.outputs.push_back({ref + "." + name, command.message, secret});
      }
    } else if (command.area == "task" && command.action == "logissue") {
      std::string type = to_lower(command.property("type"));
      if (type != "warning" && type != "error") type = "error";
      m_record.issues.push_back({type, m_state.masker.mask(command.message)});
    } else if (command.area == "task" && command.action == "complete") {
      std::optional<TaskResult> result = parse_result(command.property("result"));
      if (result && *result != TaskResult::canceled && *result != TaskResult::skipped) forced_result = *result;
    } else if (command.area == "task" && command.action == "prependpath") {
      prepend_path(command.message);
    } else if (command.area == "build" && command.action == "updatebuildnumber") {
      std::string number(trim(command.message));
      if (number.empty()) return;
      m_state.outcome.build_number = number;
      m_state.variables.set("Build.BuildNumber", number);
    }
  }

  JobState& m_state;
  int m_index;
  StepRecord& m_record;
  const std::atomic<bool>& m_cancel;
};

// The version an artifact published now carries: Slipway.Version when the
// versioning task set one, else the build number.
std::string artifact_version(const Variables& variables) {
  for (const char* name : {"Slipway.Version", "Build.BuildNumber"})
    if (const Variable* v = variables.find(name); v && !v->value.empty()) return v->value;
  return "";
}

// A variable a task sets for later steps, and as the step's output when it has a name.
void set_task_variable(JobState& state, const StepSpec& step, const std::string& name, const std::string& value) {
  state.variables.set(name, value, false);
  if (step.name.empty()) return;
  state.variables.set(step.name + "." + name, value, false);
  state.outcome.outputs.push_back({step.name + "." + name, value, false});
}

// What a native task (run/native_tasks.h) may do in the job.
NativeTaskContext native_context(JobState& state, StepRunner& runner, const StepSpec& step) {
  return NativeTaskContext{
      state.sources,
      state.variables,
      [&runner](std::string_view line) { runner.log(line); },
      [&state](std::string_view text) { return state.masker.mask(text); },
      runner.record(),
      [&runner, &step](const std::vector<std::string>& argv, const fs::path& cwd) {
        StepSpec in_folder = step;
        in_folder.working_directory = cwd.string();
        Attempt attempt = runner.run_process_step(argv, in_folder);
        return NativeOutcome{attempt.result, attempt.reason, attempt.exit_code};
      },
      [&runner](const std::string& program) { return runner.find_on_path(program); },
      [&runner, &step](const std::vector<std::string>& argv) { return runner.probe(argv, step); },
      state.dir,
      state.temp,
      [&runner](const std::string& dir) { runner.prepend_path(dir); },
      [&state, &step](const std::string& name, const std::string& value) { set_task_variable(state, step, name, value); },
      state.cache_folder,
      [&state](std::function<void()> action) { state.after_success.push_back(std::move(action)); },
      [&state](std::function<void()> action) { state.after_job.push_back(std::move(action)); },
      state.job.secure_files};
}

Attempt failed_step(StepRunner& runner, const std::string& reason) {
  runner.log("##[error]" + reason);
  return Attempt{TaskResult::failed, -1, reason};
}

// The task folder copied into the job's temp folder, as Azure's agent keeps
// tasks under _work/_tasks: steps may not read slipway's state, where `slipway
// task add` keeps them. Copied afresh for each step: a job's steps may write
// their folder, and what they left there must not run as the task.
Result<fs::path> stage_task(JobState& state, const TaskFolder& task) {
  fs::path target = state.temp / "_tasks" / folder_name(task.name + "_" + task.version.text());
  std::error_code ec;
  fs::remove_all(target, ec);
  fs::create_directories(target.parent_path(), ec);
  fs::copy(task.dir, target, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
  if (ec) {
    fs::remove_all(target, ec);
    return fail(ErrorCode::io, "cannot copy task folder " + task.dir.string());
  }
  return target;
}

// The secrets reach a task as azure-pipelines-task-lib reads them:
// SECRET_<NAME> each, their names in VSTS_SECRET_VARIABLES, the others' in
// VSTS_PUBLIC_VARIABLES.
std::vector<std::string> task_variables(const Variables& variables) {
  nlohmann::json secret = nlohmann::json::array(), open = nlohmann::json::array();
  std::vector<std::string> out;
  for (const Variable& v : variables.all()) {
    (v.secret ? secret : open).push_back(v.name);
    if (v.secret) out.push_back("SECRET_" + environment_name(v.name) + "=" + v.value);
  }
  out.push_back("VSTS_SECRET_VARIABLES=" + secret.dump());
  out.push_back("VSTS_PUBLIC_VARIABLES=" + open.dump());
  return out;
}

Attempt run_task_folder(JobState& state, StepRunner& runner, const StepSpec& step, const TaskFolder& task) {
  if (!task.runs_on_node())
    return failed_step(runner, "task " + task.reference() + " runs with its " + task.handler +
                                   " handler; slipway runs Node handlers only");
  std::optional<fs::path> node = find_program("node");
  if (!node)
    return failed_step(runner, "node is not installed: task " + task.reference() + " runs with its " + task.handler +
                                   " handler");
  Result<fs::path> dir = stage_task(state, task);
  if (!dir) return failed_step(runner, dir.error().message);
  std::vector<std::string> extra = task_variables(state.variables);
  auto expand = [&state](std::string_view text) { return state.variables.expand(text); };
  for (const auto& [name, value] : resolve_task_inputs(task, step.inputs, state.sources, expand))
    extra.push_back(input_variable(name) + "=" + value);
  runner.log("task " + task.reference() + " (" + task.handler + ", " + task.dir.string() + ")");
  return runner.run_process_step({node->string(), (*dir / task.target).string()}, step, extra);
}

// A script step in the job's container: its script is written in the job's
// temporary folder (the container sees the job's folder, not slipway's
// script folder) and removed after it.
Attempt run_in_container(JobState& state, StepRunner& runner, const StepSpec& step) {
  fs::path script = state.temp / (".step-" + random_hex(6) + ".sh");
  if (Status written = write_file_atomic(script, state.variables.expand(step.body) + "\n"); !written)
    return Attempt{TaskResult::failed, -1, written.error().message};
  std::vector<std::string> argv = {"bash", "--noprofile", "--norc", "-e"};
  if (step.kind == StepKind::script) argv.insert(argv.end(), {"-o", "pipefail"});
  argv.push_back(script.string());
  Attempt attempt = runner.run_process_step(argv, step, {}, true);
  std::error_code ignored;
  fs::remove(script, ignored);
  return attempt;
}

// `checkout: ALIAS` of the pipeline's resources.repositories: fetched from
// its mirror at the commit its ref named; into the sources folder when it is
// the job's only checkout, else into s/ALIAS (as Azure does for several).
Attempt checkout_repository(JobState& state, StepRunner& runner, const StepSpec& step, const std::string& alias) {
  if (step.repository.empty())
    return Attempt{TaskResult::failed, -1, "checkout of repository '" + alias + "': it is not in resources.repositories"};
  int checkouts = 0;
  for (const StepSpec& other : state.job.steps)
    if (other.kind == StepKind::checkout && !iequals(std::string(trim(other.body)), "none")) ++checkouts;
  // The alias names a folder slipway itself writes (unconfined): a plain name only.
  bool plain = !alias.empty() && std::all_of(alias.begin(), alias.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
  if (!plain) return Attempt{TaskResult::failed, -1, "checkout of repository '" + alias + "': not a plain name"};
  fs::path dir = checkouts > 1 ? state.sources / alias : state.sources;
  Result<std::string> checked_out =
      fetch_and_checkout({dir, step.repository, step.repository_commit, step.clean, step.fetch_depth});
  if (!checked_out) {
    runner.log("##[error]" + checked_out.error().message);
    return Attempt{TaskResult::failed, -1, checked_out.error().message};
  }
  runner.log("checked out " + checked_out->substr(0, 12) + " of repository '" + alias + "' into " + dir.string());
  return {};
}

Attempt run_once(JobState& state, StepRunner& runner, const StepSpec& step) {
  switch (step.kind) {
    case StepKind::script:
    case StepKind::bash: {
      if (state.containers && state.containers->has_job_container()) return run_in_container(state, runner, step);
      Result<fs::path> script = state.work->write_script(state.variables.expand(step.body));
      if (!script) return Attempt{TaskResult::failed, -1, script.error().message};
      state.confinement->give(*script);
      std::vector<std::string> argv = {state.bash, "--noprofile", "--norc", "-e"};
      if (step.kind == StepKind::script) argv.insert(argv.end(), {"-o", "pipefail"});
      argv.push_back(script->string());
      return runner.run_process_step(argv, step);
    }
    case StepKind::checkout: {
      std::string target = std::string(trim(step.body));
      if (target.empty() || iequals(target, "none")) return {};
      const Variable* uri = state.variables.find("Build.Repository.Uri");
      const Variable* sha = state.variables.find("Build.SourceVersion");
      if (!iequals(target, "self")) return checkout_repository(state, runner, step, target);
      if (!uri || uri->value.empty()) {
        runner.log("no repository to check out");
        return {};
      }
      // A git repository (path or URL) is fetched at the commit with libgit2; a
      // plain local folder (not yet a repository) is copied, without slipway's
      // state folder.
      if (!is_plain_folder(uri->value)) {
        Result<std::string> checked_out =
            fetch_and_checkout({state.sources, uri->value, sha ? sha->value : std::string(), step.clean, step.fetch_depth});
        if (!checked_out) {
          runner.log("##[error]" + checked_out.error().message);
          return Attempt{TaskResult::failed, -1, checked_out.error().message};
        }
        runner.log("checked out " + *checked_out + " from " + uri->value);
        return {};
      }
      std::string script =
          "set -e\n"
          "tar --exclude=./.slipway -C \"$SLIPWAY_CHECKOUT_URI\" -cf - . | tar -xf -\n"
          "echo \"copied $SLIPWAY_CHECKOUT_URI\"\n";
      StepSpec copy = step;
      copy.env.emplace_back("SLIPWAY_CHECKOUT_URI", uri->value);
      copy.env.emplace_back("SLIPWAY_CHECKOUT_SHA", sha ? sha->value : "");
      copy.working_directory.clear();
      return runner.run_process_step({state.bash, "--noprofile", "--norc", "-c", script}, copy);
    }
    case StepKind::publish: {
      std::string path = state.variables.expand(step.body);
      fs::path from = fs::path(path).is_absolute() ? fs::path(path) : state.sources / path;
      std::string name = step.artifact.empty() ? state.job.job : state.variables.expand(step.artifact);
      Result<ArtifactInfo> info = state.host.publish_artifact(state.job, name, from, artifact_version(state.variables));
      if (!info) {
        runner.log("##[error]" + info.error().message);
        return Attempt{TaskResult::failed, -1, info.error().message};
      }
      runner.log("published artifact '" + name + "' (" + std::to_string(info->files) + " files, " +
                 std::to_string(info->size) + " bytes, sha256 " + info->digest + ")");
      return {};
    }
    case StepKind::task: {
      if (is_native_task(step.task)) {
        NativeOutcome outcome;
        try {  // a native task's file system walk may throw; it fails its step, not the agent
          outcome = run_native_task(step.task, step.inputs, native_context(state, runner, step));
        } catch (const std::exception& error) {
          outcome = {TaskResult::failed, std::string("task ") + step.task + " failed: " + error.what(), -1};
        }
        // What a native task records may quote its expanded inputs: kept masked.
        outcome.reason = state.masker.mask(outcome.reason);
        for (Issue& issue : runner.record().issues) issue.message = state.masker.mask(issue.message);
        if (outcome.result == TaskResult::failed && outcome.exit_code < 0) runner.log("##[error]" + outcome.reason);
        return Attempt{outcome.result, outcome.exit_code, outcome.reason};
      }
      std::optional<BuiltinTask> handler = find_builtin_task(step.task);
      const TaskFolder* folder = !handler && state.tasks ? state.tasks->find(step.task) : nullptr;
      if (folder) return run_task_folder(state, runner, step, *folder);
      if (!handler) {
        std::string reason = "task '" + step.task + "' is not available in this agent";
        runner.log("##[error]" + reason);
        return Attempt{TaskResult::failed, -1, reason};
      }
      std::map<std::string, std::string> inputs;
      for (const auto& [key, value] : step.inputs) inputs[key] = state.variables.expand(value);
      const Variable* branch = state.variables.find("Build.SourceBranchName");
      Result<TaskVariables> set = (*handler)(state.sources, inputs, branch ? branch->value : std::string());
      if (!set) {
        runner.log("##[error]" + set.error().message);
        return Attempt{TaskResult::failed, -1, set.error().message};
      }
      for (const auto& [name, value] : *set) {
        set_task_variable(state, step, name, value);
        runner.log(name + " = " + value);
      }
      return {};
    }
    case StepKind::download: {
      std::string source = std::string(trim(step.body));
      if (iequals(source, "none")) return {};
      std::string name = state.variables.expand(step.artifact);
      const Variable* workspace = state.variables.find("Pipeline.Workspace");
      fs::path base = workspace ? fs::path(workspace->value) : state.dir;
      std::string path = state.variables.expand(step.path);
      fs::path to = !path.empty() ? (fs::path(path).is_absolute() ? fs::path(path) : state.sources / path)
                    : name.empty() ? base : base / name;
      Status s = state.host.download_artifact(state.job, name, to);
      if (!s) {
        runner.log("##[error]" + s.error().message);
        return Attempt{TaskResult::failed, -1, s.error().message};
      }
      runner.log("downloaded " + (name.empty() ? std::string("all artifacts") : "artifact '" + name + "'") + " to " + to.string());
      return {};
    }
  }
  return {};
}

// Starts the job's container and services (values expanded with its
// variables) and gives steps the services' ports. A value holding a secret
// is refused: the engine keeps what it was given in the container's
// configuration (env values go through a file, and are exempt).
Status start_containers(JobState& state, const fs::path& private_folder, const std::atomic<bool>& cancel) {
  const JobMessage& job = state.job;
  if (!job.container && job.services.empty()) return {};
  std::string secret_in;
  auto expand = [&](ContainerSpec spec) {
    auto expanded = [&](std::string& text) {
      std::string before = text;
      text = state.variables.expand(text);
      if (state.masker.mask(text) != text && secret_in.empty()) secret_in = before;
    };
    expanded(spec.image);
    for (auto& [name, value] : spec.env) value = state.variables.expand(value);
    for (std::vector<std::string>* list : {&spec.ports, &spec.volumes, &spec.options})
      for (std::string& item : *list) expanded(item);
    return spec;
  };
  auto deadline = state.deadline.value_or(SteadyClock::now() + std::chrono::hours(24));
  JobContainers::Setup setup{random_hex(6), std::nullopt, {}, state.dir, private_folder, deadline,
                             [&state](std::string_view line) { state.container_log.push_back(state.masker.mask(line)); }};
  if (job.container) setup.container = expand(*job.container);
  for (const ContainerSpec& service : job.services) setup.services.push_back(expand(service));
  if (!secret_in.empty())
    return fail(ErrorCode::invalid_input, "a container's image, ports, volumes or options may not hold a secret ('" +
                                              secret_in + "'); pass it in env");
  Result<JobContainers> started = JobContainers::start(container_engine(), std::move(setup), cancel);
  if (!started) return std::unexpected(started.error());
  state.containers.emplace(std::move(*started));
  for (const auto& [name, port] : state.containers->service_variables()) state.variables.set(name, port);
  return {};
}

expr::Value::Object step_named_values(const JobState& state) {
  return {{"variables", variables_value(state.variables)}};
}

}  // namespace

namespace {

// The variables of this process's environment a step gets: what a shell
// needs to find programs, its home, its language and its terminal.
std::vector<std::string> system_basics() {
  static constexpr std::string_view k_names[] = {"PATH", "HOME", "LANG", "LANGUAGE", "TZ", "USER",
                                                 "LOGNAME", "SHELL", "TERM"};
  std::vector<std::string> out;
  for (const std::string& entry : current_environment()) {
    std::string_view name = std::string_view(entry).substr(0, entry.find('='));
    bool basic = name.starts_with("LC_") || std::find(std::begin(k_names), std::end(k_names), name) != std::end(k_names);
    if (basic) out.push_back(entry);
  }
  return out;
}

}  // namespace

// bash is looked up on PATH once; not found, each step says so.
std::string process_scope(const fs::path& work_root) {
  return "s" + sha256_hex(fs::absolute(work_root).lexically_normal().string()).substr(0, 12);
}

LocalAgent::LocalAgent(fs::path work_root, milliseconds minute, std::vector<fs::path> protected_paths,
                       std::shared_ptr<const TaskCatalog> tasks)
    : m_work_root(fs::absolute(work_root).lexically_normal()),
      m_minute(minute),
      m_protected(std::move(protected_paths)),
      m_tasks(std::move(tasks)),
      m_system_env(system_basics()),
      m_bash(find_program("bash").value_or(fs::path("bash")).string()) {
  m_protected.push_back(m_work_root);
}

Result<std::shared_ptr<const StepConfinement>> LocalAgent::confinement_for(const WorkFolder& folder) {
  std::lock_guard lock(m_confinements_mutex);
  std::shared_ptr<const StepConfinement>& cached = m_confinements[folder.path()];
  if (!cached) {
    // A rule names an existing file: the script is made before it is granted.
    if (Result<fs::path> script = folder.write_script(""); !script) return std::unexpected(script.error());
    Result<StepConfinement> built = StepConfinement::for_job({m_protected, folder.path(), folder.script_path(), m_scripts.path()});
    if (!built) return std::unexpected(built.error());
    cached = std::make_shared<const StepConfinement>(std::move(*built));
  }
  return cached;
}

Result<JobOutcome> LocalAgent::run_job(const JobMessage& job, JobHost& host, const std::atomic<bool>& cancel) {
  JobState state{job, host};
  Result<WorkFolder> folder = WorkFolder::take(m_work_root, m_scripts.path());
  if (!folder) return fail(folder.error().code, "job " + job.id + ": " + folder.error().message);
  state.dir = folder->path();
  state.sources = state.dir / "s";
  state.staging = state.dir / "a";
  state.binaries = state.dir / "b";
  state.temp = state.dir / "tmp";
  state.work = &*folder;
  Result<std::shared_ptr<const StepConfinement>> confinement = confinement_for(*folder);
  if (!confinement) return fail(confinement.error().code, "job " + job.id + ": " + confinement.error().message);
  state.confinement = confinement->get();
  state.system_env = &m_system_env;
  state.tasks = m_tasks.get();
  state.cache_folder = m_work_root.parent_path() / "cache";
  for (const Variable& v : job.variables) {
    state.variables.set(v.name, v.value, v.secret);
    if (v.secret) state.masker.add(v.value);
  }
  for (const auto& [name, content] : job.secure_files) {  // printed whole or line by line, it is masked
    state.masker.add(content);
    for (const std::string& line : split(content, '\n'))
      if (trim(line).size() >= 8) state.masker.add(std::string(trim(line)));
  }
  // Folders this agent owns.
  state.variables.set("Pipeline.Workspace", state.dir.string());
  state.variables.set("Agent.BuildDirectory", state.dir.string());
  state.variables.set("Build.SourcesDirectory", state.sources.string());
  state.variables.set("Build.Repository.LocalPath", state.sources.string());
  state.variables.set("System.DefaultWorkingDirectory", state.sources.string());
  state.variables.set("Build.ArtifactStagingDirectory", state.staging.string());
  state.variables.set("System.ArtifactsDirectory", state.staging.string());
  state.variables.set("Build.StagingDirectory", state.staging.string());
  state.variables.set("Build.BinariesDirectory", state.binaries.string());
  state.variables.set("Agent.TempDirectory", state.temp.string());
  state.variables.set("Agent.WorkFolder", m_work_root.string());
  state.variables.set("Agent.OS", "Linux");
  // The tool cache the tool selectors look in (run/tool_tasks.cpp), as hosted agents set it.
  if (const char* cache = std::getenv("AGENT_TOOLSDIRECTORY"); cache && *cache)
    state.variables.set("Agent.ToolsDirectory", cache);
  state.variables.set("Agent.Name", "local");
  state.minute = m_minute;
  state.process_mark = process_mark(process_scope(m_work_root) + "/" + job.run_id + "/" + folder_name(job.id));
  state.bash = m_bash;
  if (job.timeout_minutes > 0) state.deadline = SteadyClock::now() + m_minute * job.timeout_minutes;
  Status containers = start_containers(state, m_work_root, cancel);
  if (!containers) state.status = TaskResult::failed;

  for (size_t i = 0; i < job.steps.size(); ++i) {
    const StepSpec& step = job.steps[i];
    StepRecord record;
    record.name = step.name;
    record.display_name = state.variables.expand(step.display_name);
    if (cancel.load() && !state.canceled) state.canceled = true;
    if (state.deadline && SteadyClock::now() >= *state.deadline && !state.canceled) {
      state.canceled = state.timed_out = true;
    }
    if (!step.enabled || !containers) {
      record.reason = step.enabled ? "the job's containers did not start" : "disabled";
      host.step_finished(job, static_cast<int>(i), record);
      state.outcome.steps.push_back(record);
      continue;
    }
    state.variables.set("Agent.JobStatus", result_title(state.status));
    for (const auto& [name, value] : step.variables) state.variables.set(name, value);
    StatusFacts facts{state.canceled, {{"", state.status}}};
    // The default condition, succeeded(), reads no variables: none are built for it.
    Result<bool> run = evaluate_condition(step.condition, step.where,
                                          step.condition.empty() ? expr::Value::Object{} : step_named_values(state), facts);
    if (!run || !*run) {
      record.result = run ? TaskResult::skipped : TaskResult::failed;
      record.reason = run ? "condition '" + (step.condition.empty() ? std::string("succeeded()") : step.condition) + "' was false"
                          : run.error().to_string();
      if (!run) state.status = TaskResult::failed;
      host.step_finished(job, static_cast<int>(i), record);
      state.outcome.steps.push_back(record);
      continue;
    }
    record.start_ms = now_ms();
    host.step_started(job, static_cast<int>(i), record);
    StepRunner runner(state, static_cast<int>(i), record, cancel);
    for (const std::string& line : std::exchange(state.container_log, {})) runner.log(line);
    Attempt attempt;
    for (int tries = 0;; ++tries) {
      record.attempts = tries + 1;
      runner.forced_result.reset();
      attempt = run_once(state, runner, step);
      if (runner.forced_result) {
        if (attempt.result == TaskResult::succeeded || *runner.forced_result == TaskResult::failed) {
          attempt.result = *runner.forced_result;
          if (attempt.result == TaskResult::failed && attempt.reason.empty()) attempt.reason = "task.complete result=Failed";
        }
      }
      if (attempt.result != TaskResult::failed || tries >= step.retry_count || state.canceled || cancel.load()) break;
      runner.log("##[warning]retrying (attempt " + std::to_string(tries + 2) + " of " +
                 std::to_string(step.retry_count + 1) + ")");
    }
    record.exit_code = attempt.exit_code;
    record.reason = attempt.reason;
    record.result = attempt.result;
    if (record.result == TaskResult::failed && step.continue_on_error) record.result = TaskResult::succeeded_with_issues;
    record.finish_ms = now_ms();
    if (record.result == TaskResult::canceled) state.canceled = true;
    else state.status = worse(state.status, record.result);
    host.step_finished(job, static_cast<int>(i), record);
    state.outcome.steps.push_back(record);
  }
  state.outcome.result = state.status;
  if (state.canceled && state.status != TaskResult::failed) state.outcome.result = TaskResult::canceled;
  if (state.timed_out) {
    state.outcome.result = TaskResult::canceled;
    state.outcome.reason = "the job ran longer than the maximum time of " + std::to_string(job.timeout_minutes) + " minutes";
  } else if (state.canceled) {
    state.outcome.reason = "canceled";
  } else if (!containers) {
    state.outcome.reason = state.masker.mask(containers.error().message);
  }
  // No process started for the job outlives it: daemons that left the steps'
  // process groups (setsid, nohup &) are found by their mark and killed
  // (before the job's end actions read its files). Without a readable /proc
  // there is no other way to find them: ignored.
  (void)kill_marked_processes(state.process_mark);
  auto run_all = [](const std::vector<std::function<void()>>& actions) {
    for (const std::function<void()>& action : actions) {
      try {
        action();
      } catch (const std::exception&) {  // an end action (a cache save) is best effort
      }
    }
  };
  if (!state.canceled && (state.status == TaskResult::succeeded || state.status == TaskResult::succeeded_with_issues))
    run_all(state.after_success);
  run_all(state.after_job);
  state.containers.reset();
  // Outputs of the job keep their secret flag; values of secrets are not masked here
  // (later jobs need them) - recorders mask them when they print.
  return std::move(state.outcome);
}

}  // namespace slipway::run
