// The helm driver. Two kinds of tests, said per test:
// - REAL helm (helm 4 from .tools/bin, installed by scripts/setup.sh; skipped
//   with the reason when absent): `helm create`, `helm template` and
//   `helm lint` run offline, so the values file the driver renders for an
//   environment is fed to the real chart and its output checked.
// - STAND-IN helm: anything that talks to a cluster (upgrade, rollback,
//   status, uninstall) cannot run here (no API server can be had), so a small
//   /bin/sh script named `helm`, placed first on the driver's search path,
//   records its arguments and answers like helm: `status -o json` from a file
//   per release, `upgrade` with --atomic semantics (a failed upgrade leaves
//   the old release deployed), rollback, uninstall.
#include "deploy/helm_driver.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "core/strings.h"
#include "deploy/engine.h"
#include "support/test_support.h"

namespace slipway::deploy {
namespace {

using test::TempDir;

constexpr const char* k_workspace = R"(product:
  name: shop
  version: "1.0"
components:
  api:
    repo: repos/api
    deploy:
      helm:
        chart: chart
        values:
          replicaCount: ${{ values.replicas }}
          image: {repository: registry.local/api, tag: "${{ values.tag }}-x"}
          podAnnotations: {token: "${{ secrets.token }}", note: "${{ other.thing }}"}
blocks:
  core:
    components: [api]
    values:
      replicas: 3
      tag: "1.2"
    secrets:
      token:
        generate: {length: 24, charset: alphanumeric}
environments:
  test:
    platform: {kind: helm, namespace: shop, context: kind-dev}
    blocks: [core]
    policy: {mode: manual}
)";

// Answers like helm for the calls the driver makes; see the file comment.
constexpr const char* k_stand_in = R"SH(#!/bin/sh
dir=$(dirname "$0")
echo "$*" >> "$dir/calls.txt"
case "$1" in
  status)
    if [ -f "$dir/release.$2" ]; then
      printf '{"name":"%s","info":{"status":"deployed"},"chart":{"metadata":{"name":"api","version":"%s"}}}\n' "$2" "$(cat "$dir/release.$2")"
    else
      echo "Error: release: not found" >&2; exit 1
    fi ;;
  upgrade)
    release=$3; version=
    while [ $# -gt 0 ]; do [ "$1" = --version ] && version=$2; [ "$1" = -f ] && values=$2; shift; done
    if [ "$version" = bad ]; then echo "Error: UPGRADE FAILED: release api failed, and has been rolled back due to atomic being set" >&2; exit 1; fi
    [ -f "$dir/release.$release" ] && cp "$dir/release.$release" "$dir/previous.$release"
    echo "$version" > "$dir/release.$release"; cp "$values" "$dir/values.$release"
    echo "Release \"$release\" has been upgraded. Happy Helming!" ;;
  get)
    if [ -f "$dir/values.$3" ]; then cat "$dir/values.$3"; else echo null; fi ;;
  rollback)
    mv "$dir/previous.$2" "$dir/release.$2"; echo "Rollback was a success! Happy Helming!" ;;
  uninstall)
    rm -f "$dir/release.$2"; echo "release \"$2\" uninstalled" ;;
esac
)SH";

std::filesystem::path real_helm() { return test::source_dir() / ".tools/bin/helm"; }

class HelmDriverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::write_file(dir / "ws/slipway.yaml", k_workspace);
    test::write_file(dir / "ws/repos/api/azure-pipelines.yml", "steps:\n- script: echo api\n");
    std::filesystem::create_directories(dir / "ws/repos/api/chart");
    workspace = model::load_workspace(dir / "ws").value();
    environment = model::resolve_environment(workspace, "test").value();
    context.workspace = &workspace;
    context.environment = &environment;
    context.secrets = {{"token", "s3cr3tvalue"}};
    context.state_dir = dir / "state";
    context.log = [this](const std::string& target, const std::string& line) { logged.push_back(target + ": " + line); };
    test::write_file(dir / "bin/helm", k_stand_in);
    std::filesystem::permissions(dir / "bin/helm", std::filesystem::perms::owner_all);
    driver = make_helm_driver(ToolLocator{(dir / "bin").string() + ":/usr/bin:/bin", ""});
  }
  // The stand-in's calls, with the temp folder shown as <dir>.
  std::vector<std::string> calls() {
    if (!std::filesystem::exists(dir / "bin/calls.txt")) return {};
    std::vector<std::string> lines = split(test::read_file(dir / "bin/calls.txt"), '\n');
    if (!lines.empty() && lines.back().empty()) lines.pop_back();
    for (std::string& line : lines)
      for (size_t at; (at = line.find(dir.path().string())) != std::string::npos;)
        line.replace(at, dir.path().string().size(), "<dir>");
    return lines;
  }
  PlanEntry entry(const std::string& from, const std::string& to) {
    PlanEntry e;
    e.target = "api";
    e.action = from.empty() ? PlanAction::install : PlanAction::upgrade;
    e.from_version = from;
    e.to_version = to;
    return e;
  }
  TempDir dir;
  model::Workspace workspace;
  model::ResolvedEnvironment environment;
  DriverContext context;
  std::vector<std::string> logged;
  std::unique_ptr<Driver> driver;
};

const char* k_upgrade_1 =
    "upgrade --install api <dir>/ws/repos/api/chart --atomic --wait --version 1.0.0 --namespace shop "
    "--kube-context kind-dev -f <dir>/state/helm/test/api.values.yaml";

TEST_F(HelmDriverTest, MissingBinaryIsSaidByCheck) {
  std::unique_ptr<Driver> none = make_helm_driver(ToolLocator{(dir / "nowhere").string(), ""});
  std::string missing = "helm not found on PATH (" + (dir / "nowhere").string() +
                        "); install it, set the platform's binary or SLIPWAY_HELM";
  EXPECT_EQ(none->check(context), (std::vector<std::string>{missing}));
  EXPECT_EQ(none->apply(entry("", "1.0.0"), context).error().message, missing);
  std::unique_ptr<Driver> configured = make_helm_driver(ToolLocator{"", (dir / "bin/helm").string()});
  EXPECT_TRUE(configured->check(context).empty());
  EXPECT_TRUE(driver->check(context).empty());
}

// platform.binary (relative to the workspace folder) reaches the driver; the
// override variable still wins; what is missing is named (STAND-IN helm).
TEST_F(HelmDriverTest, PlatformBinaryIsUsedAndAMissingOneIsNamed_StandIn) {
  std::unique_ptr<Driver> none = make_helm_driver(ToolLocator{(dir / "nowhere").string(), ""});
  environment.platform.binary = "tools/helm";
  EXPECT_EQ(none->check(context), (std::vector<std::string>{
                                      "helm: " + (dir / "ws/tools/helm").string() +
                                      " (binary of the platform of environment 'test') is not an executable file"}));
  test::write_file(dir / "ws/tools/helm", k_stand_in);
  std::filesystem::permissions(dir / "ws/tools/helm", std::filesystem::perms::owner_all);
  EXPECT_TRUE(none->check(context).empty());
  ASSERT_TRUE(none->apply(entry("", "1.0.0"), context));
  EXPECT_NE(test::read_file(dir / "ws/tools/calls.txt").find("upgrade --install api"), std::string::npos);
  std::unique_ptr<Driver> overridden = make_helm_driver(ToolLocator{"", (dir / "nope").string()});
  EXPECT_EQ(overridden->check(context),
            (std::vector<std::string>{"helm: SLIPWAY_HELM=" + (dir / "nope").string() + " is not an executable file"}));
}

TEST_F(HelmDriverTest, ValuesLayerEnvironmentComponentAndRealSecrets) {
  nlohmann::ordered_json values = render_helm_values(*workspace.component("api"), context).value();
  EXPECT_EQ(values["replicaCount"], 3);  // a whole reference keeps the value's type
  EXPECT_EQ(values["image"]["tag"], "1.2-x");
  EXPECT_EQ(values["podAnnotations"]["token"], "s3cr3tvalue");
  EXPECT_EQ(values["podAnnotations"]["note"], "${{ other.thing }}");  // not ours: left alone
  EXPECT_EQ(values["replicas"], 3);  // the environment's own values are there too
  context.secrets.clear();
  EXPECT_EQ(render_helm_values(*workspace.component("api"), context).error().message,
            "component api: secret token is not available in environment test");
}

