// The process platform's local services: their logs (masked) and stopping them.
#include "deploy/process_driver.h"
#include "service/service.h"

namespace slipway::service {

Result<std::string> Service::service_log(const std::string& environment_name, const std::string& component) {
  Result<const model::Environment*> env = environment(environment_name);
  if (!env) return std::unexpected(env.error());
  return deploy::masked_service_log(m_config.state_root, environment_name, component);
}

Result<int> Service::stop_services(const std::string& environment_name) {
  for (const model::Environment& env : m_workspace.environments)
    if (environment_name.empty() || env.name == environment_name)
      if (Status s = permit(Permission::apply, &env, "stop the services of " + env.name); !s)
        return std::unexpected(s.error());
  if (!environment_name.empty())
    if (Result<const model::Environment*> env = environment(environment_name); !env) return std::unexpected(env.error());
  return deploy::stop_services(m_config.state_root, environment_name);
}

}  // namespace slipway::service
