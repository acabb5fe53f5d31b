// The kubectl driver (contract in kubectl_driver.h).
//
// Design. The cluster is the truth for what exists; the state folder keeps
// what slipway last applied (.../applied/) so that a rollback can put it back
// and drift can be judged against what slipway meant, not against what the
// repo says now. Pruning is by label: every object slipway applies carries
// the environment and component labels, so "what belongs to this component"
// is one `kubectl get -l` per apply, over the object types the component has
// ever rendered (kubectl cannot list "every type" cheaply; the types of the
// previous apply are enough, since an object type never rendered was never
// applied). Deletion names each object (TYPE/NAME in its namespace) rather
// than deleting by selector, so an object slipway renders now is never
// deleted, even for a moment.
//
// Drift compares each applied object, field by field, as a subset of the live
// object (the server adds defaults and status; those are not drift).
#include "deploy/kubectl_driver.h"

#include <algorithm>
#include <set>

#include "core/files.h"
#include "core/json_text.h"
#include "core/strings.h"

namespace slipway::deploy {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

namespace {

constexpr const char* k_label_managed = "app.kubernetes.io/managed-by";
constexpr const char* k_label_environment = "slipway.dev/environment";
constexpr const char* k_label_component = "slipway.dev/component";
constexpr const char* k_annotation_version = "slipway.dev/version";

// "deployment.apps" for apps/v1 Deployment, "service" for v1 Service.
std::string type_of(const ordered_json& object) {
  std::string api = object.value("apiVersion", "");
  size_t slash = api.find('/');
  std::string kind = to_lower(object.value("kind", ""));
  return slash == std::string::npos ? kind : kind + "." + api.substr(0, slash);
}

std::string name_of(const ordered_json& object) {
  if (!object.contains("metadata") || !object["metadata"].is_object()) return "";
  return object["metadata"].value("name", "");
}

std::string namespace_of(const ordered_json& object) {
  if (!object.contains("metadata") || !object["metadata"].is_object()) return "";
  return object["metadata"].value("namespace", "");
}

std::string id_of(const ordered_json& object) { return type_of(object) + "/" + name_of(object); }

// A rendered object without a namespace matches the live one in any namespace.
bool same_object(const ordered_json& rendered, const ordered_json& live) {
  if (type_of(rendered) != type_of(live) || name_of(rendered) != name_of(live)) return false;
  std::string ns = namespace_of(rendered);
  return ns.empty() || ns == namespace_of(live);
}

std::string scalar_text(const ordered_json& value) {
  return value.is_string() ? value.get<std::string>() : json_text(value);
}

// Paths of `want` (a subset of an object) whose live value differs.
void diff_fields(const ordered_json& want, const ordered_json& live, const std::string& path,
                 std::vector<std::string>& out) {
  if (want.is_object()) {
    if (!live.is_object()) {
      out.push_back(path);
      return;
    }
    for (auto it = want.begin(); it != want.end(); ++it) {
      std::string sub = path.empty() ? it.key() : path + "." + it.key();
      if (!live.contains(it.key())) out.push_back(sub);
      else diff_fields(it.value(), live[it.key()], sub, out);
    }
  } else if (want.is_array()) {
    if (!live.is_array() || live.size() != want.size()) {
      out.push_back(path);
      return;
    }
    for (size_t i = 0; i < want.size(); ++i) diff_fields(want[i], live[i], path + "[" + std::to_string(i) + "]", out);
  } else if (want != live && scalar_text(want) != scalar_text(live)) {
    out.push_back(path);
  }
}

// Splits a multi-document YAML text on "---" lines; each piece keeps its first
// line number so positions in errors stay true.
std::vector<std::pair<std::string, int>> split_documents(const std::string& text) {
  std::vector<std::pair<std::string, int>> docs;
  std::string current;
  int line_number = 0, start = 1;
  for (const std::string& line : split(text, '\n')) {
    ++line_number;
    std::string_view trimmed = trim(line);
    if (trimmed == "---" || line.starts_with("--- ")) {
      docs.emplace_back(std::move(current), start);
      current.clear();
      start = line_number + 1;
      continue;
    }
    current += line;
    current += '\n';
  }
  docs.emplace_back(std::move(current), start);
  return docs;
}

Result<std::vector<fs::path>> manifest_files(const model::Component& component, const model::Workspace& ws) {
  std::vector<fs::path> files;
  if (component.repo_is_url)
    return fail(ErrorCode::invalid_input,
                "component " + component.name + ": kubectl manifests need a local repo (repo is " + component.repo + ")");
  fs::path repo = ws.repo_location(component);
  for (const std::string& manifest : component.deploy.kubectl->manifests) {
    fs::path path = repo / manifest;
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) {
      files.push_back(path);
      continue;
    }
    if (!fs::is_directory(path, ec))
      return fail(ErrorCode::invalid_input, "component " + component.name + ": manifest " + manifest + " not found");
    std::vector<fs::path> found;
    for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      std::string ext = it->path().extension().string();
      if (it->is_regular_file() && (ext == ".yaml" || ext == ".yml" || ext == ".json")) found.push_back(it->path());
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

// The objects of a folder written by write_objects, in file order.
std::vector<ordered_json> read_objects(const fs::path& folder) {
  std::vector<ordered_json> objects;
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return objects;
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder, ec))
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    Result<std::string> text = read_text_file(file);
    if (!text) continue;
    ordered_json object = ordered_json::parse(*text, nullptr, false);
    if (object.is_object()) objects.push_back(std::move(object));
  }
  return objects;
}

