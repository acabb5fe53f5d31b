// The run use cases: a run of a component or of a pipeline file, a push
// (notify, watch) with its trigger and batching, retry, cancel, recovery of
// runs whose slipway process died, and what runs recorded (list, logs,
// artifacts). Each returns data; the front-end prints it.
//
// A RunService is opened from the same Config as Service, but the workspace
// is optional: `slipway run --file x.yml` runs anywhere. With a workspace it
// opens a Service over it (builds, permissions); without one, only the store,
// and the use cases that need the workspace say so. Starting, retrying or
// canceling a run of a workspace component, and handling a push, need the
// acting identity's permission `run`; a pipeline file needs no identity.
//
// A component's run builds the head of the branch asked for (or the commit
// given) in the component's repository, with its pipeline read from that
// commit (run_sources.h); when it succeeds the build is recorded
// (Service::build_succeeded: version, tag, auto environments).
//
// A push is recorded as handled in the same transaction as its outcome: the
// run it started (a pipeline that cannot be expanded is a failed run carrying
// the error), "no run" with the trigger's reason, or "batched". A push told
// twice is handled once.
//
// Cancel is a state change: cancel() records a request in the store, with who
// asked; the process running the run polls the store for it, as it polls for
// SIGINT/SIGTERM (cancel_watch.h), and cancels the run.
//
// Ownership: owns its store (or its Service's). Thread-safety: one thread at
// a time, like Service; listener callbacks come from the run's threads, one
// call at a time.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "run/run_record.h"
#include "run/scheduler.h"
#include "service/service.h"
#include "version/mirrors.h"

namespace slipway::pipeline {
struct ExpandedPipeline;
}
namespace slipway::run {
struct PipelineSpec;
struct RunOptions;
}
namespace slipway::yaml {
class Node;
}

namespace slipway::service {

struct RunSource;    // run_sources.h
struct PreparedRun;  // run_sources.h

struct RunRequest {
  std::string component;                 // a workspace component, or
  std::filesystem::path file;            // a pipeline file, run as it is on disk
  std::string branch = "main";           // the branch built (a component: its head)
  std::string commit;                    // the commit built instead of the branch's head
  std::map<std::string, std::filesystem::path> templates;  // extra template sources NAME → folder
};

// What a front-end hears while a run goes; empty members are not called.
struct RunListener {
  std::function<void(const std::string& job, std::string_view line)> line;  // each step output line
  std::function<void(const std::string& text)> warning;  // e.g. steps run without isolation
  std::function<void(const std::string& id)> started;    // the run is numbered and recorded; its jobs start next
};

struct RunSettings {
  int agents = 0;  // parallel job slots; 0: the number of cores
  RunListener listener;
};

// A finished run and, for a component's successful run, what it built.
struct RunOutcome {
  run::RunRecord record;
  std::optional<BuildOutcome> build;   // the version recorded, its tag, auto environments moved
  std::optional<Error> build_error;    // the run succeeded but recording its build failed
  bool succeeded() const;              // the run succeeded (with issues too) and so did its recording
};

// A push to a component's repository, as a post-receive hook tells it.
struct Push {
  std::filesystem::path repo;
  std::string ref;     // refs/heads/main
  std::string sha;     // the pushed commit
  std::string before;  // the ref's previous commit; "" or all zeros: unknown or a new ref
};

// A push as a verified webhook delivery tells it (server/webhooks.h reads
// each host's payload): the repository's URLs as the host gives them
// (clone, ssh, web), the ref and its old and new commits.
struct WebhookPush {
  std::vector<std::string> repo_urls;
  std::string ref;     // refs/heads/main
  std::string before;  // "" or all zeros: a new ref
  std::string after;
};

// One verified delivery of a push event.
struct WebhookDelivery {
  std::string host;  // "github", "gitea", "gitlab", "bitbucket", "azure-devops"
  std::string id;    // the host's delivery id: a replay carries the same one
  std::vector<WebhookPush> pushes;
};

// What accepting a delivery decided, before any run starts.
struct DeliveryAnswer {
  enum class Status { accepted, duplicate, ignored };
  Status status = Status::ignored;
  std::string reason;       // ignored: why (for the host's delivery log); duplicate: when first accepted
  std::vector<Push> pushes;  // accepted: the pushes to hand to handle_push, one per component ref
  std::vector<std::string> components;  // accepted: the component of each push
};

enum class PushHandling { started, no_run, batched, already_handled };

struct PushOutcome {
  std::string component;
  std::string ref;
  std::string sha;
  PushHandling handling = PushHandling::started;
  // no_run: the trigger's reason; batched: the running run's id; already_handled:
  // what the first handling did ("run 3", "no run", "batched").
  std::string reason;
  std::vector<std::string> changed_paths;  // what the push changed, when the trigger filters paths
  std::vector<std::string> notes;          // e.g. "'pr:' is not used: ..."
  bool batched_head = false;               // a head held back by a batched run, handled after it
  std::optional<RunOutcome> run;           // started: the run (failed when the pipeline did not expand)
};
using PushReport = std::function<void(const Result<PushOutcome>&)>;

struct CancelOutcome {
  std::string run_id;
  std::string actor;       // who asked ("" without an identity, for a pipeline file's run)
  bool already_requested;  // an earlier request stands (and its actor)
};

struct RunSummary {
  std::string id;
  std::string pipeline;
  std::string build_number;
  std::string branch;
  std::string state;   // running, finished
  std::string result;  // succeeded, failed, canceled...
  std::string start;   // ISO-8601 UTC; "" when not started
  std::string finish;
  std::string reason;  // why it failed before any job ran, or who canceled it; often ""
  std::optional<run::TestSummary> tests;  // every step's test results summed; none when no step published any
  std::optional<run::CoverageSummary> coverage;  // the same for coverage reports
  std::vector<std::string> waiting;  // running: "stage.job: what it waits for" (a deployment job's gates)
};

// As `runs --json` and GET /api/v1/runs show it (empty times are null; test
// results as totals, their failures left to tests_of).
nlohmann::json to_json(const RunSummary& run);

// The test results or coverage one step of a run published
// (PublishTestResults@2, PublishCodeCoverageResults@1/2, DotNetCoreCLI@2 test).
struct StepTests {
  std::string job;   // the job's id
  std::string step;  // the step's display name
  std::optional<run::TestSummary> summary;
  std::optional<run::CoverageSummary> coverage;
};

// Every such step, from the run's document as GET /runs/{id} shows it.
std::vector<StepTests> tests_of(const nlohmann::json& run);

// The log of one step of a run.
struct StepLog {
  std::string job;
  std::string step;    // its display name
  std::string result;
  std::vector<std::string> lines;
};

// What recovery found: processes left by dead runs (killed), runs marked failed.
struct Recovery {
  int killed_processes = 0;
  std::vector<std::string> failed_runs;
  std::optional<Error> problem;  // recovery could not look (the runs go on)
};

// What a deployment job's approvals are given for: "run-<run>.<job id>".
std::string deployment_subject(const std::string& run_id, const std::string& job_id);
// The approvals given for a deployment job's `subject` on `environment` (kept as events).
Result<std::vector<store::ApprovalRecord>> deployment_approvals(store::Store& store, const std::string& subject,
                                                               const std::string& environment);
// Before a run starts: every deployment job names an environment of the
// workspace (not_found at the job otherwise), and the run has an actor.
Status check_deployment_environments(const run::PipelineSpec& spec, const model::Workspace* workspace,
                                     const std::string& actor);

class RunService {
 public:
  static Result<std::unique_ptr<RunService>> open(Config config);
  ~RunService();

