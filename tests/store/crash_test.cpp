// "Nothing lost": a process killed with SIGKILL in the middle of writing
// leaves a database that opens, passes the integrity check, and holds only
// whole transactions.
#include <gtest/gtest.h>

#include <map>

#include "store/child.h"
#include "store/backends.h"
#include "store/store.h"
#include "support/test_support.h"

namespace slipway::store {
namespace {

using Crash = OnBackends;

TEST_P(Crash, KilledWriterLeavesOnlyWholeTransactions) {
  const std::string db = state.location();
  constexpr int k_batch = 20;  // events per transaction, ~40 KB: many pages
  int kills = 0;
  for (int round = 0; round < 3; ++round) {
    test::Child writer({"events", db, std::to_string(k_batch)});
    ASSERT_TRUE(writer.started());
    // Let it commit a few transactions, then kill it while it is writing the next.
    std::string line;
    for (int seen = 0; seen < 5; ++seen) {
      line = writer.read_line();
      ASSERT_FALSE(line.empty()) << "the writer stopped early";
    }
    writer.kill_hard();
    if (writer.wait() == 128 + SIGKILL) ++kills;

    auto store = open_store(db);
    ASSERT_TRUE(store) << store.error().to_string();
    Status integrity = (*store)->meta().check_integrity();
    ASSERT_TRUE(integrity) << integrity.error().to_string();

    auto events = (*store)->events().list({.kind = "test.batch"});
    ASSERT_TRUE(events);
    std::map<std::int64_t, std::vector<int>> by_batch;
    for (const Event& e : *events) {
      ASSERT_EQ(e.subject, "batch:" + e.detail["batch"].dump());
      by_batch[e.detail["batch"].get<std::int64_t>()].push_back(e.detail["index"].get<int>());
    }
    // The counter and the events commit together: batches 1..counter, each whole.
    std::int64_t last = (*store)->meta().counter("batches").value();
    ASSERT_EQ(static_cast<std::int64_t>(by_batch.size()), last);
    std::int64_t expected_batch = 1;
    for (const auto& [batch, indexes] : by_batch) {
      EXPECT_EQ(batch, expected_batch++);
      ASSERT_EQ(indexes.size(), static_cast<size_t>(k_batch)) << "batch " << batch;
      for (int i = 0; i < k_batch; ++i) EXPECT_EQ(indexes[static_cast<size_t>(i)], i);
    }
    EXPECT_GE(last, std::stoll(line));  // what the writer reported committed is there
  }
  EXPECT_EQ(kills, 3);
}

STORE_BACKENDS(Crash);

}  // namespace
}  // namespace slipway::store
