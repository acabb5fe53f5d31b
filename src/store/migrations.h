// The ordered list of schema migrations (design notes in migrations.cpp).
#pragma once

#include <span>

#include "core/error.h"

namespace slipway::store {

struct Migration {
  int version = 0;           // 1, 2, 3... in list order, no gaps
  const char* name = "";     // a few words, recorded in schema_migrations
  const char* sqlite = "";      // the SQLite statements that move version - 1 to version
  const char* postgresql = "";  // the same change in PostgreSQL's dialect
  // A reserved number: applied as nothing and remembered as a placeholder;
  // when the entry later gets its real statements (placeholder = false), open
  // runs them on databases that recorded the placeholder. Lets engineers
  // working at once each reserve a version instead of racing for the next.
  // A placeholder's real statements must not depend on later entries.
  bool placeholder = false;
};

// Every migration this binary knows, oldest first. The last version is the
// schema this binary reads and writes.
std::span<const Migration> migrations();

// internal "migration list out of order at entry N" unless versions run 1..N.
Status check_migration_list(std::span<const Migration> known);

}  // namespace slipway::store
