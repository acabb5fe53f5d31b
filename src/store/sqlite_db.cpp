// The SQLite connection (sqlite_db.h). The only file that includes sqlite3.h.
#include "store/sqlite_db.h"

#include <sqlite3.h>

#include <chrono>
#include <thread>

namespace slipway::store {

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

class SqliteStatement final : public StatementImpl {
 public:
  SqliteStatement(SqliteDb& db, sqlite3_stmt* stmt) : m_db(db), m_stmt(stmt) {}
  ~SqliteStatement() override { sqlite3_finalize(m_stmt); }

  void bind_int(int index, std::int64_t value) override { note(sqlite3_bind_int64(m_stmt, index, value)); }
  void bind_text(int index, std::string_view value) override {
    note(sqlite3_bind_text64(m_stmt, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  }
  void bind_null(int index) override { note(sqlite3_bind_null(m_stmt, index)); }

  Result<bool> step() override {
    if (m_bind_rc != SQLITE_OK) return std::unexpected(m_db.last_error(m_bind_rc));
    int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return std::unexpected(m_db.last_error(rc));
  }

  std::int64_t column_int(int index) const override { return sqlite3_column_int64(m_stmt, index); }
  std::string column_text(int index) const override {
    const unsigned char* text = sqlite3_column_text(m_stmt, index);
    if (!text) return {};
    return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(sqlite3_column_bytes(m_stmt, index)));
  }
  bool column_is_null(int index) const override { return sqlite3_column_type(m_stmt, index) == SQLITE_NULL; }

  void reset() override {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
    m_bind_rc = SQLITE_OK;
  }

 private:
  void note(int rc) {
    if (rc != SQLITE_OK && m_bind_rc == SQLITE_OK) m_bind_rc = rc;  // the first failed bind, reported by step()
  }

  SqliteDb& m_db;
  sqlite3_stmt* m_stmt;
  int m_bind_rc = SQLITE_OK;
};

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
  forget_statements();
  sqlite3_close_v2(m_handle);
}

Error SqliteDb::last_error(int rc) const {
  std::string detail = sqlite3_errmsg(m_handle);
  if (detail.empty() || detail == "not an error") detail = sqlite3_errstr(rc);
  // SQLite's extended code says which I/O failed (e.g. 4874: SQLITE_IOERR_SHMSIZE).
  if ((rc & 0xff) == SQLITE_IOERR) detail += " (SQLite code " + std::to_string(sqlite3_extended_errcode(m_handle)) + ")";
  return database_error(*this, code_for(rc), detail);
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
      return rc == SQLITE_OK ? std::unexpected(database_error(*this, ErrorCode::io, "cannot switch to write-ahead logging"))
                             : std::unexpected(last_error(rc));
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return exec("PRAGMA synchronous = NORMAL");
}

Result<std::unique_ptr<StatementImpl>> SqliteDb::compile(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(m_handle, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                              nullptr);
  if (rc != SQLITE_OK) return std::unexpected(last_error(rc));
  return std::unique_ptr<StatementImpl>(new SqliteStatement(*this, stmt));
}

Status SqliteDb::exec(std::string_view sql) {
  std::string text(sql);
  char* message = nullptr;
  int rc = sqlite3_exec(m_handle, text.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return {};
  std::string detail = message ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return std::unexpected(database_error(*this, code_for(rc), detail));
}

std::int64_t SqliteDb::changes() const { return sqlite3_changes64(m_handle); }

bool SqliteDb::transaction_open() const { return !sqlite3_get_autocommit(m_handle); }

// PRAGMA data_version moves when another connection commits; this
// connection's own changes are counted by total_changes.
Result<std::int64_t> SqliteDb::change_stamp() {
  Result<Statement> query = prepare("PRAGMA data_version");
  if (!query) return std::unexpected(query.error());
  Result<bool> row = query->step();
  if (!row) return std::unexpected(row.error());
  const std::int64_t others = *row ? query->column_int(0) : 0;
  return (others << 40) ^ sqlite3_total_changes64(m_handle);
}

Result<std::vector<std::string>> SqliteDb::integrity_problems() {
  std::vector<std::string> problems;
  Result<Statement> integrity = prepare("PRAGMA integrity_check");
  if (!integrity) return std::unexpected(integrity.error());
  for (;;) {
    Result<bool> row = integrity->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    std::string line = integrity->column_text(0);
    if (line != "ok") problems.push_back(line);
  }
  Result<Statement> keys = prepare("PRAGMA foreign_key_check");
  if (!keys) return std::unexpected(keys.error());
  for (;;) {
    Result<bool> row = keys->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    problems.push_back("broken reference from " + keys->column_text(0) + " row " +
                       std::to_string(keys->column_int(1)) + " to " + keys->column_text(2));
  }
  return problems;
}

const char* SqliteDb::schema_objects_query() const {
  return "SELECT count(*), coalesce(sum(type = 'table' AND name = 'meta'), 0) FROM sqlite_schema";
}

Result<std::vector<std::string>> SqliteDb::table_names() {
  return first_column(*this, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
}

Result<std::vector<std::string>> SqliteDb::column_names(const std::string& table) {
  return first_column(*this, "SELECT name FROM pragma_table_info(?1) ORDER BY cid", table);
}

}  // namespace slipway::store
