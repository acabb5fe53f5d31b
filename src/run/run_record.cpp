#include "run/run_record.h"

#include "core/json_text.h"

#include "core/clock.h"

namespace slipway::run {

namespace {

nlohmann::ordered_json time_json(std::int64_t ms) {
  if (ms == 0) return nullptr;
  return format_utc(from_epoch_ms(ms));
}

nlohmann::ordered_json step_json(const StepRecord& step) {
  nlohmann::ordered_json out;
  out["name"] = step.name;
  out["displayName"] = step.display_name;
  out["result"] = result_name(step.result);
  out["start"] = time_json(step.start_ms);
  out["finish"] = time_json(step.finish_ms);
  if (step.exit_code >= 0) out["exitCode"] = step.exit_code;
  if (step.attempts > 1) out["attempts"] = step.attempts;
  if (!step.reason.empty()) out["reason"] = step.reason;
  if (!step.issues.empty()) {
    nlohmann::ordered_json issues = nlohmann::ordered_json::array();
    for (const Issue& issue : step.issues) issues.push_back({{"type", issue.type}, {"message", issue.message}});
    out["issues"] = issues;
  }
  if (step.tests) out["tests"] = to_json(*step.tests);
  if (step.coverage) out["coverage"] = to_json(*step.coverage);
  return out;
}

}  // namespace

nlohmann::ordered_json run_to_json(const RunRecord& run) {
  nlohmann::ordered_json out;
  out["id"] = run.id;
  out["pipeline"] = run.pipeline;
  if (!run.component.empty()) out["component"] = run.component;
  out["buildNumber"] = run.build_number;
  out["branch"] = run.branch;
  out["commit"] = run.commit;
  out["state"] = run.state == RunState::running ? "running" : "finished";
  out["result"] = result_name(run.result);
  out["start"] = time_json(run.start_ms);
  out["finish"] = time_json(run.finish_ms);
  if (!run.reason.empty()) out["reason"] = run.reason;
  out["source"] = run.source;
  if (!run.retry_of.empty()) out["retryOf"] = run.retry_of;
  out["owner"] = {{"pid", run.owner_pid}, {"host", run.owner_host}};
  nlohmann::ordered_json stages = nlohmann::ordered_json::array();
  for (const StageRecord& stage : run.stages) {
    nlohmann::ordered_json s;
    s["name"] = stage.name;
    s["displayName"] = stage.display_name;
    s["result"] = result_name(stage.result);
    s["start"] = time_json(stage.start_ms);
    s["finish"] = time_json(stage.finish_ms);
    if (!stage.reason.empty()) s["reason"] = stage.reason;
    nlohmann::ordered_json jobs = nlohmann::ordered_json::array();
    for (const JobRecord& job : stage.jobs) {
      nlohmann::ordered_json j;
      j["id"] = job.id;
      j["name"] = job.job;
      if (!job.leg.empty()) j["leg"] = job.leg;
      j["displayName"] = job.display_name;
      j["result"] = result_name(job.result);
      j["start"] = time_json(job.start_ms);
      j["finish"] = time_json(job.finish_ms);
      if (!job.reason.empty()) j["reason"] = job.reason;
      nlohmann::ordered_json outputs = nlohmann::ordered_json::object();
      for (const Variable& v : job.outputs) outputs[v.name] = v.secret ? std::string("***") : v.value;
      j["outputs"] = outputs;
      nlohmann::ordered_json steps = nlohmann::ordered_json::array();
      for (const StepRecord& step : job.steps) steps.push_back(step_json(step));
      j["steps"] = steps;
      jobs.push_back(j);
    }
    s["jobs"] = jobs;
    stages.push_back(s);
  }
  out["stages"] = stages;
  nlohmann::ordered_json artifacts = nlohmann::ordered_json::array();
  for (const ArtifactRecord& a : run.artifacts)
    artifacts.push_back({{"name", a.name}, {"job", a.job_id}, {"digest", a.digest}, {"size", a.size}, {"files", a.files},
                         {"component", a.component}, {"version", a.version}});
  out["artifacts"] = artifacts;
  return out;
}

Status MemoryRecorder::save(const RunRecord& run) {
  std::lock_guard lock(m_mutex);
  m_last = run;
  ++m_saves;
  return {};
}

void MemoryRecorder::log(const std::string&, const std::string& job_id, int step, std::int64_t at_ms,
                         std::string_view line) {
  std::lock_guard lock(m_mutex);
  m_lines.push_back({job_id, step, at_ms, std::string(line)});
}

Status MemoryRecorder::add_artifact(const ArtifactRecord& artifact) {
  std::lock_guard lock(m_mutex);
  for (ArtifactRecord& existing : m_artifacts) {
    if (existing.run_id == artifact.run_id && existing.name == artifact.name)
      return fail(ErrorCode::conflict, "artifact '" + artifact.name + "' already exists in run " + artifact.run_id);
  }
  m_artifacts.push_back(artifact);
  return {};
}

Result<std::vector<ArtifactRecord>> MemoryRecorder::artifacts(const std::string& run_id) {
  std::lock_guard lock(m_mutex);
  std::vector<ArtifactRecord> out;
  for (const ArtifactRecord& a : m_artifacts)
    if (a.run_id == run_id) out.push_back(a);
  return out;
}

std::vector<MemoryRecorder::LogLine> MemoryRecorder::lines() const {
  std::lock_guard lock(m_mutex);
  return m_lines;
}

std::vector<std::string> MemoryRecorder::step_lines(const std::string& job_id, int step) const {
  std::lock_guard lock(m_mutex);
  std::vector<std::string> out;
  for (const LogLine& line : m_lines)
    if (line.job_id == job_id && line.step == step) out.push_back(line.text);
  return out;
}

RunRecord MemoryRecorder::last() const {
  std::lock_guard lock(m_mutex);
  return m_last;
}

int MemoryRecorder::saves() const {
  std::lock_guard lock(m_mutex);
  return m_saves;
}

std::map<std::string, JobRecord> jobs_from_json(const nlohmann::json& run) {
  std::map<std::string, JobRecord> out;
  if (!run.contains("stages")) return out;
  for (const nlohmann::json& stage : run["stages"]) {
    for (const nlohmann::json& job : stage.value("jobs", nlohmann::json::array())) {
      JobRecord record;
      record.id = job.value("id", "");
      record.stage = stage.value("name", "");
      record.job = job.value("name", "");
      record.leg = job.value("leg", "");
      record.display_name = job.value("displayName", "");
      record.result = parse_result(job.value("result", "")).value_or(TaskResult::failed);
      record.finished = true;
      if (job.contains("outputs"))
        for (const auto& [name, value] : job["outputs"].items())
          record.outputs.push_back({name, value.is_string() ? value.get<std::string>() : json_text(value), false});
      for (const nlohmann::json& step : job.value("steps", nlohmann::json::array())) {
        StepRecord s;
        s.name = step.value("name", "");
        s.display_name = step.value("displayName", "");
        s.result = parse_result(step.value("result", "")).value_or(TaskResult::failed);
        s.reason = step.value("reason", "");
        if (step.contains("tests")) s.tests = test_summary_from_json(step["tests"]);
        if (step.contains("coverage")) s.coverage = coverage_from_json(step["coverage"]);
        record.steps.push_back(std::move(s));
      }
      out[record.id] = std::move(record);
    }
  }
  return out;
}

}  // namespace slipway::run
