// The terraform/tofu driver (contract in terraform_driver.h). Every call runs
// in the module folder with the binary's absolute path and TF_IN_AUTOMATION
// semantics via -input=false; output goes to the log (masked by the context).
#include "deploy/terraform_driver.h"

#include "core/json_text.h"
#include "core/strings.h"

namespace slipway::deploy {

namespace {

struct Module {
  std::filesystem::path dir;
  const yaml::Node* vars = nullptr;
  std::string owner;  // for messages: "component api" / "infrastructure db"
};

class TerraformDriver final : public Driver {
 public:
  explicit TerraformDriver(ToolLocator locator) : m_locator(std::move(locator)) {}

  const char* name() const override { return "terraform"; }

  std::vector<std::string> check(const DriverContext& context) override {
    std::vector<std::string> problems;
    if (Result<std::filesystem::path> tf = binary(context); !tf) problems.push_back(tf.error().message);
    for (const std::string& name : context.environment->components) {
      const model::Component* c = context.workspace->component(name);
      if (c && !c->deploy.terraform) problems.push_back("component " + name + " has no deploy.terraform section");
    }
    return problems;
  }

  // Drift = what `plan -refresh-only` finds changed outside terraform since
  // the last apply, with the var file of that apply (so no secret is needed).
  std::optional<Observation> observe(const std::string& target, const DriverContext& context) override {
    Result<std::filesystem::path> tf = binary(context);
    Result<Module> module = module_of(target, context);
    std::filesystem::path vars = vars_path(target, context);
    std::error_code ec;
    if (!tf || !module || !std::filesystem::exists(vars, ec)) return std::nullopt;
    Prepared ready{tf->string(), module->dir, vars, {}};
    if (!std::filesystem::exists(module->dir / ".terraform", ec) &&
        !query(ready, target, context, {ready.binary, "init", "-input=false"}, {0}))
      return std::nullopt;
    if (!query(ready, target, context, {ready.binary, "workspace", "select", context.environment->name}, {0}))
      return std::nullopt;
    std::string out;
    Result<int> planned = query(ready, target, context,
                                   {ready.binary, "plan", "-input=false", "-refresh-only", "-detailed-exitcode",
                                    "-lock=false", "-var-file=" + vars.string()},
                                   {0, 2}, &out);
    if (!planned) return std::nullopt;
    Observation seen;
    if (*planned == 2) seen.drift = refresh_drift(out);
    return seen;
  }

  Status apply(const PlanEntry& entry, const DriverContext& context) override {
    Result<Prepared> ready = prepare(entry, context);
    if (!ready) return std::unexpected(ready.error());
    const std::string& tf = ready->binary;
    Result<int> planned = run(entry.target, context, *ready,
                              {tf, "plan", "-input=false", "-detailed-exitcode", "-var-file=" + ready->vars.string(),
                               "-out=" + ready->plan.string()},
                              "plan", {0, 2});
    if (!planned) return std::unexpected(planned.error());
    if (*planned == 0) {
      context.log(entry.target, "no changes");
      return {};
    }
    Result<int> applied = run(entry.target, context, *ready, {tf, "apply", "-input=false", ready->plan.string()}, "apply");
    if (!applied) return std::unexpected(applied.error());
    return {};
  }

  Status rollback(const PlanEntry& entry, const store::AppliedTarget*, const DriverContext&) override {
    return fail(ErrorCode::unsupported,
                entry.target + ": terraform cannot roll back; the module's state is what the failed apply left");
  }

  Status remove(const PlanEntry& entry, const DriverContext& context) override {
    Result<Prepared> ready = prepare(entry, context);
    if (!ready) return std::unexpected(ready.error());
    Result<int> destroyed = run(entry.target, context, *ready,
                                {ready->binary, "destroy", "-input=false", "-auto-approve",
                                 "-var-file=" + ready->vars.string()},
                                "destroy");
    if (!destroyed) return std::unexpected(destroyed.error());
    return {};
  }

 private:
  struct Prepared {
    std::string binary;
    std::filesystem::path dir;
    std::filesystem::path vars;
    std::filesystem::path plan;
  };

  Result<Module> module_of(const std::string& target, const DriverContext& context) const {
    const model::Workspace& ws = *context.workspace;
    if (target.starts_with("infra:")) {
      std::string name = target.substr(6);
      for (const model::Infrastructure& infra : context.environment->infrastructure)
        if (infra.name == name) return Module{ws.dir / infra.module, &infra.vars, "infrastructure " + name};
      return fail(ErrorCode::not_found, "infrastructure " + name + " is not part of environment " +
                                            context.environment->name);
    }
    const model::Component* c = ws.component(target);
    if (!c || !c->deploy.terraform)
      return fail(ErrorCode::invalid_input, "component " + target + " has no deploy.terraform section");
    return Module{ws.dir / c->repo / c->deploy.terraform->module, &c->deploy.terraform->vars, "component " + target};
  }

