// The PostgreSQL connection (db.h), over libpq. Only pg_db.cpp includes
// libpq-fe.h.
//
// Connections are pooled per process: a PgDb returns its connection, with the
// statements prepared on it, to an idle list when it closes outside a
// transaction, and the next open of the same URL takes it from there. The
// outermost transaction takes a transaction-scoped advisory lock, so writers
// are serialized as SQLite's are (each sees every commit before it, and
// read-then-write logic such as lock takeover stays correct across hosts);
// readers never wait for it.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "core/clock.h"
#include "store/db.h"
#include "store/migrations.h"
#include "store/store.h"

struct pg_result;  // libpq's PGresult

namespace slipway::store {

struct PgConnection;

class PgDb final : public Db {
 public:
  // Connects to `url` (postgresql://USER[:PASSWORD]@HOST[:PORT]/DB[?...]).
  static Result<std::unique_ptr<PgDb>> open(const std::string& url);
  ~PgDb() override;

  Dialect dialect() const override { return Dialect::postgresql; }
  Status exec(std::string_view sql) override;
  std::int64_t changes() const override { return m_changes; }
  Result<std::int64_t> change_stamp() override;
  Result<std::vector<std::string>> integrity_problems() override;
  const char* schema_objects_query() const override;
  Result<std::vector<std::string>> table_names() override;
  Result<std::vector<std::string>> column_names(const std::string& table) override;
  Status restart_ids(const std::string& table) override;

  // For statements: the error of a failed result, and the count of rows a command changed.
  Error result_error(const pg_result* result) const;
  void note_command(const pg_result* result);
  PgConnection& connection() { return *m_connection; }

 protected:
  Result<std::unique_ptr<StatementImpl>> compile(std::string_view sql) override;
  Status begin_outer() override;
  bool transaction_open() const override;

 private:
  PgDb(std::unique_ptr<PgConnection> connection, std::string url, std::string location);

  std::unique_ptr<PgConnection> m_connection;
  std::string m_url;  // the pool's key; may hold a password: never shown
  std::int64_t m_changes = 0;
};

// "postgresql://user:secret@host/db?password=x" → "postgresql://user@host/db".
std::string safe_database_url(const std::string& url);

bool is_postgresql_url(const std::string& location);

// Opens the state store in the database at `url`, applying pending migrations.
Result<std::unique_ptr<Store>> open_postgresql_store(const std::string& url, const Clock& clock,
                                                     std::span<const Migration> known);

}  // namespace slipway::store
