#include "store/sql_runs.h"

#include "core/json_text.h"

namespace slipway::store {
namespace {

Result<nlohmann::json> parse_json(const std::string& text, const std::string& what) {
  nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
  if (value.is_discarded()) return fail(ErrorCode::corrupt, "state database: unreadable " + what);
  return value;
}

constexpr const char* k_run_columns =
    "SELECT id, pipeline, build_number, branch, commit_sha, state, result, reason, retry_of, owner_pid, "
    "owner_host, start_ms, finish_ms, document FROM runs ";

}  // namespace

Status SqlRunStore::save_run(const StoredRun& run) { return write_run(run, std::nullopt); }

Status SqlRunStore::update_run(const StoredRun& run, std::span<const size_t> changed) {
  return write_run(run, changed);
}

Status SqlRunStore::write_run(const StoredRun& run, std::optional<std::span<const size_t>> changed) {
  return m_db.transaction([&]() -> Status {
    Result<Statement> upsert = m_db.prepare(
        "INSERT INTO runs (id, pipeline, build_number, branch, commit_sha, state, result, reason, retry_of, "
        "owner_pid, owner_host, start_ms, finish_ms, document) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) "
        "ON CONFLICT (id) DO UPDATE SET pipeline = ?2, build_number = ?3, branch = ?4, commit_sha = ?5, "
        "state = ?6, result = ?7, reason = ?8, retry_of = ?9, owner_pid = ?10, owner_host = ?11, "
        "start_ms = ?12, finish_ms = ?13, document = ?14");
    if (!upsert) return std::unexpected(upsert.error());
    upsert->bind(1, run.id).bind(2, run.pipeline).bind(3, run.build_number).bind(4, run.branch)
        .bind(5, run.commit).bind(6, run.state).bind(7, run.result).bind(8, run.reason).bind(9, run.retry_of)
        .bind(10, static_cast<std::int64_t>(run.owner_pid)).bind(11, run.owner_host).bind(12, run.start_ms)
        .bind(13, run.finish_ms).bind(14, json_text(run.document));
    if (Status s = upsert->run(); !s) return s;
    if (changed) {
      for (size_t index : *changed)
        if (Status s = write_job(run, index); !s) return s;
      return {};
    }
    for (const char* sql : {"DELETE FROM run_steps WHERE run_id = ?1", "DELETE FROM run_jobs WHERE run_id = ?1"}) {
      Result<Statement> del = m_db.prepare(sql);
      if (!del) return std::unexpected(del.error());
      del->bind(1, run.id);
      if (Status s = del->run(); !s) return s;
    }
    for (size_t index = 0; index < run.jobs.size(); ++index)
      if (Status s = write_job(run, index); !s) return s;
    return {};
  });
}

// The job at `index` (its seq) and its steps, replacing what was stored.
Status SqlRunStore::write_job(const StoredRun& run, size_t index) {
  if (index >= run.jobs.size()) return fail(ErrorCode::internal, "run " + run.id + " has no job " + std::to_string(index));
  const StoredJob& job = run.jobs[index];
  Result<Statement> del = m_db.prepare("DELETE FROM run_steps WHERE run_id = ?1 AND job_id = ?2");
  if (!del) return std::unexpected(del.error());
  del->bind(1, run.id).bind(2, job.id);
  if (Status s = del->run(); !s) return s;
  Result<Statement> upsert = m_db.prepare(
      "INSERT INTO run_jobs (run_id, job_id, seq, stage, result, reason, start_ms, finish_ms, outputs) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
      "ON CONFLICT (run_id, job_id) DO UPDATE SET seq = ?3, stage = ?4, result = ?5, reason = ?6, "
      "start_ms = ?7, finish_ms = ?8, outputs = ?9");
  if (!upsert) return std::unexpected(upsert.error());
  upsert->bind(1, run.id).bind(2, job.id).bind(3, static_cast<std::int64_t>(index)).bind(4, job.stage)
      .bind(5, job.result).bind(6, job.reason).bind(7, job.start_ms).bind(8, job.finish_ms).bind(9, json_text(job.outputs));
  if (Status s = upsert->run(); !s) return s;
  std::int64_t step_index = 0;
  for (const StoredStep& step : job.steps) {
    Result<Statement> st = m_db.prepare(
        "INSERT INTO run_steps (run_id, job_id, idx, name, display_name, result, reason, start_ms, finish_ms) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    if (!st) return std::unexpected(st.error());
    st->bind(1, run.id).bind(2, job.id).bind(3, step_index++).bind(4, step.name).bind(5, step.display_name)
        .bind(6, step.result).bind(7, step.reason).bind(8, step.start_ms).bind(9, step.finish_ms);
    if (Status s = st->run(); !s) return s;
  }
  return {};
}

Status SqlRunStore::load_jobs(StoredRun& run) {
  Result<Statement> q = m_db.prepare(
      "SELECT job_id, stage, result, reason, start_ms, finish_ms, outputs FROM run_jobs WHERE run_id = ?1 "
      "ORDER BY seq");
  if (!q) return std::unexpected(q.error());
  q->bind(1, run.id);
  for (;;) {
    Result<bool> row = q->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    StoredJob job{q->column_text(0), q->column_text(1), q->column_text(2), q->column_text(3),
                  q->column_int(4), q->column_int(5), {}, {}};
    Result<nlohmann::json> outputs = parse_json(q->column_text(6), "outputs of job " + job.id);
    if (!outputs) return std::unexpected(outputs.error());
    job.outputs = std::move(*outputs);
    run.jobs.push_back(std::move(job));
  }
  for (StoredJob& job : run.jobs) {
    Result<Statement> s = m_db.prepare(
        "SELECT name, display_name, result, reason, start_ms, finish_ms FROM run_steps "
        "WHERE run_id = ?1 AND job_id = ?2 ORDER BY idx");
    if (!s) return std::unexpected(s.error());
    s->bind(1, run.id).bind(2, job.id);
    for (;;) {
      Result<bool> row = s->step();
      if (!row) return std::unexpected(row.error());
      if (!*row) break;
      job.steps.push_back({s->column_text(0), s->column_text(1), s->column_text(2), s->column_text(3),
                           s->column_int(4), s->column_int(5)});
    }
  }
  return {};
}

Result<std::vector<StoredRun>> SqlRunStore::query_runs(const std::string& where,
                                                          const std::optional<std::string>& arg, bool with_jobs) {
  Result<Statement> q = m_db.prepare(std::string(k_run_columns) + where + " ORDER BY seq");
  if (!q) return std::unexpected(q.error());
  if (arg) q->bind(1, *arg);
  std::vector<StoredRun> out;
  for (;;) {
    Result<bool> row = q->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    StoredRun run;
    run.id = q->column_text(0);
    run.pipeline = q->column_text(1);
    run.build_number = q->column_text(2);
    run.branch = q->column_text(3);
    run.commit = q->column_text(4);
    run.state = q->column_text(5);
    run.result = q->column_text(6);
    run.reason = q->column_text(7);
    run.retry_of = q->column_text(8);
    run.owner_pid = static_cast<long>(q->column_int(9));
    run.owner_host = q->column_text(10);
    run.start_ms = q->column_int(11);
    run.finish_ms = q->column_int(12);
    Result<nlohmann::json> document = parse_json(q->column_text(13), "run " + run.id);
    if (!document) return std::unexpected(document.error());
    run.document = std::move(*document);
    out.push_back(std::move(run));
  }
  if (with_jobs)
    for (StoredRun& run : out)
      if (Status s = load_jobs(run); !s) return std::unexpected(s.error());
  return out;
}

Result<std::optional<StoredRun>> SqlRunStore::run(const std::string& id) {
  Result<std::vector<StoredRun>> rows = query_runs("WHERE id = ?1", id, true);
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return std::optional<StoredRun>();
  return std::optional<StoredRun>(std::move(rows->front()));
}

Result<std::vector<StoredRun>> SqlRunStore::runs(const std::optional<std::string>& pipeline) {
  return query_runs(pipeline ? "WHERE pipeline = ?1" : "", pipeline, false);
}

Result<std::vector<StoredRun>> SqlRunStore::running_runs() {
  return query_runs("WHERE state = 'running'", std::nullopt, true);
}

Status SqlRunStore::add_artifact(const StoredArtifact& a) {
  return m_db.transaction([&]() -> Status {
    Result<Statement> insert = m_db.prepare(
        "INSERT INTO run_artifacts (run_id, job_id, name, digest, size, files, component, version, created_ms) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (run_id, name) DO NOTHING");
    if (!insert) return std::unexpected(insert.error());
    insert->bind(1, a.run_id).bind(2, a.job_id).bind(3, a.name).bind(4, a.digest).bind(5, a.size)
        .bind(6, a.files).bind(7, a.component).bind(8, a.version).bind(9, a.created_ms);
    if (Status s = insert->run(); !s) return s;
    if (m_db.changes() == 0)
      return fail(ErrorCode::conflict, "artifact '" + a.name + "' already exists in run " + a.run_id);
    return {};
  });
}

Result<std::vector<StoredArtifact>> SqlRunStore::artifacts(const std::optional<std::string>& run_id) {
  std::string sql =
      "SELECT a.run_id, a.job_id, a.name, a.digest, a.size, a.files, a.component, a.version, a.created_ms "
      "FROM run_artifacts a LEFT JOIN runs r ON r.id = a.run_id ";
  sql += run_id ? "WHERE a.run_id = ?1 ORDER BY a.seq" : "ORDER BY r.seq, a.seq";
  Result<Statement> q = m_db.prepare(sql);
  if (!q) return std::unexpected(q.error());
  if (run_id) q->bind(1, *run_id);
  std::vector<StoredArtifact> out;
  for (;;) {
    Result<bool> row = q->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    out.push_back({q->column_text(0), q->column_text(1), q->column_text(2), q->column_text(3), q->column_int(4),
                   q->column_int(5), q->column_text(6), q->column_text(7), q->column_int(8)});
  }
}

Result<bool> SqlRunStore::claim_trigger(const std::string& key, std::int64_t at_ms) {
  bool claimed = false;
  Status status = m_db.transaction([&]() -> Status {
    Result<Statement> insert =
        m_db.prepare("INSERT INTO run_triggers (key, seen_ms) VALUES (?1, ?2) ON CONFLICT (key) DO NOTHING");
    if (!insert) return std::unexpected(insert.error());
    insert->bind(1, key).bind(2, at_ms);
    if (Status s = insert->run(); !s) return s;
    claimed = m_db.changes() == 1;
    return {};
  });
  if (!status) return std::unexpected(status.error());
  return claimed;
}

Status SqlRunStore::set_trigger_run(const std::string& key, const std::string& run_id) {
  return m_db.transaction([&]() -> Status {
    Result<Statement> update = m_db.prepare("UPDATE run_triggers SET run_id = ?2 WHERE key = ?1");
    if (!update) return std::unexpected(update.error());
    update->bind(1, key).bind(2, run_id);
    if (Status s = update->run(); !s) return s;
    if (m_db.changes() == 0) return fail(ErrorCode::not_found, "no trigger " + key);
    return {};
  });
}

namespace {

// The text in the first column of the row `sql` finds for `key` (?1); nullopt when none.
Result<std::optional<std::string>> text_for_key(Db& db, std::string_view sql, const std::string& key) {
  Result<Statement> q = db.prepare(sql);
  if (!q) return std::unexpected(q.error());
  q->bind(1, key);
  Result<bool> row = q->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(q->column_text(0));
}

}  // namespace

Result<std::optional<std::string>> SqlRunStore::trigger_run(const std::string& key) {
  return text_for_key(m_db, "SELECT run_id FROM run_triggers WHERE key = ?1", key);
}

Status SqlRunStore::set_ref_head(const std::string& key, const std::string& sha, std::int64_t at_ms) {
  return m_db.transaction([&]() -> Status {
    Result<Statement> upsert = m_db.prepare(
        "INSERT INTO ref_heads (key, sha, updated_ms) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (key) DO UPDATE SET sha = ?2, updated_ms = ?3");
    if (!upsert) return std::unexpected(upsert.error());
    upsert->bind(1, key).bind(2, sha).bind(3, at_ms);
    return upsert->run();
  });
}

Result<std::optional<std::string>> SqlRunStore::ref_head(const std::string& key) {
  return text_for_key(m_db, "SELECT sha FROM ref_heads WHERE key = ?1", key);
}

Status SqlRunStore::set_step_log(const std::string& run_id, const std::string& job_id, int step,
                                 const std::string& sha256) {
  return m_db.transaction([&]() -> Status {
    Result<Statement> upsert = m_db.prepare(
        "INSERT INTO step_logs (run_id, job_id, idx, sha256) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (run_id, job_id, idx) DO UPDATE SET sha256 = excluded.sha256");
    if (!upsert) return std::unexpected(upsert.error());
    upsert->bind(1, run_id).bind(2, job_id).bind(3, std::int64_t{step}).bind(4, sha256);
    return upsert->run();
  });
}

Result<std::optional<std::string>> SqlRunStore::step_log(const std::string& run_id, const std::string& job_id,
                                                         int step) {
  Result<Statement> query = m_db.prepare("SELECT sha256 FROM step_logs WHERE run_id = ?1 AND job_id = ?2 AND idx = ?3");
  if (!query) return std::unexpected(query.error());
  query->bind(1, run_id).bind(2, job_id).bind(3, std::int64_t{step});
  Result<bool> row = query->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(query->column_text(0));
}

Result<bool> SqlRunStore::request_cancel(const CancelRequest& request) {
  bool recorded = false;
  Status status = m_db.transaction([&]() -> Status {
    Result<std::optional<std::string>> run = text_for_key(m_db, "SELECT id FROM runs WHERE id = ?1", request.run_id);
    if (!run) return std::unexpected(run.error());
    if (!*run) return fail(ErrorCode::not_found, "no run " + request.run_id);
    Result<Statement> insert = m_db.prepare(
        "INSERT INTO run_cancels (run_id, actor, requested_ms) VALUES (?1, ?2, ?3) ON CONFLICT (run_id) DO NOTHING");
    if (!insert) return std::unexpected(insert.error());
    insert->bind(1, request.run_id).bind(2, request.actor).bind(3, request.requested_ms);
    if (Status s = insert->run(); !s) return s;
    recorded = m_db.changes() == 1;
    return {};
  });
  if (!status) return std::unexpected(status.error());
  return recorded;
}

Result<std::optional<CancelRequest>> SqlRunStore::cancel_request(const std::string& run_id) {
  Result<Statement> q = m_db.prepare("SELECT actor, requested_ms FROM run_cancels WHERE run_id = ?1");
  if (!q) return std::unexpected(q.error());
  q->bind(1, run_id);
  Result<bool> row = q->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<CancelRequest>();
  return std::optional<CancelRequest>(CancelRequest{run_id, q->column_text(0), q->column_int(1)});
}

}  // namespace slipway::store
