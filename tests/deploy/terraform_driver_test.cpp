// The terraform driver. terraform and tofu cannot be installed on this
// machine (neither Debian nor npm has them; see /work/shared/TOOLS.md), so
// every test here uses a STAND-IN: a /bin/sh script named `terraform` (or
// `tofu`), first on the driver's search path, that records the folder it ran
// in and its arguments, and answers like terraform: `plan -detailed-exitcode`
// exits 0 (no changes) when the var file says "same", else writes the plan
// file and exits 2; `apply PLAN` fails unless that file exists.
#include "deploy/terraform_driver.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "core/strings.h"
#include "support/test_support.h"

namespace slipway::deploy {
namespace {

using test::TempDir;

constexpr const char* k_workspace = R"(product:
  name: shop
  version: "1.0"
components:
  db:
    repo: repos/db
    deploy:
      terraform:
        module: tf
        vars: {size: "${{ values.size }}", password: "${{ secrets.pw }}", mode: "${{ values.mode }}"}
blocks:
  core:
    components: [db]
    values: {size: 20, mode: fresh}
    secrets:
      pw:
        generate: {length: 24, charset: alphanumeric}
    infrastructure:
      network:
        module: infra/network
        vars: {cidr: 10.0.0.0/16}
environments:
  staging:
    platform: {kind: terraform}
    blocks: [core]
    policy: {mode: manual}
)";

constexpr const char* k_stand_in = R"SH(#!/bin/sh
log=$(dirname "$0")/calls.txt
echo "$(basename "$PWD") $(basename "$0") $*" >> "$log"
case "$1" in
  init) echo "Terraform has been successfully initialized!" ;;
  workspace) echo "Switched to workspace \"$4\"." ;;
  plan)
    case " $* " in *" -refresh-only "*)
      if [ -f "$(dirname "$0")/drift.txt" ]; then
        echo "Terraform detected the following changes made outside of Terraform since the last \"terraform apply\":"
        sed 's/^/  # /' "$(dirname "$0")/drift.txt"; exit 2
      fi
      echo "No changes. Your infrastructure still matches the configuration."; exit 0 ;;
    esac
    for a; do case "$a" in -var-file=*) vars=${a#-var-file=} ;; -out=*) out=${a#-out=} ;; esac; done
    if grep -q '"same"' "$vars"; then echo "No changes."; exit 0; fi
    echo plan > "$out"; echo "Plan: 1 to add, 0 to change, 0 to destroy."; exit 2 ;;
  apply) [ -f "$3" ] || { echo "Error: plan file missing" >&2; exit 1; }; echo "Apply complete!" ;;
  destroy) echo "Destroy complete!" ;;
esac
)SH";

class TerraformDriverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::write_file(dir / "ws/slipway.yaml", k_workspace);
    test::write_file(dir / "ws/repos/db/azure-pipelines.yml", "steps:\n- script: echo db\n");
    test::write_file(dir / "ws/repos/db/tf/main.tf", "");
    test::write_file(dir / "ws/infra/network/main.tf", "");
    load();
    context.secrets = {{"pw", "hunter2hunter2"}};
    context.state_dir = dir / "state";
    context.log = [this](const std::string& target, const std::string& line) { logged.push_back(target + ": " + line); };
    install("terraform");
  }
  void load() {
    Result<model::Workspace> loaded = model::load_workspace(dir / "ws");
    ASSERT_TRUE(loaded) << loaded.error().message;
    workspace = std::move(*loaded);
    environment = model::resolve_environment(workspace, "staging").value();
    context.workspace = &workspace;
    context.environment = &environment;
  }
  void install(const std::string& name) {
    test::write_file(dir / "bin" / name, k_stand_in);
    std::filesystem::permissions(dir / "bin" / name, std::filesystem::perms::owner_all);
    driver = make_terraform_driver(ToolLocator{(dir / "bin").string() + ":/usr/bin:/bin", ""});
  }
  std::vector<std::string> calls() {
    if (!std::filesystem::exists(dir / "bin/calls.txt")) return {};
    std::vector<std::string> lines = split(test::read_file(dir / "bin/calls.txt"), '\n');
    if (!lines.empty() && lines.back().empty()) lines.pop_back();
    for (std::string& line : lines)
      for (size_t at; (at = line.find(dir.path().string())) != std::string::npos;)
        line.replace(at, dir.path().string().size(), "<dir>");
    return lines;
  }
  PlanEntry entry(const std::string& target) {
    PlanEntry e;
    e.target = target;
    e.action = PlanAction::install;
    e.to_version = target == "db" ? "1.0.0" : "";
    return e;
  }
  TempDir dir;
  model::Workspace workspace;
  model::ResolvedEnvironment environment;
  DriverContext context;
  std::vector<std::string> logged;
  std::unique_ptr<Driver> driver;
};

