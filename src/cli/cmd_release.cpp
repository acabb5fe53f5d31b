// Releases and promotion: `release create|show|list|built`, `approve`,
// `promote`, `status`, `diff`, `history`, `rollback`: parse, call the service
// layer, print. The acting identity (cli/identity.h) is `--as`, else
// SLIPWAY_USER, else `user:` of the user config file.
//   stdout: the result (or JSON with --json); stderr: "slipway: error: ..."
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

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

void print_release(const release::Release& r) {
  std::cout << "release " << r.id << "\n  created " << format_utc(r.created) << " by " << r.created_by << " from "
            << r.source << "\n  config " << r.config_digest.substr(0, 12) << "\n";
  for (const release::ReleaseComponent& c : r.components)
    std::cout << "  " << c.name << " " << c.version << " " << c.artifact_digest << "\n";
}

Status create(const GlobalOptions& options, const ReleaseArgs& args) {
  if (args.file.empty() == args.from.empty())
    return fail(ErrorCode::invalid_input, "release create needs exactly one of --from ENV or --file RELEASE.yaml");
  release::CreateOptions create{args.from, {}, args.excludes};
  for (const std::string& pin : args.pins) {
    size_t eq = pin.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == pin.size())
      return fail(ErrorCode::invalid_input, "--pin '" + pin + "': expected COMPONENT=VERSION");
    create.pins[pin.substr(0, eq)] = pin.substr(eq + 1);
  }
  Result<ServicePtr> service = open_service(options, args.as);
  if (!service) return std::unexpected(service.error());
  Result<release::Release> r = args.file.empty() ? (*service)->create_release(create)
                                                 : (*service)->create_release_from_file(args.file);
  if (!r) return std::unexpected(r.error());
  if (options.json) std::cout << json_text(release::to_json(*r), 2) << "\n";
  else print_release(*r);
  return {};
}

Status show(const GlobalOptions& options, const ReleaseArgs& args) {
  Result<ServicePtr> service = open_service(options);
  if (!service) return std::unexpected(service.error());
  Result<release::Release> r = (*service)->release(args.id);
  if (!r) return std::unexpected(r.error());
  if (options.json) std::cout << json_text(release::to_json(*r), 2) << "\n";
  else print_release(*r);
  return {};
}

Status list(const GlobalOptions& options) {
  Result<ServicePtr> service = open_service(options);
  if (!service) return std::unexpected(service.error());
  Result<std::vector<release::Release>> all = (*service)->releases();
  if (!all) return std::unexpected(all.error());
  nlohmann::json json = nlohmann::json::array();
  for (const release::Release& r : *all) {
    if (options.json) json.push_back(release::to_json(r));
    else std::cout << r.id << "  " << format_utc(r.created) << "  " << r.created_by << "  " << r.source << "\n";
  }
  if (options.json) std::cout << json_text(json, 2) << "\n";
  return {};
}

Status approve(const GlobalOptions& options, const ReleaseArgs& args) {
  Result<ServicePtr> service = open_service(options, args.as);
  if (!service) return std::unexpected(service.error());
  if (Status s = (*service)->approve(args.id, args.env); !s) return s;
  std::cout << (*service)->config().actor << " approved " << args.id << " for " << args.env << "\n";
  return {};
}

service::ApplyOptions apply_options(const ReleaseArgs& args) {
  return {args.force, Millis(static_cast<long long>(args.wait_seconds * 1000))};
}

Status promote(const GlobalOptions& options, const ReleaseArgs& args) {
  Result<ServicePtr> service = open_service(options, args.as);
  if (!service) return std::unexpected(service.error());
  Result<release::ApplyRecord> done = (*service)->promote(args.id, args.to, apply_options(args));
  if (!done) return std::unexpected(done.error());
  return print_apply(*done);
}

Status rollback(const GlobalOptions& options, const ReleaseArgs& args) {
  Result<ServicePtr> service = open_service(options, args.as);
  if (!service) return std::unexpected(service.error());
  std::optional<std::string> to;
  if (!args.to.empty()) to = args.to;
  Result<release::ApplyRecord> done = (*service)->rollback(args.env, to, apply_options(args));
  if (!done) return std::unexpected(done.error());
  return print_apply(*done);
}

