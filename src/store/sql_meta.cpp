#include "store/sql_meta.h"

#include "core/strings.h"

namespace slipway::store {

Result<std::int64_t> SqlMetaStore::change_stamp() { return m_db.change_stamp(); }

Result<int> SqlMetaStore::schema_version() {
  Result<Statement> query = m_db.prepare("SELECT value FROM meta WHERE key = 'schema_version'");
  if (!query) return std::unexpected(query.error());
  Result<bool> row = query->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return fail(ErrorCode::corrupt, "state database " + m_db.location() + ": no schema version");
  std::string text = query->column_text(0);
  try {
    return std::stoi(text);
  } catch (const std::exception&) {
    return fail(ErrorCode::corrupt,
                "state database " + m_db.location() + ": unreadable schema version '" + text + "'");
  }
}

Status SqlMetaStore::check_integrity() {
  Result<std::vector<std::string>> problems = m_db.integrity_problems();
  if (!problems) return std::unexpected(problems.error());
  if (problems->empty()) return {};
  return fail(ErrorCode::corrupt, "state database " + m_db.location() + ": " + join(*problems, "; "));
}

Result<std::optional<std::string>> SqlMetaStore::get_setting(const std::string& key) {
  Result<Statement> query = m_db.prepare("SELECT value FROM settings WHERE key = ?1");
  if (!query) return std::unexpected(query.error());
  query->bind(1, key);
  Result<bool> row = query->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(query->column_text(0));
}

Status SqlMetaStore::set_setting(const std::string& key, const std::string& value) {
  return m_db.transaction([&]() -> Status {
    Result<Statement> upsert = m_db.prepare(
        "INSERT INTO settings (key, value, updated_ms) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_ms = excluded.updated_ms");
    if (!upsert) return std::unexpected(upsert.error());
    upsert->bind(1, key).bind(2, value).bind(3, to_epoch_ms(m_clock.now()));
    return upsert->run();
  });
}

Status SqlMetaStore::remove_setting(const std::string& key) {
  return m_db.transaction([&]() -> Status {
    Result<Statement> remove = m_db.prepare("DELETE FROM settings WHERE key = ?1");
    if (!remove) return std::unexpected(remove.error());
    remove->bind(1, key);
    return remove->run();
  });
}

Result<std::int64_t> SqlMetaStore::next_counter(const std::string& name) {
  std::int64_t value = 0;
  Status status = m_db.transaction([&]() -> Status {
    Result<Statement> bump = m_db.prepare(
        "INSERT INTO counters (name, value) VALUES (?1, 1) "
        "ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value");
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

Result<std::int64_t> SqlMetaStore::counter(const std::string& name) {
  Result<Statement> query = m_db.prepare("SELECT value FROM counters WHERE name = ?1");
  if (!query) return std::unexpected(query.error());
  query->bind(1, name);
  Result<bool> row = query->step();
  if (!row) return std::unexpected(row.error());
  return *row ? query->column_int(0) : std::int64_t{0};
}

}  // namespace slipway::store
