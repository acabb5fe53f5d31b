// The apply engine runs the independent entries of a wave at the same time.
// Real /bin/sh scripts record "start X" / "end X" in order.txt; the two slow
// components each wait (up to 10 s) for the other to have started, so run one
// after another they would record "start a, end a, start b, end b" - the
// assertions are on the order of the records, never on durations.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/strings.h"
#include "deploy/engine.h"
#include "support/test_support.h"

namespace slipway::deploy {
namespace {

using test::TempDir;

constexpr const char* k_workspace = R"(product:
  name: wide
  version: "1.0"
components:
  a:
    repo: repos/a
    deploy:
      script:
        apply: sh ../wait.sh a b
        rollback: echo "rollback a $SLIPWAY_VERSION" >> order.txt
  b:
    repo: repos/b
    deploy:
      script:
        apply: sh ../wait.sh b a && test "$SLIPWAY_VERSION" != bad
        rollback: echo "rollback b $SLIPWAY_VERSION" >> order.txt
  c:
    repo: repos/c
    depends_on: [a, b]
    deploy:
      script:
        apply: echo "start c" >> order.txt; echo "end c" >> order.txt
        rollback: echo "rollback c" >> order.txt
environments:
  test:
    platform: {kind: script, workdir: ws}
    components: [a, b, c]
    policy: {mode: manual}
)";

// wait.sh SELF OTHER: records its start, waits for OTHER to have started, records its end.
constexpr const char* k_wait = R"(echo "start $1" >> order.txt
touch "$1.started"
i=0
while [ ! -e "$2.started" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
echo "end $1" >> order.txt
)";

class EngineParallelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::write_file(dir / "root/slipway.yaml", k_workspace);
    test::write_file(dir / "root/wait.sh", k_wait);
    std::filesystem::create_directories(dir / "root/ws");
    for (const char* c : {"a", "b", "c"})
      test::write_file(dir / "root/repos" / c / "azure-pipelines.yml", "steps:\n- script: echo hi\n");
    workspace = model::load_workspace(dir / "root").value();
    store = std::move(store::open_store((dir / "state/state.db").string()).value());
    key.fill(3);
    driver = make_script_driver();
  }
  Result<ApplyResult> apply(const std::string& b_version) {
    ApplyRequest request;
    request.workspace = &workspace;
    request.environment = "test";
    request.wanted = {{"a", {"1.0.0", ""}}, {"b", {b_version, ""}}, {"c", {"1.0.0", ""}}};
    request.actor = "alice";
    request.state_dir = dir / "state";
    request.parallelism = 2;
    return apply_environment(*store, *driver, key, request);
  }
  std::vector<std::string> order() {
    std::vector<std::string> lines = split(test::read_file(dir / "root/ws/order.txt"), '\n');
    if (!lines.empty() && lines.back().empty()) lines.pop_back();
    return lines;
  }
  TempDir dir;
  model::Workspace workspace;
  std::unique_ptr<store::Store> store;
  MasterKey key{};
  std::unique_ptr<Driver> driver;
};

TEST_F(EngineParallelTest, IndependentComponentsOverlapAndTheDependentWaitsForBoth) {
  ApplyResult result = apply("1.0.0").value();
  ASSERT_TRUE(result.succeeded) << result.message;
  EXPECT_EQ(result.message, "applied 3 changes");
  std::vector<std::string> lines = order();
  ASSERT_EQ(lines.size(), 6u);
  std::vector<std::string> starts(lines.begin(), lines.begin() + 2), ends(lines.begin() + 2, lines.begin() + 4);
  std::sort(starts.begin(), starts.end());
  std::sort(ends.begin(), ends.end());
  EXPECT_EQ(starts, (std::vector<std::string>{"start a", "start b"}));  // both started before either ended
  EXPECT_EQ(ends, (std::vector<std::string>{"end a", "end b"}));
  EXPECT_EQ(lines[4], "start c");  // after both of its dependencies ended
  EXPECT_EQ(lines[5], "end c");
  EXPECT_EQ(store->deploys().applied("test").value().size(), 3u);
}

TEST_F(EngineParallelTest, AFailureInAWaveKeepsTheOtherEntryAndStopsTheDependent) {
  ApplyResult result = apply("bad").value();
  EXPECT_FALSE(result.succeeded);
  EXPECT_EQ(result.message, "b: script apply failed (exit 1)");
  std::vector<std::string> lines = order();
  EXPECT_EQ(std::count(lines.begin(), lines.end(), "start c"), 0);
  // b is rolled back after it started; a (same wave) may still end after that rollback.
  auto started_b = std::find(lines.begin(), lines.end(), "start b");
  auto rolled_back_b = std::find_if(lines.begin(), lines.end(),
                                    [](const std::string& l) { return l.starts_with("rollback b"); });
  ASSERT_NE(rolled_back_b, lines.end());
  EXPECT_LT(started_b, rolled_back_b);
  std::vector<store::AppliedTarget> applied = store->deploys().applied("test").value();
  ASSERT_EQ(applied.size(), 1u);
  EXPECT_EQ(applied[0].target, "a");  // the other entry of the wave finished and is recorded
  EXPECT_EQ(store->deploys().apply_runs("test").value().front().status, "failed");
  // The retry does only what is left.
  ApplyResult retry = apply("1.0.0").value();
  EXPECT_TRUE(retry.succeeded) << retry.message;
  EXPECT_EQ(retry.message, "applied 2 changes");
}

}  // namespace
}  // namespace slipway::deploy
