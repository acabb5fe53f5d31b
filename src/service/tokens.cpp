// API tokens: a token is 32 random bytes; the store keeps its SHA-256 only,
// so a copied database grants nobody access. A lookup by hash compares no
// secret bytes: what an attacker could time is the hash, not the token.
#include <sodium.h>

#include <algorithm>

#include "core/hash.h"
#include "service/service.h"

namespace slipway::service {

namespace {

constexpr const char* k_prefix = "slw_";  // says what a leaked string is (secret scanners match prefixes)

std::string random_token() {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char hex[sizeof bytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return k_prefix + std::string(hex);
}

bool is_member(const model::Workspace& workspace, const std::string& name) {
  return std::any_of(workspace.roles.begin(), workspace.roles.end(), [&](const model::Role& role) {
    return std::any_of(role.members.begin(), role.members.end(),
                       [&](const model::NameRef& member) { return member.name == name; });
  });
}

}  // namespace

Result<std::string> Service::create_token(const std::string& name) {
  if (Status allowed = permit(Permission::token, nullptr, "create a token for " + name); !allowed)
    return std::unexpected(allowed.error());
  if (!is_member(m_workspace, name))
    return fail(ErrorCode::invalid_input, "no role has member " + name + ": a token acts as a workspace identity");
  if (sodium_init() < 0) return fail(ErrorCode::internal, "libsodium failed to initialize");
  std::string token = random_token();
  if (Status added = m_store->meta().add_token(sha256_hex(token), name, m_config.actor); !added)
    return std::unexpected(added.error());
  Result<std::int64_t> recorded =
      m_store->events().append({.actor = m_config.actor, .kind = "token.created", .subject = "user:" + name});
  if (!recorded) return std::unexpected(recorded.error());
  return token;
}

Result<std::string> Service::authenticate(const std::string& token) {
  m_config.actor.clear();  // a refused token leaves no earlier identity acting
  Result<std::optional<std::string>> name = m_store->meta().token_name(sha256_hex(token));
  if (!name) return std::unexpected(name.error());
  if (!*name) return fail(ErrorCode::denied, "unknown token");
  m_config.actor = **name;
  return **name;
}

}  // namespace slipway::service
