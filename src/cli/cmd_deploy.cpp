// `slipway plan`, `slipway apply` and `slipway secret list|rotate|show`.
//   apply ENV [--version C=V ...]: takes the environment's lock and applies
//     (without gates: promotion goes through `slipway promote`).
//   plan ENV [--version C=V ...]: what applying would change, and why.
//     Versions come from --version, else from what is applied now (so the plan
//     shows configuration changes, drift and removes).
//   secret list ENV: names, blocks, ages; never values.
//   secret rotate ENV NAME: a new value (applied on the next apply).
//   secret show ENV NAME --reveal: the value; admin only (SLIPWAY_USER and the
//     workspace's `admin` role); recorded as a "secret.revealed" event.
#include <cstdlib>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/app.h"
#include "cli/identity.h"
#include "core/interrupt.h"
#include "core/json_text.h"
#include "core/strings.h"
#include "deploy/driver.h"
#include "deploy/engine.h"
#include "deploy/plan.h"
#include "deploy/secrets.h"
#include "model/resolve.h"
#include "model/workspace.h"
#include "store/store.h"
#include "version/semver.h"

namespace slipway::cli {

namespace {

// Everything a deploy command needs, loaded once.
struct DeployContext {
  model::Workspace workspace;
  model::ResolvedEnvironment environment;
  std::unique_ptr<store::Store> store;
  std::string actor;
};

std::string current_actor() {
  Result<std::string> identity = acting_identity("");  // cli/identity.h: SLIPWAY_USER, else the config file
  return identity ? *identity : "unknown";
}

Result<DeployContext> open_context(const GlobalOptions& options, const std::string& env) {
  Result<model::Workspace> workspace = model::load_workspace(options.workspace);
  if (!workspace) return std::unexpected(workspace.error());
  Result<model::ResolvedEnvironment> resolved = model::resolve_environment(*workspace, env);
  if (!resolved) return std::unexpected(resolved.error());
  Result<std::unique_ptr<store::Store>> store = store::open_store(state_path(options));
  if (!store) return std::unexpected(store.error());
  return DeployContext{std::move(*workspace), std::move(*resolved), std::move(*store), current_actor()};
}

Result<deploy::SecretVault> open_vault(const GlobalOptions& options, DeployContext& context) {
  Result<deploy::MasterKey> key =
      deploy::load_master_key(deploy::key_file_for(state_path(options)), deploy::process_env("SLIPWAY_MASTER_KEY"));
  if (!key) return std::unexpected(key.error());
  return deploy::SecretVault(*context.store, *key);
}

std::string age(TimePoint then) {
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(system_clock().now() - then).count();
  if (seconds < 120) return std::to_string(seconds) + "s";
  if (seconds < 7200) return std::to_string(seconds / 60) + "m";
  if (seconds < 172800) return std::to_string(seconds / 3600) + "h";
  return std::to_string(seconds / 86400) + "d";
}

Status secret_list(const GlobalOptions& options, const std::string& env) {
  Result<DeployContext> context = open_context(options, env);
  if (!context) return std::unexpected(context.error());
  Result<deploy::SecretVault> vault = open_vault(options, *context);
  if (!vault) return std::unexpected(vault.error());
  Result<std::vector<deploy::SecretInfo>> infos = vault->list(env, context->environment.secrets);
  if (!infos) return std::unexpected(infos.error());
  if (options.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const deploy::SecretInfo& s : *infos) {
      nlohmann::ordered_json item{{"name", s.name}, {"block", s.block.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(s.block)},
                                   {"generated", s.exists}};
      if (s.exists) {
        item["generation"] = s.generation;
        item["created"] = format_utc(s.created);
        item["rotated"] = format_utc(s.rotated);
      }
      out.push_back(item);
    }
    std::cout << json_text(out, 2) << "\n";
    return {};
  }
  for (const deploy::SecretInfo& s : *infos) {
    std::cout << s.name << "  " << (s.block.empty() ? "environment" : "block " + s.block) << "  ";
    if (!s.exists) {
      std::cout << "not generated yet\n";
    } else if (s.generation == 1) {
      std::cout << "created " << age(s.created) << " ago\n";
    } else {
      std::cout << "created " << age(s.created) << " ago, rotated " << age(s.rotated) << " ago (generation "
                << s.generation << ")\n";
    }
  }
  return {};
}

Status secret_rotate(const GlobalOptions& options, const std::string& env, const std::string& name) {
  Result<DeployContext> context = open_context(options, env);
  if (!context) return std::unexpected(context.error());
  Result<deploy::SecretVault> vault = open_vault(options, *context);
  if (!vault) return std::unexpected(vault.error());
  if (Status s = vault->rotate(env, name, context->environment.secrets, context->actor); !s) return s;
  std::cout << "rotated secret " << name << " of " << env << "; the next apply hands out the new value\n";
  return {};
}

Status secret_show(const GlobalOptions& options, const std::string& env, const std::string& name, bool reveal) {
  Result<DeployContext> context = open_context(options, env);
  if (!context) return std::unexpected(context.error());
  if (!reveal) return fail(ErrorCode::invalid_input, "secret show prints a value only with --reveal");
  const model::Role* admin = context->workspace.role("admin");
  bool allowed = admin && std::any_of(admin->members.begin(), admin->members.end(),
                                      [&](const model::NameRef& m) { return m.name == context->actor; });
  if (!allowed) {
    Result<std::int64_t> event = context->store->events().append(
        {context->actor, "secret.reveal_refused", "env:" + env, {{"name", name}}});
    if (!event) return std::unexpected(event.error());
    return fail(ErrorCode::denied, "secret show --reveal needs role admin; " + context->actor + " does not have it");
  }
  Result<deploy::SecretVault> vault = open_vault(options, *context);
  if (!vault) return std::unexpected(vault.error());
  Result<std::string> value = vault->reveal(env, name, context->actor);
  if (!value) return std::unexpected(value.error());
  std::cout << *value << "\n";
  return {};
}

// Versions wanted: what is applied now, overridden by --version C=V (with the
// artifact digest a build recorded for that version, if any).
Result<deploy::WantedVersions> wanted_versions(const DeployContext& context,
                                                                        const std::vector<store::AppliedTarget>& applied,
                                                                        const std::vector<std::string>& versions) {
  deploy::WantedVersions wanted;
  for (const store::AppliedTarget& t : applied) wanted[t.target] = {t.version, t.digest};
  for (const std::string& pair : versions) {
    size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == pair.size())
      return fail(ErrorCode::invalid_input, "--version takes COMPONENT=VERSION, got '" + pair + "'");
    std::string name = pair.substr(0, eq);
    if (!context.workspace.component(name)) {
      std::vector<std::string> names;
      for (const model::Component& c : context.workspace.components) names.push_back(c.name);
      return fail(ErrorCode::not_found, "unknown component '" + name + "'" + did_you_mean(name, names));
    }
    // The artifact of that version, when a build recorded it (`release built`).
    std::string version = pair.substr(eq + 1), digest;
    if (!version::parse_semver(version))
      return fail(ErrorCode::invalid_input, "--version " + name + "=" + version +
                                                ": not a semantic version (MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD])");
    Result<std::optional<store::ComponentVersionRecord>> built = context.store->releases().component_version(name, version);
    if (!built) return std::unexpected(built.error());
    if (*built) digest = (*built)->artifact_digest;
    wanted[name] = {version, digest};
  }
  return wanted;
}

