// The PostgreSQL connection (pg_db.h). The only file that includes libpq-fe.h.
#include "store/pg_db.h"

#include <libpq-fe.h>

#include <charconv>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "core/strings.h"
#include "store/sql_store.h"

namespace slipway::store {

struct PgConnection {
  PGconn* handle = nullptr;
  std::unordered_map<std::string, std::string> prepared;  // SQL as sent → statement name

  ~PgConnection() { PQfinish(handle); }
};

namespace {

// Writers of one database queue on this advisory lock ("slipway" in ASCII),
// for at most 10 s as SQLite's busy timeout (then 55P03: a conflict).
constexpr const char* k_begin =
    "BEGIN; SET LOCAL lock_timeout = '10s'; SELECT pg_advisory_xact_lock(8315161376434522489)";
constexpr size_t k_idle_per_url = 8;

// Idle connections by URL, for the next open in this process.
struct Pool {
  std::mutex mutex;
  std::unordered_map<std::string, std::vector<std::unique_ptr<PgConnection>>> idle;
};

Pool& pool() {
  static Pool* instance = new Pool;  // never destroyed: PgDbs may close during exit
  return *instance;
}

// An idle connection may have been closed by the server meanwhile (a
// restart, a failover, idle_session_timeout), which libpq learns only on its
// next use: an empty query (one round trip) tells before a statement fails.
bool still_connected(PgConnection& connection) {
  if (PQstatus(connection.handle) != CONNECTION_OK) return false;
  PGresult* probe = PQexec(connection.handle, "");
  const bool alive = PQresultStatus(probe) == PGRES_EMPTY_QUERY;
  PQclear(probe);
  return alive;
}

std::unique_ptr<PgConnection> take_idle(const std::string& url) {
  for (;;) {
    std::unique_ptr<PgConnection> connection;
    {
      Pool& p = pool();
      std::lock_guard lock(p.mutex);
      auto& list = p.idle[url];
      if (list.empty()) return nullptr;
      connection = std::move(list.back());
      list.pop_back();
    }
    if (still_connected(*connection)) return connection;
  }
}

void give_back(const std::string& url, std::unique_ptr<PgConnection> connection) {
  if (PQstatus(connection->handle) != CONNECTION_OK || PQtransactionStatus(connection->handle) != PQTRANS_IDLE) return;
  Pool& p = pool();
  std::lock_guard lock(p.mutex);
  auto& list = p.idle[url];
  if (list.size() < k_idle_per_url) list.push_back(std::move(connection));
}

// SQLSTATE classes: 23 integrity, 40 serialization/deadlock, 08 connection,
// 22 data, 53 resources, 3D unknown database, 28 authentication.
ErrorCode code_for(const char* sqlstate) {
  const std::string_view state = sqlstate ? sqlstate : "";
  if (state.starts_with("23") || state.starts_with("40") || state == "55P03") return ErrorCode::conflict;
  if (state.starts_with("08") || state.starts_with("53") || state.starts_with("57") || state.starts_with("58"))
    return ErrorCode::io;
  if (state.starts_with("22")) return ErrorCode::invalid_input;
  if (state == "3D000") return ErrorCode::not_found;
  if (state.starts_with("28")) return ErrorCode::denied;
  return ErrorCode::internal;
}

std::string first_line(const char* message) {
  std::string text = message ? message : "";
  if (text.starts_with("ERROR:  ")) text.erase(0, 8);
  if (size_t end = text.find('\n'); end != std::string::npos) text.erase(end);
  return text;
}

// "?N" → "$k", numbering the parameters densely in order of first use (a
// statement may leave some of ?1..?N out, which PostgreSQL cannot type).
// Quoted text is copied as it is. slot[N] is k - 1, or -1 when ?N is unused.
std::string to_dollar_parameters(std::string_view sql, std::vector<int>& slot) {
  std::string out;
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote) {
      if (c == quote) quote = 0;
      out += c;
      continue;
    }
    if (c == '\'' || c == '"') quote = c;
    if (c != '?' || i + 1 >= sql.size() || !std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
      out += c;
      continue;
    }
    size_t end = i + 1;
    while (end < sql.size() && std::isdigit(static_cast<unsigned char>(sql[end]))) ++end;
    const int number = std::stoi(std::string(sql.substr(i + 1, end - i - 1)));
    if (static_cast<int>(slot.size()) <= number) slot.resize(static_cast<size_t>(number) + 1, -1);
    if (slot[static_cast<size_t>(number)] < 0) {
      int used = 0;
      for (int s : slot) used += s >= 0;
      slot[static_cast<size_t>(number)] = used;
    }
    out += '$' + std::to_string(slot[static_cast<size_t>(number)] + 1);
    i = end - 1;
  }
  return out;
}

class PgStatement final : public StatementImpl {
 public:
  PgStatement(PgDb& db, std::string name, std::vector<int> slot, int count)
      : m_db(db), m_name(std::move(name)), m_slot(std::move(slot)), m_values(static_cast<size_t>(count)) {}
  ~PgStatement() override { PQclear(m_result); }

