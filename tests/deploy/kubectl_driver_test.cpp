// The kubectl driver. Two kinds of tests, said per test:
// - REAL kubectl (1.36 from .tools/bin, installed by scripts/setup.sh; skipped
//   with the reason when absent) for what needs no cluster: `kubectl version
//   --client`, and `kubectl label --local -f RENDERED -o json`, which makes
//   the real kubectl read every manifest the driver rendered. (`kubectl apply
//   --dry-run=client` needs an API server for discovery, so it cannot run here.)
// - STAND-IN kubectl for every cluster call (apply, get, delete): a /bin/sh
//   script first on the driver's search path that records its arguments and
//   keeps a "cluster" folder of objects: `apply -f DIR` copies DIR's files in
//   (and fails when one holds "bad-image"), `get` lists them all as a JSON
//   List, `delete TYPE/NAME` removes one, `delete -l` removes all.
#include "deploy/kubectl_driver.h"

#include <sys/stat.h>

#include <sstream>

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
  web:
    repo: repos/web
    deploy:
      kubectl:
        manifests: [k8s]
blocks:
  core:
    components: [web]
    values:
      replicas: 2
    secrets:
      token:
        generate: {length: 24, charset: alphanumeric}
environments:
  test:
    platform: {kind: kubectl, namespace: shop, context: kind-dev}
    blocks: [core]
    policy: {mode: manual}
)";

constexpr const char* k_deployment = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: ${{ values.replicas }}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: registry.local/web:1
)";

constexpr const char* k_service_and_secret = R"(apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  ports: [{port: 80}]
---
apiVersion: v1
kind: Secret
metadata: {name: web-token}
stringData:
  token: "${{ secrets.token }}"
)";

