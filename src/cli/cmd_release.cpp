// Releases and promotion: `release create|show|list`, `approve`, `promote`,
// `status`, `diff`, `history`, `rollback`. The acting identity (cli/identity.h)
// is `--as`, else SLIPWAY_USER, else `user:` of the user config file. Applying goes through src/deploy's Applier when
// this build has it; otherwise promote/rollback refuse ("deploying is not
// available in this build") and never pretend success.
//   stdout: the result (or JSON with --json); stderr: "slipway: error: ..."
#include <cstdlib>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/app.h"
#include "cli/build_hook.h"
#include "cli/identity.h"
#include "core/interrupt.h"
#include "core/json_text.h"
#include "core/strings.h"
#include "model/workspace.h"
#include "release/codec.h"
#include "release/service.h"
#include "release/views.h"
#include "store/store.h"

#if __has_include("deploy/release_applier.h")
#include "deploy/release_applier.h"
#include "deploy/secrets.h"
#define SLIPWAY_HAS_DEPLOY 1
#endif

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


struct Context {
  model::Workspace workspace;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<release::ReleaseService> service;
};

Result<std::unique_ptr<Context>> open(const GlobalOptions& options) {
  auto context = std::make_unique<Context>();
  Result<model::Workspace> workspace = model::load_workspace(options.workspace);
  if (!workspace) return std::unexpected(workspace.error());
  context->workspace = std::move(*workspace);
  Result<std::unique_ptr<store::Store>> store = store::open_store(state_path(options));
  if (!store) return std::unexpected(store.error());
  context->store = std::move(*store);
  context->service = std::make_unique<release::ReleaseService>(*context->store, context->workspace);
  return context;
}

Result<std::unique_ptr<release::Applier>> make_applier([[maybe_unused]] const GlobalOptions& options,
                                                       [[maybe_unused]] Context& context) {
#ifdef SLIPWAY_HAS_DEPLOY
  std::optional<std::string> key;
  if (const char* k = std::getenv("SLIPWAY_MASTER_KEY"); k && *k) key = k;
  return deploy::make_applier(*context.store, state_path(options), key);
#else
  return fail(ErrorCode::unsupported, "deploying is not available in this build");
#endif
}

void print_release(const release::Release& r) {
  std::cout << "release " << r.id << "\n  created " << format_utc(r.created) << " by " << r.created_by << " from "
            << r.source << "\n  config " << r.config_digest.substr(0, 12) << "\n";
  for (const release::ReleaseComponent& c : r.components)
    std::cout << "  " << c.name << " " << c.version << " " << c.artifact_digest << "\n";
}

void print_outcome(const release::ApplyRecord& record, std::ostream& out = std::cout) {
  if (record.took_over)
    out << "took over the lock of " << record.environment << " held by " << store::describe_holder(*record.took_over)
        << ": " << record.takeover_reason << "\n";
  const char* result = record.outcome.succeeded ? "applied" : record.interrupted ? "INTERRUPTED" : "FAILED";
  out << release::apply_reason_name(record.reason) << " " << record.release << " to " << record.environment << ": "
      << result << " (" << record.outcome.message << ")\n";
  for (const std::string& o : record.overridden) out << "  forced: " << o << "\n";
}

Status finish(const release::ApplyRecord& record, std::ostream& out = std::cout) {
  print_outcome(record, out);
  if (record.outcome.succeeded) return {};
  return fail(ErrorCode::conflict, "applying " + record.release + " to " + record.environment +
                                       (record.interrupted ? " was interrupted: " : " failed: ") +
                                       record.outcome.message);
}

Status create(const GlobalOptions& options, const ReleaseArgs& args) {
  if (args.file.empty() == args.from.empty())
    return fail(ErrorCode::invalid_input, "release create needs exactly one of --from ENV or --file RELEASE.yaml");
  Result<std::string> actor = acting_identity(args.as);
  if (!actor) return std::unexpected(actor.error());
  Result<std::unique_ptr<Context>> c = open(options);
  if (!c) return std::unexpected(c.error());
  Result<release::Release> r;
  if (!args.file.empty()) {
    r = (*c)->service->create_from_file(args.file, *actor);
  } else {
    release::CreateOptions create{args.from, {}, args.excludes};
    for (const std::string& pin : args.pins) {
      size_t eq = pin.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == pin.size())
        return fail(ErrorCode::invalid_input, "--pin '" + pin + "': expected COMPONENT=VERSION");
      create.pins[pin.substr(0, eq)] = pin.substr(eq + 1);
    }
    r = (*c)->service->create_from_environment(create, *actor);
  }
  if (!r) return std::unexpected(r.error());
  if (options.json) std::cout << json_text(release::to_json(*r), 2) << "\n";
  else print_release(*r);
  return {};
}

