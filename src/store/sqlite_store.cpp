// The SQLite connection wrapper (sqlite_db.h) and opening a SqliteStore:
// version check, WAL, migrations. The only file that includes sqlite3.h.
#include "store/sqlite_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <system_error>
#include <thread>

#include "core/files.h"

namespace slipway::store {

// ---- Statement ------------------------------------------------------------------

Statement::Statement(SqliteDb* db, sqlite3_stmt* stmt, bool* in_use, bool owned)
    : m_db(db), m_stmt(stmt), m_in_use(in_use), m_owned(owned) {
  if (m_in_use) *m_in_use = true;
}

Statement::Statement(Statement&& other) noexcept
    : m_db(other.m_db),
      m_stmt(other.m_stmt),
      m_in_use(other.m_in_use),
      m_owned(other.m_owned),
      m_bind_rc(other.m_bind_rc) {
  other.m_stmt = nullptr;
  other.m_in_use = nullptr;
}

Statement::~Statement() {
  if (!m_stmt) return;
  sqlite3_reset(m_stmt);
  sqlite3_clear_bindings(m_stmt);
  if (m_owned) sqlite3_finalize(m_stmt);
  if (m_in_use) *m_in_use = false;
}

Statement& Statement::bind(int index, std::int64_t value) {
  int rc = sqlite3_bind_int64(m_stmt, index, value);
  if (rc != SQLITE_OK && m_bind_rc == SQLITE_OK) m_bind_rc = rc;
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  int rc = sqlite3_bind_text64(m_stmt, index, value.data(), value.size(), SQLITE_TRANSIENT,
                               SQLITE_UTF8);
  if (rc != SQLITE_OK && m_bind_rc == SQLITE_OK) m_bind_rc = rc;
  return *this;
}

Statement& Statement::bind_null(int index) {
  int rc = sqlite3_bind_null(m_stmt, index);
  if (rc != SQLITE_OK && m_bind_rc == SQLITE_OK) m_bind_rc = rc;
  return *this;
}

Result<bool> Statement::step() {
  if (m_bind_rc != SQLITE_OK) return std::unexpected(m_db->last_error(m_bind_rc));
  int rc = sqlite3_step(m_stmt);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return std::unexpected(m_db->last_error(rc));
}

Status Statement::run() {
  for (;;) {
    Result<bool> row = step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return {};
  }
}

std::int64_t Statement::column_int(int index) const { return sqlite3_column_int64(m_stmt, index); }

std::string Statement::column_text(int index) const {
  const unsigned char* text = sqlite3_column_text(m_stmt, index);
  if (!text) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(m_stmt, index)));
}

bool Statement::column_is_null(int index) const {
  return sqlite3_column_type(m_stmt, index) == SQLITE_NULL;
}

// ---- SqliteDb ---------------------------------------------------------------------

namespace {

constexpr int k_busy_timeout_ms = 10'000;

ErrorCode code_for(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CONSTRAINT:
      return ErrorCode::conflict;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return ErrorCode::corrupt;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return ErrorCode::io;
    default:
      return ErrorCode::internal;
  }
}

}  // namespace

Result<std::unique_ptr<SqliteDb>> SqliteDb::open(const std::string& path) {
  sqlite3* handle = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &handle,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string detail = handle ? sqlite3_errmsg(handle) : sqlite3_errstr(rc);
    sqlite3_close_v2(handle);
    return fail(code_for(rc), "state database " + path + ": cannot open: " + detail);
  }
  std::unique_ptr<SqliteDb> db(new SqliteDb(handle, path));
  sqlite3_busy_timeout(handle, k_busy_timeout_ms);
  // Leave checkpointing to the automatic one (every ~1000 pages): a checkpoint
  // on close costs each short-lived `slipway` command a few fsyncs, and the
  // log is as safe on disk as the main file.
  sqlite3_db_config(handle, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  if (Status s = db->exec("PRAGMA foreign_keys = ON"); !s) return std::unexpected(s.error());
  return db;
}

SqliteDb::~SqliteDb() {
  for (auto& [sql, cached] : m_cache) sqlite3_finalize(cached.stmt);
  sqlite3_close_v2(m_handle);
}

Error SqliteDb::last_error(int rc) const {
  std::string detail = sqlite3_errmsg(m_handle);
  if (detail.empty() || detail == "not an error") detail = sqlite3_errstr(rc);
  // SQLite's extended code says which I/O failed (e.g. 4874: SQLITE_IOERR_SHMSIZE).
  if ((rc & 0xff) == SQLITE_IOERR) detail += " (SQLite code " + std::to_string(sqlite3_extended_errcode(m_handle)) + ")";
  return Error{code_for(rc), "state database " + m_path + ": " + detail, {}};
}