TEST_F(HelmDriverTest, ApplyRunsAtomicUpgradeWithAPrivateValuesFile_StandIn) {
  ASSERT_TRUE(driver->apply(entry("", "1.0.0"), context));
  EXPECT_EQ(calls(), (std::vector<std::string>{k_upgrade_1}));
  std::filesystem::path file = dir / "state/helm/test/api.values.yaml";
  struct stat info{};
  ASSERT_EQ(::stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_NE(test::read_file(file).find("\"token\": \"s3cr3tvalue\""), std::string::npos);
  EXPECT_EQ(logged, (std::vector<std::string>{"api: Release \"api\" has been upgraded. Happy Helming!"}));
}

TEST_F(HelmDriverTest, ObserveReadsStatusJson_StandIn) {
  Observation absent = driver->observe("api", context).value();
  EXPECT_FALSE(absent.present);
  ASSERT_TRUE(driver->apply(entry("", "1.0.0"), context));
  Observation seen = driver->observe("api", context).value();
  EXPECT_TRUE(seen.present);
  EXPECT_EQ(seen.version, "1.0.0");
  std::vector<std::string> seen_calls = calls();
  ASSERT_EQ(seen_calls.size(), 4u);
  EXPECT_EQ(seen_calls[2], "status api -o json --namespace shop --kube-context kind-dev");
  EXPECT_EQ(seen_calls[3], "get values api -o json --namespace shop --kube-context kind-dev");
}

// helm drift: the release's values (STAND-IN `helm get values`) against the
// values file slipway applied; the keys that differ are named, never values.
TEST_F(HelmDriverTest, ObserveNamesValuesChangedOutsideSlipway_StandIn) {
  ASSERT_TRUE(driver->apply(entry("", "1.0.0"), context));
  EXPECT_EQ(driver->observe("api", context)->drift, "");
  nlohmann::ordered_json live = nlohmann::ordered_json::parse(test::read_file(dir / "bin/values.api"));
  live["replicaCount"] = 5;
  live["image"]["tag"] = "hotfix";
  live["debug"] = true;
  live["podAnnotations"].erase("token");
  test::write_file(dir / "bin/values.api", live.dump());
  Observation seen = driver->observe("api", context).value();
  EXPECT_EQ(seen.drift, "values changed: debug, image.tag, podAnnotations.token, replicaCount");
  EXPECT_EQ(seen.version, "1.0.0");
  // The plan shows it as drift to repair.
  PlanInput input;
  input.workspace = &workspace;
  input.environment = &environment;
  input.wanted = {{"api", {"1.0.0", ""}}};
  store::AppliedTarget applied;
  applied.environment = "test";
  applied.target = "api";
  applied.version = "1.0.0";
  std::map<std::string, std::string> config =
      component_config(*workspace.component("api"), environment, input.secret_generations).value();
  applied.config_digest = config_digest(config);
  applied.config = config_key_digests(config);
  input.applied = {applied};
  input.observed["api"] = seen;
  Plan plan = make_plan(input).value();
  ASSERT_EQ(plan.entries.size(), 1u);
  EXPECT_EQ(plan.entries[0].action, PlanAction::repair);
  EXPECT_EQ(plan.entries[0].why, "drift: values changed: debug, image.tag, podAnnotations.token, replicaCount");
  // Nothing to compare with (no values file written by slipway): no drift claimed.
  std::filesystem::remove(dir / "state/helm/test/api.values.yaml");
  EXPECT_EQ(driver->observe("api", context)->drift, "");
}

TEST_F(HelmDriverTest, FailedUpgradeLeftByAtomicIsNotRolledBackTwice_StandIn) {
  ASSERT_TRUE(driver->apply(entry("", "1.0.0"), context));
  Status failed = driver->apply(entry("1.0.0", "bad"), context);
  EXPECT_EQ(failed.error().message, "api: helm upgrade failed (exit 1)");
  store::AppliedTarget previous;
  previous.target = "api";
  previous.version = "1.0.0";
  ASSERT_TRUE(driver->rollback(entry("1.0.0", "bad"), &previous, context));
  std::vector<std::string> seen = calls();
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[2], "status api -o json --namespace shop --kube-context kind-dev");  // 1.0.0 still there: no rollback
  EXPECT_EQ(seen[3], "get values api -o json --namespace shop --kube-context kind-dev");
}

