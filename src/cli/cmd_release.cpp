// Releases and promotion: `release create|show|list|built`, `approve`,
// `promote`, `status`, `diff`, `history`, `rollback`: parse, call the service
// layer, print. The acting identity (cli/identity.h) is `--as`, else
// SLIPWAY_USER, else `user:` of the user config file.
//   stdout: the result (or JSON with --json); stderr: "slipway: error: ..."
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/api.h"
#include "cli/app.h"
#include "cli/print.h"
#include "core/interrupt.h"
#include "core/json_text.h"
#include "core/strings.h"
#include "release/codec.h"

namespace slipway::cli {
namespace {

struct ReleaseArgs {
  std::string as;
  std::string from, file, id, env, to, a, b;
  std::vector<std::string> pins, excludes;
  std::string component, version, digest, branch = "main", run_id;
  bool force = false;
  double wait_seconds = 5;
};


using ServicePtr = std::unique_ptr<service::Service>;
using nlohmann::json;

// Prints the answer as JSON with --json, else with `print`.
Status show_answer(const GlobalOptions& options, const Result<json>& answer, void (*print)(const json&)) {
  if (!answer) return std::unexpected(answer.error());
  if (options.json) std::cout << json_text(*answer, 2) << "\n";
  else print(*answer);
  return {};
}

Status create(const GlobalOptions& options, const ReleaseArgs& args) {
  if (args.file.empty() == args.from.empty())
    return fail(ErrorCode::invalid_input, "release create needs exactly one of --from ENV or --file RELEASE.yaml");
  json pins = json::object();
  for (const std::string& pin : args.pins) {
    size_t eq = pin.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == pin.size())
      return fail(ErrorCode::invalid_input, "--pin '" + pin + "': expected COMPONENT=VERSION");
    pins[pin.substr(0, eq)] = pin.substr(eq + 1);
  }
  if (args.file.empty()) {
    json body = {{"from", args.from}, {"pins", pins}, {"excludes", args.excludes}};
    return show_answer(options, perform(options, {.method = "POST", .path = "/releases", .params = {}, .body = body}, args.as),
                       print_release);
  }
  if (Status local = require_local(options, "release create --file"); !local) return local;
  Result<ServicePtr> service = open_service(options, args.as);
  if (!service) return std::unexpected(service.error());
  Result<release::Release> r = (*service)->create_release_from_file(args.file);
  if (!r) return std::unexpected(r.error());
  return show_answer(options, release::to_json(*r), print_release);
}

Status show(const GlobalOptions& options, const ReleaseArgs& args) {
  return show_answer(options, perform(options, {.path = "/releases/{id}", .params = {{"id", args.id}}}), print_release);
}

Status list(const GlobalOptions& options) {
  return show_answer(options, perform(options, {.path = "/releases", .params = {}}), [](const json& all) {
    for (const json& r : all)
      std::cout << r.value("id", "") << "  " << r.value("created", "") << "  " << r.value("created_by", "") << "  "
                << r.value("source", "") << "\n";
  });
}

Status approve(const GlobalOptions& options, const ReleaseArgs& args) {
  Result<json> done = perform(options,
                              {.method = "POST", .path = "/releases/{id}/approvals", .params = {{"id", args.id}},
                               .body = {{"environment", args.env}}},
                              args.as);
  if (!done) return std::unexpected(done.error());
  std::cout << done->value("approved_by", "") << " approved " << args.id << " for " << args.env << "\n";
  return {};
}

json apply_body(const ReleaseArgs& args, json body) {
  body["wait_seconds"] = args.wait_seconds;
  if (args.force) body["force"] = true;
  return body;
}

Status print_applied(const Result<json>& record) {
  if (!record) return std::unexpected(record.error());
  return print_apply(*record);
}

Status promote(const GlobalOptions& options, const ReleaseArgs& args) {
  return print_applied(perform(options,
                               {.method = "POST", .path = "/releases/{id}/promotions", .params = {{"id", args.id}},
                                .body = apply_body(args, {{"environment", args.to}})},
                               args.as));
}

Status rollback(const GlobalOptions& options, const ReleaseArgs& args) {
  json body = json::object();
  if (!args.to.empty()) body["to"] = args.to;
  return print_applied(perform(options,
                               {.method = "POST", .path = "/environments/{env}/rollbacks", .params = {{"env", args.env}},
                                .body = apply_body(args, body)},
                               args.as));
}

// A successful build reported by hand: records the version and moves the
// auto environments tracking the branch.
Status built(const GlobalOptions& options, const ReleaseArgs& args) {
  json body = {{"version", args.version}, {"digest", args.digest}, {"branch", args.branch}};
  if (!args.run_id.empty()) body["run"] = args.run_id;
  Result<json> done = perform(options,
                              {.method = "POST", .path = "/components/{name}/versions",
                               .params = {{"name", args.component}}, .body = body},
                              args.as);
  if (!done) return std::unexpected(done.error());
  std::cout << "recorded " << args.component << " " << args.version << "\n";
  Status result;
  for (const json& r : (*done)["applied"])
    if (Status s = print_apply(r); !s && result) result = s;
  return result;
}

Status status(const GlobalOptions& options) {
  return show_answer(options, perform(options, {.path = "/status", .params = {}}), print_status);
}

Status diff(const GlobalOptions& options, const ReleaseArgs& args) {
  return show_answer(options, perform(options, {.path = "/diff", .params = {}, .query = {{"a", args.a}, {"b", args.b}}}),
                     print_diff);
}

Status history(const GlobalOptions& options, const ReleaseArgs& args) {
  return show_answer(options, perform(options, {.path = "/environments/{env}/history", .params = {{"env", args.env}}}),
                     print_history);
}

}  // namespace