Status show(const GlobalOptions& options, const ReleaseArgs& args) {
  Result<std::unique_ptr<Context>> c = open(options);
  if (!c) return std::unexpected(c.error());
  Result<release::Release> r = (*c)->service->get(args.id);
  if (!r) return std::unexpected(r.error());
  if (options.json) std::cout << json_text(release::to_json(*r), 2) << "\n";
  else print_release(*r);
  return {};
}

Status list(const GlobalOptions& options) {
  Result<std::unique_ptr<Context>> c = open(options);
  if (!c) return std::unexpected(c.error());
  Result<std::vector<release::Release>> all = (*c)->service->list();
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
  Result<std::string> actor = acting_identity(args.as);
  if (!actor) return std::unexpected(actor.error());
  Result<std::unique_ptr<Context>> c = open(options);
  if (!c) return std::unexpected(c.error());
  if (Status s = (*c)->service->approve(args.id, args.env, *actor); !s) return s;
  std::cout << *actor << " approved " << args.id << " for " << args.env << "\n";
  return {};
}

release::PromoteOptions promote_options(const ReleaseArgs& args) {
  release::PromoteOptions o;
  o.force = args.force;
  o.wait = Millis(static_cast<long long>(args.wait_seconds * 1000));
  return o;
}

Status promote(const GlobalOptions& options, const ReleaseArgs& args) {
  Result<std::string> actor = acting_identity(args.as);
  if (!actor) return std::unexpected(actor.error());
  Result<std::unique_ptr<Context>> c = open(options);
  if (!c) return std::unexpected(c.error());
  Result<std::unique_ptr<release::Applier>> applier = make_applier(options, **c);
  if (!applier) return std::unexpected(applier.error());
  Result<release::ApplyRecord> done =
      (*c)->service->promote(args.id, args.to, *actor, **applier, promote_options(args));
  if (!done) return std::unexpected(done.error());
  return finish(*done);
}

Status rollback(const GlobalOptions& options, const ReleaseArgs& args) {
  Result<std::string> actor = acting_identity(args.as);
  if (!actor) return std::unexpected(actor.error());
  Result<std::unique_ptr<Context>> c = open(options);
  if (!c) return std::unexpected(c.error());
  Result<std::unique_ptr<release::Applier>> applier = make_applier(options, **c);
  if (!applier) return std::unexpected(applier.error());
  std::optional<std::string> to;
  if (!args.to.empty()) to = args.to;
  Result<release::ApplyRecord> done =
      (*c)->service->rollback(args.env, to, *actor, **applier, promote_options(args));
  if (!done) return std::unexpected(done.error());
  return finish(*done);
}

// A successful build reported by hand (the build flow calls
// ReleaseService::on_build_succeeded directly): records the version and
// moves the auto environments tracking the branch.
Status built(const GlobalOptions& options, const ReleaseArgs& args) {
  Result<std::unique_ptr<Context>> c = open(options);
  if (!c) return std::unexpected(c.error());
  Result<std::unique_ptr<release::Applier>> applier = make_applier(options, **c);
  if (!applier) {
    if (!(*c)->workspace.component(args.component))
      return fail(ErrorCode::invalid_input, "unknown component '" + args.component + "'");
    if (Status s = (*c)->store->releases().record_component_version(
            {args.component, args.version, args.digest, args.run_id, args.branch, {}});
        !s)
      return s;
    Error e = applier.error();
    e.message = "recorded " + args.component + " " + args.version + ", but " + e.message;
    return std::unexpected(e);
  }
  Result<std::vector<release::ApplyRecord>> done = (*c)->service->on_build_succeeded(
      args.component, args.version, args.digest, args.branch, args.run_id, **applier);
  if (!done) return std::unexpected(done.error());
  std::cout << "recorded " << args.component << " " << args.version << "\n";
  Status result;
  for (const release::ApplyRecord& r : *done)
    if (Status s = finish(r); !s && result) result = s;
  return result;
}

