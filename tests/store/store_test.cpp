// The Store interface on both backends (backends.h): events, settings,
// counters, transactions, opening. Real files, a real PostgreSQL server.
#include <gtest/gtest.h>

#include "store/migrations.h"
#include "store/pg_db.h"
#include "store/sqlite_db.h"
#include "store/backends.h"
#include "store/store.h"
#include "support/test_support.h"

namespace slipway::store {
namespace {

using Stores = OnBackends;
using Events = OnBackends;
using Settings = OnBackends;
using Counters = OnBackends;
using Transactions = OnBackends;

using test::TempDir;

std::unique_ptr<Store> open_at(const std::string& location, const Clock* clock = nullptr) {
  auto store = open_store(location, {.clock = clock});
  EXPECT_TRUE(store) << store.error().to_string();
  return store ? std::move(*store) : nullptr;
}

TEST(Store, CreatesDatabaseAndParentFolders) {
  TempDir dir;
  auto store = open_at(dir / "a/b/.slipway/state.db");
  ASSERT_TRUE(store);
  EXPECT_TRUE(std::filesystem::exists(dir / "a/b/.slipway/state.db"));
  EXPECT_EQ(store->meta().schema_version().value(), static_cast<int>(migrations().size()));
  EXPECT_TRUE(store->meta().check_integrity());
}

TEST(Store, InMemoryStoreHoldsStateOnlyWhileOpen) {
  TempDir dir;
  const std::filesystem::path before = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  {
    auto store = open_store(":memory:");
    ASSERT_TRUE(store) << store.error().to_string();
    EXPECT_EQ((*store)->meta().schema_version().value(), static_cast<int>(migrations().size()));
    ASSERT_TRUE((*store)->events().append({.actor = "a", .kind = "k", .subject = "s"}));
    EXPECT_EQ((*store)->events().list()->size(), 1u);
  }
  auto fresh = open_store(":memory:");
  EXPECT_TRUE((*fresh)->events().list()->empty());
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
  std::filesystem::current_path(before);
}

TEST(Store, RefusesAnUnknownKindOfLocation) {
  auto store = open_store("mysql://user:secret@db/slipway");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::unsupported);
  EXPECT_EQ(store.error().message,
            "state store: unknown kind 'mysql://'; use a SQLite file path or a postgresql:// URL");
}

// The password never shows: not in the error, not in location().
TEST(Store, AnUnreachablePostgresServerIsNamedWithoutItsPassword) {
  auto store = open_store("postgresql://slipway:hunter2@127.0.0.1:1/slipway?connect_timeout=2");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::io);
  EXPECT_TRUE(store.error().message.starts_with("state database postgresql://slipway@127.0.0.1:1/slipway: cannot connect: "))
      << store.error().message;
  EXPECT_EQ(store.error().message.find("hunter2"), std::string::npos);
}

TEST(Store, APasswordWithAnAtOrABadEscapeNeverShows) {
  EXPECT_EQ(safe_database_url("postgresql://bob:p@ss@127.0.0.1:1/x?password=y"), "postgresql://bob@127.0.0.1:1/x");
  EXPECT_EQ(safe_database_url("postgresql://127.0.0.1/x"), "postgresql://127.0.0.1/x");
  auto store = open_store("postgresql://bob:50%off@db/slipway");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::invalid_input);
  EXPECT_TRUE(store.error().message.starts_with("state database postgresql://bob@db/slipway: not a valid connection URL"))
      << store.error().message;
  EXPECT_EQ(store.error().message.find("50%off"), std::string::npos);
}

// A server restart closes every connection, the pooled idle ones too: the
// next open finds out and connects anew instead of failing its first statement.
TEST(Store, AnIdlePooledConnectionTheServerClosedIsReplaced) {
  FreshState state(Backend::postgresql);
  if (!state.available()) GTEST_SKIP() << state.why_not();
  ASSERT_TRUE(open_store(state.location()));  // its connection goes back to the pool
  auto admin = PgDb::open(test_postgres_url());
  ASSERT_TRUE(admin);
  ASSERT_TRUE((*admin)->exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE application_name = 'slipway' AND pid <> pg_backend_pid() AND state = 'idle'"));
  auto again = open_store(state.location());
  ASSERT_TRUE(again) << again.error().to_string();
  EXPECT_TRUE((*again)->meta().set_setting("k", "v"));
  EXPECT_EQ((*again)->meta().get_setting("k").value(), "v");
}

TEST(Store, RefusesAForeignPostgresSchema) {
  FreshState state(Backend::postgresql);
  if (!state.available()) GTEST_SKIP() << state.why_not();
  ASSERT_TRUE(state.open_db()->exec("CREATE TABLE t (x integer)"));
  auto store = open_store(state.location());
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().message, "state database " + safe_database_url(state.location()) +
                                       ": not a slipway state database (no meta table)");
}

