// Run commands: `slipway run COMPONENT|--file PATH`, `run retry`, `run
// cancel`, `runs`, `logs`, `artifact list|get`, and the push triggers
// `notify` (a post-receive hook) and `watch`: parse, call the run use cases
// (service/runs.h), print. Ctrl-C (SIGINT/SIGTERM) during a run cancels it:
// every running step's process group is stopped, always() steps run, the run
// is canceled.
//   stdout: the result (or JSON with --json); stderr: "slipway: error: ..."
#include <algorithm>
#include <array>
#include <chrono>
#include <iostream>
#include <map>
#include <thread>

#include "cli/api.h"
#include "cli/app.h"
#include "cli/print.h"
#include "core/interrupt.h"
#include "core/json_text.h"
#include "core/strings.h"
#include "run/artifacts.h"
#include "service/codec.h"

namespace slipway::cli {
namespace {

namespace fs = std::filesystem;
using RunServicePtr = std::unique_ptr<service::RunService>;

struct RunArgs {
  std::string as;
  service::RunRequest request;
  std::vector<std::string> templates;  // NAME=DIR
  int agents = 0;
  bool follow = false;
};

Result<std::map<std::string, fs::path>> parse_templates(const std::vector<std::string>& texts) {
  std::map<std::string, fs::path> out;
  for (const std::string& text : texts) {
    size_t eq = text.find('=');
    if (eq == std::string::npos || eq == 0)
      return fail(ErrorCode::invalid_input, "--templates needs NAME=DIR, got '" + text + "'");
    out[text.substr(0, eq)] = text.substr(eq + 1);
  }
  return out;
}

// Opens the run use cases and recovers runs left by dead processes, saying so on stderr.
Result<RunServicePtr> open_runs(const GlobalOptions& options, const std::string& as) {
  Result<RunServicePtr> runs = open_run_service(options, as);
  if (!runs) return runs;
  service::Recovery recovery = (*runs)->recover();
  if (recovery.killed_processes > 0)
    std::cerr << "slipway: killed " << recovery.killed_processes
              << " process(es) left by runs whose slipway process died\n";
  if (recovery.problem) std::cerr << "slipway: warning: " << recovery.problem->to_string() << "\n";
  for (const std::string& id : recovery.failed_runs)
    std::cerr << "slipway: run " << id << " was left running by a process that died; marked failed\n";
  return runs;
}

service::RunSettings settings_for(const RunArgs& args, const GlobalOptions& options) {
  service::RunSettings settings;
  settings.agents = args.agents;
  if (args.follow && !options.json)
    settings.listener.line = [](const std::string& job, std::string_view line) {
      std::cout << "[" << job << "] " << line << "\n";
    };
  settings.listener.warning = [](const std::string& text) { std::cerr << "slipway: warning: " << text << "\n"; };
  return settings;
}

// "12.3s" between a record's "start" and "finish" (as run::run_to_json writes them); "" when either is unset.
std::string duration_text(const nlohmann::json& record) {
  auto time = [&](const char* key) {
    return record.contains(key) && record[key].is_string() ? parse_utc(record[key].get<std::string>()) : std::nullopt;
  };
  std::optional<TimePoint> start = time("start"), finish = time("finish");
  if (!start || !finish) return "";
  std::int64_t ms = (*finish - *start).count();
  return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + "s";
}

// A run's jobs and result, from its JSON (run::run_to_json, or GET /runs/{id}).
void print_record(const nlohmann::json& record) {
  const nlohmann::json none = nlohmann::json::array();
  for (const nlohmann::json& stage : record.value("stages", none))
    for (const nlohmann::json& job : stage.value("jobs", none)) {
      const std::string reason = job.value("reason", "");
      std::cout << "  " << job.value("id", "") << "  " << job.value("result", "") << "  " << duration_text(job)
                << (reason.empty() ? "" : "  (" + reason + ")") << "\n";
    }
  const std::string number = record.value("buildNumber", ""), reason = record.value("reason", "");
  std::cout << "run " << record.value("id", "") << " (" << record.value("pipeline", "")
            << (number.empty() ? "" : " " + number) << "): " << record.value("result", "");
  if (!reason.empty() && reason != "canceled") std::cout << " (" << reason << ")";
  std::cout << "\n";
}

// The run's JSON, with the version its build recorded and the tag made for it.
void print_json(const service::RunOutcome& outcome) {
  nlohmann::ordered_json json = run::run_to_json(outcome.record);
  if (outcome.build && !outcome.build->version.empty()) json["version"] = outcome.build->version;
  if (outcome.build && !outcome.build->tag.empty()) json["tag"] = outcome.build->tag;
  std::cout << json_text(json, 2) << "\n";
}

// What a component's build recorded; on stderr under --json (stdout is the run's JSON then).
int print_build(const service::RunOutcome& outcome, const GlobalOptions& options) {
  std::ostream& out = options.json ? std::cerr : std::cout;
  if (outcome.build_error) return report(*outcome.build_error);
  if (!outcome.build) return k_exit_ok;
  for (const std::string& note : outcome.build->notes) out << note << "\n";
  int code = k_exit_ok;
  for (const release::ApplyRecord& r : outcome.build->applies)
    if (Status s = print_apply(r, out); !s && code == k_exit_ok) code = report(s.error());
  return code;
}

int print_run(const Result<service::RunOutcome>& outcome, const GlobalOptions& options) {
  if (!outcome) return report(outcome.error());
  if (options.json) print_json(*outcome);
  else print_record(nlohmann::json(run::run_to_json(outcome->record)));
  const int build = print_build(*outcome, options);
  if (build != k_exit_ok) return build;
  return outcome->succeeded() ? k_exit_ok : k_exit_failed;
}

std::string changed_text(const std::vector<std::string>& paths) {
  std::string text = "; changed:";
  for (size_t i = 0; i < paths.size() && i < 5; ++i) text += " " + paths[i];
  if (paths.size() > 5) text += " and " + std::to_string(paths.size() - 5) + " more";
  return text;
}

// A push told again (notify) says so; `watch` prints only what changed.
enum class Handled { say, quiet };

int print_push(const Result<service::PushOutcome>& outcome, const GlobalOptions& options, Handled handled) {
  if (!outcome) return report(outcome.error());
  if (outcome->handling == service::PushHandling::already_handled && handled == Handled::quiet) return k_exit_ok;
  for (const std::string& note : outcome->notes) std::cerr << "slipway: note: " << note << "\n";
  const std::string subject = outcome->component + ": " + outcome->ref;
  switch (outcome->handling) {
    case service::PushHandling::already_handled:
      std::cout << subject << " " << outcome->sha << " was already notified (" << outcome->reason << ")\n";
      return k_exit_ok;
    case service::PushHandling::no_run: {
      const bool by_paths = outcome->reason == "no changed path is included";
      std::cout << subject << " starts no run (" << outcome->reason
                << (by_paths ? changed_text(outcome->changed_paths) : "") << ")\n";
      return k_exit_ok;
    }
    case service::PushHandling::batched:
      std::cout << subject << " " << outcome->sha << " is batched: run " << outcome->reason
                << " of this ref is running; the newest head is built when it ends\n";
      return k_exit_ok;
    case service::PushHandling::started:
      if (outcome->batched_head) std::cout << subject << " " << outcome->sha << " was batched; building it now\n";
      return print_run(*outcome->run, options);
  }
  return k_exit_ok;
}

// A run on the server's run slots: started (202 with its id), followed to its
// end (each line printed with --follow), then its jobs and result printed as
// a local run prints them; exits as the run ended. What its build recorded
// (the version, the auto environments moved) is the server's to report:
// `status` and `history` show it.
int run_on_server(const ApiRequest& start, const RunArgs& args, const GlobalOptions& options) {
  if (!args.templates.empty() || args.agents > 0)
    return report(
        fail(ErrorCode::invalid_input, "--templates and --agents are the server's to set; run without them").error());
  Result<nlohmann::json> started = perform(options, start, args.as);
  if (!started) return report(started.error());
  const std::string id = started->value("id", "");
  if (id.empty())
    return report(fail(ErrorCode::conflict, "the server queued the run but has not started it yet; see `slipway runs`")
                      .error());
  Result<std::string> result = follow_run_log(options, id, "", [&](const std::string& job, std::string_view line) {
    if (args.follow && !options.json) std::cout << "[" << job << "] " << line << "\n";
  });
  if (!result) return report(result.error());
  Result<nlohmann::json> record = perform(options, {.path = "/runs/{id}", .params = {{"id", id}}});
  if (!record) return report(record.error());
  if (options.json) std::cout << json_text(*record, 2) << "\n";
  else print_record(*record);
  const std::string ended = record->value("result", "");
  return ended == "succeeded" || ended == "succeededWithIssues" ? k_exit_ok : k_exit_failed;
}

int start_run(const RunArgs& args, const GlobalOptions& options) {
  if (uses_server(options) && args.request.file.empty()) {
    nlohmann::json body = {{"component", args.request.component}, {"branch", args.request.branch}};
    if (!args.request.commit.empty()) body["commit"] = args.request.commit;
    return run_on_server({.method = "POST", .path = "/runs", .params = {}, .query = {}, .body = body}, args, options);
  }
  Result<std::map<std::string, fs::path>> templates = parse_templates(args.templates);
  if (!templates) return report(templates.error());
  Result<RunServicePtr> runs = open_runs(options, args.as);
  if (!runs) return report(runs.error());
  service::RunRequest request = args.request;
  request.templates = std::move(*templates);
  InterruptGuard interrupts;  // Ctrl-C cancels the run (service/cancel_watch.h)
  return print_run((*runs)->start(request, settings_for(args, options)), options);
}

int retry_run(const std::string& id, const RunArgs& args, const GlobalOptions& options) {
  if (uses_server(options))
    return run_on_server({.method = "POST", .path = "/runs/{id}/retry", .params = {{"id", id}}}, args, options);
  Result<RunServicePtr> runs = open_runs(options, args.as);
  if (!runs) return report(runs.error());
  InterruptGuard interrupts;
  return print_run((*runs)->retry(id, settings_for(args, options)), options);
}

int cancel_run(const std::string& id, const std::string& as, const GlobalOptions& options) {
  Result<nlohmann::json> canceled;
  if (uses_server(options)) {
    canceled = perform(options, {.method = "POST", .path = "/runs/{id}/cancel", .params = {{"id", id}}}, as);
  } else {
    Result<RunServicePtr> runs = open_runs(options, as);
    if (!runs) return report(runs.error());
    Result<service::CancelOutcome> done = (*runs)->cancel(id);
    if (done)
      canceled = nlohmann::json{{"requested_by", done->actor}, {"already_requested", done->already_requested}};
    else
      canceled = std::unexpected(done.error());
  }
  if (!canceled) return report(canceled.error());
  const std::string actor = canceled->value("requested_by", "");
  if (canceled->value("already_requested", false))
    std::cout << "cancel of run " << id << " was already requested" << (actor.empty() ? "" : " by " + actor) << "\n";
  else
    std::cout << "cancel requested for run " << id << "\n";
  return k_exit_ok;
}

// Handles pushes with `handle`, printing each outcome; exits as the worst did.
int handle_pushes(const RunArgs& args, const GlobalOptions& options, Handled handled,
                  const std::function<Status(service::RunService&, const service::RunSettings&,
                                             const service::PushReport&)>& handle) {
  Result<RunServicePtr> runs = open_runs(options, args.as);
  if (!runs) return report(runs.error());
  int worst = k_exit_ok;
  InterruptGuard interrupts;
  Status status = handle(**runs, settings_for(args, options), [&](const Result<service::PushOutcome>& outcome) {
    worst = std::max(worst, print_push(outcome, options, handled));
  });
  if (!status) return report(status.error());
  return worst;
}

// `watch`: a pass, then another every `interval` seconds until Ctrl-C (or once).
int watch(const RunArgs& args, bool once, double interval, const GlobalOptions& options) {
  auto pass = [](service::RunService& runs, const service::RunSettings& settings, const service::PushReport& report) {
    return runs.watch_once(settings, report);
  };
  InterruptGuard interrupts;
  for (;;) {
    const int code = handle_pushes(args, options, Handled::quiet, pass);
    if (once || code == k_exit_bad_input) return code;
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<long>(interval * 1000));
    while (std::chrono::steady_clock::now() < until && !interrupt_requested())
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (interrupt_requested()) return k_exit_interrupted;
  }
}

// `runs` (service::to_json(RunSummary) each, oldest first).
void print_runs(const nlohmann::json& runs, const GlobalOptions& options) {
  if (options.json) {
    std::cout << json_text(runs, 2) << "\n";
    return;
  }
  for (const nlohmann::json& r : runs) {
    const std::string state = r.value("state", ""), start = r["start"].is_string() ? r["start"].get<std::string>() : "";
    std::cout << r.value("id", "") << "  " << r.value("pipeline", "") << "  " << r.value("buildNumber", "") << "  "
              << (state == "running" ? "running" : r.value("result", "")) << "  " << start;
    if (const auto tests = r.find("tests"); tests != r.end() && tests->is_object())
      std::cout << "  tests " << tests->value("passed", 0) << "/" << tests->value("total", 0) << " passed, "
                << tests->value("failed", 0) << " failed";
    std::cout << "\n";
    for (const nlohmann::json& why : r.value("waiting", nlohmann::json::array()))
      std::cout << "    " << why.get<std::string>() << "\n";
  }
}

int list_runs(const GlobalOptions& options) {
  if (uses_server(options)) {  // newest first there
    Result<nlohmann::json> listed = perform(options, {.path = "/runs", .params = {}});
    if (!listed) return report(listed.error());
    std::reverse(listed->begin(), listed->end());
    print_runs(*listed, options);
    return k_exit_ok;
  }
  Result<RunServicePtr> runs = open_runs(options, "");
  if (!runs) return report(runs.error());
  Result<std::vector<service::RunSummary>> listed = (*runs)->runs();
  if (!listed) return report(listed.error());
  nlohmann::json list = nlohmann::json::array();
  for (const service::RunSummary& r : *listed) list.push_back(service::to_json(r));
  print_runs(list, options);
  return k_exit_ok;
}

// `logs RUN --follow`: the lines of a run (running in another process) as they
// are written, until it finishes; exits as the run did.
int follow_logs(const std::string& id, const std::string& job, const GlobalOptions& options) {
  Result<std::string> result = follow_run_log(options, id, job, [](const std::string& j, std::string_view line) {
    std::cout << "[" << j << "] " << line << std::endl;
  });
  if (!result) return report(result.error());
  std::cout << "run " << id << ": " << *result << "\n";
  return *result == "succeeded" || *result == "succeededWithIssues" ? k_exit_ok : k_exit_failed;
}

int print_logs(const std::string& id, const std::string& job, const GlobalOptions& options) {
  std::vector<service::StepLog> steps;
  if (uses_server(options)) {
    std::map<std::string, std::string> query;
    if (!job.empty()) query["job"] = job;
    Result<nlohmann::json> logs = perform(options, {.path = "/runs/{id}/logs", .params = {{"id", id}}, .query = query});
    if (!logs) return report(logs.error());
    for (const nlohmann::json& step : *logs)
      steps.push_back({step.value("job", ""), step.value("step", ""), step.value("result", ""),
                       step.value("lines", std::vector<std::string>())});
  } else {
    Result<RunServicePtr> runs = open_run_service(options);
    if (!runs) return report(runs.error());
    Result<std::vector<service::StepLog>> logs = (*runs)->logs(id, job);
    if (!logs) return report(logs.error());
    steps = std::move(*logs);
  }
  for (const service::StepLog& step : steps) {
    std::cout << "== " << step.job << " / " << step.step << " (" << step.result << ")\n";
    for (const std::string& line : step.lines) std::cout << line << "\n";
  }
  return k_exit_ok;
}

// `tests RUN`: the test results the run's steps published, each failure
// with its message; from the run's document, locally or through a server.
int print_tests(const std::string& id, const GlobalOptions& options) {
  Result<nlohmann::json> document;
  if (uses_server(options)) {
    document = perform(options, {.path = "/runs/{id}", .params = {{"id", id}}});
  } else {
    Result<RunServicePtr> runs = open_run_service(options);
    if (!runs) return report(runs.error());
    document = (*runs)->run_document(id);
  }
  if (!document) return report(document.error());
  std::vector<service::StepTests> steps = service::tests_of(*document);
  if (options.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const service::StepTests& step : steps) {
      nlohmann::ordered_json one{{"job", step.job}, {"step", step.step}};
      if (step.summary) one.update(run::to_json(*step.summary));
      if (step.coverage) one["coverage"] = run::to_json(*step.coverage);
      out.push_back(std::move(one));
    }
    std::cout << out.dump(2) << "\n";
    return k_exit_ok;
  }
  if (steps.empty()) std::cout << "run " << id << " published no test results or coverage\n";
  for (const service::StepTests& step : steps) {
    if (step.coverage) {
      const run::CoverageSummary& c = *step.coverage;
      char percent[16];
      std::snprintf(percent, sizeof percent, "%.1f", c.line_percent());
      std::cout << "== " << step.job << " / " << step.step << ": coverage " << c.lines_covered << " of " << c.lines_valid
                << " lines (" << percent << "%), " << c.branches_covered << " of " << c.branches_valid << " branches ("
                << c.format << ")\n";
    }
    if (!step.summary) continue;
    const run::TestSummary& t = *step.summary;
    std::cout << "== " << step.job << " / " << step.step << (t.title.empty() ? "" : " (" + t.title + ")") << ": "
              << t.total << " tests in " << t.files << " " << t.format << " file" << (t.files == 1 ? "" : "s") << ": "
              << t.passed << " passed, " << t.failed << " failed, " << t.skipped << " skipped, " << t.duration_ms
              << " ms\n";
    for (const run::FailedTest& test : t.failures) {
      std::cout << "FAILED " << (test.class_name.empty() ? "" : test.class_name + ".") << test.name << " (" << test.file
                << ", " << test.duration_ms << " ms)\n";
      for (const std::string& line : split(test.message, '\n')) std::cout << "    " << line << "\n";
    }
  }
  return k_exit_ok;
}