void add_release_commands(CLI::App& app, GlobalOptions& options) {
  auto args = std::make_shared<ReleaseArgs>();
  auto run = [&options](Status (*body)(const GlobalOptions&, const ReleaseArgs&), std::shared_ptr<ReleaseArgs> a) {
    return [&options, body, a] {
      InterruptGuard interrupts;  // promote, rollback and auto applies finish, record and unlock on Ctrl-C
      if (Status s = body(options, *a); !s) options.exit_code = report(s.error());
      if (interrupt_requested()) options.exit_code = k_exit_interrupted;
    };
  };
  auto as = [&](CLI::App* cmd) { add_as_option(cmd, args->as); };
  auto json = [&](CLI::App* cmd) { cmd->add_flag("--json", options.json, "print JSON"); };
  auto wait = [&](CLI::App* cmd) {
    cmd->add_option("--wait", args->wait_seconds, "seconds to wait for the environment's lock (default 5)")
        ->check(seconds_range(0, 24 * 3600));
  };

  CLI::App* rel = app.add_subcommand("release", "create, show and list releases");
  rel->require_subcommand(1);
  CLI::App* create_cmd = rel->add_subcommand("create", "lock the versions of every component into a release");
  create_cmd->add_option("--from", args->from, "environment whose applied versions start the list");
  create_cmd->add_option("--pin", args->pins, "COMPONENT=VERSION (repeatable)");
  create_cmd->add_option("--exclude", args->excludes, "component to leave out (repeatable)");
  create_cmd->add_option("--file", args->file, "a release written by hand (components: {name: version})");
  as(create_cmd);
  json(create_cmd);
  create_cmd->callback(run(create, args));
  CLI::App* show_cmd = rel->add_subcommand("show", "a release's components, digests and configuration");
  show_cmd->add_option("id", args->id, "release id")->required();
  json(show_cmd);
  show_cmd->callback(run(show, args));
  CLI::App* list_cmd = rel->add_subcommand("list", "every release, oldest first");
  json(list_cmd);
  list_cmd->callback(run([](const GlobalOptions& o, const ReleaseArgs&) { return list(o); }, args));

  CLI::App* built_cmd = rel->add_subcommand("built", "record a successful build (auto environments follow)");
  built_cmd->add_option("component", args->component, "component")->required();
  built_cmd->add_option("version", args->version, "version")->required();
  built_cmd->add_option("--digest", args->digest, "artifact digest")->required();
  built_cmd->add_option("--branch", args->branch, "branch built (default main)");
  built_cmd->add_option("--run", args->run_id, "run id");
  as(built_cmd);
  built_cmd->callback(run(built, args));

  CLI::App* approve_cmd = app.add_subcommand("approve", "approve a release for an environment");
  approve_cmd->add_option("release", args->id, "release id")->required();
  approve_cmd->add_option("--env", args->env, "environment")->required();
  as(approve_cmd);
  approve_cmd->callback(run(approve, args));

  CLI::App* promote_cmd = app.add_subcommand("promote", "move a release into an environment through its gates");
  promote_cmd->add_option("release", args->id, "release id")->required();
  promote_cmd->add_option("--to", args->to, "environment")->required();
  promote_cmd->add_flag("--force", args->force, "override the gates (permission force; recorded)");
  wait(promote_cmd);
  as(promote_cmd);
  promote_cmd->callback(run(promote, args));

  CLI::App* rollback_cmd = app.add_subcommand("rollback", "apply an earlier release again (no approvals)");
  rollback_cmd->add_option("environment", args->env, "environment")->required();
  rollback_cmd->add_option("--to", args->to, "release (default: the one before the current)");
  wait(rollback_cmd);
  as(rollback_cmd);
  rollback_cmd->callback(run(rollback, args));

  CLI::App* status_cmd = app.add_subcommand("status", "environments x components, versions and pending approvals");
  json(status_cmd);
  status_cmd->callback(run([](const GlobalOptions& o, const ReleaseArgs&) { return status(o); }, args));

  CLI::App* diff_cmd = app.add_subcommand("diff", "compare two environments or releases");
  diff_cmd->add_option("a", args->a, "environment or release")->required();
  diff_cmd->add_option("b", args->b, "environment or release")->required();
  json(diff_cmd);
  diff_cmd->callback(run(diff, args));

  CLI::App* history_cmd = app.add_subcommand("history", "every release applied, failed or refused in an environment");
  history_cmd->add_option("environment", args->env, "environment")->required();
  json(history_cmd);
  history_cmd->callback(run(history, args));
}

}  // namespace slipway::cli
