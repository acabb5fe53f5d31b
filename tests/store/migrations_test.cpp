// Schema migrations: from empty, from every earlier version (data survives),
// refusal of a newer schema without touching the file, and a failed
// migration leaving the old version intact.
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "store/migrations.h"
#include "store/sqlite_store.h"
#include "support/test_support.h"

namespace slipway::store {
namespace {

using std::chrono::seconds;
using test::TempDir;

const int k_current = static_cast<int>(migrations().size());

std::vector<std::pair<std::int64_t, std::string>> applied(const std::string& path) {
  auto db = SqliteDb::open(path);
  EXPECT_TRUE(db);
  auto query = (*db)->prepare("SELECT version, name FROM schema_migrations ORDER BY version");
  std::vector<std::pair<std::int64_t, std::string>> rows;
  while (query->step().value_or(false)) rows.emplace_back(query->column_int(0), query->column_text(1));
  return rows;
}

std::set<std::string> files_in(const std::filesystem::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    names.insert(entry.path().filename().string());
  return names;
}

TEST(Migrations, AreNumberedOneToNInOrder) {
  ASSERT_GE(k_current, 3);
  for (int i = 0; i < k_current; ++i) EXPECT_EQ(migrations()[static_cast<size_t>(i)].version, i + 1);
}

TEST(Migrations, FromEmptyReachTheCurrentSchema) {
  TempDir dir;
  const std::string path = (dir / "state.db").string();
  auto store = SqliteStore::open(path, system_clock());
  ASSERT_TRUE(store) << store.error().to_string();
  EXPECT_EQ((*store)->meta().schema_version().value(), k_current);
  auto rows = applied(path);
  ASSERT_EQ(static_cast<int>(rows.size()), k_current);
  EXPECT_EQ(rows[0], std::make_pair(std::int64_t{1}, std::string("meta and event history")));
}

// Builds a database at version N with the first N migrations and the data
// each of them can hold, then opens it with the full list.
TEST(Migrations, FromEachEarlierVersionKeepTheData) {
  for (int n = 1; n < k_current; ++n) {
    SCOPED_TRACE("from version " + std::to_string(n));
    TempDir dir;
    const std::string path = (dir / "state.db").string();
    ManualClock clock;
    std::string token;
    {
      auto old = SqliteStore::open(path, clock, migrations().first(static_cast<size_t>(n)));
      ASSERT_TRUE(old) << old.error().to_string();
      EXPECT_EQ((*old)->meta().schema_version().value(), n);
      ASSERT_TRUE((*old)->events().append(
          {.actor = "alice", .kind = "release.created", .subject = "release:1.0.1", .detail = {{"v", n}}}));
      if (n >= 2) {
        auto lock = (*old)->locks().try_acquire("env:dev", {.holder = "run 1", .actor = "alice"}, seconds(60));
        ASSERT_TRUE(lock && lock->acquired);
        token = lock->lease.token;
      }
    }
    auto store = SqliteStore::open(path, clock);
    ASSERT_TRUE(store) << store.error().to_string();
    EXPECT_EQ((*store)->meta().schema_version().value(), k_current);
    EXPECT_EQ(static_cast<int>(applied(path).size()), k_current);
    auto events = (*store)->events().list();
    ASSERT_EQ(events->size(), 1u);
    EXPECT_EQ(events->front().detail, nlohmann::json({{"v", n}}));
    if (n >= 2) {
      EXPECT_EQ((*store)->locks().current("env:dev").value()->token, token);
    }
    // Every concern works on the migrated database.
    EXPECT_TRUE((*store)->meta().set_setting("k", "v"));
    EXPECT_EQ((*store)->meta().next_counter("c").value(), 1);
    EXPECT_TRUE((*store)->locks().try_acquire("env:x", {.holder = "h", .actor = "a"}, seconds(1)));
    EXPECT_TRUE((*store)->meta().check_integrity());
  }
}

TEST(Migrations, NewerSchemaIsRefusedAndTheFileIsUntouched) {
  TempDir dir;
  const std::string path = (dir / "state.db").string();
  std::vector<Migration> future(migrations().begin(), migrations().end());
  future.push_back({.version = k_current + 1, .name = "from the future", .sqlite = "CREATE TABLE later (x INTEGER)"});
  {
    auto newer = SqliteStore::open(path, system_clock(), future);
    ASSERT_TRUE(newer) << newer.error().to_string();
    ASSERT_TRUE((*newer)->events().append({.actor = "a", .kind = "k", .subject = "s"}));
  }
  const std::string before = test::read_file(path);
  const std::set<std::string> files_before = files_in(dir.path());

  auto refused = open_store(path);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::unsupported);
  EXPECT_EQ(refused.error().message, path + ": state database schema version " +
                                         std::to_string(k_current + 1) +
                                         " is newer than this slipway supports (" +
                                         std::to_string(k_current) + "); upgrade slipway");
  EXPECT_TRUE(test::read_file(path) == before) << "the database file changed";
  EXPECT_EQ(files_in(dir.path()), files_before);
}

TEST(Migrations, AFailingMigrationLeavesTheOldVersionIntact) {
  TempDir dir;
  const std::string path = (dir / "state.db").string();
  {
    auto store = SqliteStore::open(path, system_clock());
    ASSERT_TRUE(store);
    ASSERT_TRUE((*store)->events().append({.actor = "a", .kind = "k", .subject = "s"}));
  }
  std::vector<Migration> broken(migrations().begin(), migrations().end());
  broken.push_back({.version = k_current + 1,
                    .name = "broken",
                    .sqlite = "CREATE TABLE partial (x INTEGER); CREATE TABLE events (x INTEGER);"});
  auto failed = SqliteStore::open(path, system_clock(), broken);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().message, "state database " + path + ": table events already exists (migration " +
                                        std::to_string(k_current + 1) + ", broken)");

