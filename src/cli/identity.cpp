#include "cli/identity.h"

#include <cstdlib>

#include "core/yaml.h"

namespace slipway::cli {
namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

}  // namespace

std::filesystem::path user_config_path() {
  if (std::string explicit_path = env("SLIPWAY_CONFIG"); !explicit_path.empty()) return explicit_path;
  if (std::string xdg = env("XDG_CONFIG_HOME"); !xdg.empty()) return std::filesystem::path(xdg) / "slipway" / "config.yaml";
  return std::filesystem::path(env("HOME")) / ".config" / "slipway" / "config.yaml";
}

Result<std::string> acting_identity(const std::string& as) {
  if (!as.empty()) return as;
  if (std::string user = env("SLIPWAY_USER"); !user.empty()) return user;
  const std::filesystem::path path = user_config_path();
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    Result<yaml::Node> doc = yaml::load_file(path.string());
    if (!doc) return std::unexpected(doc.error());
    const yaml::Node* user = doc->is_mapping() ? doc->get("user") : nullptr;
    if (user && (!user->is_scalar() || user->text().empty()))
      return fail(ErrorCode::invalid_input, "user: expected a name", user->position());
    if (user) return user->text();
  }
  return fail(ErrorCode::invalid_input, "no identity: give --as NAME, set SLIPWAY_USER, or write 'user: NAME' in " +
                                            path.string());
}

}  // namespace slipway::cli
