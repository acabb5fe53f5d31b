// A pipeline run against real processes in a temporary folder, for the
// tests of the scheduler, the local agent and the native tasks.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "run/scheduler.h"
#include "support/test_support.h"

namespace slipway::run {

struct Fixture {
  test::TempDir dir;
  MemoryRecorder recorder;
  RunOptions options;

  // Where steps write what the test reads: a sandboxed step may not create
  // entries in `dir` itself, which leads to the work root (run/step_isolation.h).
  std::filesystem::path report = dir / "report";

  Fixture() {
    std::filesystem::create_directories(report);
    options.work_dir = dir / "work";
    options.blobs = store::folder_blob_store(dir / "artifacts");
    options.slots = 2;
    options.pipeline = "orders";
    options.commit = "abc123";
    options.branch = "main";
  }

  RunRecord run(const std::string& yaml_text, const VariableGroups& groups = {}, const NameValues& secure_files = {}) {
    Result<yaml::Node> node = yaml::parse(yaml_text, "pipeline.yml");
    EXPECT_TRUE(node) << node.error().to_string();
    Result<PipelineSpec> spec = read_pipeline(*node, groups);
    EXPECT_TRUE(spec) << spec.error().to_string();
    if (!spec) return {};
    spec->secure_files = secure_files;
    Result<RunRecord> record = run_pipeline(*spec, options, recorder);
    EXPECT_TRUE(record) << record.error().to_string();
    return record ? *record : RunRecord{};
  }
};

inline const JobRecord& job(const RunRecord& run, const std::string& id) {
  for (const StageRecord& stage : run.stages)
    for (const JobRecord& j : stage.jobs)
      if (j.id == id) return j;
  static JobRecord none;
  ADD_FAILURE() << "no job " << id;
  return none;
}

}  // namespace slipway::run