// Switching a new file to WAL needs it alone for a moment, and SQLite answers
// SQLITE_BUSY at once, without the busy handler, when other processes opening
// the same new file hold it: retried here for as long as the busy timeout.
Status SqliteDb::enable_wal() {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(k_busy_timeout_ms);
  for (;;) {
    char* message = nullptr;
    std::string mode;
    int rc = sqlite3_exec(
        m_handle, "PRAGMA journal_mode = WAL",
        [](void* out, int, char** values, char**) {
          *static_cast<std::string*>(out) = values[0] ? values[0] : "";
          return 0;
        },
        &mode, &message);
    sqlite3_free(message);
    if (rc == SQLITE_OK && mode == "wal") break;
    if (rc == SQLITE_OK || rc != SQLITE_BUSY || std::chrono::steady_clock::now() >= give_up)
      return rc == SQLITE_OK ? fail(ErrorCode::io, "state database " + m_path + ": cannot switch to write-ahead logging")
                             : std::unexpected(last_error(rc));
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return exec("PRAGMA synchronous = NORMAL");
}

Result<Statement> SqliteDb::prepare(std::string_view sql) {
  auto found = m_cache.find(std::string(sql));
  if (found != m_cache.end() && !found->second.in_use)
    return Statement(this, found->second.stmt, &found->second.in_use, false);
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(m_handle, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(last_error(rc));
  if (found != m_cache.end()) return Statement(this, stmt, nullptr, true);  // nested use
  Cached& cached = m_cache[std::string(sql)];
  cached.stmt = stmt;
  return Statement(this, stmt, &cached.in_use, false);
}

Status SqliteDb::exec(std::string_view sql) {
  std::string text(sql);
  char* message = nullptr;
  int rc = sqlite3_exec(m_handle, text.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return {};
  std::string detail = message ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return fail(code_for(rc), "state database " + m_path + ": " + detail);
}

std::int64_t SqliteDb::changes() const { return sqlite3_changes64(m_handle); }
std::int64_t SqliteDb::total_changes() const { return sqlite3_total_changes64(m_handle); }

Status SqliteDb::transaction(const std::function<Status()>& body) {
  const bool outer = m_depth == 0;
  const std::string savepoint = "slipway_" + std::to_string(m_depth);
  if (Status begun = exec(outer ? std::string("BEGIN IMMEDIATE") : "SAVEPOINT " + savepoint); !begun)
    return begun;
  auto roll_back = [&] {
    // Some errors (e.g. disk full) already ended the transaction; then there
    // is nothing left to undo.
    if (sqlite3_get_autocommit(m_handle)) return;
    if (outer)
      (void)exec("ROLLBACK");
    else
      (void)exec("ROLLBACK TO " + savepoint + "; RELEASE " + savepoint);
  };
  ++m_depth;
  Status result;
  try {
    result = body();
  } catch (...) {
    --m_depth;
    roll_back();
    throw;
  }
  --m_depth;
  if (!result) {
    roll_back();
    return result;
  }
  if (Status done = exec(outer ? std::string("COMMIT") : "RELEASE " + savepoint); !done) {
    roll_back();
    return done;
  }
  return {};
}

// ---- opening and migrating ---------------------------------------------------------

namespace {

// The schema version recorded in the file: 0 for an empty database.
Result<int> read_schema_version(SqliteDb& db) {
  Result<Statement> objects = db.prepare(
      "SELECT count(*), coalesce(sum(type = 'table' AND name = 'meta'), 0) FROM sqlite_schema");
  if (!objects) return std::unexpected(objects.error());
  Result<bool> row = objects->step();
  if (!row) return std::unexpected(row.error());
  std::int64_t count = objects->column_int(0);
  bool has_meta = objects->column_int(1) > 0;
  if (count == 0) return 0;
  if (!has_meta)
    return fail(ErrorCode::invalid_input,
                "state database " + db.path() + ": not a slipway state database (no meta table)");
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
              "state database " + db.path() + ": unreadable schema version '" + text + "'");
}

Status refuse_if_newer(const SqliteDb& db, int found, int known) {
  if (found <= known) return {};
  return fail(ErrorCode::unsupported,
              db.path() + ": state database schema version " + std::to_string(found) +
                  " is newer than this slipway supports (" + std::to_string(known) +
                  "); upgrade slipway");
}

Status check_list(std::span<const Migration> known) {
  for (size_t i = 0; i < known.size(); ++i) {
    if (known[i].version != static_cast<int>(i) + 1)
      return fail(ErrorCode::internal, "migration list out of order at entry " + std::to_string(i));
  }
  return {};
}

// Versions applied as placeholders (meta 'placeholder:N') whose real entry
// has landed in `known` since.
Result<std::vector<int>> landed_placeholders(SqliteDb& db, int current,
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
Status apply_one(SqliteDb& db, const Clock& clock, const Migration& migration, bool replacing) {
  if (!migration.placeholder) {
    if (Status s = db.exec(migration.sqlite); !s) {
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
      migration.placeholder ? "INSERT OR REPLACE INTO meta (key, value) VALUES ('placeholder:' || ?1, '1')"
                            : "DELETE FROM meta WHERE key = 'placeholder:' || ?1");
  if (!mark) return std::unexpected(mark.error());
  mark->bind(1, std::to_string(migration.version));
  return mark->run();
}

Status apply_pending(SqliteDb& db, const Clock& clock, std::span<const Migration> known) {
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

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path, const Clock& clock,
                                                       std::span<const Migration> known) {
  if (Status s = check_list(known); !s) return std::unexpected(s.error());
  const bool in_memory = path == k_in_memory;
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty() && !in_memory) {
    if (Status s = create_private_directories(parent); !s)
      return fail(ErrorCode::io, "state database " + path + ": " + s.error().message);
  }
  if (!in_memory) keep_private(path);
  Result<std::unique_ptr<SqliteDb>> db = SqliteDb::open(path);
  if (!db) return std::unexpected(db.error());
  // Refuse a newer schema before the first write (WAL mode is a write).
  Result<int> found = read_schema_version(**db);
  if (!found) return std::unexpected(found.error());
  if (Status s = refuse_if_newer(**db, *found, static_cast<int>(known.size())); !s)
    return std::unexpected(s.error());
  if (!in_memory)
    if (Status s = (*db)->enable_wal(); !s) return std::unexpected(s.error());
  if (Status s = apply_pending(**db, clock, known); !s) return std::unexpected(s.error());
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(*db), clock));
}

}  // namespace slipway::store
