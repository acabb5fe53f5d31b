// Locks as leases: acquire, hold, heartbeat, release, takeover of an expired
// lease (recorded), and real processes contending for one lock.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "core/host.h"
#include "store/backends.h"
#include "store/store.h"
#include "support/test_support.h"
#include "store/child.h"

namespace slipway::store {
namespace {

using Locks = OnBackends;

using std::chrono::seconds;
using test::TempDir;

struct Fixture {
  const FreshState& state;
  ManualClock clock;
  std::unique_ptr<Store> a = open(), b = open();

  std::unique_ptr<Store> open() {
    auto store = open_store(state.location(), {.clock = &clock});
    EXPECT_TRUE(store) << store.error().to_string();
    return std::move(*store);
  }
};

TEST_P(Locks, FreeLockIsAcquiredAndRecordsOwner) {
  Fixture f{.state = state, .clock = ManualClock()};
  auto got = f.a->locks().try_acquire("env:staging", {.holder = "run 42", .actor = "alice"}, seconds(30));
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->acquired);
  EXPECT_FALSE(got->taken_over_from);
  EXPECT_EQ(got->lease.holder, "run 42");
  EXPECT_EQ(got->lease.owner_pid, current_pid());
  EXPECT_EQ(got->lease.owner_host, host_name());
  EXPECT_EQ(got->lease.expires, f.clock.now() + seconds(30));
  EXPECT_EQ(got->lease.token.size(), 32u);
  auto seen = f.b->locks().current("env:staging");
  ASSERT_TRUE(seen && *seen);
  EXPECT_EQ((*seen)->token, got->lease.token);
}

TEST_P(Locks, HeldLockIsRefusedWithTheHolder) {
  Fixture f{.state = state, .clock = ManualClock()};
  ASSERT_TRUE(f.a->locks().try_acquire("env:staging", {.holder = "run 42", .actor = "alice"}, seconds(30)));
  f.clock.advance(seconds(30));  // expires is inclusive: still alive at that instant
  auto second = f.b->locks().try_acquire("env:staging", {.holder = "run 43", .actor = "bob"}, seconds(30));
  ASSERT_TRUE(second);
  EXPECT_FALSE(second->acquired);
  EXPECT_EQ(second->lease.holder, "run 42");
  EXPECT_EQ(second->lease.actor, "alice");
  auto other = f.b->locks().try_acquire("env:prod", {.holder = "run 43", .actor = "bob"}, seconds(30));
  EXPECT_TRUE(other->acquired);
  EXPECT_EQ(f.a->locks().list()->size(), 2u);
}

TEST_P(Locks, HeartbeatKeepsTheLeaseAlive) {
  Fixture f{.state = state, .clock = ManualClock()};
  auto got = f.a->locks().try_acquire("env:dev", {.holder = "run 1", .actor = "alice"}, seconds(10));
  for (int i = 0; i < 5; ++i) {
    f.clock.advance(seconds(8));
    auto renewed = f.a->locks().heartbeat(got->lease, seconds(10));
    ASSERT_TRUE(renewed) << renewed.error().to_string();
    EXPECT_EQ(renewed->expires, f.clock.now() + seconds(10));
    EXPECT_FALSE(f.b->locks().try_acquire("env:dev", {.holder = "run 2", .actor = "bob"}, seconds(10))->acquired);
  }
}

TEST_P(Locks, ExpiredLeaseIsTakenOverAndTheTakeoverIsRecorded) {
  Fixture f{.state = state, .clock = ManualClock()};
  auto old = f.a->locks().try_acquire("env:dev", {.holder = "run 1", .actor = "alice"}, seconds(10));
  f.clock.advance(seconds(11));
  auto taken = f.b->locks().try_acquire("env:dev", {.holder = "run 2", .actor = "bob"}, seconds(10));
  ASSERT_TRUE(taken);
  EXPECT_TRUE(taken->acquired);
  ASSERT_TRUE(taken->taken_over_from);
  EXPECT_EQ(taken->taken_over_from->holder, "run 1");
  EXPECT_NE(taken->lease.token, old->lease.token);

  auto events = f.a->events().list({.subject = "env:dev", .kind = "lock.takeover"});
  ASSERT_EQ(events->size(), 1u);
  const Event& e = events->front();
  EXPECT_EQ(e.actor, "bob");
  EXPECT_EQ(e.detail["holder"], "run 2");
  EXPECT_EQ(e.detail["previous"]["holder"], "run 1");
  EXPECT_EQ(e.detail["previous"]["expires"], format_utc(old->lease.expires));

  // The old holder has lost it: its heartbeat and release fail and say who has it.
  std::string now_held = "; now held by run 2 (bob, pid " + std::to_string(current_pid()) + " on " +
                         host_name() + ")";
  auto beat = f.a->locks().heartbeat(old->lease, seconds(10));
  ASSERT_FALSE(beat);
  EXPECT_EQ(beat.error().code, ErrorCode::conflict);
  EXPECT_EQ(beat.error().message, "lock env:dev: no longer held by run 1" + now_held);
  auto gone = f.a->locks().release(old->lease);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().message, "lock env:dev: no longer held by run 1" + now_held);
  EXPECT_EQ(f.a->locks().current("env:dev").value()->holder, "run 2");
}

