#include "release/release.h"

#include "core/hash.h"
#include "core/json_text.h"
#include "model/resolve.h"
#include "release/applier.h"
#include "release/codec.h"

namespace slipway::release {

const ReleaseComponent* Release::component(const std::string& name) const {
  for (const ReleaseComponent& c : components)
    if (c.name == name) return &c;
  return nullptr;
}

const char* apply_reason_name(ApplyReason reason) {
  switch (reason) {
    case ApplyReason::promote: return "promote";
    case ApplyReason::rollback: return "rollback";
    case ApplyReason::automatic: return "auto";
    case ApplyReason::apply: return "apply";
    case ApplyReason::hotfix: return "hotfix";
  }
  return "?";
}

nlohmann::json to_json(const Release& release) {
  nlohmann::json components = nlohmann::json::array();
  for (const ReleaseComponent& c : release.components)
    components.push_back({{"name", c.name}, {"version", c.version}, {"artifact_digest", c.artifact_digest}});
  return {{"id", release.id},
          {"components", components},
          {"config_digest", release.config_digest},
          {"source", release.source},
          {"created_by", release.created_by},
          {"created", format_utc(release.created)}};
}

Result<Release> from_record(const store::ReleaseRecord& record) {
  Release release;
  release.id = record.id;
  release.created_by = record.created_by;
  release.created = record.created;
  try {
    const nlohmann::json& body = record.body;
    release.config_digest = body.value("config_digest", "");
    release.source = body.value("source", "");
    for (const nlohmann::json& c : body.at("components"))
      release.components.push_back({c.at("name").get<std::string>(), c.at("version").get<std::string>(),
                                    c.at("artifact_digest").get<std::string>()});
  } catch (const nlohmann::json::exception&) {
    return fail(ErrorCode::corrupt, "release " + record.id + ": unreadable record");
  }
  return release;
}

Result<std::string> config_digest(const model::Workspace& workspace) {
  nlohmann::ordered_json all = nlohmann::ordered_json::object();
  all["product"] = std::to_string(workspace.product.major) + "." + std::to_string(workspace.product.minor);
  for (const model::Environment& e : workspace.environments) {
    Result<model::ResolvedEnvironment> env = model::resolve_environment(workspace, e.name);
    if (!env) return fail(ErrorCode::invalid_input, env.error().to_string());
    nlohmann::ordered_json one;
    one["platform"] = model::platform_kind_name(env->platform.kind);
    one["host"] = env->platform.host;
    one["port_offset"] = env->platform.port_offset;
    one["namespace"] = env->platform.namespace_name;
    one["blocks"] = env->blocks;
    one["components"] = env->components;
    one["values"] = yaml::to_json(env->values);
    nlohmann::ordered_json secrets = nlohmann::ordered_json::array();
    for (const model::ResolvedSecret& s : env->secrets) secrets.push_back(s.spec.name);
    one["secrets"] = secrets;
    all["environments"][e.name] = one;
  }
  return sha256_hex(json_text(all));
}

}  // namespace slipway::release