// The artifacts of run `id` ("": of every run), as the API lists them. Locally
// straight from the run use cases: a `run --file` state has no workspace,
// which the routes' use cases need.
Result<nlohmann::json> artifacts_of(const std::string& id, const GlobalOptions& options) {
  if (uses_server(options)) {
    if (id.empty()) return perform(options, {.path = "/artifacts", .params = {}});
    return perform(options, {.path = "/runs/{id}/artifacts", .params = {{"id", id}}});
  }
  Result<RunServicePtr> runs = open_run_service(options);
  if (!runs) return std::unexpected(runs.error());
  Result<std::vector<run::ArtifactRecord>> all = (*runs)->artifacts(id.empty() ? std::nullopt : std::optional(id));
  if (!all) return std::unexpected(all.error());
  nlohmann::json out = nlohmann::json::array();
  for (const run::ArtifactRecord& a : *all) out.push_back(service::to_json(a));
  return out;
}

int list_artifacts(const std::string& id, const GlobalOptions& options) {
  Result<nlohmann::json> artifacts = artifacts_of(id, options);
  if (!artifacts) return report(artifacts.error());
  if (options.json) {
    std::cout << json_text(*artifacts, 2) << "\n";
    return k_exit_ok;
  }
  auto or_dash = [](const std::string& text) { return text.empty() ? std::string("-") : text; };
  for (const nlohmann::json& a : *artifacts)
    std::cout << a.value("run", "") << "  " << a.value("name", "") << "  " << or_dash(a.value("component", ""))
              << "  " << or_dash(a.value("version", "")) << "  " << a.value("size", 0L) << " bytes  "
              << a.value("files", 0L) << " files  sha256:" << a.value("digest", "") << "\n";
  return k_exit_ok;
}