Status write_objects(const fs::path& folder, const std::vector<ordered_json>& objects) {
  std::error_code ec;
  fs::remove_all(folder, ec);
  int index = 0;
  for (const ordered_json& object : objects) {
    std::string number = std::to_string(index++);
    number.insert(0, number.size() < 3 ? 3 - number.size() : 0, '0');
    std::string file = number + "-" + type_of(object) + "-" + name_of(object) + ".json";
    if (Status s = write_private_file(folder / file, json_text(object, 2) + "\n"); !s) return s;
  }
  return {};
}

std::set<std::string> types_of(const std::vector<ordered_json>& objects) {
  std::set<std::string> types;
  for (const ordered_json& o : objects) types.insert(type_of(o));
  return types;
}

class KubectlDriver final : public Driver {
 public:
  explicit KubectlDriver(ToolLocator locator) : m_locator(std::move(locator)) {}

  const char* name() const override { return "kubectl"; }

  std::vector<std::string> check(const DriverContext& context) override {
    std::vector<std::string> problems;
    if (Result<fs::path> kubectl = binary(context); !kubectl) problems.push_back(kubectl.error().message);
    for (const std::string& name : context.environment->components) {
      const model::Component* c = context.workspace->component(name);
      if (!c) continue;
      if (!c->deploy.kubectl) {
        problems.push_back("component " + name + " has no deploy.kubectl section");
        continue;
      }
      if (Result<std::vector<fs::path>> files = manifest_files(*c, *context.workspace); !files)
        problems.push_back(files.error().message);
    }
    return problems;
  }

  std::optional<Observation> observe(const std::string& target, const DriverContext& context) override {
    std::vector<ordered_json> applied = read_objects(kubectl_folder(context, target) / "applied");
    Result<fs::path> kubectl = binary(context);
    if (applied.empty() || !kubectl) return std::nullopt;
    Result<std::vector<ordered_json>> live = list(*kubectl, target, types_of(applied), context);
    if (!live) return std::nullopt;
    Observation seen;
    seen.present = !live->empty();
    for (const ordered_json& item : *live) {
      const ordered_json& metadata = item["metadata"];
      if (metadata.contains("annotations") && metadata["annotations"].contains(k_annotation_version)) {
        seen.version = scalar_text(metadata["annotations"][k_annotation_version]);
        break;
      }
    }
    if (!seen.present) return seen;
    std::vector<std::string> drift;
    for (const ordered_json& want : applied) {
      auto found = std::find_if(live->begin(), live->end(), [&](const ordered_json& l) { return same_object(want, l); });
      if (found == live->end()) {
        drift.push_back("missing " + id_of(want));
        continue;
      }
      std::vector<std::string> fields;
      diff_fields(want, *found, "", fields);
      if (!fields.empty()) drift.push_back("changed " + id_of(want) + " " + join(fields, ", "));
    }
    for (const ordered_json& l : *live)
      if (std::none_of(applied.begin(), applied.end(), [&](const ordered_json& want) { return same_object(want, l); }))
        drift.push_back("not rendered " + id_of(l));
    seen.drift = join(drift, "; ");
    return seen;
  }