  void bind_int(int index, std::int64_t value) override { set(index, std::to_string(value)); }
  void bind_text(int index, std::string_view value) override { set(index, std::string(value)); }
  void bind_null(int index) override { set(index, std::nullopt); }

  Result<bool> step() override {
    if (!m_result) {
      std::vector<const char*> values;
      for (const auto& v : m_values) values.push_back(v ? v->c_str() : nullptr);
      m_result = PQexecPrepared(m_db.connection().handle, m_name.c_str(), static_cast<int>(values.size()),
                                values.data(), nullptr, nullptr, 0);
      const ExecStatusType status = PQresultStatus(m_result);
      if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return std::unexpected(m_db.result_error(m_result));
      m_db.note_command(m_result);
      m_row = -1;
    }
    return ++m_row < PQntuples(m_result);
  }

  std::int64_t column_int(int index) const override {
    const char* text = PQgetvalue(m_result, m_row, index);
    if (text[0] == 't' && text[1] == 0) return 1;  // a boolean
    std::int64_t value = 0;
    std::from_chars(text, text + std::strlen(text), value);
    return value;
  }
  std::string column_text(int index) const override {
    return std::string(PQgetvalue(m_result, m_row, index), static_cast<size_t>(PQgetlength(m_result, m_row, index)));
  }
  bool column_is_null(int index) const override { return PQgetisnull(m_result, m_row, index) != 0; }

  void reset() override {
    PQclear(m_result);
    m_result = nullptr;
    for (auto& v : m_values) v.reset();
  }

 private:
  void set(int index, std::optional<std::string> value) {
    if (index < 0 || index >= static_cast<int>(m_slot.size()) || m_slot[static_cast<size_t>(index)] < 0) return;
    m_values[static_cast<size_t>(m_slot[static_cast<size_t>(index)])] = std::move(value);
  }

  PgDb& m_db;
  std::string m_name;
  std::vector<int> m_slot;
  std::vector<std::optional<std::string>> m_values;
  PGresult* m_result = nullptr;
  int m_row = -1;
};

}  // namespace

bool is_postgresql_url(const std::string& location) {
  return starts_with_icase(location, "postgresql://") || starts_with_icase(location, "postgres://");
}

std::string safe_database_url(const std::string& url) {
  std::string safe = url;
  if (size_t query = safe.find('?'); query != std::string::npos) safe.erase(query);
  const size_t scheme = safe.find("://");
  if (scheme == std::string::npos) return safe;
  // The user's part ends at the authority's last '@' (a password may hold '@').
  const size_t path = safe.find('/', scheme + 3);
  const size_t at = safe.rfind('@', path == std::string::npos ? std::string::npos : path);
  if (at == std::string::npos || at < scheme + 3) return safe;
  const size_t colon = safe.find(':', scheme + 3);
  if (colon != std::string::npos && colon < at) safe.erase(colon, at - colon);
  return safe;
}

PgDb::PgDb(std::unique_ptr<PgConnection> connection, std::string url, std::string location)
    : Db(std::move(location)), m_connection(std::move(connection)), m_url(std::move(url)) {}

Result<std::unique_ptr<PgDb>> PgDb::open(const std::string& url) {
  const std::string location = safe_database_url(url);
  // libpq's own message for a URL it cannot read quotes the URL's parts,
  // the password among them: refused here in words of our own.
  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(url.c_str(), &parse_error);
  PQconninfoFree(parsed);
  PQfreemem(parse_error);
  if (!parsed)
    return fail(ErrorCode::invalid_input, "state database " + location +
                                              ": not a valid connection URL (postgresql://USER[:PASSWORD]@HOST[:PORT]/DB, "
                                              "with '%' and '@' in a password written %25 and %40)");
  std::unique_ptr<PgConnection> connection = take_idle(url);
  if (!connection) {
    connection = std::make_unique<PgConnection>();
    // The URL comes last so that what it says wins over these defaults.
    const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
    const char* values[] = {"10", "slipway", url.c_str(), nullptr};
    connection->handle = PQconnectdbParams(keys, values, 1);
    if (PQstatus(connection->handle) != CONNECTION_OK)
      return fail(ErrorCode::io, "state database " + location + ": cannot connect: " +
                                     first_line(PQerrorMessage(connection->handle)));
    PGresult* quiet = PQexec(connection->handle, "SET client_min_messages = warning");
    PQclear(quiet);
  }
  return std::unique_ptr<PgDb>(new PgDb(std::move(connection), url, location));
}

PgDb::~PgDb() {
  forget_statements();
  give_back(m_url, std::move(m_connection));
}

Error PgDb::result_error(const pg_result* result) const {
  const char* message = result ? PQresultErrorMessage(result) : nullptr;
  if (!message || !*message) message = PQerrorMessage(m_connection->handle);
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  if (PQstatus(m_connection->handle) != CONNECTION_OK) state = "08006";
  return database_error(*this, code_for(state), first_line(message));
}

