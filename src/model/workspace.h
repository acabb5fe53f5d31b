// The workspace model: slipway.yaml (+ environments/*.yaml, blocks/*.yaml)
// as typed values.
//
// A workspace is a folder holding slipway.yaml at its root. It declares the
// product, template sources, components, blocks, environments and roles;
// environments and blocks may also live one per file in environments/ and
// blocks/ (name = the file stem, or the file's `name:` key). docs/workspace.md
// is the reference of every key.
//
// Every object keeps the Position of its name (file relative to the workspace
// folder, line, column), and every reference keeps the position where it was
// written, so later modules can report their own errors at the right place.
// Values stay yaml::Node trees (with positions) because they are free-form.
//
// The model is plain data: no I/O after loading, no pointers between objects
// (references are names; look them up with the Workspace finders). A loaded
// Workspace is immutable by convention and may be read from many threads.
#pragma once

#include <array>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/yaml.h"

namespace slipway::model {

// A name written somewhere (a reference, or a list entry), with its position.
struct NameRef {
  std::string name;
  Position where;
};

enum class PatchScheme { timestamp, counter };
enum class PlatformKind { process, helm, kubectl, terraform, script };
enum class PolicyMode { auto_, manual };
enum class VersionPreset { conventionalcommits, angular };

const char* patch_scheme_name(PatchScheme scheme);    // "timestamp", "counter"
const char* platform_kind_name(PlatformKind kind);    // "process", "helm", ...
const char* policy_mode_name(PolicyMode mode);        // "auto", "manual"
const char* version_preset_name(VersionPreset preset);
std::optional<PlatformKind> parse_platform_kind(std::string_view text);

struct Product {
  std::string name;
  int major = 0;
  int minor = 0;
  PatchScheme patch = PatchScheme::timestamp;
  Position where;  // the `product:` key
};

// A template source: referenced as `path@name` in pipelines.
struct TemplateSource {
  std::string name;
  std::string path;  // local folder, relative to the workspace (empty when git)
  std::string git;   // git URL (empty when path)
  std::string ref;   // branch, tag or commit for git sources; default "main"
  Position where;
};

// A variable group, referenced as `- group: NAME` in pipeline variables.
// Secrets are never written in the workspace: each names the environment
// variable of slipway's process that holds its value at run time.
struct VariableGroup {
  std::string name;
  std::vector<std::pair<std::string, std::string>> values;   // name → value, in file order
  std::vector<std::pair<std::string, std::string>> secrets;  // name → environment variable
  Position where;
};

struct HealthCheck {
  enum class Kind { none, http, tcp };
  Kind kind = Kind::none;
  std::string http_path;  // for http, e.g. "/health"
  int timeout_seconds = 30;
  int retries = 3;
  Position where;
};

struct ProcessDeploy {
  std::vector<std::string> argv;  // exactly one of argv / command is set
  std::string command;            // run with /bin/sh -c
  std::string cwd;                // relative to the unpacked artifact; empty = its root
  std::optional<int> port;        // exported as PORT (plus the platform's port_offset)
  std::vector<std::pair<std::string, std::string>> env;  // in file order
  HealthCheck health;
  Position where;
};

struct HelmDeploy {
  std::string chart;
  yaml::Node values;  // mapping or null
  Position where;
};

struct KubectlDeploy {
  std::vector<std::string> manifests;  // files or folders inside the component repo
  Position where;
};

struct TerraformDeploy {
  std::string module;  // module folder inside the component repo
  yaml::Node vars;     // mapping or null
  Position where;
};

struct ScriptDeploy {
  std::string plan;      // optional
  std::string apply;     // required
  std::string rollback;  // optional
  Position where;
};

// How a component is deployed, per platform; absent = not deployable there.
struct Deploy {
  std::optional<ProcessDeploy> process;
  std::optional<HelmDeploy> helm;
  std::optional<KubectlDeploy> kubectl;
  std::optional<TerraformDeploy> terraform;
  std::optional<ScriptDeploy> script;
  // The mapping as written, keyed by platform kind: validate finds the
  // ${{ values.x }} and ${{ secrets.x }} references in it with their positions.
  yaml::Node written;
  bool supports(PlatformKind kind) const;
};

struct ReleaseBranch {
  std::string name;        // a branch name or glob, e.g. "main", "release/*"
  std::string prerelease;  // prerelease id ("beta"); empty = normal releases
  Position where;
};

struct Versioning {
  std::string tag_format = "v${version}";
  VersionPreset preset = VersionPreset::conventionalcommits;
  std::vector<std::string> paths;        // only commits touching these count (monorepos)
  std::vector<ReleaseBranch> branches;   // empty = the default branch only
  bool push_tags = false;  // a repo given as a URL: push each release tag back to it (else tagged in its mirror only)
  Position where;
};

struct Component {
  std::string name;
  std::string description;
  std::string repo;  // relative path (to the workspace) or git URL
  bool repo_is_url = false;
  std::string pipeline = "azure-pipelines.yml";  // file inside the repo
  std::vector<NameRef> depends_on;
  Versioning versioning;
  Deploy deploy;
  // Secrets its deploy receives as SECRET_<NAME>, besides those its settings
  // reference as ${{ secrets.NAME }} (model/resolve.h: secrets_used_by).
  std::vector<NameRef> secrets;
  Position where;
};

struct SecretSpec {
  enum class Kind { generate, from_env };
  std::string name;
  Kind kind = Kind::generate;
  int length = 32;                     // generate
  std::string charset = "alphanumeric";  // generate: alphanumeric | hex | base64 | ascii
  std::string env_var;                 // from_env
  Position where;
};

// A piece of infrastructure a block needs (applied by the terraform driver).
struct Infrastructure {
  std::string name;
  std::string module;  // folder relative to the workspace
  yaml::Node vars;     // mapping or null
  Position where;
};

struct Block {
  std::string name;
  std::string description;
  std::vector<NameRef> components;
  yaml::Node values;  // mapping or null
  std::vector<SecretSpec> secrets;
  std::vector<Infrastructure> infrastructure;
  Position where;
};

struct Platform {
  PlatformKind kind = PlatformKind::process;
  // process
  std::string host = "127.0.0.1";
  int port_offset = 0;
  // helm, kubectl
  std::string namespace_name;
  std::string context;
  // terraform, script
  std::string workdir;
  std::vector<std::pair<std::string, std::string>> env;  // script: extra environment
  // helm, kubectl, terraform: the tool's executable (absolute, or relative to
  // the workspace folder); empty = found on PATH.
  std::string binary;
  yaml::Node values;  // the platform layer of values (mapping or null)
  Position where;     // the `platform:` value
};

struct Approval {
  NameRef role;
  int count = 1;
  std::optional<std::chrono::seconds> expires_after;  // an older approval no longer counts
  Position where;
};

// The permissions a workspace grants (docs/workspace.md, "Permissions").
inline constexpr std::array<std::string_view, 14> k_permission_names = {
    "release", "run", "promote", "apply", "hotfix", "rollback", "reveal", "rotate", "lock", "force", "rekey", "token",
    "state", "task"};

// The names of `items` (components, environments, roles...), in order.
template <class T>
std::vector<std::string> names_of(const std::vector<T>& items) {
  std::vector<std::string> names;
  for (const T& item : items) names.push_back(item.name);
  return names;
}

// Who may act: the roles holding one permission ("promote: [release-manager]").
// The permission names and their defaults are service/permissions.h's.
struct PermissionGrant {
  std::string permission;
  std::vector<NameRef> roles;
  Position where;
};

// A freeze window: either a fixed span (from/to) or a weekly span (days + start/end).
struct FreezeWindow {
  enum class Kind { span, weekly };
  Kind kind = Kind::span;
  std::string from, to;          // span: "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM"
  std::vector<std::string> days;  // weekly: "mon".."sun"
  std::string start, end;         // weekly: "HH:MM"
  std::string timezone = "UTC";
  Position where;
};

struct Policy {
  PolicyMode mode = PolicyMode::manual;
  std::string branch;                // auto: the branch whose pushes deploy
  std::optional<NameRef> promote_from;
  std::vector<Approval> approvals;
  // The creator of a release and the promoter cannot approve it (Azure's
  // "requester cannot approve"); `distinct_approvers` is the older name.
  bool requester_cannot_approve = true;
  std::vector<FreezeWindow> freeze;
  std::vector<PermissionGrant> permissions;  // this environment's, over the workspace's
  Position where;
};

struct Environment {
  std::string name;
  std::string description;
  std::optional<Platform> platform;  // nullopt only in an invalid workspace
  std::vector<NameRef> blocks;
  std::vector<NameRef> components;  // extra components, beyond the blocks'
  yaml::Node values;                // mapping or null
  // Secrets of the environment itself (same forms as a block's); one with
  // the name of a block's secret replaces it in this environment.
  std::vector<SecretSpec> secrets;
  Policy policy;
  Position where;
};

struct Role {
  std::string name;
  std::vector<NameRef> members;  // local identities
  Position where;
};

// Where the secret of one webhook host is (`webhooks:` in slipway.yaml): a
// file, or one of slipway's secrets of an environment. The server reads it
// per delivery; without an entry, the environment variable
// SLIPWAY_WEBHOOK_SECRET_<HOST> is used (docs/workspace.md).
struct WebhookSource {
  std::string name;         // a webhook host: github, gitea, gitlab, bitbucket, azure-devops
  std::string secret_file;  // the file holding the secret: absolute, or relative to the workspace
  std::string secret;       // or the name of a secret of `environment`, as it was generated or set
  std::string environment;
  Position where;
};

// The webhook hosts slipway verifies (`POST /hooks/<host>`).
inline constexpr std::array<std::string_view, 5> k_webhook_hosts = {"github", "gitea", "gitlab", "bitbucket",
                                                                   "azure-devops"};

// An Azure task folder the workspace offers its pipelines (`tasks:` in
// slipway.yaml): a folder holding task.json and its handler (run/task_folder.h).
struct TaskFolderRef {
  std::string path;  // relative to the workspace, or absolute
  Position where;
};

// A secure file pipelines download with DownloadSecureFile@1 (`secure_files:`
// in slipway.yaml): one of slipway's secrets of an environment, its text the
// file's content. Builds read it only through the step that names it.
struct SecureFile {
  std::string name;         // as the step's secureFile input names it
  std::string environment;
  std::string secret;
  Position where;
};

struct Workspace {
  std::filesystem::path dir;  // the workspace folder as given
  Product product;
  std::vector<TemplateSource> template_sources;
  std::vector<VariableGroup> variable_groups;
  std::vector<Component> components;  // declaration order
  std::vector<Block> blocks;
  std::vector<Environment> environments;  // along promotion: after what they promote from
  std::vector<Role> roles;
  std::vector<PermissionGrant> permissions;  // workspace-wide, under each environment's own
  std::vector<WebhookSource> webhooks;
  std::vector<TaskFolderRef> tasks;
  std::vector<SecureFile> secure_files;

