// API tokens: a token is 32 random bytes; the store keeps its SHA-256 only,
// so a copied database grants nobody access. A lookup by hash compares no
// secret bytes: what an attacker could time is the hash, not the token.
#include "core/hash.h"
#include "release/gates.h"
#include "service/service.h"

namespace slipway::service {

namespace {

constexpr const char* k_prefix = "slw_";  // says what a leaked string is (secret scanners match prefixes)

std::string random_token() { return k_prefix + random_hex(32); }

}  // namespace

Result<std::string> Service::create_token(const std::string& name) {
  if (Status allowed = permit(Permission::token, nullptr, "create a token for " + name); !allowed)
    return std::unexpected(allowed.error());
  if (release::roles_of(m_workspace, name).empty())
    return fail(ErrorCode::invalid_input, "no role has member " + name + ": a token acts as a workspace identity");
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
