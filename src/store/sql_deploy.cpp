#include "store/sql_deploy.h"

#include "core/json_text.h"

namespace slipway::store {

namespace {

nlohmann::json parse_json(const std::string& text) {
  nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
  return value.is_discarded() ? nlohmann::json::object() : value;
}

SecretRecord read_secret(const Statement& row) {
  SecretRecord r;
  r.environment = row.column_text(0);
  r.name = row.column_text(1);
  r.sealed = row.column_text(2);
  r.generation = static_cast<int>(row.column_int(3));
  r.created = from_epoch_ms(row.column_int(4));
  r.rotated = from_epoch_ms(row.column_int(5));
  return r;
}

constexpr const char* k_secret_columns =
    "SELECT environment, name, sealed, generation, created_ms, rotated_ms FROM deploy_secrets ";

}  // namespace

Result<std::vector<AppliedTarget>> SqlDeployStore::applied(const std::string& environment) {
  Result<Statement> query = m_db.prepare(
      "SELECT environment, target, version, digest, config_digest, config, driver_data, updated_ms "
      "FROM deploy_applied WHERE environment = ?1 ORDER BY target");
  if (!query) return std::unexpected(query.error());
  query->bind(1, environment);
  std::vector<AppliedTarget> out;
  for (;;) {
    Result<bool> row = query->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    AppliedTarget t;
    t.environment = query->column_text(0);
    t.target = query->column_text(1);
    t.version = query->column_text(2);
    t.digest = query->column_text(3);
    t.config_digest = query->column_text(4);
    t.config = parse_json(query->column_text(5));
    t.driver_data = parse_json(query->column_text(6));
    t.updated = from_epoch_ms(query->column_int(7));
    out.push_back(std::move(t));
  }
  return out;
}

Status SqlDeployStore::put_applied(const AppliedTarget& t) {
  return m_db.transaction([&]() -> Status {
    Result<Statement> upsert = m_db.prepare(
        "INSERT INTO deploy_applied (environment, target, version, digest, config_digest, config, "
        "driver_data, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
        "ON CONFLICT (environment, target) DO UPDATE SET version = excluded.version, "
        "digest = excluded.digest, config_digest = excluded.config_digest, config = excluded.config, "
        "driver_data = excluded.driver_data, updated_ms = excluded.updated_ms");
    if (!upsert) return std::unexpected(upsert.error());
    upsert->bind(1, t.environment).bind(2, t.target).bind(3, t.version).bind(4, t.digest);
    upsert->bind(5, t.config_digest).bind(6, json_text(t.config)).bind(7, json_text(t.driver_data));
    upsert->bind(8, to_epoch_ms(m_clock.now()));
    return upsert->run();
  });
}

Status SqlDeployStore::remove_applied(const std::string& environment, const std::string& target) {
  return m_db.transaction([&]() -> Status {
    Result<Statement> remove =
        m_db.prepare("DELETE FROM deploy_applied WHERE environment = ?1 AND target = ?2");
    if (!remove) return std::unexpected(remove.error());
    remove->bind(1, environment).bind(2, target);
    return remove->run();
  });
}

Result<std::optional<SecretRecord>> SqlDeployStore::secret(const std::string& environment,
                                                              const std::string& name) {
  Result<Statement> query =
      m_db.prepare(std::string(k_secret_columns) + "WHERE environment = ?1 AND name = ?2");
  if (!query) return std::unexpected(query.error());
  query->bind(1, environment).bind(2, name);
  Result<bool> row = query->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<SecretRecord>();
  return std::optional<SecretRecord>(read_secret(*query));
}

Result<std::vector<SecretRecord>> SqlDeployStore::secrets(const std::string& environment) {
  Result<Statement> query = m_db.prepare(std::string(k_secret_columns) + "WHERE environment = ?1 ORDER BY name");
  if (!query) return std::unexpected(query.error());
  query->bind(1, environment);
  std::vector<SecretRecord> out;
  for (;;) {
    Result<bool> row = query->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    out.push_back(read_secret(*query));
  }
  return out;
}

Result<bool> SqlDeployStore::create_secret_if_absent(const std::string& environment, const std::string& name,
                                                        const std::string& sealed) {
  bool created = false;
  Status status = m_db.transaction([&]() -> Status {
    Result<Statement> insert = m_db.prepare(
        "INSERT INTO deploy_secrets (environment, name, sealed, generation, created_ms, rotated_ms) "
        "VALUES (?1, ?2, ?3, 1, ?4, ?4) ON CONFLICT (environment, name) DO NOTHING");
    if (!insert) return std::unexpected(insert.error());
    insert->bind(1, environment).bind(2, name).bind(3, sealed).bind(4, to_epoch_ms(m_clock.now()));
    if (Status s = insert->run(); !s) return s;
    created = m_db.changes() == 1;
    return {};
  });
  if (!status) return std::unexpected(status.error());
  return created;
}

Status SqlDeployStore::rotate_secret(const std::string& environment, const std::string& name,
                                        const std::string& sealed) {
  return m_db.transaction([&]() -> Status {
    Result<Statement> update = m_db.prepare(
        "UPDATE deploy_secrets SET sealed = ?3, generation = generation + 1, rotated_ms = ?4 "
        "WHERE environment = ?1 AND name = ?2");
    if (!update) return std::unexpected(update.error());
    update->bind(1, environment).bind(2, name).bind(3, sealed).bind(4, to_epoch_ms(m_clock.now()));
    if (Status s = update->run(); !s) return s;
    if (m_db.changes() == 0)
      return fail(ErrorCode::not_found, "no secret '" + name + "' in environment '" + environment + "'");
    return {};
  });
}

Status SqlDeployStore::reseal_secret(const std::string& environment, const std::string& name,
                                        const std::string& sealed) {
  Result<Statement> update =
      m_db.prepare("UPDATE deploy_secrets SET sealed = ?3 WHERE environment = ?1 AND name = ?2");
  if (!update) return std::unexpected(update.error());
  update->bind(1, environment).bind(2, name).bind(3, sealed);
  if (Status s = update->run(); !s) return s;
  if (m_db.changes() == 0)
    return fail(ErrorCode::not_found, "no secret '" + name + "' in environment '" + environment + "'");
  return {};
}

Result<std::vector<std::string>> SqlDeployStore::secret_environments() {
  Result<Statement> query = m_db.prepare("SELECT DISTINCT environment FROM deploy_secrets ORDER BY environment");
  if (!query) return std::unexpected(query.error());
  std::vector<std::string> out;
  for (;;) {
    Result<bool> row = query->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    out.push_back(query->column_text(0));
  }
}

Result<std::int64_t> SqlDeployStore::start_apply(const std::string& environment, const std::string& actor,
                                                    const std::string& release) {
  std::int64_t id = 0;
  Status status = m_db.transaction([&]() -> Status {
    Result<Statement> insert = m_db.prepare(
        "INSERT INTO deploy_runs (environment, actor, release, status, started_ms) "
        "VALUES (?1, ?2, ?3, 'running', ?4) RETURNING id");
    if (!insert) return std::unexpected(insert.error());
    insert->bind(1, environment).bind(2, actor).bind(3, release).bind(4, to_epoch_ms(m_clock.now()));
    Result<bool> row = insert->step();
    if (!row) return std::unexpected(row.error());
    id = insert->column_int(0);
    return {};
  });
  if (!status) return std::unexpected(status.error());
  return id;
}

Status SqlDeployStore::add_apply_step(std::int64_t run, const std::string& target, const std::string& action,
                                         const std::string& status, const std::string& message) {
  return m_db.transaction([&]() -> Status {
    Result<Statement> insert = m_db.prepare(
        "INSERT INTO deploy_steps (run_id, seq, target, action, status, message, at_ms) "
        "VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM deploy_steps WHERE run_id = ?1), "
        "?2, ?3, ?4, ?5, ?6)");
    if (!insert) return std::unexpected(insert.error());
    insert->bind(1, run).bind(2, target).bind(3, action).bind(4, status).bind(5, message);
    insert->bind(6, to_epoch_ms(m_clock.now()));
    return insert->run();
  });
}

Status SqlDeployStore::finish_apply(std::int64_t run, const std::string& status) {
  return m_db.transaction([&]() -> Status {
    Result<Statement> update =
        m_db.prepare("UPDATE deploy_runs SET status = ?2, finished_ms = ?3 WHERE id = ?1");
    if (!update) return std::unexpected(update.error());
    update->bind(1, run).bind(2, status).bind(3, to_epoch_ms(m_clock.now()));
    if (Status s = update->run(); !s) return s;
    if (m_db.changes() == 0) return fail(ErrorCode::not_found, "no apply run " + std::to_string(run));
    return {};
  });
}

Result<std::vector<ApplyRun>> SqlDeployStore::apply_runs(const std::string& environment) {
  Result<Statement> query = m_db.prepare(
      "SELECT id, environment, actor, status, release, started_ms, finished_ms FROM deploy_runs "
      "WHERE ?1 = '' OR environment = ?1 ORDER BY id DESC");
  if (!query) return std::unexpected(query.error());
  query->bind(1, environment);
  std::vector<ApplyRun> out;
  for (;;) {
    Result<bool> row = query->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    ApplyRun r;
    r.id = query->column_int(0);
    r.environment = query->column_text(1);
    r.actor = query->column_text(2);
    r.status = query->column_text(3);
    r.release = query->column_text(4);
    r.started = from_epoch_ms(query->column_int(5));
    if (!query->column_is_null(6)) r.finished = from_epoch_ms(query->column_int(6));
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<ApplyStep>> SqlDeployStore::apply_steps(std::int64_t run) {
  Result<Statement> query = m_db.prepare(
      "SELECT run_id, seq, target, action, status, message, at_ms FROM deploy_steps "
      "WHERE run_id = ?1 ORDER BY seq");
  if (!query) return std::unexpected(query.error());
  query->bind(1, run);
  std::vector<ApplyStep> out;
  for (;;) {
    Result<bool> row = query->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    ApplyStep s;
    s.run_id = query->column_int(0);
    s.seq = static_cast<int>(query->column_int(1));
    s.target = query->column_text(2);
    s.action = query->column_text(3);
    s.status = query->column_text(4);
    s.message = query->column_text(5);
    s.at = from_epoch_ms(query->column_int(6));
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace slipway::store
