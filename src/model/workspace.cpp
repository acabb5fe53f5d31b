// Loading a workspace: the passes are read files → read objects → check
// names and duplicates → check references (validate.cpp). Every pass reports
// into one Diagnostics and carries on, so `slipway validate` shows all errors.
#include "model/workspace.h"

#include <algorithm>
#include <system_error>

#include "core/strings.h"
#include "model/reader.h"

namespace slipway::model {

const char* patch_scheme_name(PatchScheme scheme) {
  return scheme == PatchScheme::timestamp ? "timestamp" : "counter";
}

const char* platform_kind_name(PlatformKind kind) {
  switch (kind) {
    case PlatformKind::process: return "process";
    case PlatformKind::helm: return "helm";
    case PlatformKind::kubectl: return "kubectl";
    case PlatformKind::terraform: return "terraform";
    case PlatformKind::script: return "script";
  }
  return "process";
}

const char* policy_mode_name(PolicyMode mode) { return mode == PolicyMode::auto_ ? "auto" : "manual"; }

const char* version_preset_name(VersionPreset preset) {
  return preset == VersionPreset::conventionalcommits ? "conventionalcommits" : "angular";
}

std::optional<PlatformKind> parse_platform_kind(std::string_view text) {
  for (PlatformKind kind : {PlatformKind::process, PlatformKind::helm, PlatformKind::kubectl,
                            PlatformKind::terraform, PlatformKind::script})
    if (text == platform_kind_name(kind)) return kind;
  return std::nullopt;
}

bool Deploy::supports(PlatformKind kind) const {
  switch (kind) {
    case PlatformKind::process: return process.has_value();
    case PlatformKind::helm: return helm.has_value();
    case PlatformKind::kubectl: return kubectl.has_value();
    case PlatformKind::terraform: return terraform.has_value();
    case PlatformKind::script: return script.has_value();
  }
  return false;
}

namespace {

template <class T>
const T* find_named(const std::vector<T>& items, std::string_view name) {
  for (const T& item : items)
    if (item.name == name) return &item;
  return nullptr;
}

}  // namespace

const TemplateSource* Workspace::template_source(std::string_view name) const {
  return find_named(template_sources, name);
}

const VariableGroup* Workspace::variable_group(std::string_view name) const {
  return find_named(variable_groups, name);
}
const Component* Workspace::component(std::string_view name) const { return find_named(components, name); }
const Block* Workspace::block(std::string_view name) const { return find_named(blocks, name); }
const Environment* Workspace::environment(std::string_view name) const {
  return find_named(environments, name);
}
const Role* Workspace::role(std::string_view name) const { return find_named(roles, name); }
const WebhookSource* Workspace::webhook(std::string_view name) const { return find_named(webhooks, name); }

Result<const Component*> Workspace::require_component(std::string_view name) const {
  if (const Component* found = component(name)) return found;
  return fail(ErrorCode::not_found, "unknown component '" + std::string(name) + "'" + did_you_mean(name, names_of(components)));
}

Result<const Environment*> Workspace::require_environment(std::string_view name) const {
  if (const Environment* found = environment(name)) return found;
  return fail(ErrorCode::not_found,
              "unknown environment '" + std::string(name) + "'" + did_you_mean(name, names_of(environments)));
}

std::string Workspace::repo_location(const Component& c) const {
  if (c.repo_is_url) return c.repo;
  std::error_code ec;
  std::filesystem::path path = std::filesystem::absolute(dir / c.repo, ec);
  return (ec ? dir / c.repo : path).lexically_normal().string();
}

namespace {

using detail::Reader;

// Reads each entry of a `name: {...}` section with `read`, checking names.
template <class T, class ReadFn>
void read_section(Reader& reader, const yaml::Node& root, std::string_view key, const char* noun,
                  std::vector<T>& out, ReadFn read) {
  const yaml::Node* section = root.get(key);
  if (!section || section->is_null()) return;
  if (!reader.mapping(*section, std::string(key) + " of slipway.yaml",
                      detail::key_position(root, key, {}))) return;
  for (const yaml::Node::Entry& entry : section->entries()) {
    const std::string& name = entry.key.text();
    if (!detail::valid_name(name))
      reader.error(std::string("invalid ") + noun + " name '" + name +
                       "': use letters, digits, '-', '_' and '.'",
                   entry.key.position());
    if (std::optional<T> item = read(name, entry.value, entry.key.position())) out.push_back(std::move(*item));
  }
}

std::vector<std::filesystem::path> yaml_files(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) return files;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    std::string ext = entry.path().extension().string();
    if (entry.is_regular_file(ec) && (ext == ".yaml" || ext == ".yml")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// environments/*.yaml or blocks/*.yaml: one object per file, named by its
// `name:` key or the file stem.
template <class T, class ReadFn>
void read_folder(Reader& reader, Diagnostics& diagnostics, const std::filesystem::path& dir,
                 const char* folder, const char* noun, std::vector<T>& out, ReadFn read) {
  for (const std::filesystem::path& path : yaml_files(dir / folder)) {
    std::string display = std::string(folder) + "/" + path.filename().string();
    Result<yaml::Node> doc = yaml::load_file(path, display);
    if (!doc) {
      diagnostics.add(doc.error());
      continue;
    }
    std::string name = path.stem().string();
    Position where{display, 1, 1};
    if (doc->is_mapping() && doc->position().line > 0) where = doc->position();
    if (const yaml::Node* key = doc->is_mapping() ? doc->get("name") : nullptr) {
      if (std::optional<std::string> text = reader.string(*key, std::string("name of ") + noun + " file " + display, where)) {
        name = *text;
        where = Reader::at(*key, where);
      }
    }
    if (!detail::valid_name(name))
      reader.error(std::string("invalid ") + noun + " name '" + name +
                       "': use letters, digits, '-', '_' and '.'",
                   where);
    if (std::optional<T> item = read(name, *doc, where)) out.push_back(std::move(*item));
  }
}

template <class T>
void check_duplicates(Reader& reader, const std::vector<T>& items, const char* noun) {
  for (size_t i = 0; i < items.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (items[i].name == items[j].name) {
        reader.error(std::string("duplicate ") + noun + " '" + items[i].name + "' (also defined at " +
                         items[j].where.to_string() + ")",
                     items[i].where);
        break;
      }
}

// Environments along the promotion chain: each after the one it promotes
// from (ties keep declaration order). Cycles only bound the walk.
void order_by_promotion(std::vector<Environment>& environments) {
  auto depth = [&](const Environment& env) {
    size_t steps = 0;
    const Environment* current = &env;
    while (current->policy.promote_from && steps <= environments.size()) {
      const Environment* next = find_named(environments, current->policy.promote_from->name);
      if (!next) break;
      current = next;
      ++steps;
    }
    return steps;
  };
  std::vector<std::pair<size_t, Environment>> keyed;
  for (Environment& env : environments) keyed.emplace_back(depth(env), std::move(env));
  std::stable_sort(keyed.begin(), keyed.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  environments.clear();
  for (auto& [steps, env] : keyed) environments.push_back(std::move(env));
}

}  // namespace

std::vector<std::filesystem::path> workspace_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files = {dir / "slipway.yaml"};
  for (const char* folder : {"blocks", "environments"})
    for (std::filesystem::path& path : yaml_files(dir / folder)) files.push_back(std::move(path));
  return files;
}

namespace {

// `tasks:` - a list of folders, each holding a task.json (read in full by
// the runs: run/task_folder.h).
void read_task_folders(Reader& reader, const yaml::Node& list, Workspace& ws, const Position& top) {
  Position where = detail::key_position(list, "tasks", top);
  if (!reader.sequence(list, "tasks", where)) return;
  for (const yaml::Node& item : list.items()) {
    std::optional<std::string> path = reader.string(item, "a task folder", Reader::at(item, where));
    if (!path) continue;
    TaskFolderRef task{*path, Reader::at(item, where)};
    std::error_code ec;
    if (path->empty()) reader.error("a task folder needs a path", task.where);
    else if (!std::filesystem::is_regular_file(ws.task_folder(task) / "task.json", ec))
      reader.error("task folder '" + *path + "' has no task.json (" + ws.task_folder(task).string() + ")", task.where);
    else ws.tasks.push_back(std::move(task));
  }
}

}  // namespace

WorkspaceLoad inspect_workspace(const std::filesystem::path& dir) {
  WorkspaceLoad load;
  load.workspace.dir = dir;
  Diagnostics& diagnostics = load.diagnostics;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(dir / "slipway.yaml", ec)) {
    diagnostics.add(ErrorCode::not_found, "no slipway.yaml in '" + dir.string() + "'", {});
    return load;
  }
  Reader reader(diagnostics);
  Workspace& ws = load.workspace;
  const Position top{"slipway.yaml", 1, 1};
  // slipway.yaml; when it cannot be read as a mapping, the folders are still
  // checked file by file, but references are not (they would all be unknown).
  Result<yaml::Node> root = yaml::load_file(dir / "slipway.yaml", "slipway.yaml");
  if (!root) diagnostics.add(root.error());
  const bool root_ok = root && reader.mapping(*root, "slipway.yaml", top);
  const yaml::Node empty = yaml::Node::make_mapping();
  const yaml::Node& doc = root_ok ? *root : empty;
  if (root_ok) {
    reader.check_keys(doc, "slipway.yaml",
                      {"product", "templates", "variable_groups", "components", "blocks", "environments", "roles",
                       "permissions", "webhooks", "tasks", "secure_files"});
    if (const yaml::Node* product = doc.get("product")) {
      if (std::optional<Product> value =
              detail::read_product(reader, *product, detail::key_position(doc, "product", top)))
        ws.product = std::move(*value);
    } else {
      reader.error("slipway.yaml has no product", top);
    }
  }
  read_section(reader, doc, "templates", "template source", ws.template_sources,
               [&](const std::string& name, const yaml::Node& node, const Position& where) {
                 return detail::read_template_source(reader, name, node, where);
               });
  read_section(reader, doc, "variable_groups", "variable group", ws.variable_groups,
               [&](const std::string& name, const yaml::Node& node, const Position& where) {
                 return detail::read_variable_group(reader, name, node, where);
               });
  read_section(reader, doc, "components", "component", ws.components,
               [&](const std::string& name, const yaml::Node& node, const Position& where) {
                 return detail::read_component(reader, name, node, where);
               });
  auto block_reader = [&](const std::string& name, const yaml::Node& node, const Position& where) {
    return detail::read_block(reader, name, node, where);
  };
  read_section(reader, doc, "blocks", "block", ws.blocks, block_reader);
  read_folder(reader, diagnostics, dir, "blocks", "block", ws.blocks, block_reader);
  read_section(reader, doc, "environments", "environment", ws.environments,
               [&](const std::string& name, const yaml::Node& node, const Position& where) {
                 return detail::read_environment(reader, name, node, where, false);
               });
  read_folder(reader, diagnostics, dir, "environments", "environment", ws.environments,
              [&](const std::string& name, const yaml::Node& node, const Position& where) {
                return detail::read_environment(reader, name, node, where, true);
              });
  read_section(reader, doc, "roles", "role", ws.roles,
               [&](const std::string& name, const yaml::Node& node, const Position& where) {
                 return detail::read_role(reader, name, node, where);
               });
  read_section(reader, doc, "secure_files", "secure file", ws.secure_files,
               [&](const std::string& name, const yaml::Node& node, const Position& where) -> std::optional<SecureFile> {
                 const std::string what = "secure file '" + name + "'";
                 if (!reader.mapping(node, what, where)) return std::nullopt;
                 reader.check_keys(node, what, {"environment", "secret"});
                 std::optional<std::string> environment = reader.required_string(node, "environment", what, where);
                 std::optional<std::string> secret = reader.required_string(node, "secret", what, where);
                 if (!environment || !secret) return std::nullopt;
                 if (!ws.environment(*environment) && !ws.environments.empty())
                   reader.error(what + ": unknown environment '" + *environment + "'", where);
                 return SecureFile{name, *environment, *secret, where};
               });
  read_section(reader, doc, "webhooks", "webhook host", ws.webhooks,
               [&](const std::string& name, const yaml::Node& node, const Position& where) {
                 return detail::read_webhook(reader, name, node, where);
               });
  if (const yaml::Node* tasks = doc.get("tasks")) read_task_folders(reader, *tasks, ws, top);
  if (const yaml::Node* permissions = doc.get("permissions"))
    ws.permissions = detail::read_permissions(reader, *permissions, "slipway.yaml",
                                              detail::key_position(doc, "permissions", top));
  check_duplicates(reader, ws.blocks, "block");
  check_duplicates(reader, ws.environments, "environment");

  if (root_ok) detail::check_references(ws, diagnostics);
  order_by_promotion(ws.environments);
  diagnostics.sort();
  return load;
}

std::filesystem::path Workspace::task_folder(const TaskFolderRef& task) const {
  std::filesystem::path path(task.path);
  return (path.is_absolute() ? path : std::filesystem::absolute(dir) / path).lexically_normal();
}

Diagnostics validate_workspace(const std::filesystem::path& dir) {
  return inspect_workspace(dir).diagnostics;
}

Result<Workspace> load_workspace(const std::filesystem::path& dir) {
  WorkspaceLoad load = inspect_workspace(dir);
  if (load.diagnostics.empty()) return std::move(load.workspace);
  Error first = load.diagnostics.errors().front();
  size_t more = load.diagnostics.size() - 1;
  if (more > 0)
    first.message += " (and " + std::to_string(more) + " more error" + (more == 1 ? "" : "s") + ")";
  return std::unexpected(std::move(first));
}

}  // namespace slipway::model
