// `slipway plan`, `slipway apply`, `slipway secret list|rotate|show|rekey`
// and `slipway lock list|break`: parse, call the service layer, print.
//   apply ENV [--release R]: applies R (default: the release ENV runs, to
//     repair drift) without gates: permission apply.
//   apply ENV --version C=V ...: the release ENV runs with these versions: a
//     hotfix (permission hotfix), recorded as one.
//   plan ENV [--release R | --version C=V ...]: what applying would change.
//   secret show ENV NAME --reveal: the value (permission reveal; recorded).
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/api.h"
#include "cli/app.h"
#include "cli/print.h"
#include "core/interrupt.h"
#include "core/json_text.h"
#include "core/strings.h"
#include "service/codec.h"

namespace slipway::cli {

namespace {

struct DeployArgs {
  std::string as, env, name, release;
  std::vector<std::string> versions;
  bool reveal = false, force = false;
  double wait_seconds = 5;
};

// --version C=V pairs as a map; invalid_input for a malformed pair.
Result<std::map<std::string, std::string>> parse_versions(const std::vector<std::string>& pairs) {
  std::map<std::string, std::string> out;
  for (const std::string& pair : pairs) {
    size_t eq = pair.find('=');
    // A ',' would split the pair where a plan's ?versions= query is read.
    if (eq == std::string::npos || eq == 0 || eq + 1 == pair.size() || pair.find(',') != std::string::npos)
      return fail(ErrorCode::invalid_input, "--version takes COMPONENT=VERSION, got '" + pair + "'");
    out[pair.substr(0, eq)] = pair.substr(eq + 1);
  }
  return out;
}

Status secret_list(const GlobalOptions& options, const DeployArgs& args) {
  Result<nlohmann::json> secrets = perform(options, {.path = "/environments/{env}/secrets", .params = {{"env", args.env}}});
  if (!secrets) return std::unexpected(secrets.error());
  if (options.json) std::cout << json_text(*secrets, 2) << "\n";
  else print_secrets(*secrets);
  return {};
}

// The route of one secret of an environment: ".../secrets/{name}/<action>".
ApiRequest secret_request(const DeployArgs& args, const std::string& action) {
  return {.method = "POST", .path = "/environments/{env}/secrets/{name}/" + action,
          .params = {{"env", args.env}, {"name", args.name}}};
}

Status secret_rotate(const GlobalOptions& options, const DeployArgs& args) {
  if (Result<nlohmann::json> done = perform(options, secret_request(args, "rotations"), args.as); !done)
    return std::unexpected(done.error());
  std::cout << "rotated secret " << args.name << " of " << args.env << "; the next apply hands out the new value\n";
  return {};
}

Status secret_show(const GlobalOptions& options, const DeployArgs& args) {
  if (!args.reveal) return fail(ErrorCode::invalid_input, "secret show prints a value only with --reveal");
  Result<nlohmann::json> revealed = perform(options, secret_request(args, "reveal"), args.as);
  if (!revealed) return std::unexpected(revealed.error());
  const nlohmann::json& value = (*revealed)["value"];
  if (!value.is_string()) return fail(ErrorCode::internal, "the answer to reveal has no value");
  std::cout << value.get<std::string>() << "\n";
  return {};
}

Status secret_rekey(const GlobalOptions& options, const DeployArgs& args) {
  Result<std::unique_ptr<service::Service>> service = open_service(options, args.as);
  if (!service) return std::unexpected(service.error());
  Result<std::pair<std::filesystem::path, int>> done = (*service)->rekey();
  if (!done) return std::unexpected(done.error());
  std::cout << "re-encrypted " << done->second << " secret" << (done->second == 1 ? "" : "s")
            << " with a new master key in " << done->first.string() << "\n";
  return {};
}

Status plan_command(const GlobalOptions& options, const DeployArgs& args) {
  if (!args.release.empty() && !args.versions.empty())
    return fail(ErrorCode::invalid_input, "plan takes --release or --version, not both");
  Result<std::map<std::string, std::string>> versions = parse_versions(args.versions);
  if (!versions) return std::unexpected(versions.error());
  std::map<std::string, std::string> query;
  if (!args.release.empty()) query["release"] = args.release;
  if (!args.versions.empty()) query["versions"] = join(args.versions, ",");
  Result<nlohmann::json> planned =
      perform(options, {.path = "/environments/{env}/plan", .params = {{"env", args.env}}, .query = query});
  if (!planned) return std::unexpected(planned.error());
  if (options.json) std::cout << json_text(*planned, 2) << "\n";
  else print_plan(*planned);
  return {};
}

Status apply_command(const GlobalOptions& options, const DeployArgs& args) {
  if (!args.release.empty() && !args.versions.empty())
    return fail(ErrorCode::invalid_input, "apply takes --release or --version, not both");
  Result<std::map<std::string, std::string>> versions = parse_versions(args.versions);
  if (!versions) return std::unexpected(versions.error());
  nlohmann::json body = {{"wait_seconds", args.wait_seconds}};
  if (!args.release.empty()) body["release"] = args.release;
  if (args.force) body["force"] = true;
  if (!versions->empty()) body["versions"] = *versions;
  Result<nlohmann::json> done = perform(
      options, {.method = "POST", .path = "/environments/{env}/apply", .params = {{"env", args.env}}, .body = body},
      args.as);
  if (!done) return std::unexpected(done.error());
  return print_apply(*done);
}

Status lock_list(const GlobalOptions& options, const DeployArgs&) {
  Result<nlohmann::json> locks = perform(options, {.path = "/locks", .params = {}});
  if (!locks) return std::unexpected(locks.error());
  if (options.json) {
    std::cout << json_text(*locks, 2) << "\n";
    return {};
  }
  if (locks->empty()) std::cout << "no locks held\n";
  for (const nlohmann::json& l : *locks)
    std::cout << l.value("resource", "") << "  " << l.value("holder", "") << "  by " << l.value("actor", "")
              << ", pid " << l.value("pid", 0L) << " on " << l.value("host", "") << ", since " << l.value("acquired", "")
              << (l.value("holder_running", true) ? "" : "  not running") << (l.value("expired", false) ? "  (lease expired)" : "")
              << "\n";
  return {};
}

Status lock_break(const GlobalOptions& options, const DeployArgs& args) {
  Result<nlohmann::json> broken = perform(
      options, {.method = "POST", .path = "/environments/{env}/lock/break", .params = {{"env", args.env}}}, args.as);
  if (!broken) return std::unexpected(broken.error());
  std::cout << "broke the lock of " << args.env << " (" << broken->value("holder", "") << ", "
            << broken->value("described", "") << ")\n";
  return {};
}

}  // namespace

void add_deploy_commands(CLI::App& app, GlobalOptions& options) {
  auto args = std::make_shared<DeployArgs>();
  auto run = [&options, args](Status (*body)(const GlobalOptions&, const DeployArgs&)) {
    return [&options, args, body] {
      InterruptGuard interrupts;  // an apply finishes or reverts the running component and unlocks on Ctrl-C
      if (Status s = body(options, *args); !s) options.exit_code = report(s.error());
      if (interrupt_requested()) options.exit_code = k_exit_interrupted;
    };
  };
  auto env = [&](CLI::App* cmd) { cmd->add_option("environment", args->env, "environment")->required(); };
  auto as = [&](CLI::App* cmd) { add_as_option(cmd, args->as); };
  auto json = [&](CLI::App* cmd) { cmd->add_flag("--json", options.json, "print JSON"); };

  CLI::App* plan = app.add_subcommand("plan", "show what applying to an environment would change");
  env(plan);
  plan->add_option("--release", args->release, "preview applying (promoting) this release");
  plan->add_option("--version", args->versions, "COMPONENT=VERSION wanted (repeatable)");
  json(plan);
  plan->callback(run(plan_command));

  CLI::App* apply = app.add_subcommand("apply", "apply an environment's release again, another one, or a hotfix");
  env(apply);
  apply->add_option("--release", args->release, "release to apply (default: the one the environment runs)");
  apply->add_option("--version", args->versions, "COMPONENT=VERSION: a hotfix of the running release (repeatable)");
  apply->add_flag("--force", args->force, "move an auto environment back (permission force; recorded)");
  apply->add_option("--wait", args->wait_seconds, "seconds to wait for the environment's lock (default 5)")
      ->check(seconds_range(0, 24 * 3600));
  as(apply);
  apply->callback(run(apply_command));

  CLI::App* secret = app.add_subcommand("secret", "list, rotate, reveal or re-encrypt secrets");
  secret->require_subcommand(1);
  CLI::App* list = secret->add_subcommand("list", "names and ages of the secrets (never values)");
  env(list);
  json(list);
  list->callback(run(secret_list));
  CLI::App* rotate = secret->add_subcommand("rotate", "give a secret a new value (permission rotate; recorded)");
  env(rotate);
  rotate->add_option("name", args->name, "secret")->required();
  as(rotate);
  rotate->callback(run(secret_rotate));
  CLI::App* show = secret->add_subcommand("show", "print a secret's value (permission reveal; recorded)");
  env(show);
  show->add_option("name", args->name, "secret")->required();
  show->add_flag("--reveal", args->reveal, "print the value");
  as(show);
  show->callback(run(secret_show));
  CLI::App* rekey = secret->add_subcommand("rekey", "a new master key; every secret re-encrypted (permission rekey)");
  as(rekey);
  rekey->callback(run(secret_rekey));

  CLI::App* lock = app.add_subcommand("lock", "list or break environment locks");
  lock->require_subcommand(1);
  CLI::App* lock_list_cmd = lock->add_subcommand("list", "every lock held, by whom, and whether its holder runs");
  json(lock_list_cmd);
  lock_list_cmd->callback(run(lock_list));
  CLI::App* lock_break_cmd = lock->add_subcommand("break", "release an environment's lock (permission lock; recorded)");
  env(lock_break_cmd);
  as(lock_break_cmd);
  lock_break_cmd->callback(run(lock_break));
}

}  // namespace slipway::cli