Status plan_command(const GlobalOptions& options, const std::string& env, const std::vector<std::string>& versions) {
  Result<DeployContext> context = open_context(options, env);
  if (!context) return std::unexpected(context.error());
  deploy::PlanInput input;
  input.workspace = &context->workspace;
  input.environment = &context->environment;
  Result<std::vector<store::AppliedTarget>> applied = context->store->deploys().applied(env);
  if (!applied) return std::unexpected(applied.error());
  input.applied = std::move(*applied);
  Result<deploy::WantedVersions> wanted = wanted_versions(*context, input.applied, versions);
  if (!wanted) return std::unexpected(wanted.error());
  input.wanted = std::move(*wanted);
  Result<std::vector<store::SecretRecord>> secrets = context->store->deploys().secrets(env);
  if (!secrets) return std::unexpected(secrets.error());
  for (const store::SecretRecord& s : *secrets) input.secret_generations[s.name] = s.generation;
  // The driver: missing or not ready is said here, before any apply.
  std::vector<std::string> problems;
  Result<std::unique_ptr<deploy::Driver>> driver = deploy::make_driver(context->environment.platform.kind);
  if (!driver) {
    problems.push_back(driver.error().message);
  } else {
    deploy::DriverContext dc{&context->workspace, &context->environment, {},
                             std::filesystem::path(state_path(options)).parent_path(), {}};
    problems = (*driver)->check(dc);
    for (const store::AppliedTarget& t : input.applied)
      if (std::optional<deploy::Observation> seen = (*driver)->observe(t.target, dc)) input.observed[t.target] = *seen;
  }
  Result<deploy::Plan> plan = deploy::make_plan(input);
  if (!plan) return std::unexpected(plan.error());
  if (options.json) {
    nlohmann::ordered_json out{{"environment", env}, {"changes", plan->has_changes()},
                               {"driver_problems", problems}, {"entries", nlohmann::json::array()}};
    for (const deploy::PlanEntry& e : plan->entries)
      out["entries"].push_back(nlohmann::ordered_json{{"target", e.target},
                                                      {"action", deploy::plan_action_name(e.action)},
                                                      {"from", e.from_version},
                                                      {"to", e.to_version},
                                                      {"changed_keys", e.changed_keys},
                                                      {"why", e.why},
                                                      {"drift", e.drift},
                                                      {"wave", e.wave}});
    std::cout << json_text(out, 2) << "\n";
  } else {
    std::cout << deploy::format_plan(*plan);
    for (const std::string& p : problems) std::cout << "driver problem: " << p << "\n";
  }
  return {};
}