void PgDb::note_command(const pg_result* result) {
  const std::string_view status = PQcmdStatus(const_cast<PGresult*>(result));
  if (status.starts_with("INSERT") || status.starts_with("UPDATE") || status.starts_with("DELETE"))
    m_changes = std::strtoll(PQcmdTuples(const_cast<PGresult*>(result)), nullptr, 10);
}

Result<std::unique_ptr<StatementImpl>> PgDb::compile(std::string_view sql) {
  std::vector<int> slot;
  const std::string text = to_dollar_parameters(sql, slot);
  int count = 0;
  for (int s : slot) count += s >= 0;
  auto& prepared = m_connection->prepared;
  auto found = prepared.find(text);
  if (found == prepared.end()) {
    const std::string name = "s" + std::to_string(prepared.size() + 1);
    PGresult* result = PQprepare(m_connection->handle, name.c_str(), text.c_str(), 0, nullptr);
    if (PQresultStatus(result) != PGRES_COMMAND_OK) {
      Error error = result_error(result);
      PQclear(result);
      return std::unexpected(error);
    }
    PQclear(result);
    found = prepared.emplace(text, name).first;
  }
  return std::unique_ptr<StatementImpl>(new PgStatement(*this, found->second, std::move(slot), count));
}

Status PgDb::exec(std::string_view sql) {
  PGresult* result = PQexec(m_connection->handle, std::string(sql).c_str());
  const ExecStatusType status = PQresultStatus(result);
  Status outcome;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY)
    outcome = std::unexpected(result_error(result));
  PQclear(result);
  return outcome;
}

// A BEGIN whose lock wait failed leaves an aborted transaction open: ended
// here, or every later statement on this connection would fail.
Status PgDb::begin_outer() {
  Status begun = exec(k_begin);
  if (!begun && transaction_open()) (void)exec("ROLLBACK");
  return begun;
}

bool PgDb::transaction_open() const { return PQtransactionStatus(m_connection->handle) != PQTRANS_IDLE; }

// The snapshot (oldest running writer : next transaction id : running
// writers) moves with every transaction that writes, by anyone, and with
// nothing that only reads: read-only transactions get no transaction id.
Result<std::int64_t> PgDb::change_stamp() {
  Result<Statement> query = prepare("SELECT pg_current_snapshot()::text");
  if (!query) return std::unexpected(query.error());
  Result<bool> row = query->step();
  if (!row) return std::unexpected(row.error());
  return static_cast<std::int64_t>(std::hash<std::string>{}(query->column_text(0)));
}

// PostgreSQL checks its pages and enforces every reference itself; what can
// still be wrong is a constraint left unvalidated (added NOT VALID by hand).
Result<std::vector<std::string>> PgDb::integrity_problems() {
  Result<Statement> query = prepare(
      "SELECT conrelid::regclass::text, conname FROM pg_constraint "
      "WHERE NOT convalidated AND connamespace = current_schema()::regnamespace");
  if (!query) return std::unexpected(query.error());
  std::vector<std::string> problems;
  for (;;) {
    Result<bool> row = query->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    problems.push_back("constraint " + query->column_text(1) + " of " + query->column_text(0) + " is not validated");
  }
  return problems;
}

const char* PgDb::schema_objects_query() const {
  return "SELECT count(*), count(*) FILTER (WHERE table_name = 'meta') FROM information_schema.tables "
         "WHERE table_schema = current_schema()";
}

Result<std::vector<std::string>> PgDb::table_names() {
  return first_column(*this, "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                             "ORDER BY table_name");
}

Result<std::vector<std::string>> PgDb::column_names(const std::string& table) {
  return first_column(*this,
                      "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                      "AND table_name = ?1 ORDER BY ordinal_position",
                      table);
}

Status PgDb::restart_ids(const std::string& table) {
  Result<std::vector<std::string>> identities = first_column(
      *this,
      "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
      "AND table_name = ?1 AND is_identity = 'YES'",
      table);
  if (!identities) return std::unexpected(identities.error());
  for (const std::string& column : *identities) {
    // Identifiers from the catalog, quoted: the statement cannot take them as parameters.
    const std::string sql = "SELECT setval(pg_get_serial_sequence('\"" + table + "\"', '" + column + "'), " +
                            "coalesce((SELECT max(\"" + column + "\") FROM \"" + table + "\"), 0) + 1, false)";
    if (Status s = exec(sql); !s) return s;
  }
  return {};
}

Result<std::unique_ptr<Store>> open_postgresql_store(const std::string& url, const Clock& clock,
                                                     std::span<const Migration> known) {
  Result<std::unique_ptr<PgDb>> db = PgDb::open(url);
  if (!db) return std::unexpected(db.error());
  Result<std::unique_ptr<SqlStore>> store = SqlStore::open(std::move(*db), url, clock, known);
  if (!store) return std::unexpected(store.error());
  return std::unique_ptr<Store>(std::move(*store));
}

}  // namespace slipway::store
