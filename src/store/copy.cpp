#include "store/copy.h"

#include <algorithm>
#include <array>
#include <filesystem>

#include "core/strings.h"
#include "store/blobs.h"
#include "store/pg_db.h"
#include "store/sql_store.h"

namespace slipway::store {
namespace {

// Every table, parents before the tables that reference them. A table the
// source has and this list lacks is refused: a new migration must add it here.
constexpr std::array k_tables{"meta",          "schema_migrations", "events",         "settings",
                              "counters",      "runs",              "run_jobs",       "run_steps",
                              "run_artifacts", "run_triggers",      "run_cancels",    "ref_heads",
                              "component_versions", "releases",     "approvals",      "environment_state",
                              "deploy_applied", "deploy_secrets",   "deploy_runs",    "deploy_steps",
                              "api_tokens",    "step_logs",         "blobs"};
constexpr const char* k_not_copied = "locks";

Status refuse_unless_empty(Db& target) {
  Result<std::vector<std::string>> tables = target.table_names();
  if (!tables) return std::unexpected(tables.error());
  if (tables->empty()) return {};
  return fail(ErrorCode::invalid_input, "state copy: " + target.location() + " is not empty (" +
                                            std::to_string(tables->size()) + " tables, e.g. " + tables->front() +
                                            "); copy only into an empty database");
}

Status check_known(Db& source) {
  Result<std::vector<std::string>> tables = source.table_names();
  if (!tables) return std::unexpected(tables.error());
  for (const std::string& table : *tables)
    if (table != k_not_copied && std::find(k_tables.begin(), k_tables.end(), table) == k_tables.end())
      return fail(ErrorCode::internal, "state copy: table " + table + " is not known to the copy");
  return {};
}

// After a failed copy: the target as empty as it was before, so that the
// copy can be tried again.
Status empty_again(std::unique_ptr<Db> target, const std::string& location) {
  if (target->dialect() == Dialect::sqlite) {
    target.reset();
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(location + suffix, ec);
    return {};
  }
  Result<std::vector<std::string>> tables = target->table_names();
  if (!tables) return std::unexpected(tables.error());
  for (const std::string& table : *tables)
    if (Status s = target->exec("DROP TABLE IF EXISTS \"" + table + "\" CASCADE"); !s) return s;
  return target->exec("DROP FUNCTION IF EXISTS slipway_refuse()");
}

Result<std::int64_t> count_rows(Db& db, const std::string& table) {
  Result<std::vector<std::string>> count = first_column(db, "SELECT count(*) FROM " + table);
  if (!count) return std::unexpected(count.error());
  return std::stoll(count->front());
}

// The columns both sides have; "rowid" (PostgreSQL's stand-in for SQLite's
// implicit one) is read from a SQLite source too.
Result<std::vector<std::string>> shared_columns(Db& source, Db& target, const std::string& table) {
  Result<std::vector<std::string>> from = source.column_names(table);
  if (!from) return std::unexpected(from.error());
  Result<std::vector<std::string>> to = target.column_names(table);
  if (!to) return std::unexpected(to.error());
  if (source.dialect() == Dialect::sqlite) from->push_back("rowid");
  std::vector<std::string> shared;
  for (const std::string& column : *to)
    if (std::find(from->begin(), from->end(), column) != from->end()) shared.push_back(column);
  return shared;
}

Result<std::int64_t> copy_table(Db& source, Db& target, const std::string& table) {
  Result<std::vector<std::string>> columns = shared_columns(source, target, table);
  if (!columns) return std::unexpected(columns.error());
  std::string placeholders;
  for (size_t i = 1; i <= columns->size(); ++i) placeholders += (i > 1 ? ", ?" : "?") + std::to_string(i);
  const std::string list = join(*columns, ", ");
  Result<Statement> read = source.prepare("SELECT " + list + " FROM " + table);
  if (!read) return std::unexpected(read.error());
  std::int64_t rows = 0;
  for (;;) {
    Result<bool> row = read->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    // Prepared once: the cache hands the same statement back row after row.
    Result<Statement> insert = target.prepare("INSERT INTO " + table + " (" + list + ") VALUES (" + placeholders + ")");
    if (!insert) return std::unexpected(insert.error());
    for (int i = 0; i < static_cast<int>(columns->size()); ++i) {
      if (read->column_is_null(i)) insert->bind_null(i + 1);
      else insert->bind(i + 1, read->column_text(i));
    }
    if (Status s = insert->run(); !s) return std::unexpected(s.error());
    ++rows;
  }
  if (Status s = target.restart_ids(table); !s) return std::unexpected(s.error());
  return rows;
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

Result<std::vector<TableCount>> copy_tables(Db& source, Db& target) {
  // The copy brings the source's own schema history and meta.
  if (Status s = target.exec("DELETE FROM schema_migrations; DELETE FROM meta"); !s) return std::unexpected(s.error());
  Result<std::vector<std::string>> in_source_db = source.table_names();
  if (!in_source_db) return std::unexpected(in_source_db.error());
  Result<std::vector<std::string>> in_target_db = target.table_names();
  if (!in_target_db) return std::unexpected(in_target_db.error());
  std::vector<TableCount> counts;
  for (const char* table : k_tables) {
    // A dialect's own table (PostgreSQL's blobs) on one side only: copy_blobs moves its content.
    if (!contains(*in_source_db, table) || !contains(*in_target_db, table)) continue;
    Result<std::int64_t> copied = copy_table(source, target, table);
    if (!copied) return std::unexpected(copied.error());
    Result<std::int64_t> in_source = count_rows(source, table);
    if (!in_source) return std::unexpected(in_source.error());
    counts.push_back({table, *in_source, *copied});
  }
  return counts;
}

// Blobs between a folder and a database (two PostgreSQL states copy them as
// a table): their count in the source and, listed again, in the target.
Result<TableCount> copy_blobs(const std::string& from, const std::filesystem::path& from_root, const std::string& to) {
  std::shared_ptr<BlobStore> source = open_blob_store(from, from_root);
  std::shared_ptr<BlobStore> target = open_blob_store(to, std::filesystem::path(to).parent_path());
  Result<std::vector<std::string>> names = source->list();
  if (!names) return std::unexpected(names.error());
  if (!(is_postgresql_url(from) && is_postgresql_url(to)))
    for (const std::string& name : *names) {
      Result<std::string> bytes = source->get(name);
      if (!bytes) return std::unexpected(bytes.error());
      if (Status s = target->put(name, *bytes); !s) return std::unexpected(s.error());
    }
  return TableCount{"blobs", static_cast<std::int64_t>(names->size()), 0};
}

Result<std::int64_t> blob_count(const std::string& to) {
  Result<std::vector<std::string>> names = open_blob_store(to, std::filesystem::path(to).parent_path())->list();
  if (!names) return std::unexpected(names.error());
  return static_cast<std::int64_t>(names->size());
}

}  // namespace

Result<std::vector<TableCount>> copy_state(const std::string& from, const std::filesystem::path& from_root,
                                           const std::string& to, const NewEvent& record) {
  if (from == to) return fail(ErrorCode::invalid_input, "state copy: the target is the state itself");
  Result<std::unique_ptr<Db>> target = open_db(to);
  if (!target) return std::unexpected(target.error());
  if (Status s = refuse_unless_empty(**target); !s) return std::unexpected(s.error());
  // Both at this binary's schema: the source migrated (as any command would), the target made.
  Result<std::unique_ptr<Store>> source_store = open_store(from);
  if (!source_store) return std::unexpected(source_store.error());
  if (Result<std::unique_ptr<Store>> made = open_store(to); !made) return std::unexpected(made.error());
  std::vector<TableCount> counts;
  Status copied = [&]() -> Status {
    Result<std::unique_ptr<Db>> source = open_db(from);
    if (!source) return std::unexpected(source.error());
    if (Status s = check_known(**source); !s) return s;
    Result<TableCount> blobs = copy_blobs(from, from_root, to);
    if (!blobs) return std::unexpected(blobs.error());
    return (*source)->transaction([&]() -> Status {
      return (*target)->transaction([&]() -> Status {
        Result<std::vector<TableCount>> done = copy_tables(**source, **target);
        if (!done) return std::unexpected(done.error());
        counts = std::move(*done);
        // Counted again before committing: a difference leaves nothing behind.
        for (TableCount& count : counts) {
          Result<std::int64_t> now = count_rows(**target, count.table);
          if (!now) return std::unexpected(now.error());
          count.copied = *now;
        }
        if (std::none_of(counts.begin(), counts.end(), [](const TableCount& c) { return c.table == "blobs"; })) {
          Result<std::int64_t> now = blob_count(to);  // a blob store of their own: already written
          if (!now) return std::unexpected(now.error());
          counts.push_back({"blobs", blobs->source, *now});
        }
        for (const TableCount& count : counts)
          if (count.copied != count.source)
            return fail(ErrorCode::corrupt, "state copy: table " + count.table + " has " + std::to_string(count.copied) +
                                                " rows in " + (*target)->location() + ", " +
                                                std::to_string(count.source) + " in the source");
        return {};
      });
    });
  }();
  if (!copied) {
    (void)empty_again(std::move(*target), to);  // a failed copy can be tried again
    return std::unexpected(copied.error());
  }
  Result<std::unique_ptr<Store>> copy = open_store(to);
  if (!copy) return std::unexpected(copy.error());
  if (Result<std::int64_t> r = (*copy)->events().append(record); !r) return std::unexpected(r.error());
  if (Result<std::int64_t> r = (*source_store)->events().append(record); !r) return std::unexpected(r.error());
  return counts;
}

}  // namespace slipway::store