// apply ENV: takes the environment's lock, applies, releases it.
Status apply_command(const GlobalOptions& options, const std::string& env, const std::vector<std::string>& versions) {
  Result<DeployContext> context = open_context(options, env);
  if (!context) return std::unexpected(context.error());
  Result<std::vector<store::AppliedTarget>> applied = context->store->deploys().applied(env);
  if (!applied) return std::unexpected(applied.error());
  Result<deploy::WantedVersions> wanted = wanted_versions(*context, *applied, versions);
  if (!wanted) return std::unexpected(wanted.error());
  Result<deploy::MasterKey> key =
      deploy::load_master_key(deploy::key_file_for(state_path(options)), deploy::process_env("SLIPWAY_MASTER_KEY"));
  if (!key) return std::unexpected(key.error());
  Result<std::unique_ptr<deploy::Driver>> driver = deploy::make_driver(context->environment.platform.kind);
  if (!driver) return std::unexpected(driver.error());
  constexpr Millis k_ttl{30000};
  Result<store::LockAttempt> lock = context->store->locks().try_acquire("env:" + env, {"apply " + env, context->actor}, k_ttl);
  if (!lock) return std::unexpected(lock.error());
  if (!lock->acquired)
    return fail(ErrorCode::conflict, "environment " + env + " is locked by " + lock->lease.holder + ", " +
                                         lock->lease.actor + " since " + format_utc(lock->lease.acquired));
  if (lock->taken_over_from)
    std::cout << "took over the lock of " << env << " held by " << store::describe_holder(*lock->taken_over_from)
              << ": " << lock->takeover_reason << "\n";
  store::Lease lease = lock->lease;
  deploy::ApplyRequest request;
  request.workspace = &context->workspace;
  request.environment = env;
  request.wanted = std::move(*wanted);
  request.actor = context->actor;
  request.state_dir = std::filesystem::path(state_path(options)).parent_path();
  request.keep_alive = [&]() -> Status {
    if (interrupt_requested()) return fail(ErrorCode::conflict, "interrupted: no further component was started");
    Result<store::Lease> renewed = context->store->locks().heartbeat(lease, k_ttl);
    if (!renewed) return std::unexpected(renewed.error());
    lease = *renewed;
    return {};
  };
  Result<deploy::ApplyResult> result = deploy::apply_environment(*context->store, **driver, *key, request);
  (void)context->store->locks().release(lease);
  if (!result) return std::unexpected(result.error());
  for (const deploy::StepResult& step : result->steps)
    std::cout << (step.succeeded ? "  ok      " : "  FAILED  ") << step.action << " " << step.target << ": "
              << step.message << "\n";
  if (!result->succeeded)
    return fail(ErrorCode::io, "apply of " + env + (interrupt_requested() ? " was interrupted: " : " failed: ") +
                                   result->message);
  std::cout << env << ": " << result->message << "\n";
  return {};
}

}  // namespace

