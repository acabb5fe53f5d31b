// The script driver: the user's own plan/apply/rollback commands. Removal runs
// the rollback command with SLIPWAY_ACTION=remove (a script platform has no
// separate remove command in the model).
#include <cctype>

#include "core/process.h"
#include "deploy/driver.h"

namespace slipway::deploy {

namespace {

class ScriptDriver final : public Driver {
 public:
  const char* name() const override { return "script"; }

  std::vector<std::string> check(const DriverContext& context) override {
    std::vector<std::string> problems;
    for (const std::string& name : context.environment->components) {
      const model::Component* c = context.workspace->component(name);
      if (c && !c->deploy.script) problems.push_back("component " + name + " has no deploy.script section");
    }
    return problems;
  }

  std::optional<Observation> observe(const std::string&, const DriverContext&) override { return std::nullopt; }

  Status apply(const PlanEntry& entry, const DriverContext& context) override {
    return run(entry, "apply", entry.from_version, context);
  }

  Status rollback(const PlanEntry& entry, const store::AppliedTarget* previous,
                  const DriverContext& context) override {
    const model::Component* c = context.workspace->component(entry.target);
    if (!c || !c->deploy.script || c->deploy.script->rollback.empty()) return {};
    return run(entry, "rollback", previous ? previous->version : "", context);
  }

  Status remove(const PlanEntry& entry, const DriverContext& context) override {
    const model::Component* c = context.workspace->component(entry.target);
    if (!c || !c->deploy.script || c->deploy.script->rollback.empty()) return {};
    return run(entry, "remove", entry.from_version, context);
  }

 private:
  Status run(const PlanEntry& entry, const std::string& action, const std::string& previous,
             const DriverContext& context) {
    const model::Component* c = context.workspace->component(entry.target);
    if (!c || !c->deploy.script) return fail(ErrorCode::invalid_input, "component " + entry.target + " has no deploy.script section");
    const model::ScriptDeploy& script = *c->deploy.script;
    const std::string& command = action == "apply" ? script.apply : script.rollback;
    const model::Platform& platform = context.environment->platform;
    std::vector<std::string> env = current_environment();
    env.push_back("SLIPWAY_ENV=" + context.environment->name);
    env.push_back("SLIPWAY_COMPONENT=" + entry.target);
    env.push_back("SLIPWAY_VERSION=" + (action == "rollback" ? previous : entry.to_version));
    env.push_back("SLIPWAY_PREVIOUS_VERSION=" + previous);
    env.push_back("SLIPWAY_ACTION=" + action);
    env.push_back("SLIPWAY_ARTIFACT_DIGEST=" + entry.digest);
    for (const auto& [key, value] : entry.config) env.push_back("SLIPWAY_CONFIG_" + env_var_name(key) + "=" + value);
    std::vector<std::string> secrets = secret_env(secrets_for(context, *c));
    env.insert(env.end(), secrets.begin(), secrets.end());
    for (const auto& [name, value] : platform.env) env.push_back(name + "=" + value);
    ProcessOptions options;
    options.argv = {"/bin/sh", "-c", command};
    options.cwd = platform.workdir.empty() ? context.workspace->dir : context.workspace->dir / platform.workdir;
    options.env = env;
    options.on_line = [&](OutputStream, std::string_view line) { context.log(entry.target, std::string(line)); };
    Result<ProcessResult> result = run_process(options);
    if (!result) return std::unexpected(result.error());
    if (!result->succeeded())
      return fail(ErrorCode::io, entry.target + ": script " + action + " failed (exit " +
                                     std::to_string(result->exit_code) + ")");
    return {};
  }
};

}  // namespace

std::unique_ptr<Driver> make_script_driver() { return std::make_unique<ScriptDriver>(); }

}  // namespace slipway::deploy
