// The SQLite connection (db.h). The only header that knows SQLite; only
// sqlite_db.cpp includes sqlite3.h.
#pragma once

#include <memory>
#include <string>

#include "store/db.h"

struct sqlite3;

namespace slipway::store {

class SqliteDb final : public Db {
 public:
  // Opens or creates the file; sets busy_timeout and foreign keys. Does not
  // write to the file (WAL mode is a separate step: see enable_wal).
  static Result<std::unique_ptr<SqliteDb>> open(const std::string& path);
  ~SqliteDb() override;

  // Switches the database to write-ahead logging (persistent in the file).
  Status enable_wal();

  Dialect dialect() const override { return Dialect::sqlite; }
  Status exec(std::string_view sql) override;
  std::int64_t changes() const override;
  Result<std::int64_t> change_stamp() override;
  Result<std::vector<std::string>> integrity_problems() override;
  const char* schema_objects_query() const override;
  Result<std::vector<std::string>> table_names() override;
  Result<std::vector<std::string>> column_names(const std::string& table) override;
  // AUTOINCREMENT follows the largest id inserted by itself.
  Status restart_ids(const std::string&) override { return {}; }

  // The error for the connection's last failure, as "state database PATH: detail".
  Error last_error(int rc) const;

 protected:
  Result<std::unique_ptr<StatementImpl>> compile(std::string_view sql) override;
  Status begin_outer() override { return exec("BEGIN IMMEDIATE"); }
  bool transaction_open() const override;

 private:
  SqliteDb(sqlite3* handle, std::string path) : Db(std::move(path)), m_handle(handle) {}

  sqlite3* m_handle;
};

}  // namespace slipway::store