constexpr const char* k_stand_in = R"SH(#!/bin/sh
dir=$(dirname "$0")
echo "$*" >> "$dir/calls.txt"
mkdir -p "$dir/cluster"
case "$1" in
  apply)
    last=; prev=; for a; do [ "$prev" = -f ] && last=$a; prev=$a; done
    if grep -q bad-image "$last"/*.json; then echo "error: bad-image rejected" >&2; exit 1; fi
    for f in "$last"/*.json; do b=$(basename "$f"); cp "$f" "$dir/cluster/${b#*-}"; done
    echo "applied" ;;
  get)
    printf '{"apiVersion":"v1","kind":"List","items":['; sep=
    for f in "$dir"/cluster/*.json; do [ -f "$f" ] || continue; printf '%s' "$sep"; cat "$f"; sep=,; done
    printf ']}\n' ;;
  delete)
    shift
    case "$1" in
      */*) for a; do case "$a" in */*) rm -f "$dir/cluster/$(echo "$a" | tr / -).json"; echo "deleted $a" ;; esac; done ;;
      *) rm -f "$dir"/cluster/*.json ;;
    esac ;;
esac
)SH";

std::filesystem::path real_kubectl() { return test::source_dir() / ".tools/bin/kubectl"; }

class KubectlDriverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::write_file(dir / "ws/slipway.yaml", k_workspace);
    test::write_file(dir / "ws/repos/web/azure-pipelines.yml", "steps:\n- script: echo web\n");
    test::write_file(dir / "ws/repos/web/k8s/1-deployment.yaml", k_deployment);
    test::write_file(dir / "ws/repos/web/k8s/2-service.yml", k_service_and_secret);
    workspace = model::load_workspace(dir / "ws").value();
    environment = model::resolve_environment(workspace, "test").value();
    context.workspace = &workspace;
    context.environment = &environment;
    context.secrets = {{"token", "s3cr3tvalue"}};
    context.state_dir = dir / "state";
    context.log = [this](const std::string& target, const std::string& line) { logged.push_back(target + ": " + line); };
    test::write_file(dir / "bin/kubectl", k_stand_in);
    std::filesystem::permissions(dir / "bin/kubectl", std::filesystem::perms::owner_all);
    driver = make_kubectl_driver(ToolLocator{(dir / "bin").string() + ":/usr/bin:/bin", ""});
  }
  std::vector<std::string> calls() {
    if (!std::filesystem::exists(dir / "bin/calls.txt")) return {};
    std::vector<std::string> lines = split(test::read_file(dir / "bin/calls.txt"), '\n');
    if (!lines.empty() && lines.back().empty()) lines.pop_back();
    for (std::string& line : lines)
      for (size_t at; (at = line.find(dir.path().string())) != std::string::npos;)
        line.replace(at, dir.path().string().size(), "<dir>");
    std::filesystem::remove(dir / "bin/calls.txt");
    return lines;
  }
  std::vector<std::string> cluster() {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir / "bin/cluster")) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }
  PlanEntry entry(const std::string& from, const std::string& to) {
    PlanEntry e;
    e.target = "web";
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

const char* k_apply_rendered =
    "apply --server-side --field-manager=slipway --force-conflicts -f <dir>/state/kubectl/test/web/rendered "
    "--namespace shop --context kind-dev";
const char* k_get =
    "get deployment.apps,secret,service -l slipway.dev/environment=test,slipway.dev/component=web -o json "
    "--namespace shop --context kind-dev";

TEST_F(KubectlDriverTest, RendersEveryDocumentWithLabelsValuesAndSecrets) {
  std::vector<nlohmann::ordered_json> objects =
      render_kubectl_objects(*workspace.component("web"), "1.0.0", context).value();
  ASSERT_EQ(objects.size(), 3u);
  EXPECT_EQ(objects[0]["kind"], "Deployment");
  EXPECT_EQ(objects[0]["spec"]["replicas"], 2);  // a whole reference keeps the value's type
  EXPECT_EQ(objects[0]["metadata"]["labels"]["app"], "web");
  EXPECT_EQ(objects[0]["metadata"]["labels"]["slipway.dev/environment"], "test");
  EXPECT_EQ(objects[0]["metadata"]["labels"]["slipway.dev/component"], "web");
  EXPECT_EQ(objects[0]["metadata"]["labels"]["app.kubernetes.io/managed-by"], "slipway");
  EXPECT_EQ(objects[0]["metadata"]["annotations"]["slipway.dev/version"], "1.0.0");
  EXPECT_EQ(objects[1]["kind"], "Service");
  EXPECT_EQ(objects[2]["stringData"]["token"], "s3cr3tvalue");
}

TEST_F(KubectlDriverTest, BadManifestsAreNamedWithTheirPosition) {
  test::write_file(dir / "ws/repos/web/k8s/2-service.yml", "apiVersion: v1\nkind: Service\nmetadata: {name: x}\n---\nkind: A\nkind: B\n");
  EXPECT_EQ(render_kubectl_objects(*workspace.component("web"), "1", context).error().message.substr(0, 47),
            "component web: repos/web/k8s/2-service.yml:6:1:");
  test::write_file(dir / "ws/repos/web/k8s/2-service.yml", "---\nkind: Service\n");
  EXPECT_EQ(render_kubectl_objects(*workspace.component("web"), "1", context).error().message,
            "component web: a manifest document in repos/web/k8s/2-service.yml is not a Kubernetes object "
            "(no kind or metadata.name)");
  std::filesystem::remove_all(dir / "ws/repos/web/k8s");
  EXPECT_EQ(driver->check(context), (std::vector<std::string>{"component web: manifest k8s not found"}));
}

TEST_F(KubectlDriverTest, MissingBinaryIsSaidByCheck) {
  std::unique_ptr<Driver> none = make_kubectl_driver(ToolLocator{(dir / "nowhere").string(), ""});
  std::string missing = "kubectl not found on PATH (" + (dir / "nowhere").string() +
                        "); install it, set the platform's binary or SLIPWAY_KUBECTL";
  EXPECT_EQ(none->check(context), (std::vector<std::string>{missing}));
  EXPECT_EQ(none->apply(entry("", "1.0.0"), context).error().message, missing);
  environment.platform.binary = (dir / "bin/kubectl").string();  // absolute: used as is
  EXPECT_TRUE(none->check(context).empty());
  EXPECT_TRUE(driver->check(context).empty());
}

TEST_F(KubectlDriverTest, ApplyIsServerSideWithPrivateRenderedFiles_StandIn) {
  ASSERT_TRUE(driver->apply(entry("", "1.0.0"), context));
  EXPECT_EQ(calls(), (std::vector<std::string>{k_apply_rendered, k_get}));
  EXPECT_EQ(cluster(), (std::vector<std::string>{"deployment.apps-web.json", "secret-web-token.json", "service-web.json"}));
  std::filesystem::path secret = dir / "state/kubectl/test/web/applied/001-service-web.json";
  struct stat info{};
  ASSERT_EQ(::stat(secret.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_FALSE(std::filesystem::exists(dir / "state/kubectl/test/web/rendered"));
  EXPECT_EQ(logged, (std::vector<std::string>{"web: applied"}));
}

TEST_F(KubectlDriverTest, ObjectsNoLongerRenderedArePruned_StandIn) {
  ASSERT_TRUE(driver->apply(entry("", "1.0.0"), context));
  calls();
  test::write_file(dir / "ws/repos/web/k8s/2-service.yml", "");
  ASSERT_TRUE(driver->apply(entry("1.0.0", "1.1.0"), context));
  // The listing still covers the types applied before, so the old ones are found.
  EXPECT_EQ(calls(), (std::vector<std::string>{k_apply_rendered, k_get,
                                               "delete secret/web-token --ignore-not-found --context kind-dev",
                                               "delete service/web --ignore-not-found --namespace shop --context kind-dev"}));
  EXPECT_EQ(cluster(), (std::vector<std::string>{"deployment.apps-web.json"}));
}

TEST_F(KubectlDriverTest, ObserveReportsVersionAndDriftOfLiveObjects_StandIn) {
  EXPECT_FALSE(driver->observe("web", context).has_value());  // nothing applied through this state folder
  ASSERT_TRUE(driver->apply(entry("", "1.0.0"), context));
  Observation same = driver->observe("web", context).value();
  EXPECT_TRUE(same.present);
  EXPECT_EQ(same.version, "1.0.0");
  EXPECT_EQ(same.drift, "");
  // Someone scales by hand and deletes the service; an unrendered object appears.
  std::string deployment = test::read_file(dir / "bin/cluster/deployment.apps-web.json");
  deployment.replace(deployment.find("\"replicas\": 2"), 13, "\"replicas\": 5");
  test::write_file(dir / "bin/cluster/deployment.apps-web.json", deployment);
  std::filesystem::remove(dir / "bin/cluster/service-web.json");
  test::write_file(dir / "bin/cluster/secret-extra.json", R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"extra"}})");
  Observation drifted = driver->observe("web", context).value();
  EXPECT_EQ(drifted.drift,
            "changed deployment.apps/web spec.replicas; missing service/web; not rendered secret/extra");
  for (const std::string& line : logged) EXPECT_EQ(line.find("s3cr3tvalue"), std::string::npos) << line;
  std::filesystem::remove_all(dir / "bin/cluster");
  std::filesystem::create_directories(dir / "bin/cluster");
  EXPECT_FALSE(driver->observe("web", context)->present);
}

TEST_F(KubectlDriverTest, FailedApplyGoesBackToTheAppliedManifests_StandIn) {
  ASSERT_TRUE(driver->apply(entry("", "1.0.0"), context));
  std::string bad = k_deployment;
  bad.replace(bad.find("registry.local/web:1"), 20, "bad-image");
  test::write_file(dir / "ws/repos/web/k8s/1-deployment.yaml", bad);
  calls();
  EXPECT_EQ(driver->apply(entry("1.0.0", "2.0.0"), context).error().message, "web: kubectl apply failed (exit 1)");
  store::AppliedTarget previous;
  previous.target = "web";
  previous.version = "1.0.0";
  ASSERT_TRUE(driver->rollback(entry("1.0.0", "2.0.0"), &previous, context));
  std::vector<std::string> seen = calls();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[1],
            "apply --server-side --field-manager=slipway --force-conflicts -f <dir>/state/kubectl/test/web/applied "
            "--namespace shop --context kind-dev");
  EXPECT_EQ(driver->observe("web", context)->version, "1.0.0");
  EXPECT_FALSE(std::filesystem::exists(dir / "state/kubectl/test/web/rendered"));
}

TEST_F(KubectlDriverTest, RemoveDeletesTheComponentsObjectsByLabel_StandIn) {
  ASSERT_TRUE(driver->apply(entry("", "1.0.0"), context));
  calls();
  ASSERT_TRUE(driver->remove(entry("1.0.0", ""), context));
  EXPECT_EQ(calls(), (std::vector<std::string>{
                         "delete deployment.apps,secret,service -l slipway.dev/environment=test,slipway.dev/component=web "
                         "--ignore-not-found --namespace shop --context kind-dev"}));
  EXPECT_TRUE(cluster().empty());
  EXPECT_FALSE(std::filesystem::exists(dir / "state/kubectl/test/web"));
}

// The engine with the kubectl platform (STAND-IN kubectl): the second apply
// calls nothing that changes the cluster; hand-made drift is repaired.
TEST_F(KubectlDriverTest, EngineAppliesOnceAndRepairsDrift_StandIn) {
  std::unique_ptr<store::Store> store = std::move(store::open_store((dir / "state/state.db").string()).value());
  MasterKey key;
  key.fill(7);
  ApplyRequest request;
  request.workspace = &workspace;
  request.environment = "test";
  request.wanted = {{"web", {"1.0.0", ""}}};
  request.actor = "tester";
  request.state_dir = dir / "state";
  ApplyResult first = apply_environment(*store, *driver, key, request).value();
  ASSERT_TRUE(first.succeeded) << first.message;
  calls();
  ApplyResult second = apply_environment(*store, *driver, key, request).value();
  EXPECT_EQ(second.message, "no changes");
  for (const std::string& call : calls()) EXPECT_TRUE(call.starts_with("get ")) << call;
  std::filesystem::remove(dir / "bin/cluster/service-web.json");
  ApplyResult repaired = apply_environment(*store, *driver, key, request).value();
  ASSERT_TRUE(repaired.succeeded) << repaired.message;
  ASSERT_EQ(repaired.steps.size(), 1u);
  EXPECT_EQ(repaired.steps[0].action, "repair");
  EXPECT_EQ(repaired.plan.entries[0].drift, "missing service/web");
  EXPECT_EQ(cluster().size(), 3u);
}

// REAL kubectl: reads every manifest the driver rendered (no cluster needed).
TEST_F(KubectlDriverTest, RealKubectlReadsTheRenderedManifests) {
  if (!std::filesystem::exists(real_kubectl())) GTEST_SKIP() << "no kubectl in .tools/bin (run scripts/setup.sh)";
  test::CommandResult version = test::run_command({real_kubectl().string(), "version", "--client"});
  ASSERT_EQ(version.exit_code, 0) << version.err;
  EXPECT_NE(version.out.find("Client Version: v1."), std::string::npos);
  ASSERT_TRUE(driver->apply(entry("", "1.0.0"), context));
  std::filesystem::path applied = dir / "state/kubectl/test/web/applied";
  test::CommandResult read = test::run_command(
      {real_kubectl().string(), "label", "--local", "-f", applied.string(), "-o", "json", "checked=yes"});
  ASSERT_EQ(read.exit_code, 0) << read.err;
  // One JSON object per file, one after the other.
  std::vector<nlohmann::json> items;
  std::istringstream stream(read.out);
  while (stream >> std::ws && stream.peek() != EOF) {
    nlohmann::json item;
    stream >> item;
    items.push_back(std::move(item));
  }
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0]["kind"], "Deployment");
  EXPECT_EQ(items[0]["spec"]["replicas"], 2);
  EXPECT_EQ(items[0]["metadata"]["labels"]["slipway.dev/component"], "web");
  EXPECT_EQ(items[0]["metadata"]["labels"]["checked"], "yes");
  EXPECT_EQ(items[1]["metadata"]["namespace"], "shop");
  EXPECT_EQ(items[2]["stringData"]["token"], "s3cr3tvalue");
}

}  // namespace
}  // namespace slipway::deploy