Status status(const GlobalOptions& options) {
  Result<std::unique_ptr<Context>> c = open(options);
  if (!c) return std::unexpected(c.error());
  Result<std::vector<release::EnvironmentStatus>> s = release::status(*(*c)->store, (*c)->workspace, *(*c)->service);
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
  Result<std::unique_ptr<Context>> c = open(options);
  if (!c) return std::unexpected(c.error());
  release::SecretFingerprints fingerprints;
#ifdef SLIPWAY_HAS_DEPLOY
  // Secrets compare by keyed fingerprint; with no master key nothing was generated yet.
  std::optional<std::string> key_value;
  if (const char* k = std::getenv("SLIPWAY_MASTER_KEY"); k && *k) key_value = k;
  std::filesystem::path key_file = deploy::key_file_for(state_path(options));
  std::error_code ec;
  if (key_value || std::filesystem::exists(key_file, ec)) {
    Result<deploy::MasterKey> key = deploy::load_master_key(key_file, key_value);
    if (!key) return std::unexpected(key.error());
    fingerprints = [store = (*c)->store.get(), key = *key](const std::string& env) {
      return deploy::secret_fingerprints(*store, key, env);
    };
  }
#endif
  Result<release::Diff> d =
      release::diff(*(*c)->store, (*c)->workspace, *(*c)->service, args.a, args.b, fingerprints);
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
  Result<std::unique_ptr<Context>> c = open(options);
  if (!c) return std::unexpected(c.error());
  Result<std::vector<release::HistoryEntry>> h = release::history(*(*c)->store, (*c)->workspace, args.env);
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

std::string short_branch(const std::string& ref) {
  constexpr std::string_view prefix = "refs/heads/";
  return ref.starts_with(prefix) ? ref.substr(prefix.size()) : ref;
}

Status after_component_build(const GlobalOptions& options, const std::string& component, const run::RunRecord& run) {
  std::ostream& out = options.json ? std::cerr : std::cout;
  const run::ArtifactRecord* artifact = nullptr;
  for (const run::ArtifactRecord& a : run.artifacts)
    if (a.name == component) artifact = &a;
  if (!artifact) {
    out << component << ": the run published no artifact named " << component << "; no release\n";
    return {};
  }
  Result<std::unique_ptr<Context>> c = open(options);
  if (!c) return std::unexpected(c.error());
  const model::Component* declared = (*c)->workspace.component(component);
  if (!declared) return fail(ErrorCode::invalid_input, "unknown component '" + component + "'");
  const std::string branch = short_branch(run.branch);
  Result<std::optional<BuiltVersion>> built = build_version((*c)->workspace, *declared, branch, run.commit);
  if (!built && built.error().code == ErrorCode::not_found) {  // e.g. the repo is a plain folder
    out << component << ": " << built.error().message << "; no release\n";
    return {};
  }
  if (!built) return std::unexpected(built.error());
  if (!*built) {
    out << component << ": branch " << branch << " releases no version; no release\n";
    return {};
  }
  const std::string& version = (*built)->version;
  // A version is built once: a rebuild of it (same commits, new artifact) is not a new version.
  Result<std::optional<store::ComponentVersionRecord>> known =
      (*c)->store->releases().component_version(component, version);
  if (!known) return std::unexpected(known.error());
  if (*known && (*known)->artifact_digest != artifact->digest) {
    out << component << " " << version << " was already built by run " << (*known)->run_id
        << "; this build is not a new version (no release)\n";
    return {};
  }
  Result<std::unique_ptr<release::Applier>> applier = make_applier(options, **c);
  if (!applier) {  // a build without src/deploy: record the version, move nothing
    if (Status s = (*c)->store->releases().record_component_version(
            {component, version, artifact->digest, run.id, branch, {}});
        !s)
      return s;
    out << "recorded " << component << " " << version << " (" << applier.error().message << ")\n";
    return tag_built_version((*c)->workspace, *declared, **built);
  }
  Result<std::vector<release::ApplyRecord>> done =
      (*c)->service->on_build_succeeded(component, version, artifact->digest, branch, run.id, **applier);
  if (!done) return std::unexpected(done.error());
  out << "recorded " << component << " " << version << "\n";
  Status result = tag_built_version((*c)->workspace, *declared, **built);
  for (const release::ApplyRecord& r : *done)
    if (Status s = finish(r, out); !s && result) result = s;
  return result;
}

void add_release_commands(CLI::App& app, GlobalOptions& options) {
  auto args = std::make_shared<ReleaseArgs>();
  auto run = [&options](Status (*body)(const GlobalOptions&, const ReleaseArgs&), std::shared_ptr<ReleaseArgs> a) {
    return [&options, body, a] {
      InterruptGuard interrupts;  // promote, rollback and auto applies finish, record and unlock on Ctrl-C
      if (Status s = body(options, *a); !s) options.exit_code = report(s.error());
      if (interrupt_requested()) options.exit_code = k_exit_interrupted;
    };
  };
  auto as = [&](CLI::App* cmd) { cmd->add_option("--as", args->as, "acting identity (default: SLIPWAY_USER, else user: in the user config file)"); };
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
  built_cmd->callback(run(built, args));

  CLI::App* approve_cmd = app.add_subcommand("approve", "approve a release for an environment");
  approve_cmd->add_option("release", args->id, "release id")->required();
  approve_cmd->add_option("--env", args->env, "environment")->required();
  as(approve_cmd);
  approve_cmd->callback(run(approve, args));

  CLI::App* promote_cmd = app.add_subcommand("promote", "move a release into an environment through its gates");
  promote_cmd->add_option("release", args->id, "release id")->required();
  promote_cmd->add_option("--to", args->to, "environment")->required();
  promote_cmd->add_flag("--force", args->force, "override the gates (admins only; recorded)");
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
