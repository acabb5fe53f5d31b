#include "cli/identity.h"

#include <cstdlib>
#include <optional>
#include <utility>

#include "core/strings.h"
#include "core/yaml.h"

namespace slipway::cli {
namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

constexpr size_t k_max_identity_bytes = 128;

// Names are printed in history, release lists and approvals, one per column:
// a newline, a control character or an escape sequence in one would forge or
// garble those lines, so only printable, non-blank UTF-8 is a name.
bool is_plain_name(std::string_view name) {
  if (name.empty() || name.size() > k_max_identity_bytes || invalid_utf8_offset(name)) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    auto byte = static_cast<unsigned char>(name[i]);
    if (byte <= 0x20 || byte == 0x7F) return false;  // controls, space, DEL
    // C1 controls U+0080..U+009F are C2 80..C2 9F in UTF-8.
    if (byte == 0xC2 && i + 1 < name.size() && static_cast<unsigned char>(name[i + 1]) <= 0x9F) return false;
  }
  return true;
}

Result<std::string> checked(std::string name, std::string_view source, Position where = {}) {
  if (is_plain_name(name)) return name;
  return fail(ErrorCode::invalid_input,
              std::string(source) + ": an identity is a plain name of at most " +
                  std::to_string(k_max_identity_bytes) +
                  " bytes, without spaces, control characters or line breaks",
              std::move(where));
}

}  // namespace

std::filesystem::path user_config_path() {
  if (std::string explicit_path = env("SLIPWAY_CONFIG"); !explicit_path.empty()) return explicit_path;
  if (std::string xdg = env("XDG_CONFIG_HOME"); !xdg.empty()) return std::filesystem::path(xdg) / "slipway" / "config.yaml";
  return std::filesystem::path(env("HOME")) / ".config" / "slipway" / "config.yaml";
}

namespace {

// `key: TEXT` of the user config file; nullopt when the file or the key is
// absent; invalid_input at its position when the value is not `expected`
// (a non-empty scalar).
Result<std::optional<std::pair<std::string, Position>>> user_config_text(const char* key, const char* expected) {
  const std::filesystem::path path = user_config_path();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::nullopt;
  Result<yaml::Node> doc = yaml::load_file(path.string());
  if (!doc) return std::unexpected(doc.error());
  const yaml::Node* value = doc->is_mapping() ? doc->get(key) : nullptr;
  if (!value) return std::nullopt;
  if (!value->is_scalar() || value->text().empty())
    return fail(ErrorCode::invalid_input, std::string(key) + ": expected " + expected, value->position());
  return std::pair(value->text(), value->position());
}

}  // namespace

Result<std::string> api_token() {
  if (std::string token = env("SLIPWAY_TOKEN"); !token.empty()) return token;
  Result<std::optional<std::pair<std::string, Position>>> token = user_config_text("token", "a token");
  if (!token) return std::unexpected(token.error());
  if (*token) return (*token)->first;
  return fail(ErrorCode::invalid_input,
              "no token for the server: set SLIPWAY_TOKEN or write 'token: TOKEN' in " + user_config_path().string());
}

Result<std::string> acting_identity(const std::string& as) {
  if (!as.empty()) return checked(as, "--as");
  if (std::string user = env("SLIPWAY_USER"); !user.empty()) return checked(user, "SLIPWAY_USER");
  Result<std::optional<std::pair<std::string, Position>>> user = user_config_text("user", "a name");
  if (!user) return std::unexpected(user.error());
  if (*user) return checked((*user)->first, "user", (*user)->second);
  return fail(ErrorCode::invalid_input, "no identity: give --as NAME, set SLIPWAY_USER, or write 'user: NAME' in " +
                                            user_config_path().string());
}

}  // namespace slipway::cli