TEST_F(HelmDriverTest, RollbackWhenTheNewVersionIsDeployed_StandIn) {
  ASSERT_TRUE(driver->apply(entry("", "1.0.0"), context));
  ASSERT_TRUE(driver->apply(entry("1.0.0", "2.0.0"), context));
  store::AppliedTarget previous;
  previous.target = "api";
  previous.version = "1.0.0";
  ASSERT_TRUE(driver->rollback(entry("1.0.0", "2.0.0"), &previous, context));
  EXPECT_EQ(calls().back(), "rollback api --wait --namespace shop --kube-context kind-dev");
  EXPECT_EQ(driver->observe("api", context)->version, "1.0.0");
}

TEST_F(HelmDriverTest, RemoveUninstallsOnlyWhatExists_StandIn) {
  ASSERT_TRUE(driver->remove(entry("1.0.0", ""), context));
  EXPECT_EQ(calls(), (std::vector<std::string>{"status api -o json --namespace shop --kube-context kind-dev"}));
  ASSERT_TRUE(driver->apply(entry("", "1.0.0"), context));
  ASSERT_TRUE(driver->remove(entry("1.0.0", ""), context));
  EXPECT_EQ(calls().back(), "uninstall api --wait --namespace shop --kube-context kind-dev");
  EXPECT_FALSE(driver->observe("api", context)->present);
}

// REAL helm: the chart made by `helm create`, rendered offline with the values
// file the driver wrote for the environment.
TEST_F(HelmDriverTest, RealHelmRendersTheChartWithTheEnvironmentsValues) {
  if (!std::filesystem::exists(real_helm())) GTEST_SKIP() << "no helm in .tools/bin (run scripts/setup.sh)";
  std::vector<std::string> env = {"HELM_CACHE_HOME=" + (dir / "h").string(),
                                  "HELM_CONFIG_HOME=" + (dir / "h").string(),
                                  "HELM_DATA_HOME=" + (dir / "h").string()};
  std::filesystem::remove_all(dir / "ws/repos/api/chart");
  test::CommandResult created = test::run_command({real_helm().string(), "create", "chart"}, dir / "ws/repos/api", env);
  ASSERT_EQ(created.exit_code, 0) << created.err;
  std::unique_ptr<Driver> real = make_helm_driver(ToolLocator{"", real_helm().string()});
  EXPECT_TRUE(real->check(context).empty());
  // No cluster here: apply's upgrade fails, but only after the values file is written.
  (void)real->apply(entry("", "0.1.0"), context);
  std::string values = (dir / "state/helm/test/api.values.yaml").string();
  std::string chart = helm_chart_argument(*workspace.component("api"), workspace);
  EXPECT_EQ(chart, (dir / "ws/repos/api/chart").string());
  test::CommandResult lint = test::run_command({real_helm().string(), "lint", chart, "-f", values}, {}, env);
  EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;
  test::CommandResult out = test::run_command(
      {real_helm().string(), "template", "api", chart, "--namespace", "shop", "-f", values}, {}, env);
  ASSERT_EQ(out.exit_code, 0) << out.err;
  EXPECT_NE(out.out.find("  replicas: 3\n"), std::string::npos) << out.out;
  EXPECT_NE(out.out.find("image: \"registry.local/api:1.2-x\""), std::string::npos);
  EXPECT_NE(out.out.find("token: s3cr3tvalue"), std::string::npos);
}

}  // namespace
}  // namespace slipway::deploy
