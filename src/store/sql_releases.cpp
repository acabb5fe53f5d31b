#include "store/sql_releases.h"

#include "core/json_text.h"

namespace slipway::store {
namespace {

// Runs `query` and turns each row into a T with `read`.
template <class T, class Read>
Result<std::vector<T>> collect(Statement& query, Read read) {
  std::vector<T> out;
  for (;;) {
    Result<bool> row = query.step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    Result<T> item = read(query);
    if (!item) return std::unexpected(item.error());
    out.push_back(std::move(*item));
  }
}

Result<nlohmann::json> parse_json(const std::string& text, const std::string& what) {
  nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
  if (value.is_discarded()) return fail(ErrorCode::corrupt, "state database: unreadable " + what);
  return value;
}

Result<ComponentVersionRecord> read_version(Statement& q) {
  return ComponentVersionRecord{q.column_text(0), q.column_text(1), q.column_text(2),
                                q.column_text(3), q.column_text(4), from_epoch_ms(q.column_int(5))};
}

Result<ReleaseRecord> read_release(Statement& q) {
  Result<nlohmann::json> body = parse_json(q.column_text(3), "release " + q.column_text(0));
  if (!body) return std::unexpected(body.error());
  return ReleaseRecord{q.column_text(0), q.column_text(1), from_epoch_ms(q.column_int(2)), *body};
}

Result<EnvironmentState> read_state(Statement& q) {
  Result<nlohmann::json> extra = parse_json(q.column_text(7), "state of " + q.column_text(0));
  if (!extra) return std::unexpected(extra.error());
  return EnvironmentState{q.column_text(0), q.column_text(1), q.column_text(2), q.column_text(3),
                          q.column_text(4), q.column_text(5), from_epoch_ms(q.column_int(6)), *extra};
}

template <class T>
Result<std::optional<T>> first(Result<std::vector<T>> rows) {
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return std::optional<T>();
  return std::optional<T>(std::move(rows->front()));
}

constexpr const char* k_version_columns =
    "SELECT component, version, artifact_digest, run_id, branch, created_ms FROM component_versions ";
constexpr const char* k_state_columns =
    "SELECT environment, release, product_version, last_release, last_result, last_actor, updated_ms, "
    "extra FROM environment_state ";

}  // namespace

Status SqlReleaseStore::record_component_version(const ComponentVersionRecord& record) {
  return m_db.transaction([&]() -> Status {
    Result<std::optional<ComponentVersionRecord>> existing =
        component_version(record.component, record.version);
    if (!existing) return std::unexpected(existing.error());
    if (*existing) {
      if ((*existing)->artifact_digest == record.artifact_digest) return {};
      return fail(ErrorCode::conflict, "component " + record.component + " version " + record.version +
                                           " was already built with artifact " +
                                           (*existing)->artifact_digest);
    }
    Result<Statement> insert = m_db.prepare(
        "INSERT INTO component_versions (component, version, artifact_digest, run_id, branch, created_ms) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!insert) return std::unexpected(insert.error());
    insert->bind(1, record.component).bind(2, record.version).bind(3, record.artifact_digest)
        .bind(4, record.run_id).bind(5, record.branch).bind(6, to_epoch_ms(m_clock.now()));
    return insert->run();
  });
}

Result<std::optional<ComponentVersionRecord>> SqlReleaseStore::component_version(
    const std::string& component, const std::string& version) {
  Result<Statement> q = m_db.prepare(std::string(k_version_columns) + "WHERE component = ?1 AND version = ?2");
  if (!q) return std::unexpected(q.error());
  q->bind(1, component).bind(2, version);
  return first(collect<ComponentVersionRecord>(*q, read_version));
}

Result<std::vector<ComponentVersionRecord>> SqlReleaseStore::component_versions(
    const std::string& component) {
  Result<Statement> q = m_db.prepare(std::string(k_version_columns) + "WHERE component = ?1 ORDER BY created_ms, rowid");
  if (!q) return std::unexpected(q.error());
  q->bind(1, component);
  return collect<ComponentVersionRecord>(*q, read_version);
}

Status SqlReleaseStore::add_release(const ReleaseRecord& release) {
  return m_db.transaction([&]() -> Status {
    Result<std::optional<ReleaseRecord>> existing = this->release(release.id);
    if (!existing) return std::unexpected(existing.error());
    if (*existing) return fail(ErrorCode::conflict, "release " + release.id + " already exists");
    Result<Statement> insert = m_db.prepare(
        "INSERT INTO releases (id, created_by, created_ms, body) VALUES (?1, ?2, ?3, ?4)");
    if (!insert) return std::unexpected(insert.error());
    insert->bind(1, release.id).bind(2, release.created_by).bind(3, to_epoch_ms(m_clock.now()))
        .bind(4, json_text(release.body));
    return insert->run();
  });
}

Result<std::optional<ReleaseRecord>> SqlReleaseStore::release(const std::string& id) {
  Result<Statement> q = m_db.prepare("SELECT id, created_by, created_ms, body FROM releases WHERE id = ?1");
  if (!q) return std::unexpected(q.error());
  q->bind(1, id);
  return first(collect<ReleaseRecord>(*q, read_release));
}

Result<std::vector<ReleaseRecord>> SqlReleaseStore::releases() {
  Result<Statement> q = m_db.prepare("SELECT id, created_by, created_ms, body FROM releases ORDER BY seq");
  if (!q) return std::unexpected(q.error());
  return collect<ReleaseRecord>(*q, read_release);
}

Status SqlReleaseStore::add_approval(const ApprovalRecord& approval) {
  return m_db.transaction([&]() -> Status {
    Result<std::vector<ApprovalRecord>> existing = approvals(approval.release, approval.environment);
    if (!existing) return std::unexpected(existing.error());
    for (const ApprovalRecord& a : *existing)
      if (a.actor == approval.actor)
        return fail(ErrorCode::conflict, approval.actor + " already approved release " + approval.release +
                                             " for " + approval.environment);
    Result<Statement> insert = m_db.prepare(
        "INSERT INTO approvals (release, environment, actor, time_ms) VALUES (?1, ?2, ?3, ?4)");
    if (!insert) return std::unexpected(insert.error());
    insert->bind(1, approval.release).bind(2, approval.environment).bind(3, approval.actor)
        .bind(4, to_epoch_ms(m_clock.now()));
    return insert->run();
  });
}

Result<std::vector<ApprovalRecord>> SqlReleaseStore::approvals(const std::string& release,
                                                                  const std::string& environment) {
  Result<Statement> q = m_db.prepare(
      "SELECT release, environment, actor, time_ms FROM approvals WHERE release = ?1 AND environment = ?2 "
      "ORDER BY seq");
  if (!q) return std::unexpected(q.error());
  q->bind(1, release).bind(2, environment);
  return collect<ApprovalRecord>(*q, [](Statement& r) -> Result<ApprovalRecord> {
    return ApprovalRecord{r.column_text(0), r.column_text(1), r.column_text(2), from_epoch_ms(r.column_int(3))};
  });
}

Result<std::optional<EnvironmentState>> SqlReleaseStore::environment_state(const std::string& environment) {
  Result<Statement> q = m_db.prepare(std::string(k_state_columns) + "WHERE environment = ?1");
  if (!q) return std::unexpected(q.error());
  q->bind(1, environment);
  return first(collect<EnvironmentState>(*q, read_state));
}

Status SqlReleaseStore::set_environment_state(const EnvironmentState& state) {
  return m_db.transaction([&]() -> Status {
    Result<Statement> upsert = m_db.prepare(
        "INSERT INTO environment_state (environment, release, product_version, last_release, "
        "last_result, last_actor, updated_ms, extra) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
        "ON CONFLICT (environment) DO UPDATE SET release = excluded.release, "
        "product_version = excluded.product_version, last_release = excluded.last_release, "
        "last_result = excluded.last_result, last_actor = excluded.last_actor, "
        "updated_ms = excluded.updated_ms, extra = excluded.extra");
    if (!upsert) return std::unexpected(upsert.error());
    upsert->bind(1, state.environment).bind(2, state.release).bind(3, state.product_version)
        .bind(4, state.last_release).bind(5, state.last_result).bind(6, state.last_actor)
        .bind(7, to_epoch_ms(m_clock.now())).bind(8, json_text(state.extra));
    return upsert->run();
  });
}

Result<std::vector<EnvironmentState>> SqlReleaseStore::environment_states() {
  Result<Statement> q = m_db.prepare(std::string(k_state_columns) + "ORDER BY environment");
  if (!q) return std::unexpected(q.error());
  return collect<EnvironmentState>(*q, read_state);
}

}  // namespace slipway::store