// Locally from the store; from a server by the artifact's digest, each file checked.
Status fetch_artifact(const std::string& name, const std::string& id, const std::string& to,
                      const GlobalOptions& options) {
  if (!uses_server(options)) {
    Result<RunServicePtr> runs = open_run_service(options);
    if (!runs) return std::unexpected(runs.error());
    return (*runs)->get_artifact(name, id, to);
  }
  if (Status s = run::check_artifact_name(name); !s) return s;
  Result<nlohmann::json> artifacts = artifacts_of(id, options);
  if (!artifacts) return std::unexpected(artifacts.error());
  for (const nlohmann::json& a : *artifacts)
    if (a.value("name", "") == name) return download_artifact(options, a.value("digest", ""), to);
  return fail(ErrorCode::not_found, "run " + id + " has no artifact '" + name + "'");
}

int get_artifact(const std::string& name, const std::string& id, const std::string& to, const GlobalOptions& options) {
  if (Status s = fetch_artifact(name, id, to, options); !s) return report(s.error());
  std::cout << "artifact '" << name << "' of run " << id << " written to " << to << "\n";
  return k_exit_ok;
}

void add_run_options(CLI::App* command, RunArgs& args) {
  command->add_option("--agents", args.agents, "parallel job slots (default: number of cores)")->check(agents_range());
  add_as_option(command, args.as);
}

