// The helm driver (contract in helm_driver.h). Every helm call runs in the
// workspace folder with the binary's absolute path; stdout of JSON queries is
// kept out of the log, everything else is logged (masked by the context).
#include "deploy/helm_driver.h"

#include <algorithm>

#include "core/files.h"
#include "core/strings.h"

namespace slipway::deploy {

namespace {

// Deep merge: mappings merge key by key, anything else replaces.
void overlay(nlohmann::ordered_json& base, const nlohmann::ordered_json& top) {
  if (!base.is_object() || !top.is_object()) {
    base = top;
    return;
  }
  for (auto it = top.begin(); it != top.end(); ++it) {
    if (base.contains(it.key())) overlay(base[it.key()], it.value());
    else base[it.key()] = it.value();
  }
}

// Dotted paths where `live` differs from `want` (objects compared key by key,
// anything else whole), sorted.
void changed_paths(const nlohmann::ordered_json& want, const nlohmann::ordered_json& live, const std::string& path,
                   std::vector<std::string>& out) {
  if (want.is_object() && live.is_object()) {
    for (auto it = want.begin(); it != want.end(); ++it) {
      std::string sub = path.empty() ? it.key() : path + "." + it.key();
      if (!live.contains(it.key())) out.push_back(sub);
      else changed_paths(it.value(), live[it.key()], sub, out);
    }
    for (auto it = live.begin(); it != live.end(); ++it)
      if (!want.contains(it.key())) out.push_back(path.empty() ? it.key() : path + "." + it.key());
    return;
  }
  if (want != live) out.push_back(path.empty() ? "(all values)" : path);
}

class HelmDriver final : public Driver {
 public:
  explicit HelmDriver(ToolLocator locator) : m_locator(std::move(locator)) {}

  const char* name() const override { return "helm"; }

  std::vector<std::string> check(const DriverContext& context) override {
    std::vector<std::string> problems;
    if (Result<std::filesystem::path> helm = binary(context); !helm) problems.push_back(helm.error().message);
    for (const std::string& name : context.environment->components) {
      const model::Component* c = context.workspace->component(name);
      if (c && !c->deploy.helm) problems.push_back("component " + name + " has no deploy.helm section");
    }
    return problems;
  }

  std::optional<Observation> observe(const std::string& target, const DriverContext& context) override {
    Result<std::filesystem::path> helm = binary(context);
    if (!helm) return std::nullopt;
    std::vector<std::string> argv = {helm->string(), "status", target, "-o", "json"};
    scope(argv, context);
    Result<ToolRun> run = run_tool(argv, context.workspace->dir, target, context, true);
    if (!run) return std::nullopt;
    if (run->exit_code != 0) {
      if (run->err.find("not found") != std::string::npos) return Observation{false, "", ""};
      return std::nullopt;
    }
    nlohmann::json status = nlohmann::json::parse(run->out, nullptr, false);
    if (status.is_discarded() || !status.is_object()) return std::nullopt;
    Observation seen;
    const nlohmann::json* state = status.contains("info") ? &status["info"] : nullptr;
    bool deployed = state && state->value("status", "") == "deployed";
    if (deployed && status.contains("chart") && status["chart"].contains("metadata"))
      seen.version = status["chart"]["metadata"].value("version", "");
    if (deployed) seen.drift = values_drift(*helm, target, context);
    return seen;
  }

  Status apply(const PlanEntry& entry, const DriverContext& context) override {
    Result<std::filesystem::path> helm = binary(context);
    if (!helm) return std::unexpected(helm.error());
    const model::Component* c = context.workspace->component(entry.target);
    if (!c || !c->deploy.helm)
      return fail(ErrorCode::invalid_input, "component " + entry.target + " has no deploy.helm section");
    Result<nlohmann::ordered_json> values = render_helm_values(*c, context);
    if (!values) return std::unexpected(values.error());
    std::filesystem::path file = helm_values_path(context, entry.target);
    if (Status written = write_private_file(file, values->dump(2) + "\n"); !written) return written;
    std::vector<std::string> argv = {helm->string(), "upgrade", "--install", entry.target,
                                     helm_chart_argument(*c, *context.workspace), "--atomic", "--wait"};
    if (!entry.to_version.empty()) {
      argv.push_back("--version");
      argv.push_back(entry.to_version);
    }
    scope(argv, context);
    argv.push_back("-f");
    argv.push_back(file.string());
    return run_checked(argv, entry.target, "upgrade", context);
  }