TEST(Store, RefusesAFileThatIsNotADatabase) {
  TempDir dir;
  test::write_file(dir / "state.db", std::string(4096, 'z'));
  auto store = open_store((dir / "state.db").string());
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::corrupt);
  EXPECT_EQ(store.error().message,
            "state database " + (dir / "state.db").string() + ": file is not a database");
  EXPECT_EQ(test::read_file(dir / "state.db"), std::string(4096, 'z'));
}

TEST(Store, RefusesAForeignSqliteDatabase) {
  TempDir dir;
  {
    auto db = SqliteDb::open((dir / "other.db").string());
    ASSERT_TRUE(db);
    ASSERT_TRUE((*db)->exec("CREATE TABLE t (x)"));
  }
  auto store = open_store((dir / "other.db").string());
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().message, "state database " + (dir / "other.db").string() +
                                       ": not a slipway state database (no meta table)");
}

// What a server's cache of a read relies on: the stamp moves with every
// commit, this connection's and another process's, and only then.
TEST_P(Stores, ChangeStampMovesWithEveryCommitFromAnyConnection) {
  TempDir dir;
  const std::string path = state.location();
  auto mine = open_store(path);
  auto theirs = open_store(path);
  ASSERT_TRUE(mine && theirs);
  auto stamp = [&] { return (*mine)->meta().change_stamp().value(); };
  const std::int64_t first = stamp();
  ASSERT_TRUE((*mine)->meta().get_setting("k"));
  EXPECT_EQ(stamp(), first) << "a read changed nothing";
  ASSERT_TRUE((*mine)->meta().set_setting("k", "1"));
  const std::int64_t after_mine = stamp();
  EXPECT_NE(after_mine, first);
  ASSERT_TRUE((*theirs)->meta().set_setting("k", "2"));
  const std::int64_t after_theirs = stamp();
  EXPECT_NE(after_theirs, after_mine);
  EXPECT_EQ(stamp(), after_theirs);
}

TEST_P(Events, AppendsAndListsInOrderWithClockTimes) {
  ManualClock clock;
  auto store = open_at(state.location(), &clock);
  auto first = store->events().append(
      {.actor = "alice", .kind = "release.created", .subject = "release:1.0.1", .detail = {{"n", 1}}});
  clock.advance(Millis(1500));
  auto second = store->events().append({.actor = "bob", .kind = "lock.takeover", .subject = "env:dev"});
  ASSERT_TRUE(first && second);
  EXPECT_LT(*first, *second);

  auto all = store->events().list();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].actor, "alice");
  EXPECT_EQ((*all)[0].detail, nlohmann::json({{"n", 1}}));
  EXPECT_EQ((*all)[1].detail, nlohmann::json::object());
  EXPECT_EQ((*all)[1].time - (*all)[0].time, Millis(1500));
  EXPECT_EQ((*all)[0].time, clock.now() - Millis(1500));
}

TEST_P(Events, FiltersBySubjectKindPrefixAfterIdAndLimit) {
  auto store = open_at(state.location());
  for (const char* kind : {"lock.takeover", "release.created", "lock.takeover", "locks.other"})
    for (const char* subject : {"env:dev", "env:staging"})
      ASSERT_TRUE(store->events().append({.actor = "a", .kind = kind, .subject = subject}));

  auto dev = store->events().list({.subject = "env:dev"});
  ASSERT_TRUE(dev);
  EXPECT_EQ(dev->size(), 4u);
  auto takeovers = store->events().list({.subject = "env:staging", .kind = "lock.takeover"});
  EXPECT_EQ(takeovers->size(), 2u);
  auto prefixed = store->events().list({.kind_prefix = "lock."});
  EXPECT_EQ(prefixed->size(), 4u);  // not "locks.other"
  auto tail = store->events().list({.after_id = (*dev)[1].id});
  EXPECT_EQ(tail->size(), 8u - static_cast<size_t>((*dev)[1].id));
  auto newest = store->events().list({.limit = 3, .order = Order::newest_first});
  ASSERT_EQ(newest->size(), 3u);
  EXPECT_EQ((*newest)[0].id, 8);
  EXPECT_EQ((*newest)[2].id, 6);
}