void add_run_command(CLI::App& app, GlobalOptions& options) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* run = app.add_subcommand("run", "run a component's pipeline (or a pipeline file) now");
  run->add_option("component", args->request.component, "a workspace component");
  run->add_option("--file", args->request.file, "run this pipeline file, as it is on disk, instead of a component's");
  run->add_option("--branch", args->request.branch, "the branch built: its head in the component's repository (default: main)");
  run->add_option("--commit", args->request.commit, "the commit built instead of the branch's head");
  run->add_option("--templates", args->templates, "template source NAME=DIR (repeatable)");
  run->add_flag("--follow", args->follow, "print step output as it happens");
  run->add_flag("--json", options.json, "print the run as JSON (with the version its build recorded)");
  add_run_options(run, *args);
  auto retry_id = std::make_shared<std::string>();
  CLI::App* retry = run->add_subcommand("retry", "rerun a run's failed and canceled jobs (and their dependants), reusing the rest");
  retry->add_option("id", *retry_id, "the run to retry")->required();
  retry->add_flag("--json", options.json, "print the run as JSON");
  add_run_options(retry, *args);
  retry->callback([args, retry_id, &options] { options.exit_code = retry_run(*retry_id, *args, options); });
  auto cancel_id = std::make_shared<std::string>();
  CLI::App* cancel = run->add_subcommand("cancel", "cancel a running run, wherever it runs (recorded with who asked)");
  cancel->add_option("id", *cancel_id, "the run to cancel")->required();
  add_as_option(cancel, args->as);
  cancel->callback([args, cancel_id, &options] { options.exit_code = cancel_run(*cancel_id, args->as, options); });
  run->callback([args, retry, cancel, &options] {
    if (retry->parsed() || cancel->parsed()) return;
    options.exit_code = start_run(*args, options);
  });
}