TEST_F(TerraformDriverTest, ApplyInitsSelectsWorkspacePlansAndAppliesTheSavedPlan_StandIn) {
  ASSERT_TRUE(driver->apply(entry("db"), context));
  EXPECT_EQ(calls(), (std::vector<std::string>{
                         "tf terraform init -input=false",
                         "tf terraform workspace select -or-create staging",
                         "tf terraform plan -input=false -detailed-exitcode "
                         "-var-file=<dir>/state/terraform/staging/db.tfvars.json "
                         "-out=<dir>/state/terraform/staging/db.tfplan",
                         "tf terraform apply -input=false <dir>/state/terraform/staging/db.tfplan"}));
  std::filesystem::path vars = dir / "state/terraform/staging/db.tfvars.json";
  struct stat info{};
  ASSERT_EQ(::stat(vars.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  nlohmann::json written = nlohmann::json::parse(test::read_file(vars));
  EXPECT_EQ(written, nlohmann::json::parse(R"({"size": 20, "password": "hunter2hunter2", "mode": "fresh"})"));
  EXPECT_EQ(logged.back(), "db: Apply complete!");
}

TEST_F(TerraformDriverTest, NoChangesFromPlanExitCodeZeroSkipsApply_StandIn) {
  std::string text = test::read_file(dir / "ws/slipway.yaml");
  text.replace(text.find("mode: fresh"), 11, "mode: same");
  test::write_file(dir / "ws/slipway.yaml", text);
  load();
  ASSERT_TRUE(driver->apply(entry("db"), context));
  std::vector<std::string> seen = calls();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_TRUE(seen[2].starts_with("tf terraform plan ")) << seen[2];
  EXPECT_EQ(logged.back(), "db: no changes");
}

TEST_F(TerraformDriverTest, InfrastructureRunsInItsModuleFolderWithTofu_StandIn) {
  std::filesystem::remove(dir / "bin/terraform");
  install("tofu");
  ASSERT_TRUE(driver->apply(entry("infra:network"), context));
  EXPECT_EQ(calls().back(), "network tofu apply -input=false <dir>/state/terraform/staging/infra_network.tfplan");
  EXPECT_EQ(nlohmann::json::parse(test::read_file(dir / "state/terraform/staging/infra_network.tfvars.json")),
            nlohmann::json::parse(R"({"cidr": "10.0.0.0/16"})"));
}

TEST_F(TerraformDriverTest, RemoveDestroysAndRollbackSaysItCannot_StandIn) {
  ASSERT_TRUE(driver->remove(entry("db"), context));
  EXPECT_EQ(calls().back(),
            "tf terraform destroy -input=false -auto-approve -var-file=<dir>/state/terraform/staging/db.tfvars.json");
  EXPECT_EQ(driver->rollback(entry("db"), nullptr, context).error().message,
            "db: terraform cannot roll back; the module's state is what the failed apply left");
}

// Drift from a refresh-only plan (STAND-IN terraform: it prints the lines of
// bin/drift.txt as "# ADDR has changed" and exits 2 when that file exists).
TEST_F(TerraformDriverTest, ObserveReportsChangesMadeOutsideFromARefreshOnlyPlan_StandIn) {
  EXPECT_FALSE(driver->observe("db", context).has_value());  // never applied here: cannot look
  ASSERT_TRUE(driver->apply(entry("db"), context));
  std::filesystem::remove(dir / "bin/calls.txt");
  std::filesystem::create_directories(dir / "ws/repos/db/tf/.terraform");
  Observation same = driver->observe("db", context).value();
  EXPECT_TRUE(same.present);
  EXPECT_EQ(same.drift, "");
  EXPECT_EQ(calls(), (std::vector<std::string>{
                         "tf terraform workspace select staging",
                         "tf terraform plan -input=false -refresh-only -detailed-exitcode -lock=false "
                         "-var-file=<dir>/state/terraform/staging/db.tfvars.json"}));
  test::write_file(dir / "bin/drift.txt", "aws_db_instance.main has changed\naws_security_group.db has been deleted\n");
  size_t lines_before = logged.size();
  Observation drifted = driver->observe("db", context).value();
  EXPECT_EQ(drifted.drift, "changed outside slipway: aws_db_instance.main, aws_security_group.db");
  EXPECT_EQ(logged.size(), lines_before);  // the plan's output is not logged
  // The secret in the var file is not needed at plan time: observe works with none.
  context.secrets.clear();
  EXPECT_EQ(driver->observe("db", context)->drift, drifted.drift);
  std::filesystem::remove(dir / "bin/terraform");
  EXPECT_FALSE(driver->observe("db", context).has_value());
}

TEST_F(TerraformDriverTest, MissingBinaryIsSaidByCheck) {
  std::unique_ptr<Driver> none = make_terraform_driver(ToolLocator{(dir / "nowhere").string(), ""});
  EXPECT_EQ(none->check(context), (std::vector<std::string>{
                                      "terraform (or tofu) not found on PATH (" + (dir / "nowhere").string() +
                                      "); install it, set the platform's binary or SLIPWAY_TERRAFORM"}));
  environment.platform.binary = "bin/tf";
  EXPECT_EQ(none->check(context)[0], "terraform (or tofu): " + (dir / "ws/bin/tf").string() +
                                         " (binary of the platform of environment 'staging') is not an executable file");
  environment.platform.binary.clear();
  EXPECT_TRUE(driver->check(context).empty());
}

}  // namespace
}  // namespace slipway::deploy
