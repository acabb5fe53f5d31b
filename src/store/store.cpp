// open_store: picks the backend from the location's form.
#include "store/store.h"

#include "core/host.h"

#include "core/strings.h"
#include "store/pg_db.h"
#include "store/sql_store.h"
#include "store/sqlite_db.h"

namespace slipway::store {

Result<std::unique_ptr<Store>> open_store(const std::string& location, StoreOptions options) {
  if (location.empty()) return fail(ErrorCode::invalid_input, "state store: no location given");
  const Clock& clock = options.clock ? *options.clock : system_clock();
  const std::span<const Migration> known = options.migrations.empty() ? migrations() : options.migrations;
  if (Status s = check_migration_list(known); !s) return std::unexpected(s.error());
  if (is_postgresql_url(location)) return open_postgresql_store(location, clock, known);
  if (size_t scheme = location.find("://"); scheme != std::string::npos)
    return fail(ErrorCode::unsupported,
                "state store: unknown kind '" + location.substr(0, scheme) +
                    "://'; use a SQLite file path or a postgresql:// URL");
  return open_sqlite_store(location, clock, known);
}

Result<std::unique_ptr<Db>> open_db(const std::string& location) {
  if (is_postgresql_url(location)) {
    Result<std::unique_ptr<PgDb>> db = PgDb::open(location);
    if (!db) return std::unexpected(db.error());
    return std::unique_ptr<Db>(std::move(*db));
  }
  Result<std::unique_ptr<SqliteDb>> db = SqliteDb::open(location);
  if (!db) return std::unexpected(db.error());
  return std::unique_ptr<Db>(std::move(*db));
}

std::string describe_holder(const Lease& lease) {
  return lease.holder + " (" + lease.actor + ", pid " + std::to_string(lease.owner_pid) + " on " + lease.owner_host +
         ") since " + format_utc(lease.acquired);
}

bool holder_is_gone(const Lease& lease) {
  return lease.owner_host == host_name() && lease.owner_pid > 0 && lease.owner_pid != current_pid() &&
         !process_alive(lease.owner_pid);
}

}  // namespace slipway::store
