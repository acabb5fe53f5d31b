// Schema migrations: from empty, from every earlier version (data survives),
// refusal of a newer schema without touching the file, and a failed
// migration leaving the old version intact.
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "store/migrations.h"
#include "store/backends.h"
#include "store/pg_db.h"
#include "store/store.h"
#include "support/test_support.h"

namespace slipway::store {
namespace {

using Migrations = OnBackends;

using std::chrono::seconds;
using test::TempDir;

const int k_current = static_cast<int>(migrations().size());

std::vector<std::pair<std::int64_t, std::string>> applied(const FreshState& state) {
  auto db = state.open_db();
  EXPECT_TRUE(db);
  auto query = db->prepare("SELECT version, name FROM schema_migrations ORDER BY version");
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

TEST(MigrationList, AreNumberedOneToNInOrder) {
  ASSERT_GE(k_current, 3);
  for (int i = 0; i < k_current; ++i) EXPECT_EQ(migrations()[static_cast<size_t>(i)].version, i + 1);
}

TEST_P(Migrations, FromEmptyReachTheCurrentSchema) {
  const std::string path = state.location();
  auto store = open_store(path, {.clock = &system_clock()});
  ASSERT_TRUE(store) << store.error().to_string();
  EXPECT_EQ((*store)->meta().schema_version().value(), k_current);
  auto rows = applied(state);
  ASSERT_EQ(static_cast<int>(rows.size()), k_current);
  EXPECT_EQ(rows[0], std::make_pair(std::int64_t{1}, std::string("meta and event history")));
}

// Builds a database at version N with the first N migrations and the data
// each of them can hold, then opens it with the full list.
TEST_P(Migrations, FromEachEarlierVersionKeepTheData) {
  for (int n = 1; n < k_current; ++n) {
    SCOPED_TRACE("from version " + std::to_string(n));
    FreshState state(GetParam());
    const std::string path = state.location();
    ManualClock clock;
    std::string token;
    {
      auto old = open_store(path, {.clock = &clock, .migrations = migrations().first(static_cast<size_t>(n))});
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
    auto store = open_store(path, {.clock = &clock});
    ASSERT_TRUE(store) << store.error().to_string();
    EXPECT_EQ((*store)->meta().schema_version().value(), k_current);
    EXPECT_EQ(static_cast<int>(applied(state).size()), k_current);
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

TEST_P(Migrations, NewerSchemaIsRefusedAndTheDatabaseIsUntouched) {
  const std::string path = state.location();
  std::vector<Migration> future(migrations().begin(), migrations().end());
  future.push_back({.version = k_current + 1,
                    .name = "from the future",
                    .sqlite = "CREATE TABLE later (x INTEGER)",
                    .postgresql = "CREATE TABLE later (x INTEGER)"});
  {
    auto newer = open_store(path, {.clock = &system_clock(), .migrations = future});
    ASSERT_TRUE(newer) << newer.error().to_string();
    ASSERT_TRUE((*newer)->events().append({.actor = "a", .kind = "k", .subject = "s"}));
  }
  const bool file = GetParam() == Backend::sqlite;
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  const std::string before = file ? test::read_file(path) : "";
  const std::set<std::string> files_before = file ? files_in(dir) : std::set<std::string>();
  const std::int64_t changes_before = state.count("SELECT count(*) FROM schema_migrations");

  auto refused = open_store(path);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::unsupported);
  EXPECT_EQ(refused.error().message, safe_database_url(path) + ": state database schema version " +
                                         std::to_string(k_current + 1) +
                                         " is newer than this slipway supports (" +
                                         std::to_string(k_current) + "); upgrade slipway");
  EXPECT_EQ(state.count("SELECT count(*) FROM schema_migrations"), changes_before);
  if (!file) return;
  EXPECT_TRUE(test::read_file(path) == before) << "the database file changed";
  EXPECT_EQ(files_in(dir), files_before);
}

TEST_P(Migrations, AFailingMigrationLeavesTheOldVersionIntact) {
  const std::string path = state.location();
  {
    auto store = open_store(path, {.clock = &system_clock()});
    ASSERT_TRUE(store);
    ASSERT_TRUE((*store)->events().append({.actor = "a", .kind = "k", .subject = "s"}));
  }
  std::vector<Migration> broken(migrations().begin(), migrations().end());
  broken.push_back({.version = k_current + 1,
                    .name = "broken",
                    .sqlite = "CREATE TABLE partial (x INTEGER); CREATE TABLE events (x INTEGER);",
                    .postgresql = "CREATE TABLE partial (x INTEGER); CREATE TABLE events (x INTEGER);"});
  auto failed = open_store(path, {.clock = &system_clock(), .migrations = broken});
  ASSERT_FALSE(failed);
  const std::string already = GetParam() == Backend::sqlite ? "table events already exists"
                                                            : "relation \"events\" already exists";
  EXPECT_EQ(failed.error().message, "state database " + safe_database_url(path) + ": " + already + " (migration " +
                                        std::to_string(k_current + 1) + ", broken)");

  auto store = open_store(path, {.clock = &system_clock()});
  ASSERT_TRUE(store) << store.error().to_string();
  EXPECT_EQ((*store)->meta().schema_version().value(), k_current);
  EXPECT_EQ((*store)->events().list()->size(), 1u);
  EXPECT_FALSE(state.has_table("partial"));
}

// Migration 10: a token made before it keeps working, named by a prefix of
// its hash (its own prefix is unknown), never expiring, not read-only.
TEST_P(Migrations, TokensFromBeforePrefixesGetALegacyName) {
  const std::string path = state.location();
  const std::string hash(64, 'a');
  {
    auto old = open_store(path, {.clock = &system_clock(), .migrations = migrations().first(9)});
    ASSERT_TRUE(old) << old.error().to_string();
    ASSERT_TRUE(state.open_db()->exec("INSERT INTO api_tokens (hash, name, created_by, created_ms) VALUES ('" + hash +
                            "', 'alice', 'frank', 1)"));
  }
  auto store = open_store(path, {.clock = &system_clock()});
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

// Version 4 reserved while version 5 lands first; then 4's real entry lands.
TEST_P(Migrations, AReservedNumberIsFilledInWhenItsEntryLands) {
  const std::string path = state.location();
  std::vector<Migration> base(migrations().begin(), migrations().begin() + 3);
  const Migration other{.version = 5,
                        .name = "other",
                        .sqlite = "CREATE TABLE other_x (id INTEGER)",
                        .postgresql = "CREATE TABLE other_x (id INTEGER)"};
  std::vector<Migration> reserved = base;
  reserved.push_back({.version = 4, .name = "runs (reserved)", .sqlite = "", .placeholder = true});
  reserved.push_back(other);
  std::vector<Migration> landed = base;
  landed.push_back({.version = 4,
                    .name = "runs",
                    .sqlite = "CREATE TABLE runs_x (id INTEGER)",
                    .postgresql = "CREATE TABLE runs_x (id INTEGER)"});
  landed.push_back(other);

  ASSERT_TRUE(open_store(path, {.clock = &system_clock(), .migrations = reserved}));
  EXPECT_TRUE(state.has_table("other_x"));
  EXPECT_FALSE(state.has_table("runs_x"));
  EXPECT_EQ(applied(state)[3].second, "runs (reserved)");

  for (int reopen = 0; reopen < 2; ++reopen) {  // the second open has nothing to do
    auto store = open_store(path, {.clock = &system_clock(), .migrations = landed});
    ASSERT_TRUE(store) << store.error().to_string();
    EXPECT_EQ((*store)->meta().schema_version().value(), 5);
  }
  EXPECT_TRUE(state.has_table("runs_x"));
  EXPECT_EQ(applied(state)[3].second, "runs");
  EXPECT_EQ(applied(state).size(), 5u);
}

TEST(MigrationList, AMisnumberedListIsABug) {
  TempDir dir;
  std::vector<Migration> gap(migrations().begin(), migrations().end());
  gap.push_back({.version = k_current + 2, .name = "gap", .sqlite = ""});
  auto store = open_store((dir / "state.db").string(), {.clock = &system_clock(), .migrations = gap});
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::internal);
  EXPECT_FALSE(std::filesystem::exists(dir / "state.db"));
}

STORE_BACKENDS(Migrations);

}  // namespace
}  // namespace slipway::store
