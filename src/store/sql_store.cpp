// Opening a SqlStore: schema version check and migrations in the
// connection's dialect; and the SQLite file's own preparations.
#include "store/sql_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "core/files.h"
#include "store/sqlite_db.h"

namespace slipway::store {

// ---- opening and migrating ---------------------------------------------------------

namespace {

// The schema version recorded in the file: 0 for an empty database.
Result<int> read_schema_version(Db& db) {
  Result<Statement> objects = db.prepare(db.schema_objects_query());
  if (!objects) return std::unexpected(objects.error());
  Result<bool> row = objects->step();
  if (!row) return std::unexpected(row.error());
  std::int64_t count = objects->column_int(0);
  bool has_meta = objects->column_int(1) > 0;
  if (count == 0) return 0;
  if (!has_meta)
    return fail(ErrorCode::invalid_input,
                "state database " + db.location() + ": not a slipway state database (no meta table)");
  Result<Statement> version = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'");
  if (!version) return std::unexpected(version.error());
  Result<bool> found = version->step();
  if (!found) return std::unexpected(found.error());
  std::string text = *found ? version->column_text(0) : std::string();
  try {
    size_t used = 0;
    int value = std::stoi(text, &used);
    if (used == text.size() && value >= 0) return value;
  } catch (const std::exception&) {
  }
  return fail(ErrorCode::corrupt,
              "state database " + db.location() + ": unreadable schema version '" + text + "'");
}

Status refuse_if_newer(const Db& db, int found, int known) {
  if (found <= known) return {};
  return fail(ErrorCode::unsupported,
              db.location() + ": state database schema version " + std::to_string(found) +
                  " is newer than this slipway supports (" + std::to_string(known) +
                  "); upgrade slipway");
}

// Versions applied as placeholders (meta 'placeholder:N') whose real entry
// has landed in `known` since.
Result<std::vector<int>> landed_placeholders(Db& db, int current,
                                             std::span<const Migration> known) {
  std::vector<int> landed;
  if (current == 0) return landed;
  Result<Statement> query =
      db.prepare("SELECT CAST(substr(key, 13) AS INTEGER) FROM meta WHERE key LIKE 'placeholder:%'");
  if (!query) return std::unexpected(query.error());
  for (;;) {
    Result<bool> row = query->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    std::int64_t v = query->column_int(0);
    if (v >= 1 && v <= static_cast<std::int64_t>(known.size()) &&
        !known[static_cast<size_t>(v - 1)].placeholder)
      landed.push_back(static_cast<int>(v));
  }
  std::sort(landed.begin(), landed.end());
  return landed;
}

// Runs one entry's statements (nothing for a placeholder) and records it.
Status apply_one(Db& db, const Clock& clock, const Migration& migration, bool replacing) {
  if (!migration.placeholder) {
    const char* sql = db.dialect() == Dialect::postgresql ? migration.postgresql : migration.sqlite;
    if (Status s = db.exec(sql); !s) {
      Error e = s.error();
      e.message += " (migration " + std::to_string(migration.version) + ", " + migration.name + ")";
      return std::unexpected(e);
    }
  }
  Result<Statement> record = db.prepare(
      replacing ? "UPDATE schema_migrations SET name = ?2, applied_ms = ?3 WHERE version = ?1"
                : "INSERT INTO schema_migrations (version, name, applied_ms) VALUES (?1, ?2, ?3)");
  if (!record) return std::unexpected(record.error());
  record->bind(1, std::int64_t{migration.version})
      .bind(2, migration.name)
      .bind(3, to_epoch_ms(clock.now()));
  if (Status s = record->run(); !s) return s;
  Result<Statement> mark = db.prepare(
      migration.placeholder ? "INSERT INTO meta (key, value) VALUES ('placeholder:' || ?1, '1') "
                              "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
                            : "DELETE FROM meta WHERE key = 'placeholder:' || ?1");
  if (!mark) return std::unexpected(mark.error());
  mark->bind(1, std::to_string(migration.version));
  return mark->run();
}

Status apply_pending(Db& db, const Clock& clock, std::span<const Migration> known) {
  const int target = static_cast<int>(known.size());
  // Most opens find nothing to do: check without taking the write lock.
  Result<int> seen = read_schema_version(db);
  if (!seen) return std::unexpected(seen.error());
  Result<std::vector<int>> seen_landed = landed_placeholders(db, *seen, known);
  if (!seen_landed) return std::unexpected(seen_landed.error());
  if (*seen == target && seen_landed->empty()) return {};

  return db.transaction([&]() -> Status {
    // Re-read under the write lock: another process may have migrated meanwhile.
    Result<int> current = read_schema_version(db);
    if (!current) return std::unexpected(current.error());
    if (Status s = refuse_if_newer(db, *current, target); !s) return s;
    Result<std::vector<int>> landed = landed_placeholders(db, *current, known);
    if (!landed) return std::unexpected(landed.error());
    for (int v : *landed)
      if (Status s = apply_one(db, clock, known[static_cast<size_t>(v - 1)], true); !s) return s;
    for (int v = *current + 1; v <= target; ++v)
      if (Status s = apply_one(db, clock, known[static_cast<size_t>(v - 1)], false); !s) return s;
    Result<Statement> set = db.prepare(
        "INSERT INTO meta (key, value) VALUES ('schema_version', ?1) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    if (!set) return std::unexpected(set.error());
    set->bind(1, std::to_string(std::max(*current, target)));
    return set->run();
  });
}

// The state file and its journals are its owner's alone: created 0600, and
// made so when an older slipway left them readable. SQLite gives the -wal and
// -shm files it creates the database file's mode.
// An existing file is never opened here: closing any descriptor of it drops
// every POSIX lock this process holds on it, those of its other SQLite
// connections too (serve, a run's cancel watch), and another process then
// takes itself for the last user and deletes the write-ahead log under them.
void keep_private(const std::string& path) {
  struct stat existing {};
  if (::stat(path.c_str(), &existing) != 0) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) ::close(fd);
  }
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::string file = path + suffix;
    struct stat info {};
    if (::stat(file.c_str(), &info) == 0 && S_ISREG(info.st_mode) && (info.st_mode & 077) != 0)
      ::chmod(file.c_str(), info.st_mode & 0700);
  }
}

}  // namespace