TEST_P(Events, AreAppendOnlyInTheDatabaseItself) {
  {
    auto store = open_at(state.location());
    ASSERT_TRUE(store->events().append({.actor = "a", .kind = "k", .subject = "s"}));
  }
  auto db = state.open_db();
  ASSERT_TRUE(db);
  auto update = db->exec("UPDATE events SET actor = 'mallory'");
  ASSERT_FALSE(update);
  EXPECT_EQ(update.error().code, ErrorCode::conflict);
  EXPECT_EQ(update.error().message, "state database " + db->location() + ": events are append-only");
  EXPECT_FALSE(db->exec("DELETE FROM events"));
  EXPECT_EQ(state.count("SELECT count(*) FROM events WHERE actor = 'a'"), 1);
}

TEST_P(Settings, SetGetReplaceRemove) {
  auto store = open_at(state.location());
  EXPECT_EQ(store->meta().get_setting("k").value(), std::nullopt);
  ASSERT_TRUE(store->meta().set_setting("k", "one"));
  ASSERT_TRUE(store->meta().set_setting("k", "two"));
  EXPECT_EQ(store->meta().get_setting("k").value(), "two");
  ASSERT_TRUE(store->meta().remove_setting("k"));
  ASSERT_TRUE(store->meta().remove_setting("k"));
  EXPECT_EQ(store->meta().get_setting("k").value(), std::nullopt);
}

TEST_P(Counters, CountFromOnePerNameAndSurviveReopening) {
  {
    auto store = open_at(state.location());
    EXPECT_EQ(store->meta().next_counter("patch").value(), 1);
    EXPECT_EQ(store->meta().next_counter("patch").value(), 2);
    EXPECT_EQ(store->meta().next_counter("other").value(), 1);
  }
  auto store = open_at(state.location());
  EXPECT_EQ(store->meta().next_counter("patch").value(), 3);
}

TEST_P(Transactions, CommitEverythingOrNothing) {
  auto store = open_at(state.location());
  Status failed = store->transaction([&]() -> Status {
    EXPECT_TRUE(store->events().append({.actor = "a", .kind = "k", .subject = "s"}));
    EXPECT_TRUE(store->meta().set_setting("k", "v"));
    return fail(ErrorCode::conflict, "needs 1 approval by role qa on staging; has 0");
  });
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().message, "needs 1 approval by role qa on staging; has 0");
  EXPECT_TRUE(store->events().list()->empty());
  EXPECT_EQ(store->meta().get_setting("k").value(), std::nullopt);

  Result<std::int64_t> id = store->transaction([&]() -> Result<std::int64_t> {
    EXPECT_TRUE(store->meta().set_setting("k", "v"));
    return store->events().append({.actor = "a", .kind = "k", .subject = "s"});
  });
  ASSERT_TRUE(id);
  EXPECT_EQ(store->events().list()->size(), 1u);
  EXPECT_EQ(store->meta().get_setting("k").value(), "v");
}

TEST_P(Transactions, AFailedInnerTransactionUndoesOnlyItself) {
  auto store = open_at(state.location());
  Status outer = store->transaction([&]() -> Status {
    EXPECT_TRUE(store->meta().set_setting("outer", "1"));
    Status inner = store->transaction([&]() -> Status {
      EXPECT_TRUE(store->meta().set_setting("inner", "1"));
      return fail(ErrorCode::invalid_input, "inner failed");
    });
    EXPECT_FALSE(inner);
    return {};
  });
  ASSERT_TRUE(outer);
  EXPECT_EQ(store->meta().get_setting("outer").value(), "1");
  EXPECT_EQ(store->meta().get_setting("inner").value(), std::nullopt);
}

TEST_P(Transactions, AThrowingBodyRollsBack) {
  auto store = open_at(state.location());
  EXPECT_THROW((void)store->transaction([&]() -> Status {
    EXPECT_TRUE(store->meta().set_setting("k", "v"));
    throw std::runtime_error("bug");
  }),
               std::runtime_error);
  EXPECT_EQ(store->meta().get_setting("k").value(), std::nullopt);
  EXPECT_TRUE(store->meta().set_setting("k", "after"));
}

TEST_P(Transactions, AreVisibleToOtherConnectionsOnlyWhenCommitted) {
  auto writer = open_at(state.location());
  auto reader = open_at(state.location());
  Status status = writer->transaction([&]() -> Status {
    EXPECT_TRUE(writer->meta().set_setting("k", "v"));
    EXPECT_EQ(reader->meta().get_setting("k").value(), std::nullopt);  // WAL: reads don't block
    return {};
  });
  ASSERT_TRUE(status);
  EXPECT_EQ(reader->meta().get_setting("k").value(), "v");
}

STORE_BACKENDS(Stores);
STORE_BACKENDS(Events);
STORE_BACKENDS(Settings);
STORE_BACKENDS(Counters);
STORE_BACKENDS(Transactions);

}  // namespace
}  // namespace slipway::store