  auto store = SqliteStore::open(path, system_clock());
  ASSERT_TRUE(store) << store.error().to_string();
  EXPECT_EQ((*store)->meta().schema_version().value(), k_current);
  EXPECT_EQ((*store)->events().list()->size(), 1u);
  auto db = SqliteDb::open(path);
  auto partial = (*db)->prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'partial'");
  ASSERT_TRUE(partial->step().value());
  EXPECT_EQ(partial->column_int(0), 0);
}

// Migration 10: a token made before it keeps working, named by a prefix of
// its hash (its own prefix is unknown), never expiring, not read-only.
TEST(Migrations, TokensFromBeforePrefixesGetALegacyName) {
  TempDir dir;
  const std::string path = (dir / "state.db").string();
  const std::string hash(64, 'a');
  {
    auto old = SqliteStore::open(path, system_clock(), migrations().first(9));
    ASSERT_TRUE(old) << old.error().to_string();
    auto db = SqliteDb::open(path);
    ASSERT_TRUE((*db)->exec("INSERT INTO api_tokens (hash, name, created_by, created_ms) VALUES ('" + hash +
                            "', 'alice', 'frank', 1)"));
  }
  auto store = SqliteStore::open(path, system_clock());
  ASSERT_TRUE(store) << store.error().to_string();
  std::optional<TokenRecord> token = (*store)->meta().token_by_hash(hash).value();
  ASSERT_TRUE(token);
  EXPECT_EQ(token->prefix, "legacy-aaaaaaaa");
  EXPECT_EQ(token->user, "alice");
  EXPECT_EQ(token->expires, std::nullopt);
  EXPECT_FALSE(token->read_only);
  EXPECT_EQ(token->revoked, std::nullopt);
  EXPECT_TRUE((*store)->meta().revoke_token("legacy-aaaaaaaa", "frank", from_epoch_ms(5)));
  EXPECT_EQ((*store)->meta().token_by_hash(hash).value()->revoked, from_epoch_ms(5));
}

bool has_table(const std::string& path, const std::string& name) {
  auto db = SqliteDb::open(path);
  auto query = (*db)->prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1");
  query->bind(1, name);
  return query->step().value_or(false) && query->column_int(0) == 1;
}

// Version 4 reserved while version 5 lands first; then 4's real entry lands.
TEST(Migrations, AReservedNumberIsFilledInWhenItsEntryLands) {
  TempDir dir;
  const std::string path = (dir / "state.db").string();
  std::vector<Migration> base(migrations().begin(), migrations().begin() + 3);
  const Migration other{.version = 5, .name = "other", .sqlite = "CREATE TABLE other_x (id INTEGER)"};
  std::vector<Migration> reserved = base;
  reserved.push_back({.version = 4, .name = "runs (reserved)", .sqlite = "", .placeholder = true});
  reserved.push_back(other);
  std::vector<Migration> landed = base;
  landed.push_back({.version = 4, .name = "runs", .sqlite = "CREATE TABLE runs_x (id INTEGER)"});
  landed.push_back(other);

  ASSERT_TRUE(SqliteStore::open(path, system_clock(), reserved));
  EXPECT_TRUE(has_table(path, "other_x"));
  EXPECT_FALSE(has_table(path, "runs_x"));
  EXPECT_EQ(applied(path)[3].second, "runs (reserved)");

  for (int reopen = 0; reopen < 2; ++reopen) {  // the second open has nothing to do
    auto store = SqliteStore::open(path, system_clock(), landed);
    ASSERT_TRUE(store) << store.error().to_string();
    EXPECT_EQ((*store)->meta().schema_version().value(), 5);
  }
  EXPECT_TRUE(has_table(path, "runs_x"));
  EXPECT_EQ(applied(path)[3].second, "runs");
  EXPECT_EQ(applied(path).size(), 5u);
}

TEST(Migrations, AMisnumberedListIsABug) {
  TempDir dir;
  std::vector<Migration> gap(migrations().begin(), migrations().end());
  gap.push_back({.version = k_current + 2, .name = "gap", .sqlite = ""});
  auto store = SqliteStore::open((dir / "state.db").string(), system_clock(), gap);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::internal);
  EXPECT_FALSE(std::filesystem::exists(dir / "state.db"));
}

}  // namespace
}  // namespace slipway::store
