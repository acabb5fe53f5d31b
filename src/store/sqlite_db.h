// A thin, Result-returning wrapper over one SQLite connection, for the
// sqlite_*.cpp files of src/store only. It hides sqlite3.h (included by
// sqlite_store.cpp alone), caches prepared statements, and owns the
// transaction discipline every write follows:
//
//   return m_db.transaction([&]() -> Status { ...statements...; return {}; });
//
// The outermost transaction is BEGIN IMMEDIATE (the write lock is taken up
// front, so two writers never deadlock upgrading a read lock, and busy_timeout
// applies); nested ones are SAVEPOINTs. Not thread-safe (one connection).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace slipway::store {

class SqliteDb;

// A prepared statement in use. Binds are 1-based, columns 0-based. The
// statement is reset when this object dies, so keep it short-lived.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind_null(int index);

  // Advances: true when a row is available, false when done.
  Result<bool> step();
  // Steps to the end (for statements that return no rows).
  Status run();

  std::int64_t column_int(int index) const;
  std::string column_text(int index) const;
  bool column_is_null(int index) const;

 private:
  friend class SqliteDb;
  Statement(SqliteDb* db, sqlite3_stmt* stmt, bool* in_use, bool owned);

  SqliteDb* m_db;
  sqlite3_stmt* m_stmt;
  bool* m_in_use;  // the cache entry's flag, or nullptr
  bool m_owned;    // finalize on destruction (not from the cache)
  int m_bind_rc = 0;  // the first failed bind, reported by step()
};

class SqliteDb {
 public:
  // Opens or creates the file; sets busy_timeout and foreign keys. Does not
  // write to the file (WAL mode is a separate step: see enable_wal).
  static Result<std::unique_ptr<SqliteDb>> open(const std::string& path);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  const std::string& path() const { return m_path; }

  // Switches the database to write-ahead logging (persistent in the file).
  Status enable_wal();

  Result<Statement> prepare(std::string_view sql);
  // Runs one or more statements without results (migrations, pragmas).
  Status exec(std::string_view sql);

  // See the file comment. `body`'s error is passed on after rolling back.
  Status transaction(const std::function<Status()>& body);
  bool in_transaction() const { return m_depth > 0; }

  std::int64_t changes() const;
  // Rows this connection changed since it opened (sqlite3_total_changes64).
  std::int64_t total_changes() const;

  // The error for the connection's last failure, as "state database PATH: detail".
  Error last_error(int rc) const;

 private:
  SqliteDb(sqlite3* handle, std::string path) : m_handle(handle), m_path(std::move(path)) {}

  struct Cached {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };

  sqlite3* m_handle;
  std::string m_path;
  int m_depth = 0;
  std::unordered_map<std::string, Cached> m_cache;
};

}  // namespace slipway::store
