// An environment's secrets: names and ages for anyone, rotation and reveal
// behind their permissions, both recorded in the environment's history.
#include "model/resolve.h"
#include "service/service.h"

namespace slipway::service {

Result<std::vector<deploy::SecretInfo>> Service::secrets(const std::string& environment_name) {
  Result<model::ResolvedEnvironment> resolved = model::resolve_environment(m_workspace, environment_name);
  if (!resolved) return std::unexpected(resolved.error());
  return deploy::list_secrets(*m_store, environment_name, resolved->secrets);
}

Result<std::map<std::string, std::string>> Service::secret_fingerprints(const std::string& environment_name) {
  if (Result<const model::Environment*> env = environment(environment_name); !env) return std::unexpected(env.error());
  Result<release::SecretFingerprints> fingerprints = fingerprinter();
  if (!fingerprints) return std::unexpected(fingerprints.error());
  return (*fingerprints)(environment_name);
}

Status Service::rotate_secret(const std::string& environment_name, const std::string& name) {
  Result<const model::Environment*> env = environment(environment_name);
  if (!env) return std::unexpected(env.error());
  if (Status s = permit(Permission::rotate, *env, "rotate secrets of " + environment_name); !s) return s;
  Result<model::ResolvedEnvironment> resolved = model::resolve_environment(m_workspace, environment_name);
  if (!resolved) return std::unexpected(resolved.error());
  Result<deploy::MasterKey> key = master_key();
  if (!key) return std::unexpected(key.error());
  return deploy::SecretVault(*m_store, *key).rotate(environment_name, name, resolved->secrets, m_config.actor);
}

Result<std::string> Service::reveal_secret(const std::string& environment_name, const std::string& name) {
  Result<const model::Environment*> env = environment(environment_name);
  if (!env) return std::unexpected(env.error());
  if (Status s = permit(Permission::reveal, *env, "reveal secrets of " + environment_name); !s)
    return std::unexpected(s.error());
  Result<deploy::MasterKey> key = master_key();
  if (!key) return std::unexpected(key.error());
  return deploy::SecretVault(*m_store, *key).reveal(environment_name, name, m_config.actor);
}

Result<std::string> Service::secret_for_slipway(const std::string& environment_name, const std::string& name) {
  Result<deploy::MasterKey> key = master_key();
  if (!key) return std::unexpected(key.error());
  Result<std::map<std::string, std::string>> values = deploy::SecretVault(*m_store, *key).values(environment_name);
  if (!values) return std::unexpected(values.error());
  auto found = values->find(name);
  if (found == values->end())
    return fail(ErrorCode::not_found, "secret '" + name + "' of environment '" + environment_name +
                                          "' was not generated yet (apply " + environment_name + " first)");
  return found->second;
}

}  // namespace slipway::service