  // Lookups by exact name; nullptr when absent.
  const TemplateSource* template_source(std::string_view name) const;
  const VariableGroup* variable_group(std::string_view name) const;
  const Component* component(std::string_view name) const;
  const Block* block(std::string_view name) const;
  const Environment* environment(std::string_view name) const;
  const Role* role(std::string_view name) const;
  const WebhookSource* webhook(std::string_view name) const;
  // The same, or not_found "unknown component 'ordres' (did you mean 'orders'?)".
  Result<const Component*> require_component(std::string_view name) const;
  Result<const Environment*> require_environment(std::string_view name) const;

  // The repo of a component: an absolute, normalized local path (usable from
  // any working directory), or the URL as written.
  std::string repo_location(const Component& component) const;
  // A task folder's absolute, normalized path.
  std::filesystem::path task_folder(const TaskFolderRef& task) const;
};

// Loading with every problem reported: the model holds whatever could be read
// (unreadable parts are skipped), `diagnostics` every error, sorted by position.
struct WorkspaceLoad {
  Workspace workspace;
  Diagnostics diagnostics;
};

// Reads and validates the workspace in `dir`. Never fails: a missing
// slipway.yaml is a diagnostic without position.
WorkspaceLoad inspect_workspace(const std::filesystem::path& dir);

// All errors of the workspace in `dir`, sorted (empty = valid).
Diagnostics validate_workspace(const std::filesystem::path& dir);

// The workspace, or its first error (invalid_input; not_found when there is no
// slipway.yaml) with " (and N more errors)" appended when there are several.
Result<Workspace> load_workspace(const std::filesystem::path& dir);

// The files load_workspace reads in `dir` (slipway.yaml, blocks/*.yaml,
// environments/*.yaml), for a long-running process to see when to reload.
std::vector<std::filesystem::path> workspace_files(const std::filesystem::path& dir);

}  // namespace slipway::model
