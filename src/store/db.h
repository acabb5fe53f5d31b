// One connection to the state database, whichever backend holds it, for the
// sql_*.cpp files of src/store only. The stores (sql_meta, sql_events, ...)
// are written once against this interface; sqlite_db.cpp and pg_db.cpp are
// the only files that include their client library. Every write follows one
// transaction discipline:
//
//   return m_db.transaction([&]() -> Status { ...statements...; return {}; });
//
// The outermost transaction takes the database's write lock up front, so
// writers never deadlock upgrading a read lock and each one sees every commit
// before it (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock held to the
// end of the transaction). Nested transactions are SAVEPOINTs.
//
// SQL passed to prepare uses numbered parameters ?1, ?2... and the subset both
// dialects share (ON CONFLICT, RETURNING, CASE, coalesce, substr); what
// differs (schema, change stamp, integrity) is a virtual function here.
// Not thread-safe: one connection, one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.h"

namespace slipway::store {

enum class Dialect { sqlite, postgresql };

// A backend's compiled statement; used through Statement.
class StatementImpl {
 public:
  virtual ~StatementImpl() = default;
  virtual void bind_int(int index, std::int64_t value) = 0;
  virtual void bind_text(int index, std::string_view value) = 0;
  virtual void bind_null(int index) = 0;
  virtual Result<bool> step() = 0;
  virtual std::int64_t column_int(int index) const = 0;
  virtual std::string column_text(int index) const = 0;
  virtual bool column_is_null(int index) const = 0;
  // Forgets rows and binds, ready for the next use.
  virtual void reset() = 0;
};

// A prepared statement in use. Binds are 1-based, columns 0-based. The
// statement is reset when this object dies, so keep it short-lived.
class Statement {
 public:
  Statement(StatementImpl* cached, bool* in_use);
  explicit Statement(std::unique_ptr<StatementImpl> owned);
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  Statement& bind(int index, std::int64_t value) { m_impl->bind_int(index, value); return *this; }
  Statement& bind(int index, std::string_view value) { m_impl->bind_text(index, value); return *this; }
  Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind_null(int index) { m_impl->bind_null(index); return *this; }

  // Advances: true when a row is available, false when done.
  Result<bool> step() { return m_impl->step(); }
  // Steps to the end (for statements that return no rows).
  Status run();

  std::int64_t column_int(int index) const { return m_impl->column_int(index); }
  std::string column_text(int index) const { return m_impl->column_text(index); }
  bool column_is_null(int index) const { return m_impl->column_is_null(index); }

 private:
  StatementImpl* m_impl;
  std::unique_ptr<StatementImpl> m_owned;  // not from the cache (nested use)
  bool* m_in_use;                          // the cache entry's flag, or nullptr
};

class Db {
 public:
  virtual ~Db() = default;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  virtual Dialect dialect() const = 0;
  // Where the database is, safe to show (a URL without its password).
  const std::string& location() const { return m_location; }

  // Compiled once per connection and SQL text, then reused.
  Result<Statement> prepare(std::string_view sql);
  // Runs one or more statements without results (migrations).
  virtual Status exec(std::string_view sql) = 0;

  // See the file comment. `body`'s error is passed on after rolling back.
  Status transaction(const std::function<Status()>& body);
  bool in_transaction() const { return m_depth > 0; }

  // Rows changed by the last INSERT, UPDATE or DELETE.
  virtual std::int64_t changes() const = 0;
  // A number that moves whenever anyone commits a change (it may move more).
  virtual Result<std::int64_t> change_stamp() = 0;
  // The backend's own consistency checks; problems listed, none when sound.
  virtual Result<std::vector<std::string>> integrity_problems() = 0;
  // One row: (objects in the schema, 1 when one of them is the table `meta`).
  virtual const char* schema_objects_query() const = 0;
  // The tables of the schema, and a table's columns in their order.
  virtual Result<std::vector<std::string>> table_names() = 0;
  virtual Result<std::vector<std::string>> column_names(const std::string& table) = 0;
  // After rows were inserted with their own ids: the next generated id follows them.
  virtual Status restart_ids(const std::string& table) = 0;

 protected:
  explicit Db(std::string location) : m_location(std::move(location)) {}
  virtual Result<std::unique_ptr<StatementImpl>> compile(std::string_view sql) = 0;
  virtual Status begin_outer() = 0;  // BEGIN, taking the write lock
  // After a failure the backend may have ended the transaction already.
  virtual bool transaction_open() const = 0;
  // Derived destructors call this first: cached statements may need the connection.
  void forget_statements() { m_cache.clear(); }

 private:
  struct Cached {
    std::unique_ptr<StatementImpl> impl;
    bool in_use = false;
  };

  std::string m_location;
  int m_depth = 0;
  std::unordered_map<std::string, Cached> m_cache;
};

// A raw connection to the database at `location` (a SQLite path or a
// postgresql:// URL), without migrating it: for copying and inspecting.
Result<std::unique_ptr<Db>> open_db(const std::string& location);

// The first column of every row of `sql` (no parameters), as text.
Result<std::vector<std::string>> first_column(Db& db, const std::string& sql, const std::string& bind = "");

// Error messages name the database: "state database LOCATION: detail".
Error database_error(const Db& db, ErrorCode code, const std::string& detail);

}  // namespace slipway::store
