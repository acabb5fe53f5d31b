// MetaStore's API tokens on SQLite (table api_tokens, migrations 9 and 10).
#include "store/sql_meta.h"

namespace slipway::store {

namespace {

constexpr const char* k_token_columns =
    "SELECT prefix, name, created_by, created_ms, expires_ms, read_only, last_used_ms, revoked_ms, revoked_by "
    "FROM api_tokens ";

std::optional<TimePoint> optional_time(const Statement& row, int column) {
  if (row.column_is_null(column)) return std::nullopt;
  return from_epoch_ms(row.column_int(column));
}

TokenRecord read_token(const Statement& row) {
  return {.prefix = row.column_text(0),
          .user = row.column_text(1),
          .created_by = row.column_text(2),
          .created = from_epoch_ms(row.column_int(3)),
          .expires = optional_time(row, 4),
          .read_only = row.column_int(5) != 0,
          .last_used = optional_time(row, 6),
          .revoked = optional_time(row, 7),
          .revoked_by = row.column_text(8)};
}

}  // namespace

Status SqlMetaStore::add_token(const NewToken& token) {
  return m_db.transaction([&]() -> Status {
    Result<Statement> taken = m_db.prepare("SELECT count(*) FROM api_tokens WHERE hash = ?1 OR prefix = ?2");
    if (!taken) return std::unexpected(taken.error());
    taken->bind(1, token.hash).bind(2, token.prefix);
    Result<bool> row = taken->step();
    if (!row) return std::unexpected(row.error());
    if (taken->column_int(0) > 0) return fail(ErrorCode::conflict, "a token " + token.prefix + " already exists");
    Result<Statement> insert = m_db.prepare(
        "INSERT INTO api_tokens (hash, prefix, name, created_by, created_ms, expires_ms, read_only) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!insert) return std::unexpected(insert.error());
    insert->bind(1, token.hash).bind(2, token.prefix).bind(3, token.user).bind(4, token.created_by);
    insert->bind(5, to_epoch_ms(m_clock.now())).bind(7, std::int64_t{token.read_only ? 1 : 0});
    if (token.expires) insert->bind(6, to_epoch_ms(*token.expires));
    else insert->bind_null(6);
    return insert->run();
  });
}

Result<std::optional<TokenRecord>> SqlMetaStore::token_by_hash(const std::string& hash) {
  Result<Statement> query = m_db.prepare(std::string(k_token_columns) + "WHERE hash = ?1");
  if (!query) return std::unexpected(query.error());
  query->bind(1, hash);
  Result<bool> row = query->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<TokenRecord>();
  return std::optional<TokenRecord>(read_token(*query));
}

Result<std::vector<TokenRecord>> SqlMetaStore::tokens() {
  Result<Statement> query = m_db.prepare(std::string(k_token_columns) + "ORDER BY created_ms, rowid");
  if (!query) return std::unexpected(query.error());
  std::vector<TokenRecord> out;
  for (;;) {
    Result<bool> row = query->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    out.push_back(read_token(*query));
  }
}

Status SqlMetaStore::revoke_token(const std::string& prefix, const std::string& by, TimePoint at) {
  return m_db.transaction([&]() -> Status {
    Result<Statement> revoke = m_db.prepare(
        "UPDATE api_tokens SET revoked_ms = coalesce(revoked_ms, ?2), "
        "revoked_by = CASE WHEN revoked_ms IS NULL THEN ?3 ELSE revoked_by END WHERE prefix = ?1");
    if (!revoke) return std::unexpected(revoke.error());
    revoke->bind(1, prefix).bind(2, to_epoch_ms(at)).bind(3, by);
    if (Status done = revoke->run(); !done) return done;
    if (m_db.changes() == 0) return fail(ErrorCode::not_found, "no token " + prefix);
    return {};
  });
}

Status SqlMetaStore::touch_token(const std::string& prefix, TimePoint at) {
  return m_db.transaction([&]() -> Status {
    Result<Statement> touch = m_db.prepare("UPDATE api_tokens SET last_used_ms = ?2 WHERE prefix = ?1");
    if (!touch) return std::unexpected(touch.error());
    touch->bind(1, prefix).bind(2, to_epoch_ms(at));
    return touch->run();
  });
}

}  // namespace slipway::store
