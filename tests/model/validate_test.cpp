// Every bad-input case of the workspace model: a small workspace written to a
// temp folder, and the exact diagnostics (file:line:col: message, sorted).
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "model/resolve.h"
#include "model/workspace.h"
#include "support/test_support.h"

namespace slipway::model {
namespace {

using Files = std::vector<std::pair<std::string, std::string>>;

struct Case {
  const char* name;
  Files files;
  std::vector<std::string> expected;
};

// Names the case in test output instead of dumping its bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

// The product header most cases start with (lines 1-3).
const std::string k_head = "product:\n  name: acme\n  version: '2.3'\n";

std::vector<std::string> diagnostics_of(const Files& files) {
  test::TempDir dir;
  for (const auto& [path, content] : files) test::write_file(dir / path, content);
  std::vector<std::string> lines;
  // What `slipway validate` checks of the model: the load, then deploy settings.
  WorkspaceLoad load = inspect_workspace(dir.path());
  check_deploy_references(load.workspace, load.diagnostics);
  for (const Error& error : load.diagnostics.errors()) lines.push_back(error.to_string());
  return lines;
}

class ValidateCase : public ::testing::TestWithParam<Case> {};

TEST_P(ValidateCase, ReportsExactDiagnostics) {
  EXPECT_EQ(diagnostics_of(GetParam().files), GetParam().expected);
}

const Case k_cases[] = {
    {"yaml_syntax", {{"slipway.yaml", "product:\n  name: [acme\n"}},
     {"slipway.yaml:3:1: YAML syntax error: end of sequence flow not found"}},
    {"yaml_syntax_in_environment_file",
     {{"slipway.yaml", k_head}, {"environments/dev.yaml", "platform: process\nblocks: [a\n"}},
     {"environments/dev.yaml:3:1: YAML syntax error: end of sequence flow not found"}},
    {"duplicate_key", {{"slipway.yaml", k_head + "roles: {}\nroles: {}\n"}},
     {"slipway.yaml:5:1: duplicate key 'roles'"}},
    {"root_not_mapping", {{"slipway.yaml", "- a\n- b\n"}},
     {"slipway.yaml:1:1: slipway.yaml: expected a mapping, got a sequence"}},
    {"no_product", {{"slipway.yaml", "roles: {}\n"}}, {"slipway.yaml:1:1: slipway.yaml has no product"}},
    {"variable_group_unknown_key", {{"slipway.yaml", k_head + "variable_groups:\n  shared:\n    value: {a: b}\n"}},
     {"slipway.yaml:6:5: unknown key 'value' in variable group 'shared' (did you mean 'values'?)"}},
    {"variable_group_name_both_value_and_secret",
     {{"slipway.yaml", k_head + "variable_groups:\n  shared:\n    values: {token: x}\n    secrets: {token: TOKEN}\n"}},
     {"slipway.yaml:5:3: variable group 'shared' has 'token' both in values and in secrets"}},
    {"variable_group_secret_not_a_string",
     {{"slipway.yaml", k_head + "variable_groups:\n  shared:\n    secrets: {token: [A]}\n"}},
     {"slipway.yaml:6:22: 'token' of secrets of variable group 'shared': expected a string, got a sequence"}},
    {"unknown_top_level_key", {{"slipway.yaml", k_head + "componnets: {}\n"}},
     {"slipway.yaml:4:1: unknown key 'componnets' in slipway.yaml (did you mean 'components'?)"}},
    {"product_without_version", {{"slipway.yaml", "product:\n  name: acme\n"}},
     {"slipway.yaml:1:1: product has no version"}},
    {"invalid_version", {{"slipway.yaml", "product:\n  name: acme\n  version: 2.x\n"}},
     {"slipway.yaml:3:12: invalid product version '2.x': expected MAJOR.MINOR"}},
    {"version_with_patch", {{"slipway.yaml", "product:\n  name: acme\n  version: 2.3.1\n"}},
     {"slipway.yaml:3:12: invalid product version '2.3.1': expected MAJOR.MINOR"}},
    {"bad_patch_scheme", {{"slipway.yaml", k_head + "  patch: daily\n"}},
     {"slipway.yaml:4:10: invalid patch scheme 'daily': expected timestamp or counter"}},
    {"product_is_a_sequence", {{"slipway.yaml", "product:\n  - acme\n"}},
     {"slipway.yaml:2:3: product: expected a mapping, got a sequence"}},
    {"invalid_product_name", {{"slipway.yaml", "product:\n  name: acme corp\n  version: '1.0'\n"}},
     {"slipway.yaml:2:9: invalid product name 'acme corp': use letters, digits, '-', '_' and '.'"}},
    {"unknown_component_key",
     {{"slipway.yaml", k_head + "components:\n  orders:\n    repo: git@x:orders\n    depend_on: []\n"}},
     {"slipway.yaml:7:5: unknown key 'depend_on' in component 'orders' (did you mean 'depends_on'?)"}},
    {"component_without_repo", {{"slipway.yaml", k_head + "components:\n  orders:\n    pipeline: ci.yml\n"}},
     {"slipway.yaml:5:3: component 'orders' has no repo"}},
    {"component_is_a_sequence", {{"slipway.yaml", k_head + "components:\n  orders:\n    - repo\n"}},
     {"slipway.yaml:6:5: component 'orders': expected a mapping, got a sequence"}},
    {"depends_on_unknown_component",
     {{"slipway.yaml", k_head +
                           "components:\n  billing:\n    repo: git@x:b\n  orders:\n    repo: git@x:o\n"
                           "    depends_on: [bilig]\n"}},
     {"slipway.yaml:9:18: component 'orders' depends on unknown component 'bilig' (did you mean 'billing'?)"}},
    {"depends_on_not_a_list",
     {{"slipway.yaml", k_head + "components:\n  orders:\n    repo: git@x:o\n    depends_on: billing\n"}},
     {"slipway.yaml:7:17: depends_on of component 'orders': expected a sequence, got a string"}},
    {"dependency_cycle",
     {{"slipway.yaml", k_head +
                           "components:\n  orders:\n    repo: git@x:o\n    depends_on: [billing]\n"
                           "  billing:\n    repo: git@x:b\n    depends_on: [orders]\n"}},
     {"slipway.yaml:7:18: dependency cycle: orders -> billing -> orders"}},
    {"self_dependency",
     {{"slipway.yaml", k_head + "components:\n  orders:\n    repo: git@x:o\n    depends_on: [orders]\n"}},
     {"slipway.yaml:7:18: dependency cycle: orders -> orders"}},
    {"missing_local_repo", {{"slipway.yaml", k_head + "components:\n  orders:\n    repo: repos/orders\n"}},
     {"slipway.yaml:5:3: repo of component 'orders' not found: repos/orders"}},
    {"missing_pipeline_file",
     {{"slipway.yaml", k_head + "components:\n  orders:\n    repo: repos/orders\n"},
      {"repos/orders/app.py", "print()\n"}},
     {"slipway.yaml:5:3: pipeline of component 'orders' not found: repos/orders/azure-pipelines.yml"}},
    {"unknown_template_source_in_pipeline",
     {{"slipway.yaml", k_head + "templates:\n  templates:\n    git: https://x/t.git\n"
                                "components:\n  orders:\n    repo: repos/orders\n"},
      {"repos/orders/azure-pipelines.yml", "jobs:\n  - template: jobs/build.yaml@templats\n"}},
     {"repos/orders/azure-pipelines.yml:2:15: pipeline of component 'orders' uses unknown template "
      "source 'templats' (did you mean 'templates'?)"}},
    {"template_source_without_location", {{"slipway.yaml", k_head + "templates:\n  shared:\n    ref: v1\n"}},
     {"slipway.yaml:5:3: template source 'shared' needs a path or a git URL",
      "slipway.yaml:6:10: ref of template source 'shared' only applies to git sources"}},
    {"template_source_path_missing", {{"slipway.yaml", k_head + "templates:\n  shared:\n    path: tpl\n"}},
     {"slipway.yaml:5:3: path of template source 'shared' not found: tpl"}},
    {"process_deploy_without_command",
     {{"slipway.yaml", k_head + "components:\n  orders:\n    repo: git@x:o\n    deploy:\n      process:\n"
                                "        port: 8080\n"}},
     {"slipway.yaml:9:9: process deploy of component 'orders' needs argv or command"}},
    {"port_not_an_integer",
     {{"slipway.yaml", k_head + "components:\n  orders:\n    repo: git@x:o\n    deploy:\n      process:\n"
                                "        command: ./run\n        port: http\n"}},
     {"slipway.yaml:10:15: port of component 'orders': expected an integer, got 'http'"}},
    {"port_out_of_range",
     {{"slipway.yaml", k_head + "components:\n  orders:\n    repo: git@x:o\n    deploy:\n      process:\n"
                                "        command: ./run\n        port: 70000\n"}},
     {"slipway.yaml:10:15: port of component 'orders' must be between 1 and 65535, got 70000"}},
    {"tcp_health_without_port",
     {{"slipway.yaml", k_head + "components:\n  worker:\n    repo: git@x:w\n    deploy:\n      process:\n"
                                "        command: ./run\n        health:\n          tcp: true\n"}},
     {"slipway.yaml:11:11: health check of component 'worker' uses tcp but the component has no port"}},
    {"unknown_deploy_platform",
     {{"slipway.yaml", k_head + "components:\n  orders:\n    repo: git@x:o\n    deploy:\n      docker: {}\n"}},
     {"slipway.yaml:8:7: unknown key 'docker' in deploy settings of component 'orders'"}},
    {"helm_without_chart",
     {{"slipway.yaml", k_head + "components:\n  orders:\n    repo: git@x:o\n    deploy:\n      helm:\n"
                                "        values: {}\n"}},
     {"slipway.yaml:9:9: helm deploy of component 'orders' has no chart"}},
    {"tag_format_without_version",
     {{"slipway.yaml", k_head + "components:\n  orders:\n    repo: git@x:o\n    versioning:\n"
                                "      tag_format: release\n"}},
     {"slipway.yaml:8:19: tag_format of component 'orders' must contain '${version}'"}},
    {"bad_versioning_preset",
     {{"slipway.yaml", k_head + "components:\n  orders:\n    repo: git@x:o\n    versioning:\n"
                                "      preset: semver\n"}},
     {"slipway.yaml:8:15: invalid versioning preset 'semver' of component 'orders': expected "
      "conventionalcommits or angular"}},
    {"block_with_unknown_component",
     {{"slipway.yaml", k_head + "components:\n  orders:\n    repo: git@x:o\nblocks:\n  core:\n"
                                "    components: [ordrs]\n"}},
     {"slipway.yaml:9:18: block 'core' names unknown component 'ordrs' (did you mean 'orders'?)"}},
    {"secret_without_source",
     {{"slipway.yaml", k_head + "blocks:\n  core:\n    secrets:\n      token: {}\n"}},
     {"slipway.yaml:7:7: secret 'token' of block 'core' needs generate or from_env"}},
    {"secret_bad_charset",
     {{"slipway.yaml", k_head + "blocks:\n  core:\n    secrets:\n      token:\n        generate:\n"
                                "          charset: hexa\n"}},
     {"slipway.yaml:9:20: invalid charset 'hexa' of secret 'token' of block 'core' (did you mean 'hex'?)"}},
    {"secret_too_short",
     {{"slipway.yaml", k_head + "blocks:\n  core:\n    secrets:\n      token:\n        generate:\n"
                                "          length: 4\n"}},
     {"slipway.yaml:9:19: length of secret 'token' of block 'core' must be between 8 and 4096, got 4"}},
    {"duplicate_block_across_files",
     {{"slipway.yaml", k_head + "blocks:\n  core: {}\n"}, {"blocks/core.yaml", "values: {}\n"}},
     {"blocks/core.yaml:1:1: duplicate block 'core' (also defined at slipway.yaml:5:3)"}},
    {"duplicate_environment_by_name_key",
     {{"slipway.yaml", k_head},
      {"environments/a.yaml", "name: dev\nplatform: process\n"},
      {"environments/b.yaml", "name: dev\nplatform: process\n"}},
     {"environments/b.yaml:1:7: duplicate environment 'dev' (also defined at environments/a.yaml:1:7)"}},
    {"environment_without_platform",
     {{"slipway.yaml", k_head}, {"environments/prod-acme.yaml", "blocks: []\n"}},
     {"environments/prod-acme.yaml:1:1: environment 'prod-acme' has no platform"}},
    {"invalid_platform_with_suggestion",
     {{"slipway.yaml", k_head}, {"environments/dev.yaml", "platform: proces\n"}},
     {"environments/dev.yaml:1:11: invalid platform 'proces' of environment 'dev' (did you mean 'process'?)"}},
    {"invalid_platform_without_suggestion",
     {{"slipway.yaml", k_head}, {"environments/dev.yaml", "platform: docker-compose\n"}},
     {"environments/dev.yaml:1:11: invalid platform 'docker-compose' of environment 'dev': expected "
      "process, helm, kubectl, terraform or script"}},
    {"platform_mapping_without_kind",
     {{"slipway.yaml", k_head}, {"environments/dev.yaml", "platform:\n  port_offset: 10\n"}},
     {"environments/dev.yaml:2:3: platform of environment 'dev' has no kind"}},
    {"platform_setting_of_another_kind",
     {{"slipway.yaml", k_head}, {"environments/dev.yaml", "platform:\n  kind: process\n  namespace: acme\n"}},
     {"environments/dev.yaml:3:3: key 'namespace' does not apply to platform 'process' of environment 'dev'"}},
    {"environment_secret_without_source",
     {{"slipway.yaml", k_head}, {"environments/dev.yaml", "platform: process\nsecrets:\n  token: {}\n"}},
     {"environments/dev.yaml:3:3: secret 'token' of environment 'dev' needs generate or from_env"}},
    {"environment_secret_bad_charset_and_name",
     {{"slipway.yaml", k_head},
      {"environments/dev.yaml", "platform: process\nsecrets:\n  api-key:\n    generate: {charset: hexa}\n"
                                "  'bad name':\n    from_env: X\n"}},
     {"environments/dev.yaml:4:25: invalid charset 'hexa' of secret 'api-key' of environment 'dev' (did you mean 'hex'?)",
      "environments/dev.yaml:5:3: invalid secret name 'bad name' in environment 'dev': use letters, digits, '-', '_' "
      "and '.'"}},
    {"environment_secret_with_both_sources",
     {{"slipway.yaml", k_head},
      {"environments/dev.yaml", "platform: process\nsecrets:\n  token: {generate: {}, from_env: T}\n"}},
     {"environments/dev.yaml:3:3: secret 'token' of environment 'dev' has both generate and from_env"}},
    {"platform_binary_of_another_kind",
     {{"slipway.yaml", k_head}, {"environments/dev.yaml", "platform:\n  kind: process\n  binary: /opt/helm\n"}},
     {"environments/dev.yaml:3:3: key 'binary' does not apply to platform 'process' of environment 'dev'"}},
    {"platform_binary_not_a_string",
     {{"slipway.yaml", k_head}, {"environments/dev.yaml", "platform:\n  kind: helm\n  binary: [helm]\n"}},
     {"environments/dev.yaml:3:11: binary of platform of environment 'dev': expected a string, got a sequence"}},
    {"platform_binary_empty",
     {{"slipway.yaml", k_head}, {"environments/dev.yaml", "platform:\n  kind: kubectl\n  binary: \"\"\n"}},
     {"environments/dev.yaml:3:11: binary of platform of environment 'dev' is empty"}},
    {"unknown_environment_key",
     {{"slipway.yaml", k_head}, {"environments/dev.yaml", "platform: process\nvalue: {}\n"}},
     {"environments/dev.yaml:2:1: unknown key 'value' in environment 'dev' (did you mean 'values'?)"}},
    {"environment_uses_unknown_block",
     {{"slipway.yaml", k_head + "blocks:\n  core: {}\n"}, {"environments/dev.yaml", "platform: process\nblocks: [cor]\n"}},
     {"environments/dev.yaml:2:10: environment 'dev' uses unknown block 'cor' (did you mean 'core'?)"}},
    {"environment_names_unknown_component",
     {{"slipway.yaml", k_head + "components:\n  acme-bridge:\n    repo: git@x:b\n"
                                "    deploy: {process: {command: ./run}}\n"},
      {"environments/prod-acme.yaml", "platform: process\ncomponents: [acme-brige]\n"}},
     {"environments/prod-acme.yaml:2:14: environment 'prod-acme' names unknown component 'acme-brige' "
      "(did you mean 'acme-bridge'?)"}},
    {"component_not_deployable_on_platform",
     {{"slipway.yaml", k_head + "components:\n  web:\n    repo: git@x:w\n"
                                "    deploy: {process: {command: ./run}}\n"},
      {"environments/prod.yaml", "platform: {kind: helm, namespace: acme}\ncomponents: [web]\n"}},
     {"environments/prod.yaml:2:14: component 'web' has no helm deploy settings, needed by environment 'prod'"}},
    {"dependency_missing_from_environment",
     {{"slipway.yaml", k_head + "components:\n  billing:\n    repo: git@x:b\n"
                                "    deploy: {process: {command: ./b}}\n  orders:\n    repo: git@x:o\n"
                                "    depends_on: [billing]\n    deploy: {process: {command: ./o}}\n"},
      {"environments/dev.yaml", "platform: process\ncomponents: [orders]\n"}},
     {"environments/dev.yaml:2:14: component 'orders' in environment 'dev' depends on 'billing', which the "
      "environment does not deploy"}},
    {"bad_policy_mode",
     {{"slipway.yaml", k_head}, {"environments/dev.yaml", "platform: process\npolicy:\n  mode: automatic\n"}},
     {"environments/dev.yaml:3:9: invalid policy mode 'automatic' of environment 'dev': expected auto or manual"}},
    {"auto_without_branch",
     {{"slipway.yaml", k_head}, {"environments/dev.yaml", "platform: process\npolicy:\n  mode: auto\n"}},
     {"environments/dev.yaml:3:3: auto environment 'dev' has no branch"}},
    {"branch_on_manual_environment",
     {{"slipway.yaml", k_head},
      {"environments/staging.yaml", "platform: process\npolicy:\n  mode: manual\n  branch: main\n"}},
     {"environments/staging.yaml:4:3: branch of environment 'staging' only applies to auto mode"}},
    {"auto_with_approvals",
     {{"slipway.yaml", k_head + "roles:\n  qa: [carol]\n"},
      {"environments/dev.yaml", "platform: process\npolicy:\n  mode: auto\n  branch: main\n"
                                "  approvals:\n    - role: qa\n"}},
     {"environments/dev.yaml:5:3: auto environment 'dev' cannot require approvals"}},
    {"promote_from_unknown_environment",
     {{"slipway.yaml", k_head},
      {"environments/dev.yaml", "platform: process\n"},
      {"environments/staging.yaml", "platform: process\npolicy:\n  promote_from: deev\n"}},
     {"environments/staging.yaml:3:17: environment 'staging' promotes from unknown environment 'deev' "
      "(did you mean 'dev'?)"}},
    {"promote_from_cycle",
     {{"slipway.yaml", k_head},
      {"environments/prod.yaml", "platform: process\npolicy:\n  promote_from: staging\n"},
      {"environments/staging.yaml", "platform: process\npolicy:\n  promote_from: prod\n"}},
     {"environments/prod.yaml:3:17: promote_from cycle: prod -> staging -> prod"}},
    {"approval_role_nobody_holds",
     {{"slipway.yaml", k_head + "roles:\n  qa: []\n"},
      {"environments/staging.yaml", "platform: process\npolicy:\n  approvals:\n    - role: qa\n"}},
     {"environments/staging.yaml:4:13: approvals of environment 'staging' name role 'qa' that nobody holds"}},
    {"approval_unknown_role",
     {{"slipway.yaml", k_head + "roles:\n  qa: [carol]\n"},
      {"environments/staging.yaml", "platform: process\npolicy:\n  approvals:\n    - role: qaa\n"}},
     {"environments/staging.yaml:4:13: approvals of environment 'staging' name unknown role 'qaa' (did you "
      "mean 'qa'?)"}},
    {"approval_count_above_holders",
     {{"slipway.yaml", k_head + "roles:\n  qa: [carol]\n"},
      {"environments/prod.yaml", "platform: process\npolicy:\n  approvals:\n    - role: qa\n      count: 2\n"}},
     {"environments/prod.yaml:4:7: approvals of environment 'prod' need 2 approvals from role 'qa', which "
      "only 1 identity holds"}},
    {"approval_without_role",
     {{"slipway.yaml", k_head}, {"environments/prod.yaml", "platform: process\npolicy:\n  approvals:\n    - count: 1\n"}},
     {"environments/prod.yaml:4:7: approval of environment 'prod' has no role"}},
    {"freeze_window_bad_date",
     {{"slipway.yaml", k_head},
      {"environments/prod.yaml", "platform: process\npolicy:\n  freeze:\n    - from: 2026-13-01\n"
                                 "      to: 2027-01-02\n"}},
     {"environments/prod.yaml:4:13: invalid from '2026-13-01' in freeze window of environment 'prod': "
      "expected YYYY-MM-DD or YYYY-MM-DDTHH:MM"}},
    {"freeze_window_backwards",
     {{"slipway.yaml", k_head},
      {"environments/prod.yaml", "platform: process\npolicy:\n  freeze:\n    - from: 2027-01-02\n"
                                 "      to: 2026-12-20\n"}},
     {"environments/prod.yaml:4:7: freeze window of environment 'prod' ends before it starts"}},
    {"freeze_window_bad_day_and_time",
     {{"slipway.yaml", k_head},
      {"environments/prod.yaml", "platform: process\npolicy:\n  freeze:\n    - days: [fry]\n"
                                 "      start: '16:00'\n      end: '25:00'\n"}},
     {"environments/prod.yaml:4:14: invalid day 'fry' in freeze window of environment 'prod' (did you mean "
      "'fri'?)",
      "environments/prod.yaml:6:12: invalid end '25:00' in freeze window of environment 'prod': expected HH:MM"}},
    {"freeze_window_unknown_timezone",
     {{"slipway.yaml", k_head},
      {"environments/prod.yaml", "platform: process\npolicy:\n  freeze:\n    - days: [sat, sun]\n"
                                 "      start: '00:00'\n      end: '23:59'\n      timezone: Mars/Olympus\n"}},
     {"environments/prod.yaml:7:17: unknown timezone 'Mars/Olympus' in freeze window of environment 'prod'"}},
    {"distinct_approvers_not_boolean",
     {{"slipway.yaml", k_head},
      {"environments/prod.yaml", "platform: process\npolicy:\n  distinct_approvers: maybe\n"}},
     {"environments/prod.yaml:3:23: distinct_approvers of policy of environment 'prod': expected true or "
      "false, got 'maybe'"}},
    {"webhook_secret_sources",
     {{"slipway.yaml", k_head + "webhooks:\n  github: {secret: gh-hook, environment: dev}\n"
                                "  gitea: {secret: x, environment: stagin}\n"
                                "  gitlab: {secret_file: f, secret: x, environment: dev}\n"
                                "  bitbucket: {secret: gh-hook}\n"},
      {"environments/dev.yaml", "platform: process\nsecrets:\n  gh-hok: {generate: {}}\n"}},
     {"slipway.yaml:5:3: webhook host 'github' uses secret 'gh-hook', which environment 'dev' does not define "
      "(did you mean 'gh-hok'?)",
      "slipway.yaml:6:3: webhook host 'gitea' takes its secret from unknown environment 'stagin'",
      "slipway.yaml:7:3: webhook host 'gitlab': give either secret_file or secret (with environment), not both",
      "slipway.yaml:8:3: webhook host 'bitbucket' has no environment"}},
    {"permission_unknown_and_role_unknown",
     {{"slipway.yaml", k_head + "roles:\n  qa: [carol]\npermissions:\n  promte: [qa]\n  release: [qq]\n"}},
     {"slipway.yaml:7:3: unknown permission 'promte' in slipway.yaml (did you mean 'promote'?)",
      "slipway.yaml:8:13: permission release of slipway.yaml names unknown role 'qq' (did you mean 'qa'?)"}},
    {"policy_permission_roles_and_approval_expiry",
     {{"slipway.yaml", k_head + "roles:\n  qa: [carol]\n"},
      {"environments/prod.yaml", "platform: process\npolicy:\n  permissions:\n    hotfix: [admin]\n"
                                 "  approvals:\n    - role: qa\n      expires_after: 3 days\n"}},
     {"environments/prod.yaml:4:14: permission hotfix of environment 'prod' names unknown role 'admin'",
      "environments/prod.yaml:7:22: expires_after of approval of environment 'prod': expected a positive span "
      "such as 90s, 30m, 24h or 7d, got '3 days'"}},
    {"role_is_not_a_list", {{"slipway.yaml", k_head + "roles:\n  qa: carol\n"}},
     {"slipway.yaml:5:7: role 'qa': expected a sequence, got a string"}},
    {"role_member_twice", {{"slipway.yaml", k_head + "roles:\n  qa: [carol, carol]\n"}},
     {"slipway.yaml:5:15: role 'qa' lists 'carol' twice"}},
    {"invalid_component_name",
     {{"slipway.yaml", k_head + "components:\n  orders@v1:\n    repo: git@x:o\n"}},
     {"slipway.yaml:5:3: invalid component name 'orders@v1': use letters, digits, '-', '_' and '.'"}},
    {"environment_lists_block_twice",
     {{"slipway.yaml", k_head + "blocks:\n  core: {}\n"},
      {"environments/dev.yaml", "platform: process\nblocks: [core, core]\n"}},
     {"environments/dev.yaml:2:16: environment 'dev' lists block 'core' twice"}},
    {"secret_from_two_blocks",
     {{"slipway.yaml", k_head + "blocks:\n  a:\n    secrets: {token: {from_env: T}}\n"
                                "  b:\n    secrets: {token: {from_env: U}}\n"},
      {"environments/dev.yaml", "platform: process\nblocks: [a, b]\n"}},
     {"environments/dev.yaml:2:13: environment 'dev' gets secret 'token' from blocks 'a' and 'b'"}},
    {"values_not_a_mapping",
     {{"slipway.yaml", k_head}, {"environments/dev.yaml", "platform: process\nvalues: [1, 2]\n"}},
     {"environments/dev.yaml:2:9: values of environment 'dev': expected a mapping, got a sequence"}},
    {"component_with_empty_body",
     {{"slipway.yaml", k_head + "components:\n  a:\n  b:\n    repo: git@x:b\n"}},
     {"slipway.yaml:5:3: component 'a': expected a mapping, got nothing"}},
    {"empty_platform",
     {{"slipway.yaml", k_head}, {"environments/dev.yaml", "platform:\nblocks: []\n"}},
     {"environments/dev.yaml:1:1: platform of environment 'dev': expected a platform name or a mapping, got "
      "nothing"}},
    {"http_health_path_without_slash",
     {{"slipway.yaml", k_head + "components:\n  b:\n    repo: git@x:b\n    deploy:\n      process:\n"
                                "        command: ./b\n        health: {http: health}\n"}},
     {"slipway.yaml:10:24: http health path of component 'b' must start with '/'"}},
    {"process_env_value_not_a_string",
     {{"slipway.yaml", k_head + "components:\n  b:\n    repo: git@x:b\n    deploy:\n      process:\n"
                                "        command: ./b\n        env:\n          X: [1]\n"}},
     {"slipway.yaml:11:14: 'X' of env of process deploy of component 'b': expected a string, got a sequence"}},
    {"approval_written_as_a_name",
     {{"slipway.yaml", k_head + "roles:\n  qa: [carol]\n"},
      {"environments/prod.yaml", "platform: process\npolicy:\n  approvals:\n    - qa\n"}},
     {"environments/prod.yaml:4:7: approval of environment 'prod': expected a mapping, got a string"}},
    {"folders_checked_despite_broken_slipway_yaml",
     {{"slipway.yaml", "product: [\n"}, {"environments/dev.yaml", "platform: process\nvalue: {}\n"}},
     {"environments/dev.yaml:2:1: unknown key 'value' in environment 'dev' (did you mean 'values'?)",
      "slipway.yaml:2:1: YAML syntax error: end of sequence flow not found"}},
    {"deploy_value_not_set_in_an_environment",
     {{"slipway.yaml", k_head + "components:\n  b:\n    repo: git@x:b\n    deploy:\n      process:\n"
                                "        command: ./b\n        env:\n          LEVEL: ${{ values.log.levl }}\n"},
      {"environments/dev.yaml", "platform: process\ncomponents: [b]\nvalues: {log: {level: info}}\n"}},
     {"slipway.yaml:11:18: component 'b' uses ${{ values.log.levl }}, which environment 'dev' does not set "
      "(did you mean 'log.level'?)"}},
    {"deploy_secret_not_given_by_an_environment",
     {{"slipway.yaml", k_head + "components:\n  b:\n    repo: git@x:b\n    deploy:\n      process:\n"
                                "        command: ./b\n        env:\n          TOKEN: \"Bearer ${{ secrets.tokn }}\"\n"},
      {"environments/dev.yaml", "platform: process\ncomponents: [b]\nsecrets: {token: {from_env: T}}\n"}},
     {"slipway.yaml:11:26: component 'b' uses ${{ secrets.tokn }}, which environment 'dev' does not give "
      "(did you mean 'token'?)"}},
    {"deploy_references_met_by_blocks_platform_and_environment",
     {{"slipway.yaml", k_head + "components:\n  b:\n    repo: git@x:b\n    deploy:\n      helm:\n"
                                "        chart: c\n        values:\n          image: {tag: '${{ values.tag }}'}\n"
                                "          hosts: ['${{ values.host }}', '${{ secrets.cert }}']\n"
                                "blocks:\n  core:\n    components: [b]\n    values: {tag: v1}\n"
                                "    secrets: {cert: {from_env: C}}\n"},
      {"environments/dev.yaml", "platform: {kind: helm, values: {host: a}}\nblocks: [core]\n"}},
     {}},
    {"deploy_references_checked_where_the_platform_uses_them",
     {{"slipway.yaml", k_head + "components:\n  b:\n    repo: git@x:b\n    deploy:\n      script: {apply: ./go}\n"
                                "      helm:\n        chart: c\n        values: {tag: '${{ values.tagg }}'}\n"},
      {"environments/dev.yaml", "platform: script\ncomponents: [b]\n"},
      {"environments/prod.yaml", "platform: helm\ncomponents: [b]\nvalues: {tag: v1}\n"},
      {"environments/test.yaml", "platform: helm\nvalues: {tag: v1}\n"}},
     {"slipway.yaml:11:24: component 'b' uses ${{ values.tagg }}, which environment 'prod' does not set "
      "(did you mean 'tag'?)"}},
    {"deploy_reference_unterminated_reported_once",
     {{"slipway.yaml", k_head + "components:\n  b:\n    repo: git@x:b\n    deploy:\n      process:\n"
                                "        command: ./b\n        env: {A: '${{ values.a'}\n"},
      {"environments/dev.yaml", "platform: process\ncomponents: [b]\n"},
      {"environments/prod.yaml", "platform: process\ncomponents: [b]\n"}},
     {"slipway.yaml:10:18: deploy settings of component 'b': '${{ values.a' has no closing '}}'"}},
    {"all_errors_at_once_sorted",
     {{"slipway.yaml", "product:\n  name: acme\n  version: x\ncomponents:\n  a:\n    repo: git@x:a\n"
                       "    depends_on: [zz]\n"},
      {"environments/dev.yaml", "blocks: [nope]\n"}},
     {"environments/dev.yaml:1:1: environment 'dev' has no platform",
      "environments/dev.yaml:1:10: environment 'dev' uses unknown block 'nope'",
      "slipway.yaml:3:12: invalid product version 'x': expected MAJOR.MINOR",
      "slipway.yaml:7:18: component 'a' depends on unknown component 'zz'"}},
};

INSTANTIATE_TEST_SUITE_P(Workspace, ValidateCase, ::testing::ValuesIn(k_cases),
                         [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

TEST(ValidateWorkspace, MissingSlipwayYamlIsNotFound) {
  test::TempDir dir;
  Diagnostics diagnostics = validate_workspace(dir.path());
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics.errors()[0].code, ErrorCode::not_found);
  EXPECT_EQ(diagnostics.errors()[0].message, "no slipway.yaml in '" + dir.path().string() + "'");
}

TEST(ValidateWorkspace, LoadWorkspaceReturnsFirstErrorWithCount) {
  test::TempDir dir;
  test::write_file(dir / "slipway.yaml", "product:\n  name: acme\n  version: x\n  patch: daily\n");
  Result<Workspace> ws = load_workspace(dir.path());
  ASSERT_FALSE(ws);
  EXPECT_EQ(ws.error().to_string(),
            "slipway.yaml:3:12: invalid product version 'x': expected MAJOR.MINOR (and 1 more error)");
}

}  // namespace
}  // namespace slipway::model