  Status apply(const PlanEntry& entry, const DriverContext& context) override {
    Result<fs::path> kubectl = binary(context);
    if (!kubectl) return std::unexpected(kubectl.error());
    const model::Component* c = context.workspace->component(entry.target);
    if (!c || !c->deploy.kubectl)
      return fail(ErrorCode::invalid_input, "component " + entry.target + " has no deploy.kubectl section");
    Result<std::vector<ordered_json>> objects = render_kubectl_objects(*c, entry.to_version, context);
    if (!objects) return std::unexpected(objects.error());
    fs::path folder = kubectl_folder(context, entry.target);
    if (Status s = write_objects(folder / "rendered", *objects); !s) return s;
    if (Status s = server_side_apply(*kubectl, entry.target, folder / "rendered", context); !s) return s;
    std::set<std::string> types = types_of(*objects);
    std::set<std::string> before = types_of(read_objects(folder / "applied"));
    types.insert(before.begin(), before.end());
    if (Status s = prune(*kubectl, entry.target, *objects, types, context); !s) return s;
    std::error_code ec;
    fs::remove_all(folder / "applied", ec);
    fs::rename(folder / "rendered", folder / "applied", ec);
    if (ec) return fail(ErrorCode::io, "cannot record the applied manifests in " + folder.string() + ": " + ec.message());
    return {};
  }

  Status rollback(const PlanEntry& entry, const store::AppliedTarget* previous, const DriverContext& context) override {
    Result<fs::path> kubectl = binary(context);
    if (!kubectl) return std::unexpected(kubectl.error());
    fs::path folder = kubectl_folder(context, entry.target);
    std::vector<ordered_json> applied = read_objects(folder / "applied");
    std::set<std::string> types = types_of(read_objects(folder / "rendered"));
    std::set<std::string> before = types_of(applied);
    types.insert(before.begin(), before.end());
    std::error_code ec;
    if (!previous) {
      if (Status s = prune(*kubectl, entry.target, {}, types, context); !s) return s;
      fs::remove_all(folder, ec);
      return {};
    }
    if (applied.empty())
      return fail(ErrorCode::not_found, entry.target + ": no applied manifests of " + previous->version + " in " +
                                            (folder / "applied").string() + " to go back to");
    if (Status s = server_side_apply(*kubectl, entry.target, folder / "applied", context); !s) return s;
    if (Status s = prune(*kubectl, entry.target, applied, types, context); !s) return s;
    fs::remove_all(folder / "rendered", ec);
    return {};
  }

  Status remove(const PlanEntry& entry, const DriverContext& context) override {
    Result<fs::path> kubectl = binary(context);
    if (!kubectl) return std::unexpected(kubectl.error());
    fs::path folder = kubectl_folder(context, entry.target);
    std::set<std::string> types = types_of(read_objects(folder / "applied"));
    std::set<std::string> rendered = types_of(read_objects(folder / "rendered"));
    types.insert(rendered.begin(), rendered.end());
    if (!types.empty()) {
      std::vector<std::string> argv = {kubectl->string(), "delete",
                                       join(std::vector<std::string>(types.begin(), types.end()), ","),
                                       "-l", selector(entry.target, context), "--ignore-not-found"};
      scope(argv, context, Listing::across_namespaces);
      if (Status s = run_checked(argv, entry.target, "delete", context); !s) return s;
    }
    std::error_code ec;
    fs::remove_all(folder, ec);
    return {};
  }

 private:
  enum class Listing { in_platform_namespace, across_namespaces };

  Result<fs::path> binary(const DriverContext& context) const {
    return find_tool(m_locator, {"kubectl", {"kubectl"}, k_kubectl_override}, context);
  }

  static std::string selector(const std::string& target, const DriverContext& context) {
    return std::string(k_label_environment) + "=" + context.environment->name + "," + k_label_component + "=" + target;
  }

  // --namespace NS (or, for listings without one, --all-namespaces) and --context.
  static void scope(std::vector<std::string>& argv, const DriverContext& context, Listing listing) {
    const model::Platform& platform = context.environment->platform;
    if (!platform.namespace_name.empty()) {
      argv.push_back("--namespace");
      argv.push_back(platform.namespace_name);
    } else if (listing == Listing::across_namespaces) {
      argv.push_back("--all-namespaces");
    }
    if (!platform.context.empty()) {
      argv.push_back("--context");
      argv.push_back(platform.context);
    }
  }

  static Status run_checked(const std::vector<std::string>& argv, const std::string& target, const std::string& what,
                            const DriverContext& context) {
    return run_tool_checked(argv, context.workspace->dir, target, "kubectl " + what, context);
  }

  static Status server_side_apply(const fs::path& kubectl, const std::string& target, const fs::path& folder,
                                  const DriverContext& context) {
    std::vector<std::string> argv = {kubectl.string(), "apply", "--server-side", "--field-manager=slipway",
                                     "--force-conflicts", "-f", folder.string()};
    scope(argv, context, Listing::in_platform_namespace);
    return run_checked(argv, target, "apply", context);
  }