  Status rollback(const PlanEntry& entry, const store::AppliedTarget* previous,
                  const DriverContext& context) override {
    Result<std::filesystem::path> helm = binary(context);
    if (!helm) return std::unexpected(helm.error());
    std::optional<Observation> seen = observe(entry.target, context);
    if (!previous) {
      if (seen && !seen->present) return {};  // --atomic removed the failed first install
      std::vector<std::string> argv = {helm->string(), "uninstall", entry.target, "--wait"};
      scope(argv, context);
      return run_checked(argv, entry.target, "uninstall", context);
    }
    if (seen && seen->present && !seen->version.empty() && seen->version == previous->version) return {};
    std::vector<std::string> argv = {helm->string(), "rollback", entry.target, "--wait"};
    scope(argv, context);
    return run_checked(argv, entry.target, "rollback", context);
  }

  Status remove(const PlanEntry& entry, const DriverContext& context) override {
    Result<std::filesystem::path> helm = binary(context);
    if (!helm) return std::unexpected(helm.error());
    std::optional<Observation> seen = observe(entry.target, context);
    if (seen && !seen->present) return {};
    std::vector<std::string> argv = {helm->string(), "uninstall", entry.target, "--wait"};
    scope(argv, context);
    return run_checked(argv, entry.target, "uninstall", context);
  }

 private:
  Result<std::filesystem::path> binary(const DriverContext& context) const {
    return find_tool(m_locator, {"helm", {"helm"}, k_helm_override}, context);
  }

  // "values changed: a.b, c" when the release's user-supplied values (helm
  // get values) differ from the values file slipway applied; "" when they
  // match or there is nothing to compare (no file, helm cannot answer).
  static std::string values_drift(const std::filesystem::path& helm, const std::string& target,
                                  const DriverContext& context) {
    std::filesystem::path file = helm_values_path(context, target);
    Result<std::string> text = read_text_file(file);
    if (!text) return "";
    nlohmann::ordered_json applied = nlohmann::ordered_json::parse(*text, nullptr, false);
    if (applied.is_discarded()) return "";
    std::vector<std::string> argv = {helm.string(), "get", "values", target, "-o", "json"};
    scope(argv, context);
    Result<ToolRun> run = run_tool(argv, context.workspace->dir, target, context, true);
    if (!run || run->exit_code != 0) return "";
    nlohmann::ordered_json live = nlohmann::ordered_json::parse(run->out, nullptr, false);
    if (live.is_discarded()) return "";
    if (live.is_null()) live = nlohmann::ordered_json::object();  // helm says null for "no values"
    std::vector<std::string> paths;
    changed_paths(applied, live, "", paths);
    std::sort(paths.begin(), paths.end());
    return paths.empty() ? "" : "values changed: " + join(paths, ", ");
  }

  static void scope(std::vector<std::string>& argv, const DriverContext& context) {
    const model::Platform& platform = context.environment->platform;
    if (!platform.namespace_name.empty()) {
      argv.push_back("--namespace");
      argv.push_back(platform.namespace_name);
    }
    if (!platform.context.empty()) {
      argv.push_back("--kube-context");
      argv.push_back(platform.context);
    }
  }

  static Status run_checked(const std::vector<std::string>& argv, const std::string& target, const std::string& what,
                            const DriverContext& context) {
    return run_tool_checked(argv, context.workspace->dir, target, "helm " + what, context);
  }

  ToolLocator m_locator;
};

}  // namespace

std::unique_ptr<Driver> make_helm_driver(ToolLocator locator) { return std::make_unique<HelmDriver>(std::move(locator)); }

Result<nlohmann::ordered_json> render_helm_values(const model::Component& component, const DriverContext& context) {
  nlohmann::ordered_json values = context.environment->values.is_null()
                                      ? nlohmann::ordered_json::object()
                                      : yaml::to_json(context.environment->values);
  if (component.deploy.helm && !component.deploy.helm->values.is_null()) {
    Result<nlohmann::ordered_json> own = render_references(component.deploy.helm->values, "component " + component.name, context);
    if (!own) return own;
    overlay(values, *own);
  }
  return values;
}

std::filesystem::path helm_values_path(const DriverContext& context, const std::string& component) {
  return context.state_dir / "helm" / context.environment->name / (component + ".values.yaml");
}

std::string helm_chart_argument(const model::Component& component, const model::Workspace& workspace) {
  const std::string& chart = component.deploy.helm ? component.deploy.helm->chart : std::string();
  if (!component.repo_is_url && !chart.empty()) {
    std::filesystem::path local = workspace.dir / component.repo / chart;
    std::error_code ec;
    if (std::filesystem::exists(local, ec)) return local.string();
  }
  return chart;
}

}  // namespace slipway::deploy
