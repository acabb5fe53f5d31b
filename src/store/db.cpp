// What every backend shares: statements in use, the statement cache, and the
// nesting of transactions (db.h).
#include "store/db.h"

namespace slipway::store {

Statement::Statement(StatementImpl* cached, bool* in_use) : m_impl(cached), m_in_use(in_use) { *m_in_use = true; }

Statement::Statement(std::unique_ptr<StatementImpl> owned)
    : m_impl(owned.get()), m_owned(std::move(owned)), m_in_use(nullptr) {}

Statement::Statement(Statement&& other) noexcept
    : m_impl(other.m_impl), m_owned(std::move(other.m_owned)), m_in_use(other.m_in_use) {
  other.m_impl = nullptr;
  other.m_in_use = nullptr;
}

Statement::~Statement() {
  if (!m_impl) return;
  m_impl->reset();
  if (m_in_use) *m_in_use = false;
}

Status Statement::run() {
  for (;;) {
    Result<bool> row = step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return {};
  }
}

Result<Statement> Db::prepare(std::string_view sql) {
  auto found = m_cache.find(std::string(sql));
  if (found != m_cache.end() && !found->second.in_use)
    return Statement(found->second.impl.get(), &found->second.in_use);
  Result<std::unique_ptr<StatementImpl>> compiled = compile(sql);
  if (!compiled) return std::unexpected(compiled.error());
  if (found != m_cache.end()) return Statement(std::move(*compiled));  // nested use
  Cached& cached = m_cache[std::string(sql)];
  cached.impl = std::move(*compiled);
  return Statement(cached.impl.get(), &cached.in_use);
}

Status Db::transaction(const std::function<Status()>& body) {
  const bool outer = m_depth == 0;
  const std::string savepoint = "slipway_" + std::to_string(m_depth);
  if (Status begun = outer ? begin_outer() : exec("SAVEPOINT " + savepoint); !begun) return begun;
  auto roll_back = [&] {
    // Some errors (e.g. disk full) already ended the transaction; then there
    // is nothing left to undo.
    if (!transaction_open()) return;
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

Result<std::vector<std::string>> first_column(Db& db, const std::string& sql, const std::string& bind) {
  Result<Statement> query = db.prepare(sql);
  if (!query) return std::unexpected(query.error());
  if (!bind.empty()) query->bind(1, bind);
  std::vector<std::string> out;
  for (;;) {
    Result<bool> row = query->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    out.push_back(query->column_text(0));
  }
}

Error database_error(const Db& db, ErrorCode code, const std::string& detail) {
  return Error{code, "state database " + db.location() + ": " + detail, {}};
}

}  // namespace slipway::store