  // Runs whose slipway process died on this host: the processes their steps
  // left are killed and the runs marked failed. Front-ends call it before
  // starting or listing runs.
  Recovery recover();

  // Runs `request` now. invalid_input unless exactly one of component and
  // file is given; bad pipelines are invalid_input with the file position
  // and record nothing.
  Result<RunOutcome> start(const RunRequest& request, const RunSettings& settings);
  // Reruns run `id`'s failed and canceled jobs (and their dependants),
  // reusing the others' results and artifacts. conflict while it runs.
  Result<RunOutcome> retry(const std::string& id, const RunSettings& settings);
  // Asks the process running run `id` to cancel it. conflict "run ID is not
  // running (RESULT)".
  Result<CancelOutcome> cancel(const std::string& id);

  // A push to the repository of a workspace component: reports its outcome
  // (or error), then those of the heads its run held back (trigger batch:
  // true). Returned: what stops before the push is looked at (no workspace,
  // not_found when no component has its repo there, the permission run).
  Status handle_push(const Push& push, const RunSettings& settings, const PushReport& report);
  // Webhooks (webhook_deliveries.cpp). The secret of webhook host `host`
  // from the workspace's `webhooks:` (its secret_file read now); nullopt
  // when the workspace names none.
  Result<std::optional<std::string>> webhook_secret(const std::string& host) const;
  // A verified delivery: its pushes matched to components (by repository
  // URL, model/repo_url.h) and, when any matched, its id claimed in the
  // store with a history event "webhook.delivery" in one transaction;
  // duplicate when the id was claimed before. Needs the permission run for
  // the acting identity (the server's "webhook:<host>"). No run starts here:
  // the caller hands the pushes to handle_push (run_scheduler.h).
  Result<DeliveryAnswer> accept_delivery(const WebhookDelivery& delivery);
  // One pass over every local component repository: each branch head is a
  // push (reported as handle_push's), its changes counted from the head the
  // last handled push left.
  Status watch_once(const RunSettings& settings, const PushReport& report);
  // Where pushes to `component` are read: its folder, or its mirror when its repo is a URL.
  std::filesystem::path repository_of(const model::Component& component) const;

