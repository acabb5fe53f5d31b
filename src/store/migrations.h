// The ordered list of schema migrations (design notes in migrations.cpp).
#pragma once

#include <span>

namespace slipway::store {

struct Migration {
  int version = 0;           // 1, 2, 3... in list order, no gaps
  const char* name = "";     // a few words, recorded in schema_migrations
  const char* sqlite = "";   // the SQLite statements that move version - 1 to version
};

// Every migration this binary knows, oldest first. The last version is the
// schema this binary reads and writes.
std::span<const Migration> migrations();

}  // namespace slipway::store
