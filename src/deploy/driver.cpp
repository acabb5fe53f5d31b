// The driver factory: which Driver serves each platform.
#include "deploy/driver.h"

#include "deploy/helm_driver.h"
#include "deploy/kubectl_driver.h"
#include "deploy/process_driver.h"
#include "deploy/terraform_driver.h"
#include "model/resolve.h"

#include <cctype>

namespace slipway::deploy {

std::string env_var_name(const std::string& key) {
  std::string out;
  for (char c : key)
    out += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : '_';
  return out;
}

std::map<std::string, std::string> secrets_for(const DriverContext& context, const model::Component& component) {
  std::map<std::string, std::string> secrets;
  for (const std::string& name : model::secrets_used_by(component))
    if (auto found = context.secrets.find(name); found != context.secrets.end()) secrets.insert(*found);
  return secrets;
}

std::vector<std::string> secret_env(const std::map<std::string, std::string>& secrets) {
  std::vector<std::string> env;
  for (const auto& [name, value] : secrets) env.push_back("SECRET_" + env_var_name(name) + "=" + value);
  return env;
}

Result<std::unique_ptr<Driver>> make_driver(model::PlatformKind kind) {
  if (kind == model::PlatformKind::script) return make_script_driver();
  if (kind == model::PlatformKind::process) return make_process_driver();
  if (kind == model::PlatformKind::helm) return make_helm_driver(ToolLocator::from_environment(k_helm_override));
  if (kind == model::PlatformKind::kubectl)
    return make_kubectl_driver(ToolLocator::from_environment(k_kubectl_override));
  if (kind == model::PlatformKind::terraform)
    return make_terraform_driver(ToolLocator::from_environment(k_terraform_override));
  return fail(ErrorCode::unsupported,
              std::string("the ") + model::platform_kind_name(kind) + " driver is not available yet");
}

}  // namespace slipway::deploy