void add_push_commands(CLI::App& app, GlobalOptions& options) {
  auto args = std::make_shared<RunArgs>();
  auto push = std::make_shared<service::Push>();
  CLI::App* notify = app.add_subcommand("notify", "a push happened (for a git post-receive hook): start the runs its trigger asks for");
  notify->add_option("--repo", push->repo, "the component's repository folder (a work tree or a bare repository)")->required();
  notify->add_option("--ref", push->ref, "the pushed ref, e.g. refs/heads/main")->required();
  notify->add_option("--sha", push->sha, "the pushed commit")->required();
  notify->add_option("--before", push->before,
                     "the ref's previous commit (the hook's old sha); changed paths count from it "
                     "(default: the ref's head the last notify or watch handled, else the pushed commit's "
                     "first parent)");
  add_run_options(notify, *args);
  notify->callback([args, push, &options] {
    options.exit_code = handle_pushes(*args, options, Handled::say, [&push](service::RunService& runs, const service::RunSettings& s,
                                                              const service::PushReport& report) {
      return runs.handle_push(*push, s, report);
    });
  });
  auto watch_args = std::make_shared<std::pair<bool, double>>(false, 10.0);  // once, interval seconds
  CLI::App* watch_command = app.add_subcommand("watch", "poll the workspace's component repos and start runs for new pushes");
  watch_command->add_flag("--once", watch_args->first, "one pass, then exit");
  watch_command->add_option("--interval", watch_args->second, "seconds between passes (default 10)")
      ->check(seconds_range(0.1, 24 * 3600));
  add_run_options(watch_command, *args);
  watch_command->callback([watch_args, args, &options] {
    options.exit_code = watch(*args, watch_args->first, watch_args->second, options);
  });
}

void add_record_commands(CLI::App& app, GlobalOptions& options) {
  CLI::App* runs = app.add_subcommand("runs", "list recorded runs");
  runs->add_flag("--json", options.json, "print JSON");
  runs->callback([&options] { options.exit_code = list_runs(options); });

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

  auto tests_run = std::make_shared<std::string>();
  CLI::App* tests = app.add_subcommand("tests", "the test results a run published (PublishTestResults@2), failures first-hand");
  tests->add_option("run", *tests_run, "the run id")->required();
  tests->add_flag("--json", options.json, "print JSON");
  tests->callback([tests_run, &options] { options.exit_code = print_tests(*tests_run, options); });

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

}  // namespace

void add_run_commands(CLI::App& app, GlobalOptions& options) {
  add_run_command(app, options);
  add_push_commands(app, options);
  add_record_commands(app, options);
}

}  // namespace slipway::cli