  // The component's live objects of `types`, found by label.
  static Result<std::vector<ordered_json>> list(const fs::path& kubectl, const std::string& target,
                                                const std::set<std::string>& types, const DriverContext& context) {
    std::vector<ordered_json> items;
    if (types.empty()) return items;
    std::vector<std::string> argv = {kubectl.string(), "get", join(std::vector<std::string>(types.begin(), types.end()), ","),
                                     "-l", selector(target, context), "-o", "json"};
    scope(argv, context, Listing::across_namespaces);
    Result<ToolRun> run = run_tool(argv, context.workspace->dir, target, context, true);
    if (!run) return std::unexpected(run.error());
    if (run->exit_code != 0)
      return fail(ErrorCode::io, target + ": kubectl get failed (exit " + std::to_string(run->exit_code) + ")");
    ordered_json answer = ordered_json::parse(run->out, nullptr, false);
    if (!answer.is_object() || !answer.contains("items") || !answer["items"].is_array())
      return fail(ErrorCode::io, target + ": kubectl get answered something that is not a list");
    for (const ordered_json& item : answer["items"])
      if (item.is_object() && item.contains("metadata") && item["metadata"].is_object()) items.push_back(item);
    return items;
  }

  // Deletes the component's live objects of `types` that `keep` does not hold.
  static Status prune(const fs::path& kubectl, const std::string& target, const std::vector<ordered_json>& keep,
                      const std::set<std::string>& types, const DriverContext& context) {
    Result<std::vector<ordered_json>> live = list(kubectl, target, types, context);
    if (!live) return std::unexpected(live.error());
    std::map<std::string, std::vector<std::string>> doomed;  // namespace -> TYPE/NAME
    for (const ordered_json& l : *live)
      if (std::none_of(keep.begin(), keep.end(), [&](const ordered_json& k) { return same_object(k, l); }))
        doomed[namespace_of(l)].push_back(id_of(l));
    for (const auto& [ns, ids] : doomed) {
      std::vector<std::string> argv = {kubectl.string(), "delete"};
      argv.insert(argv.end(), ids.begin(), ids.end());
      argv.push_back("--ignore-not-found");
      if (!ns.empty()) {
        argv.push_back("--namespace");
        argv.push_back(ns);
      }
      if (!context.environment->platform.context.empty()) {
        argv.push_back("--context");
        argv.push_back(context.environment->platform.context);
      }
      if (Status s = run_checked(argv, target, "delete", context); !s) return s;
    }
    return {};
  }

  ToolLocator m_locator;
};

}  // namespace

std::unique_ptr<Driver> make_kubectl_driver(ToolLocator locator) {
  return std::make_unique<KubectlDriver>(std::move(locator));
}

fs::path kubectl_folder(const DriverContext& context, const std::string& component) {
  return context.state_dir / "kubectl" / context.environment->name / component;
}

Result<std::vector<ordered_json>> render_kubectl_objects(const model::Component& component, const std::string& version,
                                                         const DriverContext& context) {
  if (!component.deploy.kubectl)
    return fail(ErrorCode::invalid_input, "component " + component.name + " has no deploy.kubectl section");
  Result<std::vector<fs::path>> files = manifest_files(component, *context.workspace);
  if (!files) return std::unexpected(files.error());
  std::string owner = "component " + component.name;
  std::vector<ordered_json> objects;
  for (const fs::path& file : *files) {
    Result<std::string> text = read_text_file(file);
    if (!text) return std::unexpected(text.error());
    std::string shown = fs::relative(file, context.workspace->dir).string();
    for (auto& [doc, first_line] : split_documents(*text)) {
      // Leading newlines keep the document's line numbers those of the file.
      Result<yaml::Node> node = yaml::parse(std::string(static_cast<size_t>(first_line - 1), '\n') + doc, shown);
      if (!node) return fail(ErrorCode::invalid_input, owner + ": " + node.error().to_string());
      if (node->is_null()) continue;
      Result<ordered_json> object = render_references(*node, owner, context);
      if (!object) return std::unexpected(object.error());
      if (!object->is_object() || !object->contains("kind") || name_of(*object).empty())
        return fail(ErrorCode::invalid_input,
                    owner + ": a manifest document in " + shown + " is not a Kubernetes object (no kind or metadata.name)");
      ordered_json& metadata = (*object)["metadata"];
      ordered_json& labels = metadata["labels"];
      if (!labels.is_object()) labels = ordered_json::object();
      labels[k_label_managed] = "slipway";
      labels[k_label_environment] = context.environment->name;
      labels[k_label_component] = component.name;
      ordered_json& annotations = metadata["annotations"];
      if (!annotations.is_object()) annotations = ordered_json::object();
      annotations[k_annotation_version] = version;
      objects.push_back(std::move(*object));
    }
  }
  return objects;
}

}  // namespace slipway::deploy
