#include "run/job.h"

#include "core/strings.h"

namespace slipway::run {

namespace {

constexpr std::pair<TaskResult, const char*> k_results[] = {
    {TaskResult::succeeded, "succeeded"},
    {TaskResult::succeeded_with_issues, "succeededWithIssues"},
    {TaskResult::failed, "failed"},
    {TaskResult::canceled, "canceled"},
    {TaskResult::skipped, "skipped"},
};

constexpr std::pair<StepKind, const char*> k_kinds[] = {
    {StepKind::script, "script"},   {StepKind::bash, "bash"},         {StepKind::checkout, "checkout"},
    {StepKind::publish, "publish"}, {StepKind::download, "download"}, {StepKind::task, "task"},
};

nlohmann::json name_values_json(const NameValues& values) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [name, value] : values) out.push_back({name, value});
  return out;
}

NameValues name_values_from(const nlohmann::json& json) {
  NameValues out;
  for (const nlohmann::json& item : json) out.emplace_back(item.at(0).get<std::string>(), item.at(1).get<std::string>());
  return out;
}

nlohmann::json step_json(const StepSpec& step) {
  const char* kind = "script";
  for (const auto& [k, name] : k_kinds)
    if (k == step.kind) kind = name;
  return {{"kind", kind},
          {"body", step.body},
          {"displayName", step.display_name},
          {"name", step.name},
          {"task", step.task},
          {"env", name_values_json(step.env)},
          {"condition", step.condition},
          {"continueOnError", step.continue_on_error},
          {"timeoutInMinutes", step.timeout_minutes},
          {"retryCountOnTaskFailure", step.retry_count},
          {"enabled", step.enabled},
          {"workingDirectory", step.working_directory},
          {"artifact", step.artifact},
          {"path", step.path},
          {"inputs", name_values_json(step.inputs)},
          {"clean", step.clean},
          {"fetchDepth", step.fetch_depth},
          {"repository", step.repository},
          {"repositoryCommit", step.repository_commit},
          {"variables", name_values_json(step.variables)},
          {"where", step.where.to_string()}};
}

Result<StepSpec> step_from(const nlohmann::json& json) {
  StepSpec step;
  std::string kind = json.at("kind").get<std::string>();
  bool known = false;
  for (const auto& [k, name] : k_kinds)
    if (kind == name) step.kind = k, known = true;
  if (!known) return fail(ErrorCode::invalid_input, "job message: unknown step kind '" + kind + "'");
  step.body = json.at("body").get<std::string>();
  step.display_name = json.at("displayName").get<std::string>();
  step.name = json.at("name").get<std::string>();
  step.task = json.at("task").get<std::string>();
  step.env = name_values_from(json.at("env"));
  step.condition = json.at("condition").get<std::string>();
  step.continue_on_error = json.at("continueOnError").get<bool>();
  step.timeout_minutes = json.at("timeoutInMinutes").get<int>();
  step.retry_count = json.at("retryCountOnTaskFailure").get<int>();
  step.enabled = json.at("enabled").get<bool>();
  step.working_directory = json.at("workingDirectory").get<std::string>();
  step.artifact = json.at("artifact").get<std::string>();
  step.path = json.at("path").get<std::string>();
  if (json.contains("inputs")) step.inputs = name_values_from(json.at("inputs"));
  step.clean = json.value("clean", false);
  step.fetch_depth = json.value("fetchDepth", 0);
  step.repository = json.value("repository", "");
  step.repository_commit = json.value("repositoryCommit", "");
  if (json.contains("variables")) step.variables = name_values_from(json.at("variables"));
  step.where.file = json.value("where", "");
  return step;
}

nlohmann::json container_json(const ContainerSpec& spec) {
  return {{"name", spec.name}, {"image", spec.image}, {"env", name_values_json(spec.env)},
          {"ports", spec.ports}, {"volumes", spec.volumes}, {"options", spec.options}};
}

ContainerSpec container_from(const nlohmann::json& json) {
  return {json.at("name").get<std::string>(), json.at("image").get<std::string>(), name_values_from(json.at("env")),
          json.at("ports").get<std::vector<std::string>>(), json.at("volumes").get<std::vector<std::string>>(),
          json.at("options").get<std::vector<std::string>>(), Position{}};
}

}  // namespace

const char* result_name(TaskResult result) {
  for (const auto& [r, name] : k_results)
    if (r == result) return name;
  return "failed";
}

std::string result_title(TaskResult result) {
  std::string name = result_name(result);
  name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
  return name;
}

std::optional<TaskResult> parse_result(std::string_view text) {
  for (const auto& [r, name] : k_results)
    if (iequals(text, name)) return r;
  return std::nullopt;
}

nlohmann::json to_json(const JobMessage& job) {
  nlohmann::json variables = nlohmann::json::array();
  for (const Variable& v : job.variables) variables.push_back({{"name", v.name}, {"value", v.value}, {"secret", v.secret}});
  nlohmann::json steps = nlohmann::json::array();
  for (const StepSpec& step : job.steps) steps.push_back(step_json(step));
  nlohmann::json out = {{"runId", job.run_id},
          {"id", job.id},
          {"stage", job.stage},
          {"job", job.job},
          {"leg", job.leg},
          {"displayName", job.display_name},
          {"variables", variables},
          {"steps", steps},
          {"timeoutInMinutes", job.timeout_minutes},
          {"cancelTimeoutInMinutes", job.cancel_timeout_minutes},
          {"cleanWorkspace", job.clean_workspace},
          {"secureFiles", name_values_json(job.secure_files)}};
  if (!job.environment.empty()) out["environment"] = job.environment;
  if (job.container) out["container"] = container_json(*job.container);
  for (const ContainerSpec& service : job.services) out["services"].push_back(container_json(service));
  return out;
}

Result<JobMessage> job_from_json(const nlohmann::json& json) {
  try {
    JobMessage job;
    job.run_id = json.at("runId").get<std::string>();
    job.id = json.at("id").get<std::string>();
    job.stage = json.at("stage").get<std::string>();
    job.job = json.at("job").get<std::string>();
    job.leg = json.at("leg").get<std::string>();
    job.display_name = json.at("displayName").get<std::string>();
    for (const nlohmann::json& v : json.at("variables"))
      job.variables.push_back({v.at("name").get<std::string>(), v.at("value").get<std::string>(), v.at("secret").get<bool>()});
    for (const nlohmann::json& s : json.at("steps")) {
      Result<StepSpec> step = step_from(s);
      if (!step) return std::unexpected(step.error());
      job.steps.push_back(std::move(*step));
    }
    job.timeout_minutes = json.at("timeoutInMinutes").get<int>();
    job.cancel_timeout_minutes = json.at("cancelTimeoutInMinutes").get<int>();
    job.clean_workspace = json.at("cleanWorkspace").get<bool>();
    if (json.contains("secureFiles")) job.secure_files = name_values_from(json.at("secureFiles"));
    job.environment = json.value("environment", "");
    if (json.contains("container")) job.container = container_from(json.at("container"));
    if (json.contains("services"))
      for (const nlohmann::json& service : json.at("services")) job.services.push_back(container_from(service));
    return job;
  } catch (const nlohmann::json::exception& e) {
    return fail(ErrorCode::invalid_input, std::string("job message: ") + e.what());
  }
}

}  // namespace slipway::run