// A successful build reported by hand: records the version and moves the
// auto environments tracking the branch.
Status built(const GlobalOptions& options, const ReleaseArgs& args) {
  Result<ServicePtr> service = open_service(options, args.as);
  if (!service) return std::unexpected(service.error());
  Result<std::vector<release::ApplyRecord>> done =
      (*service)->record_build(args.component, args.version, args.digest, args.branch, args.run_id);
  if (!done) return std::unexpected(done.error());
  std::cout << "recorded " << args.component << " " << args.version << "\n";
  Status result;
  for (const release::ApplyRecord& r : *done)
    if (Status s = print_apply(r); !s && result) result = s;
  return result;
}

Status status(const GlobalOptions& options) {
  Result<ServicePtr> service = open_service(options);
  if (!service) return std::unexpected(service.error());
  Result<std::vector<release::EnvironmentStatus>> s = (*service)->status();
  if (!s) return std::unexpected(s.error());
  if (options.json) {
    std::cout << json_text(release::to_json(*s), 2) << "\n";
    return {};
  }
  for (const release::EnvironmentStatus& e : *s) {
    std::cout << e.name << " (" << e.mode << (e.upstream.empty() ? "" : ", from " + e.upstream) << ")  "
              << (e.product_version.empty() ? "never applied" : e.product_version)
              << (e.last_result.empty() ? "" : "  last: " + e.last_result + " " + e.last_release) << "\n";
    for (const auto& [name, version] : e.components) {
      bool differs = std::find(e.differs_from_upstream.begin(), e.differs_from_upstream.end(), name) !=
                     e.differs_from_upstream.end();
      bool unbuilt = std::find(e.not_built.begin(), e.not_built.end(), name) != e.not_built.end();
      std::cout << "  " << (differs ? "* " : "  ") << name << " "
                << (!version.empty() ? version : unbuilt ? "not yet built" : "-") << "\n";
    }
    for (const std::string& p : e.pending) std::cout << "  pending: " << p << "\n";
  }
  return {};
}

Status diff(const GlobalOptions& options, const ReleaseArgs& args) {
  Result<ServicePtr> service = open_service(options);
  if (!service) return std::unexpected(service.error());
  Result<release::Diff> d = (*service)->diff(args.a, args.b);
  if (!d) return std::unexpected(d.error());
  if (options.json) {
    std::cout << json_text(release::to_json(*d), 2) << "\n";
    return {};
  }
  auto section = [](const char* title, const std::vector<release::Change>& changes) {
    if (changes.empty()) return;
    std::cout << title << ":\n";
    for (const release::Change& ch : changes) {
      std::cout << "  " << ch.key << ": " << ch.change;
      if (!ch.from.empty() || !ch.to.empty())
        std::cout << " " << (ch.from.empty() ? "-" : ch.from) << " -> " << (ch.to.empty() ? "-" : ch.to);
      std::cout << "\n";
    }
  };
  std::cout << "diff " << d->a << " " << d->b << "\n";
  section("components", d->components);
  section("values", d->values);
  section("secrets", d->secrets);
  section("blocks", d->blocks);
  section("platform", d->platform);
  if (!d->config.empty()) std::cout << "configuration: " << d->config << "\n";
  return {};
}

Status history(const GlobalOptions& options, const ReleaseArgs& args) {
  Result<ServicePtr> service = open_service(options);
  if (!service) return std::unexpected(service.error());
  Result<std::vector<release::HistoryEntry>> h = (*service)->history(args.env);
  if (!h) return std::unexpected(h.error());
  if (options.json) {
    std::cout << json_text(release::to_json(*h), 2) << "\n";
    return {};
  }
  for (const release::HistoryEntry& e : *h)
    std::cout << format_utc(e.time) << "  " << e.what << "  " << e.release << "  by " << e.actor
              << (e.reason.empty() ? "" : "  (" + e.reason + ")") << (e.message.empty() ? "" : "  " + e.message)
              << "\n";
  return {};
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