  // The Service opened over the workspace; nullptr without one.
  Service* service() { return m_service.get(); }
  // Service::authenticate: the token's identity then acts in both.
  Result<store::TokenRecord> authenticate(const std::string& token);

  // Every run, by id.
  Result<std::vector<RunSummary>> runs();
  // The step logs of run `id` (of job `job`, id or name, when not empty).
  Result<std::vector<StepLog>> logs(const std::string& id, const std::string& job);
  // The run's document (stages, jobs, steps), as GET /runs/{id} shows it.
  Result<nlohmann::json> run_document(const std::string& id);
  // Streams the lines of run `id` as they are written until it finishes;
  // returns its result ("succeeded"...).
  Result<std::string> follow_logs(const std::string& id, const std::string& job,
                                  const std::function<void(const std::string& job, std::string_view line)>& line);
  // The artifacts of run `id`, or of every run when nullopt.
  Result<std::vector<run::ArtifactRecord>> artifacts(const std::optional<std::string>& id);
  // Writes artifact `name` of run `id` into the folder `to`.
  Status get_artifact(const std::string& name, const std::string& id, const std::filesystem::path& to);

 private:
  struct Handling;
  RunService(Config config, std::unique_ptr<Service> service, std::unique_ptr<store::Store> store);
  store::Store& store();
  const model::Workspace* workspace() const;
  Result<const model::Workspace*> need_workspace(const std::string& doing) const;
  Result<const model::Component*> component(const std::string& name) const;
  Status permit_run(const std::string& doing) const;
  std::filesystem::path state_root() const;
  std::shared_ptr<store::BlobStore> blobs();  // the state's artifacts, opened on first use
  void fetch_shared_log(const std::string& id, const std::string& job_id, int step, const std::filesystem::path& plain);

  // runs.cpp: reading a pipeline, recording and executing a run.
  Result<RunSource> component_run_source(const RunRequest& request);
  // The mirror cache of the run being prepared: one per run (or push), so a
  // ref is fetched once and names one commit for every use in it.
  void fresh_mirrors();
  version::MirrorCache& mirrors() const;
  Result<RunSource> retry_source(const nlohmann::json& old);
  Result<pipeline::ExpandedPipeline> expand(const RunSource& source,
                                            const std::map<std::string, std::filesystem::path>& templates);
  Result<run::PipelineSpec> read_spec(const yaml::Node& root) const;
  Status add_secure_files(run::PipelineSpec& spec) const;  // DownloadSecureFile@1 contents, from the workspace
  Result<std::string> add_run(run::RunRecord record);
  Result<std::string> begin_run(const run::RunRecord& initial);
  run::RunOptions run_options(const PreparedRun& prepared, const std::string& id, int agents);
  Result<RunOutcome> execute(const PreparedRun& prepared, const std::string& id, const RunSettings& settings);
  Status share_artifacts(const std::string& from, const std::string& to, run::RunRecorder& recorder);
  void record_build(RunOutcome& outcome);
  // deployment_jobs.cpp: a deployment job's gates and lock (RunOptions::deployment_gate).
  Result<run::RunOptions::Finish> open_deployment(const run::JobMessage& job, const std::atomic<bool>& cancel,
                                                  const std::function<void(const std::string&)>& waiting);

  // pushes.cpp: deciding and recording what a push does.
  void report_pushes(const model::Component& component, const Push& push, const RunSettings& settings,
                     const PushReport& report);
  Result<PushOutcome> push_once(const model::Component& component, const Push& push, bool batched_head,
                                const RunSettings& settings);
  Result<std::vector<std::string>> changed_paths(const model::Component& component, const Push& push,
                                                 bool batched_head);
  Result<PushOutcome> already_handled(PushOutcome out);
  Result<PushOutcome> record_outcome(PushOutcome out, const Handling& handling);
  Result<PushOutcome> start_failed(PushOutcome out, const Handling& handling, const RunSource& source,
                                   const Error& error);
  Result<PushOutcome> start_pushed(PushOutcome out, const Handling& handling, const PreparedRun& prepared,
                                   const RunSettings& settings);
  Result<std::optional<std::string>> record_handling(const Handling& handling,
                                                     const std::optional<run::RunRecord>& run);
  Result<std::optional<Push>> take_batched_head(const model::Component& component, const std::string& ref,
                                                const std::string& built);

  Config m_config;
  mutable std::unique_ptr<version::MirrorCache> m_mirrors;  // fresh_mirrors()
  std::unique_ptr<Service> m_service;     // when the workspace loaded
  std::shared_ptr<store::BlobStore> m_blobs;
  std::unique_ptr<store::Store> m_store;  // otherwise
};

}  // namespace slipway::service