  Result<std::filesystem::path> binary(const DriverContext& context) const {
    return find_tool(m_locator, {"terraform (or tofu)", {"terraform", "tofu"}, k_terraform_override}, context);
  }

  // Binary, vars file written, init done and the environment's workspace selected.
  Result<Prepared> prepare(const PlanEntry& entry, const DriverContext& context) {
    Result<std::filesystem::path> tf = binary(context);
    if (!tf) return std::unexpected(tf.error());
    Result<Module> module = module_of(entry.target, context);
    if (!module) return std::unexpected(module.error());
    nlohmann::ordered_json vars = nlohmann::ordered_json::object();
    if (module->vars && !module->vars->is_null()) {
      Result<nlohmann::ordered_json> rendered = render_references(*module->vars, module->owner, context);
      if (!rendered) return std::unexpected(rendered.error());
      vars = std::move(*rendered);
    }
    std::filesystem::path vars_file = vars_path(entry.target, context);
    std::filesystem::path plan = vars_file;
    plan.replace_extension().replace_extension(".tfplan");
    Prepared ready{tf->string(), module->dir, vars_file, plan};
    if (Status written = write_private_file(ready.vars, json_text(vars, 2) + "\n"); !written)
      return std::unexpected(written.error());
    Result<int> init = run(entry.target, context, ready, {ready.binary, "init", "-input=false"}, "init");
    if (!init) return std::unexpected(init.error());
    Result<int> selected = run(entry.target, context, ready,
                               {ready.binary, "workspace", "select", "-or-create", context.environment->name},
                               "workspace select");
    if (!selected) return std::unexpected(selected.error());
    return ready;
  }

  // STATE/terraform/ENV/TARGET.tfvars.json (':' and '/' of the target as '_').
  static std::filesystem::path vars_path(const std::string& target, const DriverContext& context) {
    std::string file = target;
    for (char& ch : file)
      if (ch == ':' || ch == '/') ch = '_';
    return context.state_dir / "terraform" / context.environment->name / (file + ".tfvars.json");
  }

  // "changed outside slipway: ADDR, ADDR" from the "# ADDR has changed" /
  // "# ADDR has been deleted" lines of a refresh-only plan.
  static std::string refresh_drift(const std::string& out) {
    std::vector<std::string> addresses;
    for (const std::string& line : split(out, '\n')) {
      std::string_view text = trim(line);
      if (!text.starts_with("# ")) continue;
      for (std::string_view tail : {std::string_view(" has changed"), std::string_view(" has been deleted")})
        if (text.ends_with(tail)) addresses.emplace_back(text.substr(2, text.size() - 2 - tail.size()));
    }
    if (addresses.empty()) return "terraform plan -refresh-only found changes made outside slipway";
    return "changed outside slipway: " + join(addresses, ", ");
  }

  // Quiet run for observe: the exit code when accepted, else nullopt-worthy error.
  static Result<int> query(const Prepared& ready, const std::string& target, const DriverContext& context,
                              const std::vector<std::string>& argv, const std::vector<int>& accepted,
                              std::string* out = nullptr) {
    Result<ToolRun> done = run_tool(argv, ready.dir, target, context, true);
    if (!done) return std::unexpected(done.error());
    if (out) *out = done->out;
    for (int code : accepted)
      if (done->exit_code == code) return code;
    return fail(ErrorCode::io, target + ": terraform failed (exit " + std::to_string(done->exit_code) + ")");
  }

  // The exit code when it is one of `accepted`, else "TARGET: terraform WHAT failed (exit N)".
  static Result<int> run(const std::string& target, const DriverContext& context, const Prepared& ready,
                         const std::vector<std::string>& argv, const std::string& what,
                         const std::vector<int>& accepted = {0}) {
    Result<ToolRun> done = run_tool(argv, ready.dir, target, context);
    if (!done) return std::unexpected(done.error());
    for (int code : accepted)
      if (done->exit_code == code) return code;
    return fail(ErrorCode::io,
                target + ": terraform " + what + " failed (exit " + std::to_string(done->exit_code) + ")");
  }

  ToolLocator m_locator;
};

}  // namespace

std::unique_ptr<Driver> make_terraform_driver(ToolLocator locator) {
  return std::make_unique<TerraformDriver>(std::move(locator));
}

}  // namespace slipway::deploy