void add_deploy_commands(CLI::App& app, GlobalOptions& options) {
  auto run = [&options](const std::function<Status()>& body) {
    InterruptGuard interrupts;  // an apply finishes or reverts the running component and unlocks on Ctrl-C
    if (Status s = body(); !s) options.exit_code = report(s.error());
    if (interrupt_requested()) options.exit_code = k_exit_interrupted;
  };

  CLI::App* plan = app.add_subcommand("plan", "show what applying to an environment would change");
  auto plan_env = std::make_shared<std::string>();
  auto plan_versions = std::make_shared<std::vector<std::string>>();
  plan->add_option("environment", *plan_env, "environment")->required();
  plan->add_option("--version", *plan_versions, "COMPONENT=VERSION wanted (repeatable)");
  plan->add_flag("--json", options.json, "print JSON");
  plan->callback([=, &options] { run([&] { return plan_command(options, *plan_env, *plan_versions); }); });

  CLI::App* apply = app.add_subcommand("apply", "make an environment match the wanted versions");
  auto apply_env = std::make_shared<std::string>();
  auto apply_versions = std::make_shared<std::vector<std::string>>();
  apply->add_option("environment", *apply_env, "environment")->required();
  apply->add_option("--version", *apply_versions, "COMPONENT=VERSION wanted (repeatable)");
  apply->callback([=, &options] { run([&] { return apply_command(options, *apply_env, *apply_versions); }); });

  CLI::App* secret = app.add_subcommand("secret", "list, rotate or reveal an environment's secrets");
  secret->require_subcommand(1);
  auto env = std::make_shared<std::string>();
  auto name = std::make_shared<std::string>();
  auto reveal = std::make_shared<bool>(false);

  CLI::App* list = secret->add_subcommand("list", "names and ages of the secrets (never values)");
  list->add_option("environment", *env, "environment")->required();
  list->add_flag("--json", options.json, "print JSON");
  list->callback([=, &options] { run([&] { return secret_list(options, *env); }); });

  CLI::App* rotate = secret->add_subcommand("rotate", "give a secret a new value");
  rotate->add_option("environment", *env, "environment")->required();
  rotate->add_option("name", *name, "secret")->required();
  rotate->callback([=, &options] { run([&] { return secret_rotate(options, *env, *name); }); });

  CLI::App* show = secret->add_subcommand("show", "print a secret's value (admin only, recorded)");
  show->add_option("environment", *env, "environment")->required();
  show->add_option("name", *name, "secret")->required();
  show->add_flag("--reveal", *reveal, "print the value");
  show->callback([=, &options] { run([&] { return secret_show(options, *env, *name, *reveal); }); });
}

}  // namespace slipway::cli