TEST_P(Locks, ReleaseFreesTheLockAndIsNotRepeatable) {
  Fixture f{.state = state, .clock = ManualClock()};
  auto got = f.a->locks().try_acquire("env:dev", {.holder = "run 1", .actor = "alice"}, seconds(10));
  ASSERT_TRUE(f.a->locks().release(got->lease));
  EXPECT_EQ(f.b->locks().current("env:dev").value(), std::nullopt);
  auto again = f.a->locks().release(got->lease);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message, "lock env:dev: no longer held by run 1; it was released");
  auto next = f.b->locks().try_acquire("env:dev", {.holder = "run 2", .actor = "bob"}, seconds(10));
  EXPECT_TRUE(next->acquired);
  EXPECT_FALSE(next->taken_over_from);
  EXPECT_TRUE(f.a->events().list()->empty());  // a plain release/acquire is no takeover
}

TEST_P(Locks, NegativeLeaseTimeIsBadInput) {
  Fixture f{.state = state, .clock = ManualClock()};
  auto got = f.a->locks().try_acquire("env:dev", {.holder = "run 1", .actor = "alice"}, Millis(-1));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().message, "lock env:dev: negative lease time");
}

// Several processes take the same lock many times; inside it each does a
// non-atomic read-then-write of a shared count and checks nobody else is
// inside. Any overlap exits 3; a lost update shows in the final count.
TEST_P(Locks, ProcessesContendingNeverHoldTheLockTogether) {
  const std::string db = state.location();
  constexpr int k_processes = 6;
  constexpr int k_rounds = 25;
  std::vector<std::unique_ptr<test::Child>> children;
  for (int i = 0; i < k_processes; ++i)  // they also race to create the database
    children.push_back(std::make_unique<test::Child>(
        std::vector<std::string>{"lock", db, "env:staging", std::to_string(k_rounds)}));
  for (auto& child : children) {
    ASSERT_TRUE(child->started());
    EXPECT_EQ(child->wait(), 0);
  }
  auto store = open_store(db);
  ASSERT_TRUE(store);
  EXPECT_EQ((*store)->meta().get_setting("count").value(), std::to_string(k_processes * k_rounds));
  EXPECT_EQ((*store)->locks().current("env:staging").value(), std::nullopt);
  EXPECT_TRUE((*store)->meta().check_integrity());
}

TEST_P(Locks, LockOfAKilledProcessIsTakenOverOnceItExpires) {
  const std::string db = state.location();
  test::Child holder({"hold", db, "env:prod", "200"});
  ASSERT_EQ(holder.read_line(), "held");
  holder.kill_hard();
  holder.wait();
  auto store = open_store(db);
  ASSERT_TRUE(store);
  std::optional<LockAttempt> taken;
  for (int i = 0; i < 1000 && !taken; ++i) {  // the lease runs out within 200 ms
    auto attempt = (*store)->locks().try_acquire("env:prod", {.holder = "me", .actor = "bob"}, seconds(5));
    ASSERT_TRUE(attempt);
    if (attempt->acquired) {
      taken = *attempt;
    } else {
      ::usleep(10'000);
    }
  }
  ASSERT_TRUE(taken);
  ASSERT_TRUE(taken->taken_over_from);
  EXPECT_EQ(taken->taken_over_from->holder, "child");
  EXPECT_EQ((*store)->events().list({.kind = "lock.takeover"})->size(), 1u);
}

STORE_BACKENDS(Locks);

}  // namespace
}  // namespace slipway::store
