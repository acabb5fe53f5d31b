#include "store/backends.h"

#include <cstdlib>

#include "core/hash.h"
#include "store/pg_db.h"

namespace slipway::store {

std::string test_postgres_url() {
  const char* url = std::getenv("SLIPWAY_TEST_POSTGRES");
  return url ? url : "";
}

FreshState::FreshState(Backend backend) : m_backend(backend) {
  if (backend == Backend::sqlite) {
    m_location = (m_dir / "state.db").string();
    return;
  }
  const std::string server = test_postgres_url();
  if (server.empty()) {
    m_why_not = "PostgreSQL case skipped: SLIPWAY_TEST_POSTGRES is not set (make test starts a server)";
    return;
  }
  Result<std::unique_ptr<PgDb>> admin = PgDb::open(server);
  m_schema = "t_" + random_hex(8);
  Status made = admin ? (*admin)->exec("CREATE SCHEMA " + m_schema) : Status(std::unexpected(admin.error()));
  if (!made) {
    m_why_not = "PostgreSQL case skipped: " + made.error().message;
    m_schema.clear();
    return;
  }
  m_location = server + (server.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + m_schema;
}

FreshState::~FreshState() {
  if (m_schema.empty()) return;
  if (Result<std::unique_ptr<PgDb>> admin = PgDb::open(test_postgres_url()); admin)
    (void)(*admin)->exec("DROP SCHEMA " + m_schema + " CASCADE");
}

std::unique_ptr<Db> FreshState::open_db() const {
  Result<std::unique_ptr<Db>> db = store::open_db(m_location);
  EXPECT_TRUE(db) << db.error().to_string();
  return db ? std::move(*db) : nullptr;
}

std::int64_t FreshState::count(const std::string& sql) const {
  std::unique_ptr<Db> db = open_db();
  if (!db) return -1;
  Result<Statement> query = db->prepare(sql);
  EXPECT_TRUE(query) << query.error().to_string();
  if (!query || !query->step().value_or(false)) return -1;
  return query->column_int(0);
}

bool FreshState::has_table(const std::string& name) const {
  const std::string where = m_backend == Backend::sqlite
                                ? "FROM sqlite_schema WHERE type = 'table' AND name = '"
                                : "FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '";
  return count("SELECT count(*) " + where + name + "'") == 1;
}

std::unique_ptr<Store> OnBackends::open(const Clock* clock, std::span<const Migration> known) const {
  auto store = open_store(state.location(), {.clock = clock, .migrations = known});
  EXPECT_TRUE(store) << store.error().to_string();
  return store ? std::move(*store) : nullptr;
}

std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::sqlite ? "sqlite" : "postgresql";
}

}  // namespace slipway::store
