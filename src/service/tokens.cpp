// API tokens: a token is "slw_" + 32 random bytes in hex; the store keeps
// its SHA-256 only, so a copied database grants nobody access.
//
// Why a lookup by hash is safe against timing: the database compares the
// SHA-256 of what a client sent with stored hashes. How long that takes can
// at most tell an attacker how many leading bytes of *the hash* of his guess
// match a stored hash; choosing a guess whose hash extends a matching prefix
// means inverting SHA-256, so nothing about a token leaks. Comparing the
// tokens themselves byte by byte would leak a prefix per guess.
//
// A token is named by its prefix ("slw_" + its first 8 hex digits), which
// list and revoke show; the 56 hex digits left keep 224 secret bits.
#include <string_view>

#include "core/hash.h"
#include "release/gates.h"
#include "service/service.h"

namespace slipway::service {

namespace {

constexpr std::string_view k_scheme = "slw_";  // says what a leaked string is (secret scanners match prefixes)
constexpr std::size_t k_prefix_digits = 8;
// A use is recorded when the last one is older: a request writes to the
// store at most once a minute per token, not on every read.
constexpr Millis k_last_use_precision = std::chrono::minutes(1);

std::string random_token() { return std::string(k_scheme) + random_hex(32); }

std::string prefix_of(const std::string& token) { return token.substr(0, k_scheme.size() + k_prefix_digits); }

// "abcd" → "slw_abcd": the scheme may be left out (legacy prefixes are given whole).
std::string normalized_prefix(const std::string& given) {
  if (given.starts_with(k_scheme) || given.starts_with("legacy-")) return given;
  return std::string(k_scheme) + given;
}

// Why `token` cannot act now, or nullopt when it can.
std::optional<std::string> refusal(const store::TokenRecord& token, TimePoint now) {
  if (token.revoked)
    return "token " + token_label(token) + " was revoked at " + format_utc(*token.revoked) + " by " + token.revoked_by;
  if (token.expires && *token.expires <= now)
    return "token " + token_label(token) + " expired at " + format_utc(*token.expires);
  return std::nullopt;
}

nlohmann::json created_detail(const store::TokenRecord& token) {
  return {{"token", token.prefix},
          {"user", token.user},
          {"expires", token.expires ? nlohmann::json(format_utc(*token.expires)) : nlohmann::json()},
          {"read_only", token.read_only}};
}

}  // namespace

std::string token_label(const store::TokenRecord& token) { return token.prefix + "\u2026"; }

Result<CreatedToken> Service::create_token(const TokenOptions& options) {
  if (Status allowed = permit(Permission::token, nullptr, "create a token for " + options.user); !allowed)
    return std::unexpected(allowed.error());
  if (release::roles_of(m_workspace, options.user).empty())
    return fail(ErrorCode::invalid_input,
                "no role has member " + options.user + ": a token acts as a workspace identity");
  // A prefix is unique in the store: another draw in the rare case one is taken.
  Result<CreatedToken> created = fail(ErrorCode::conflict, "no token");
  for (int attempt = 0; attempt < 3 && !created && created.error().code == ErrorCode::conflict; ++attempt)
    created = store_new_token(options);
  return created;
}

Result<CreatedToken> Service::store_new_token(const TokenOptions& options) {
  CreatedToken created{.token = random_token(), .record = {}};
  store::NewToken row{.hash = sha256_hex(created.token), .prefix = prefix_of(created.token), .user = options.user,
                      .created_by = m_config.actor, .expires = std::nullopt, .read_only = options.read_only};
  if (options.expires_in) row.expires = m_config.clock->now() + *options.expires_in;
  Status stored = m_store->transaction([&]() -> Status {
    if (Status added = m_store->meta().add_token(row); !added) return added;
    Result<std::optional<store::TokenRecord>> record = m_store->meta().token_by_hash(row.hash);
    if (!record) return std::unexpected(record.error());
    created.record = record->value();
    Result<std::int64_t> recorded = m_store->events().append({.actor = m_config.actor,
                                                              .kind = "token.created",
                                                              .subject = "user:" + options.user,
                                                              .detail = created_detail(created.record)});
    if (!recorded) return std::unexpected(recorded.error());
    return {};
  });
  if (!stored) return std::unexpected(stored.error());
  return created;
}

Result<std::vector<store::TokenRecord>> Service::tokens() {
  if (Status allowed = permit(Permission::token, nullptr, "list the tokens"); !allowed)
    return std::unexpected(allowed.error());
  return m_store->meta().tokens();
}

Result<RevokedToken> Service::revoke_token(const std::string& given) {
  if (Status allowed = permit(Permission::token, nullptr, "revoke a token"); !allowed)
    return std::unexpected(allowed.error());
  if (given.size() > k_scheme.size() + 2 * k_prefix_digits)  // a whole token pasted: never echoed
    return fail(ErrorCode::invalid_input, "give the token's prefix as token list shows it (slw_ and 8 digits)");
  const std::string prefix = normalized_prefix(given);
  Result<std::vector<store::TokenRecord>> all = m_store->meta().tokens();
  if (!all) return std::unexpected(all.error());
  std::vector<store::TokenRecord> matches;
  for (const store::TokenRecord& token : *all)
    if (token.prefix.starts_with(prefix)) matches.push_back(token);
  if (matches.empty()) return fail(ErrorCode::not_found, "no token " + prefix + " (slipway token list)");
  if (matches.size() > 1)
    return fail(ErrorCode::invalid_input, std::to_string(matches.size()) + " tokens start with " + prefix +
                                              ": give more of the prefix");
  RevokedToken out{matches.front(), matches.front().revoked.has_value()};
  if (out.already) return out;
  Status revoked = m_store->transaction([&]() -> Status {
    if (Status s = m_store->meta().revoke_token(out.record.prefix, m_config.actor, m_config.clock->now()); !s) return s;
    Result<std::int64_t> recorded = m_store->events().append({.actor = m_config.actor,
                                                              .kind = "token.revoked",
                                                              .subject = "user:" + out.record.user,
                                                              .detail = {{"token", out.record.prefix}}});
    if (!recorded) return std::unexpected(recorded.error());
    return {};
  });
  if (!revoked) return std::unexpected(revoked.error());
  out.record.revoked = m_config.clock->now();
  out.record.revoked_by = m_config.actor;
  return out;
}

Result<store::TokenRecord> Service::authenticate(const std::string& token) {
  m_config.actor.clear();  // a refused token leaves no earlier identity acting
  m_read_only_token.clear();
  Result<std::optional<store::TokenRecord>> found = m_store->meta().token_by_hash(sha256_hex(token));
  if (!found) return std::unexpected(found.error());
  if (!*found) return fail(ErrorCode::denied, "unknown token");
  store::TokenRecord& record = **found;
  const TimePoint now = m_config.clock->now();
  if (std::optional<std::string> why = refusal(record, now)) return fail(ErrorCode::denied, *why);
  if (!record.last_used || now - *record.last_used >= k_last_use_precision) {
    if (Status touched = m_store->meta().touch_token(record.prefix, now); !touched)
      return std::unexpected(touched.error());
    record.last_used = now;
  }
  m_config.actor = record.user;
  if (record.read_only) m_read_only_token = token_label(record);
  return record;
}

}  // namespace slipway::service