Result<std::unique_ptr<Store>> SqlStore::open_another(const Clock& clock) const {
  if (m_connect == k_in_memory)
    return fail(ErrorCode::unsupported, "state store: an in-memory database has no second connection");
  return open_store(m_connect, {.clock = &clock});
}

Result<std::unique_ptr<SqlStore>> SqlStore::open(std::unique_ptr<Db> db, std::string connect, const Clock& clock,
                                                std::span<const Migration> known,
                                                const std::function<Status()>& prepare_for_writes) {
  // Refuse a newer schema before the first write.
  Result<int> found = read_schema_version(*db);
  if (!found) return std::unexpected(found.error());
  if (Status s = refuse_if_newer(*db, *found, static_cast<int>(known.size())); !s) return std::unexpected(s.error());
  if (prepare_for_writes)
    if (Status s = prepare_for_writes(); !s) return std::unexpected(s.error());
  if (Status s = apply_pending(*db, clock, known); !s) return std::unexpected(s.error());
  return std::unique_ptr<SqlStore>(new SqlStore(std::move(db), std::move(connect), clock));
}

Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path, const Clock& clock,
                                                 std::span<const Migration> known) {
  const bool in_memory = path == k_in_memory;
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty() && !in_memory) {
    if (Status s = create_private_directories(parent); !s)
      return fail(ErrorCode::io, "state database " + path + ": " + s.error().message);
  }
  if (!in_memory) keep_private(path);
  Result<std::unique_ptr<SqliteDb>> db = SqliteDb::open(path);
  if (!db) return std::unexpected(db.error());
  SqliteDb* sqlite = db->get();
  Result<std::unique_ptr<SqlStore>> store =
      SqlStore::open(std::move(*db), path, clock, known, [&]() -> Status { return in_memory ? Status{} : sqlite->enable_wal(); });
  if (!store) return std::unexpected(store.error());
  return std::unique_ptr<Store>(std::move(*store));
}

}  // namespace slipway::store
