#include "store/sqlite_meta.h"

#include "core/strings.h"

namespace slipway::store {

// PRAGMA data_version moves when another connection commits; this
// connection's own changes are counted by total_changes.
Result<std::int64_t> SqliteMetaStore::change_stamp() {
  Result<Statement> query = m_db.prepare("PRAGMA data_version");
  if (!query) return std::unexpected(query.error());
  Result<bool> row = query->step();
  if (!row) return std::unexpected(row.error());
  const std::int64_t others = *row ? query->column_int(0) : 0;
  return (others << 40) ^ m_db.total_changes();
}

Result<int> SqliteMetaStore::schema_version() {
  Result<Statement> query = m_db.prepare("SELECT value FROM meta WHERE key = 'schema_version'");
  if (!query) return std::unexpected(query.error());
  Result<bool> row = query->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return fail(ErrorCode::corrupt, "state database " + m_db.path() + ": no schema version");
  std::string text = query->column_text(0);
  try {
    return std::stoi(text);
  } catch (const std::exception&) {
    return fail(ErrorCode::corrupt,
                "state database " + m_db.path() + ": unreadable schema version '" + text + "'");
  }
}

Status SqliteMetaStore::check_integrity() {
  std::vector<std::string> problems;
  Result<Statement> integrity = m_db.prepare("PRAGMA integrity_check");
  if (!integrity) return std::unexpected(integrity.error());
  for (;;) {
    Result<bool> row = integrity->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    std::string line = integrity->column_text(0);
    if (line != "ok") problems.push_back(line);
  }
  Result<Statement> keys = m_db.prepare("PRAGMA foreign_key_check");
  if (!keys) return std::unexpected(keys.error());
  for (;;) {
    Result<bool> row = keys->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    problems.push_back("broken reference from " + keys->column_text(0) + " row " +
                       std::to_string(keys->column_int(1)) + " to " + keys->column_text(2));
  }
  if (problems.empty()) return {};
  return fail(ErrorCode::corrupt, "state database " + m_db.path() + ": " + join(problems, "; "));
}

Result<std::optional<std::string>> SqliteMetaStore::get_setting(const std::string& key) {
  Result<Statement> query = m_db.prepare("SELECT value FROM settings WHERE key = ?1");
  if (!query) return std::unexpected(query.error());
  query->bind(1, key);
  Result<bool> row = query->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(query->column_text(0));
}

Status SqliteMetaStore::set_setting(const std::string& key, const std::string& value) {
  return m_db.transaction([&]() -> Status {
    Result<Statement> upsert = m_db.prepare(
        "INSERT INTO settings (key, value, updated_ms) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_ms = excluded.updated_ms");
    if (!upsert) return std::unexpected(upsert.error());
    upsert->bind(1, key).bind(2, value).bind(3, to_epoch_ms(m_clock.now()));
    return upsert->run();
  });
}

Status SqliteMetaStore::remove_setting(const std::string& key) {
  return m_db.transaction([&]() -> Status {
    Result<Statement> remove = m_db.prepare("DELETE FROM settings WHERE key = ?1");
    if (!remove) return std::unexpected(remove.error());
    remove->bind(1, key);
    return remove->run();
  });
}

Result<std::int64_t> SqliteMetaStore::next_counter(const std::string& name) {
  std::int64_t value = 0;
  Status status = m_db.transaction([&]() -> Status {
    Result<Statement> bump = m_db.prepare(
        "INSERT INTO counters (name, value) VALUES (?1, 1) "
        "ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value");
    if (!bump) return std::unexpected(bump.error());
    bump->bind(1, name);
    Result<bool> row = bump->step();
    if (!row) return std::unexpected(row.error());
    value = bump->column_int(0);
    return bump->run();
  });
  if (!status) return std::unexpected(status.error());
  return value;
}

Result<std::int64_t> SqliteMetaStore::counter(const std::string& name) {
  Result<Statement> query = m_db.prepare("SELECT value FROM counters WHERE name = ?1");
  if (!query) return std::unexpected(query.error());
  query->bind(1, name);
  Result<bool> row = query->step();
  if (!row) return std::unexpected(row.error());
  return *row ? query->column_int(0) : std::int64_t{0};
}

}  // namespace slipway::store
