// Running a whole pipeline: stages and jobs in dependency order on N agent
// slots, with Azure's conditions, variables and results.
//
// run_pipeline blocks until the run is finished (or canceled and drained),
// reporting progress through the RunRecorder as it goes, and returns the
// final record. The pipeline failing is a record with result failed, not an
// error; errors are for the machinery (a recorder that cannot save).
//
// Thread-safety: run_pipeline may be called from several threads at once for
// different runs. It starts `slots` worker threads of its own.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/error.h"
#include "run/job.h"
#include "run/run_record.h"
#include "run/spec.h"
#include "run/task_folder.h"
#include "store/blobs.h"

namespace slipway::run {

struct RunOptions {
  std::string run_id = "1";
  std::string pipeline;                  // Build.DefinitionName, Build.Repository.Name
  std::string component;                 // the workspace component built ("" when none): artifacts carry it
  std::string branch = "refs/heads/main";  // "main" is read as refs/heads/main
  std::string commit;                    // Build.SourceVersion
  std::string repository;                // what `checkout: self` fetches (a path or URL); may be empty
  std::int64_t build_id = 1;             // Build.BuildId
  int revision = 1;                      // $(Rev:r) of the build number, when no revision_counter
  // Azure's $(Rev:r): gives the next revision for a build number whose text,
  // $(Rev) aside, is `key` (1 for a key never seen). Called once, before any job.
  std::function<Result<int>(const std::string& key)> revision_counter;
  int slots = 0;                         // parallel jobs; 0: the number of cores
  std::filesystem::path work_dir;        // the local agent's work folders (<work_dir>/<n>/)
  std::shared_ptr<store::BlobStore> blobs;  // where artifacts are stored (store/blobs.h)
  // What no step of the LocalAgent may open (slipway's state folder).
  std::vector<std::filesystem::path> protected_paths;
  NameValues variables;                  // extra pipeline variables (override the file's)
  const std::atomic<bool>* cancel = nullptr;  // becoming true cancels the run
  // The run's reason once `cancel` is true (e.g. "canceled by alice"); empty: "canceled".
  std::function<std::string()> cancel_reason;
  Agent* agent = nullptr;                // null: a LocalAgent over work_dir
  std::shared_ptr<const TaskCatalog> tasks;  // task folders for that LocalAgent (run/task_folder.h)
  std::string source;                    // recorded: the pipeline file
  // Retry: job instance id → its record in the earlier run. A job whose every
  // instance is here with succeeded/succeededWithIssues is not run again; its
  // results and outputs are reused.
  std::map<std::string, JobRecord> reuse;
  std::string retry_of;
  // Deployment jobs (`deployment:` with `environment:`): called in the job's
  // slot before it starts, with a way to say why it waits (shown as the job's
  // reason while it does). Returns when the job may start, with what to call
  // with the job's result when it ends; an error fails the job unstarted.
  // Null: deployment jobs start as any job does.
  using Finish = std::function<void(TaskResult)>;
  std::function<Result<Finish>(const JobMessage& job, const std::atomic<bool>& cancel,
                               const std::function<void(const std::string& why)>& waiting)>
      deployment_gate;
};

Result<RunRecord> run_pipeline(const PipelineSpec& spec, const RunOptions& options, RunRecorder& recorder);

// The build number from a `name:` format: $(Date:yyyyMMdd), $(Rev:r)/$(Rev:.r)/$(Rev:rr),
// then other $(macros) from `variables`. An empty format is Azure's
// default "$(Date:yyyyMMdd)$(Rev:.r)".
std::string format_build_number(std::string_view format, std::int64_t now_ms, int revision,
                                 const Variables& variables);
// The build number with every $(Rev:...) left as "$(Rev)": what $(Rev:r) counts by.
std::string build_number_revision_key(std::string_view format, std::int64_t now_ms, const Variables& variables);

// Azure's aggregation of several results (instances of a job, jobs of a
// stage, stages of a run): failed > canceled > succeededWithIssues >
// succeeded, ignoring skipped; skipped when all are skipped or there are none.
TaskResult aggregate_results(const std::vector<TaskResult>& results);

}  // namespace slipway::run
