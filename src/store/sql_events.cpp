#include "store/sql_events.h"

#include "core/json_text.h"

namespace slipway::store {

Result<std::int64_t> SqlEventLog::append(const NewEvent& event) {
  std::int64_t id = 0;
  Status status = m_db.transaction([&]() -> Status {
    Result<Statement> insert = m_db.prepare(
        "INSERT INTO events (at_ms, actor, kind, subject, detail) VALUES (?1, ?2, ?3, ?4, ?5) "
        "RETURNING id");
    if (!insert) return std::unexpected(insert.error());
    insert->bind(1, to_epoch_ms(m_clock.now()))
        .bind(2, event.actor)
        .bind(3, event.kind)
        .bind(4, event.subject)
        .bind(5, json_text(event.detail));
    Result<bool> row = insert->step();
    if (!row) return std::unexpected(row.error());
    id = insert->column_int(0);
    return insert->run();
  });
  if (!status) return std::unexpected(status.error());
  return id;
}

Result<std::vector<Event>> SqlEventLog::list(const EventFilter& filter) {
  std::string sql = "SELECT id, at_ms, actor, kind, subject, detail FROM events WHERE TRUE";
  if (filter.subject) sql += " AND subject = ?1";
  if (filter.kind) sql += " AND kind = ?2";
  // A prefix match that can use the index: kind >= prefix AND kind < prefix + U+10FFFF
  // (in byte order: the column's collation in both dialects).
  if (filter.kind_prefix) sql += " AND kind >= ?3 AND kind < ?6";
  if (filter.after_id) sql += " AND id > ?4";
  sql += filter.order == Order::oldest_first ? " ORDER BY id ASC" : " ORDER BY id DESC";
  if (filter.limit > 0) sql += " LIMIT ?5";

  Result<Statement> query = m_db.prepare(sql);
  if (!query) return std::unexpected(query.error());
  if (filter.subject) query->bind(1, *filter.subject);
  if (filter.kind) query->bind(2, *filter.kind);
  if (filter.kind_prefix) query->bind(3, *filter.kind_prefix).bind(6, *filter.kind_prefix + "\xF4\x8F\xBF\xBF");
  if (filter.after_id) query->bind(4, *filter.after_id);
  if (filter.limit > 0) query->bind(5, static_cast<std::int64_t>(filter.limit));

  std::vector<Event> events;
  for (;;) {
    Result<bool> row = query->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    Event event;
    event.id = query->column_int(0);
    event.time = from_epoch_ms(query->column_int(1));
    event.actor = query->column_text(2);
    event.kind = query->column_text(3);
    event.subject = query->column_text(4);
    event.detail = nlohmann::json::parse(query->column_text(5), nullptr, false);
    if (event.detail.is_discarded())
      return fail(ErrorCode::corrupt, "state database " + m_db.location() + ": event " +
                                          std::to_string(event.id) + " has unreadable detail");
    events.push_back(std::move(event));
  }
  return events;
}

}  // namespace slipway::store
