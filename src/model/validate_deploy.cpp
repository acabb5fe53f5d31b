// Deploy settings against the environments that deploy them: each
// `${{ values.x.y }}` in a component's settings for a platform must be set
// (blocks, platform, environment: the resolved leaves) and each
// `${{ secrets.x }}` given (by a block or the environment) in every
// environment that deploys the component on that platform. Otherwise the
// mistake surfaced only at deploy time, or, for a secret, as a placeholder
// left in the service's environment.
//
// References are found once per component and platform, then checked per
// environment: one error per environment that lacks what a reference names,
// at the reference's position.
#include <algorithm>
#include <string_view>
#include <unordered_set>

#include "core/strings.h"
#include "model/reader.h"
#include "model/resolve.h"

namespace slipway::model {

namespace {

using detail::Reader;

struct Reference {
  std::string inner;  // "values.log.level", "secrets.db"
  Position where;
};

// The position of text[offset] in `scalar`: exact on a one-line scalar (past
// its opening quote), else the scalar's own position, since the lines of a
// block scalar start at an indentation the node does not record.
Position position_in(const yaml::Node& scalar, size_t offset) {
  Position where = scalar.position();
  const std::string& text = scalar.text();
  if (where.line <= 0 || text.find('\n') != std::string::npos) return where;
  // Columns count characters, not bytes (UTF-8 continuation bytes are 10xxxxxx).
  int characters = static_cast<int>(
      std::count_if(text.begin(), text.begin() + static_cast<long>(offset),
                    [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
  where.column += characters + (scalar.quoted() ? 1 : 0);
  return where;
}

// The values./secrets. references of every scalar value under `node`; an
// unterminated `${{` is reported here, once, whatever deploys the component.
void collect(Reader& reader, const Component& component, const yaml::Node& node,
             std::vector<Reference>& out) {
  for (const yaml::Node& item : node.items()) collect(reader, component, item, out);
  for (const yaml::Node::Entry& entry : node.entries())
    collect(reader, component, entry.value, out);
  if (!node.is_scalar()) return;
  Result<std::vector<SettingReference>> refs =
      find_setting_references(node.text(), "deploy settings of component '" + component.name + "'");
  if (!refs) {
    reader.error(refs.error().message, node.position());
    return;
  }
  for (const SettingReference& ref : *refs)
    if (ref.inner.starts_with("values.") || ref.inner.starts_with("secrets."))
      out.push_back({std::string(ref.inner), position_in(node, ref.begin)});
}

void check_reference(Reader& reader, const Component& component, const Reference& ref,
                     const ResolvedEnvironment& env) {
  bool value = ref.inner.starts_with("values.");
  std::string name = ref.inner.substr(value ? 7 : 8);
  std::vector<std::string> known;
  if (value) {
    if (env.value(name)) return;
    for (const ResolvedValue& leaf : env.flat) known.push_back(leaf.path);
  } else {
    for (const ResolvedSecret& secret : env.secrets) known.push_back(secret.spec.name);
    if (std::find(known.begin(), known.end(), name) != known.end()) return;
  }
  reader.error("component '" + component.name + "' uses ${{ " + ref.inner +
                   " }}, which environment '" + env.name + "' does not " +
                   (value ? "set" : "give") + did_you_mean(name, known),
               ref.where);
}

// The references of each component's settings for each platform; those
// without any are left out.
struct Uses {
  const Component* component;
  PlatformKind kind;
  std::vector<Reference> refs;
};

std::vector<Uses> uses_of(Reader& reader, const Workspace& ws) {
  std::vector<Uses> out;
  for (const Component& component : ws.components)
    for (const yaml::Node::Entry& section : component.deploy.written.entries()) {
      std::optional<PlatformKind> kind = parse_platform_kind(section.key.text());
      if (!kind) continue;
      Uses uses{&component, *kind, {}};
      collect(reader, component, section.value, uses.refs);
      if (!uses.refs.empty()) out.push_back(std::move(uses));
    }
  return out;
}

// Whether an environment's values and secrets are fully known: an unknown
// block (reported elsewhere) would make every value it sets look missing.
bool checkable(const Workspace& ws, const Environment& env) {
  return env.platform && std::all_of(env.blocks.begin(), env.blocks.end(), [&](const NameRef& ref) {
           return ws.block(ref.name) != nullptr;
         });
}

// Each environment resolved once, checked against every use of its platform
// by a component it deploys.
void check_environments(Reader& reader, const Workspace& ws, const std::vector<Uses>& uses) {
  for (const Environment& env : ws.environments) {
    if (!checkable(ws, env)) continue;
    Result<ResolvedEnvironment> resolved = resolve_environment(ws, env.name);
    if (!resolved) continue;
    std::unordered_set<std::string_view> deployed(resolved->components.begin(),
                                                  resolved->components.end());
    for (const Uses& use : uses)
      if (use.kind == resolved->platform.kind && deployed.contains(use.component->name))
        for (const Reference& ref : use.refs)
          check_reference(reader, *use.component, ref, *resolved);
  }
}

}  // namespace

void check_deploy_references(const Workspace& ws, Diagnostics& diagnostics) {
  Reader reader(diagnostics);
  std::vector<Uses> uses = uses_of(reader, ws);
  // Resolving environments is the costly part: none when nothing is referenced.
  if (!uses.empty()) check_environments(reader, ws, uses);
  diagnostics.sort();
}

}  // namespace slipway::model
