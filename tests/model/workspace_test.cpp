// Good workspaces: what the model holds after loading (defaults, positions,
// file-per-object forms), and environment resolution with value origins.
#include <gtest/gtest.h>

#include "model/resolve.h"
#include "model/workspace.h"
#include "support/test_support.h"

namespace slipway::model {
namespace {

std::filesystem::path acme() { return test::source_dir() / "examples" / "acme"; }

Workspace load_ok(const std::filesystem::path& dir) {
  Result<Workspace> ws = load_workspace(dir);
  EXPECT_TRUE(ws) << ws.error().to_string();
  return ws ? std::move(*ws) : Workspace{};
}

std::vector<std::string> names(const std::vector<NameRef>& refs) {
  std::vector<std::string> out;
  for (const NameRef& ref : refs) out.push_back(ref.name);
  return out;
}

TEST(Workspace, ExampleAcmeIsValid) {
  Diagnostics diagnostics = validate_workspace(acme());
  for (const Error& error : diagnostics.errors()) ADD_FAILURE() << error.to_string();
  EXPECT_TRUE(diagnostics.empty());
}

TEST(Workspace, ExampleAcmeHasTheProductItDeclares) {
  Workspace ws = load_ok(acme());
  EXPECT_EQ(ws.product.name, "acme");
  EXPECT_EQ(ws.product.major, 2);
  EXPECT_EQ(ws.product.minor, 3);
  EXPECT_EQ(ws.product.patch, PatchScheme::timestamp);
  ASSERT_EQ(ws.components.size(), 5u);
  EXPECT_EQ(ws.components[0].name, "billing");
  const Component* orders = ws.component("orders");
  ASSERT_NE(orders, nullptr);
  EXPECT_EQ(names(orders->depends_on), std::vector<std::string>{"billing"});
  EXPECT_EQ(orders->pipeline, "azure-pipelines.yml");
  ASSERT_TRUE(orders->deploy.process);
  EXPECT_EQ(orders->deploy.process->port, 18081);
  EXPECT_EQ(orders->deploy.process->health.kind, HealthCheck::Kind::http);
  EXPECT_EQ(orders->deploy.process->health.http_path, "/health");
  ASSERT_EQ(orders->versioning.branches.size(), 2u);
  EXPECT_EQ(orders->versioning.branches[1].prerelease, "beta");
  EXPECT_EQ(ws.component("worker")->deploy.process->health.kind, HealthCheck::Kind::tcp);
  EXPECT_EQ(ws.template_source("templates")->path, "templates/pipeline-templates");
  EXPECT_EQ(ws.role("qa")->members.size(), 2u);
  // environments/ files, ordered along promotion.
  std::vector<std::string> envs;
  for (const Environment& env : ws.environments) envs.push_back(env.name);
  EXPECT_EQ(envs, (std::vector<std::string>{"dev", "staging", "prod-acme", "prod-cloud"}));
  const Environment* dev = ws.environment("dev");
  EXPECT_EQ(dev->policy.mode, PolicyMode::auto_);
  EXPECT_EQ(dev->policy.branch, "main");
  EXPECT_EQ(dev->where.to_string(), "environments/dev.yaml:2:1");
  const Environment* prod = ws.environment("prod-acme");
  EXPECT_EQ(prod->policy.promote_from->name, "staging");
  ASSERT_EQ(prod->policy.approvals.size(), 1u);
  EXPECT_EQ(prod->policy.approvals[0].role.name, "qa");
  EXPECT_TRUE(prod->policy.requester_cannot_approve);
  ASSERT_EQ(prod->policy.freeze.size(), 1u);
  EXPECT_EQ(prod->policy.freeze[0].timezone, "America/New_York");
  EXPECT_EQ(ws.block("observability")->where.file, "blocks/observability.yaml");
}

TEST(Workspace, AppliesDefaults) {
  test::TempDir dir;
  test::write_file(dir / "slipway.yaml",
                   "product:\n  name: p\n  version: '1.0'\n"
                   "templates:\n  shared:\n    git: https://example.com/t.git\n"
                   "components:\n  a:\n    repo: https://example.com/a.git\n"
                   "environments:\n  local:\n    platform: process\n");
  Workspace ws = load_ok(dir.path());
  const Component* a = ws.component("a");
  ASSERT_NE(a, nullptr);
  EXPECT_TRUE(a->repo_is_url);
  EXPECT_EQ(a->pipeline, "azure-pipelines.yml");
  EXPECT_EQ(a->versioning.tag_format, "v${version}");
  EXPECT_EQ(a->versioning.preset, VersionPreset::conventionalcommits);
  EXPECT_EQ(ws.template_source("shared")->ref, "main");
  const Environment* local = ws.environment("local");
  EXPECT_EQ(local->platform->kind, PlatformKind::process);
  EXPECT_EQ(local->platform->host, "127.0.0.1");
  EXPECT_EQ(local->policy.mode, PolicyMode::manual);
  EXPECT_EQ(ws.product.patch, PatchScheme::timestamp);
  EXPECT_EQ(a->where.to_string(), "slipway.yaml:8:3");
  EXPECT_EQ(ws.repo_location(*a), "https://example.com/a.git");
}

TEST(Workspace, ReadsVariableGroupsWithValuesAndSecretSources) {
  test::TempDir dir;
  test::write_file(dir / "slipway.yaml",
                   "product:\n  name: p\n  version: '1.0'\n"
                   "variable_groups:\n  shared:\n    values:\n      region: eu\n      tier: '2'\n"
                   "    secrets:\n      token: SHARED_TOKEN\n");
  Workspace ws = load_ok(dir.path());
  const VariableGroup* shared = ws.variable_group("shared");
  ASSERT_NE(shared, nullptr);
  EXPECT_EQ(shared->values, (std::vector<std::pair<std::string, std::string>>{{"region", "eu"}, {"tier", "2"}}));
  EXPECT_EQ(shared->secrets, (std::vector<std::pair<std::string, std::string>>{{"token", "SHARED_TOKEN"}}));
  EXPECT_EQ(shared->where.to_string(), "slipway.yaml:5:3");
}

TEST(Workspace, RepoLocationOfLocalRepoIsAbsolute) {
  Workspace ws;
  ws.dir = "some/ws";
  Component c;
  c.repo = "../repos/orders";
  EXPECT_EQ(ws.repo_location(c),
            (std::filesystem::current_path() / "some/repos/orders").lexically_normal().string());
}

TEST(Workspace, EnvironmentFileNameKeyWinsOverStem) {
  test::TempDir dir;
  test::write_file(dir / "slipway.yaml", "product:\n  name: p\n  version: '1.0'\n  patch: counter\n");
  test::write_file(dir / "environments" / "x.yml", "name: qa-lab\nplatform: {kind: script, workdir: ops}\n");
  Workspace ws = load_ok(dir.path());
  ASSERT_EQ(ws.environments.size(), 1u);
  EXPECT_EQ(ws.environments[0].name, "qa-lab");
  EXPECT_EQ(ws.environments[0].platform->kind, PlatformKind::script);
  EXPECT_EQ(ws.environments[0].platform->workdir, "ops");
  EXPECT_EQ(ws.product.patch, PatchScheme::counter);
}

TEST(Workspace, LocalRepoAsBareGitRepositoryNeedsNoPipelineFile) {
  test::TempDir dir;
  test::write_file(dir / "slipway.yaml",
                   "product:\n  name: p\n  version: '1.0'\ncomponents:\n  a:\n    repo: a.git\n");
  test::CommandResult init = test::run_command({"git", "init", "-q", "--bare", (dir / "a.git").string()});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_TRUE(validate_workspace(dir.path()).empty());
}

TEST(Workspace, MakeExampleReposBuildsGitHistoryThatStillValidates) {
  test::TempDir dir;
  std::filesystem::path target = dir / "acme";
  test::CommandResult made = test::run_command(
      {"bash", (test::source_dir() / "scripts" / "make-example-repos.sh").string(), target.string()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  test::CommandResult log =
      test::run_command({"git", "-C", (target / "repos" / "orders").string(), "log", "--format=%s"});
  EXPECT_EQ(log.out,
            "ci: build orders with the shared pipeline templates\ntest: unit tests for orders\n"
            "feat: first version of orders\nchore: start orders\n");
  test::CommandResult status =
      test::run_command({"git", "-C", (target / "repos" / "web").string(), "status", "--porcelain"});
  EXPECT_EQ(status.out, "");
  EXPECT_TRUE(validate_workspace(target).empty());
}

TEST(ResolveEnvironment, MergesBlocksAndExtraComponentsInDeployOrder) {
  Workspace ws = load_ok(acme());
  Result<ResolvedEnvironment> env = resolve_environment(ws, "prod-acme");
  ASSERT_TRUE(env) << env.error().to_string();
  EXPECT_EQ(env->blocks, (std::vector<std::string>{"core", "observability"}));
  EXPECT_EQ(env->components,
            (std::vector<std::string>{"billing", "orders", "worker", "web", "acme-bridge"}));
  ASSERT_EQ(env->secrets.size(), 2u);
  EXPECT_EQ(env->secrets[1].spec.name, "metrics_token");
  EXPECT_EQ(env->secrets[1].block, "observability");
  Result<ResolvedEnvironment> cloud = resolve_environment(ws, "prod-cloud");
  ASSERT_TRUE(cloud);
  EXPECT_EQ(cloud->components.size(), 4u);
}

const ResolvedValue* find_value(const ResolvedEnvironment& env, const std::string& path) {
  for (const ResolvedValue& value : env.flat)
    if (value.path == path) return &value;
  return nullptr;
}

TEST(ResolveEnvironment, LayersValuesBlockPlatformEnvironmentWithOrigins) {
  Workspace ws = load_ok(acme());
  Result<ResolvedEnvironment> env = resolve_environment(ws, "prod-acme");
  ASSERT_TRUE(env);
  const ResolvedValue* level = find_value(*env, "log.level");
  ASSERT_NE(level, nullptr);
  EXPECT_EQ(level->value.text(), "warn");
  EXPECT_EQ(level->origin.describe(), "environment");
  EXPECT_EQ(level->origin.where.to_string(), "environments/prod-acme.yaml:15:5");
  ASSERT_EQ(level->overridden.size(), 1u);
  EXPECT_EQ(level->overridden[0].describe(), "block core");
  const ResolvedValue* format = find_value(*env, "log.format");
  ASSERT_NE(format, nullptr);
  EXPECT_EQ(format->origin.describe(), "block observability");
  const ResolvedValue* url = find_value(*env, "urls.orders");
  ASSERT_NE(url, nullptr);
  EXPECT_EQ(url->origin.describe(), "platform");
  EXPECT_EQ(url->value.text(), "http://127.0.0.1:18381");
  EXPECT_EQ(env->values.get("log")->get("level")->text(), "warn");
  EXPECT_EQ(env->values.get("log")->get("format")->text(), "json");
}

TEST(ResolveEnvironment, ScalarReplacesSubtreeAndLaterBlockWins) {
  test::TempDir dir;
  test::write_file(dir / "slipway.yaml",
                   "product:\n  name: p\n  version: '1.0'\n"
                   "blocks:\n  a:\n    values:\n      db: {host: a, port: 1}\n      list: [1, 2]\n"
                   "  b:\n    values:\n      db: {host: b}\n"
                   "environments:\n  e:\n    platform: {kind: process, values: {list: [3]}}\n"
                   "    blocks: [a, b]\n    values:\n      db: off\n");
  Workspace ws = load_ok(dir.path());
  Result<ResolvedEnvironment> env = resolve_environment(ws, "e");
  ASSERT_TRUE(env);
  ASSERT_EQ(env->flat.size(), 2u);
  EXPECT_EQ(env->flat[0].path, "db");
  EXPECT_EQ(env->flat[0].value.text(), "off");
  ASSERT_EQ(env->flat[0].overridden.size(), 2u);  // db.host of block b, db.port of block a
  EXPECT_EQ(env->flat[0].overridden[0].describe(), "block b");
  EXPECT_EQ(env->flat[0].overridden[1].describe(), "block a");
  EXPECT_EQ(env->flat[1].path, "list");
  EXPECT_EQ(env->flat[1].origin.describe(), "platform");
  EXPECT_EQ(env->flat[1].value.items().size(), 1u);
}

TEST(ResolveEnvironment, DeployOrderPutsDependenciesFirstAndOtherwiseKeepsDeclarationOrder) {
  test::TempDir dir;
  test::write_file(dir / "slipway.yaml",
                   "product:\n  name: p\n  version: '1.0'\n"
                   "components:\n"
                   "  a: {repo: git@x:a, deploy: {process: {command: a}}}\n"
                   "  b: {repo: git@x:b, depends_on: [c], deploy: {process: {command: b}}}\n"
                   "  c: {repo: git@x:c, deploy: {process: {command: c}}}\n"
                   "  d: {repo: git@x:d, deploy: {process: {command: d}}}\n"
                   "environments:\n  e:\n    platform: process\n    components: [d, c, b, a]\n");
  Workspace ws = load_ok(dir.path());
  Result<ResolvedEnvironment> env = resolve_environment(ws, "e");
  ASSERT_TRUE(env);
  EXPECT_EQ(env->components, (std::vector<std::string>{"a", "c", "b", "d"}));
}

TEST(ResolveEnvironment, UnknownEnvironmentIsNotFoundWithSuggestion) {
  Workspace ws = load_ok(acme());
  Result<ResolvedEnvironment> env = resolve_environment(ws, "prod-acm");
  ASSERT_FALSE(env);
  EXPECT_EQ(env.error().code, ErrorCode::not_found);
  EXPECT_EQ(env.error().message, "unknown environment 'prod-acm' (did you mean 'prod-acme'?)");
}

}  // namespace
}  // namespace slipway::model
