#include "core/process_marks.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <thread>

#include "core/process.h"
#include "support/test_support.h"

namespace slipway {
namespace {

// Starts `sleep 300` detached from its parent's group and session (setsid),
// with `mark` in its environment, the way a step's daemon would; returns its
// pid. The parent waits until the daemon has its own session (it writes its
// pid from there), else the group kill at the parent's exit could catch it.
int start_detached_sleep(const std::string& mark) {
  test::TempDir dir;
  ProcessOptions options;
  options.argv = {"bash", "-c",
                  "setsid bash -c 'echo $$ > pid.tmp; mv pid.tmp pid; exec sleep 300' </dev/null >/dev/null 2>&1 &\n"
                  "while [ ! -s pid ]; do sleep 0.01; done"};
  options.cwd = dir.path();
  options.env = current_environment();
  options.env->push_back(std::string(k_process_mark_variable) + "=" + mark);
  Result<ProcessResult> result = run_process(options);
  EXPECT_TRUE(result && result->succeeded());
  return std::atoi(test::read_file(dir / "pid").c_str());
}

// True when `pid` runs and is not a zombie.
bool running(int pid) {
  std::string stat = ::kill(pid, 0) == 0 ? test::read_file("/proc/" + std::to_string(pid) + "/stat") : "";
  size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] != 'Z';
}

// A signalled process takes a moment to die: waits up to 5 s for it to go.
bool still_running(int pid) {
  for (int i = 0; i < 500 && running(pid); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return running(pid);
}

std::string unique_scope(const char* name) { return std::string(name) + "-" + std::to_string(::getpid()); }

TEST(ProcessMarks, KillsADetachedDescendantCarryingTheMarkAndNothingElse) {
  std::string mark = process_mark(unique_scope("job-a"));
  std::string other = process_mark(unique_scope("job-b"));
  int marked = start_detached_sleep(mark);
  int bystander = start_detached_sleep(other);
  ASSERT_GT(marked, 0);
  ASSERT_GT(bystander, 0);
  ASSERT_TRUE(running(marked)) << "the detached sleep should outlive its parent bash";

  Result<int> killed = kill_marked_processes(mark);
  ASSERT_TRUE(killed) << killed.error().to_string();
  EXPECT_EQ(*killed, 1);
  EXPECT_FALSE(still_running(marked));
  EXPECT_TRUE(running(bystander));

  ASSERT_TRUE(kill_marked_processes(other));
  EXPECT_FALSE(still_running(bystander));
}

TEST(ProcessMarks, KillsOrphansWhoseOwnerIsGoneButNotThoseOfALiveOwner) {
  // Same pid as ours but another start time: the owner this mark names has died
  // (and its pid was recycled - by us).
  // Orphans of another state (another scope prefix) are left to that state's recovery.
  const std::string state = unique_scope("state"), other_state = unique_scope("other");
  std::string live = process_mark(state + "/live");
  std::string dead = std::to_string(::getpid()) + ".1/" + state + "/dead";
  std::string elsewhere = std::to_string(::getpid()) + ".1/" + other_state + "/dead";
  int orphan = start_detached_sleep(dead);
  int owned = start_detached_sleep(live);
  int foreign = start_detached_sleep(elsewhere);
  ASSERT_TRUE(running(orphan));

  Result<int> killed = kill_orphaned_processes(state);
  ASSERT_TRUE(killed) << killed.error().to_string();
  EXPECT_EQ(*killed, 1);
  EXPECT_FALSE(still_running(orphan));
  EXPECT_TRUE(running(owned));
  EXPECT_TRUE(running(foreign));
  ASSERT_TRUE(kill_marked_processes(live));
  EXPECT_FALSE(still_running(owned));
  ASSERT_TRUE(kill_orphaned_processes(other_state));
  EXPECT_FALSE(still_running(foreign));
}

TEST(ProcessMarks, WhileAdoptingLeftoversAreFoundAmongThisProcessesChildren) {
  std::optional<OrphanAdoption> adoption(std::in_place);
  if (!unowned_children()) GTEST_SKIP() << "this kernel does not list children (/proc/self/task/TID/children)";
  std::string mark = process_mark(unique_scope("adopted"));
  int marked = start_detached_sleep(mark);
  ASSERT_GT(marked, 0);
  std::vector<int> children = unowned_children().value();
  EXPECT_NE(std::find(children.begin(), children.end(), marked), children.end())
      << "the detached sleep should have been handed to this process when its parents died";

  Result<int> killed = kill_marked_processes(mark);
  ASSERT_TRUE(killed) << killed.error().to_string();
  EXPECT_EQ(*killed, 1);
  EXPECT_NE(::kill(marked, 0), 0) << "killed and reaped: not even a zombie is left";
  adoption.reset();
}

TEST(ProcessMarks, ChildrenAdoptedFromAKilledGroupAreReapedWhenAdoptionEnds) {
  std::optional<OrphanAdoption> adoption(std::in_place);
  if (!unowned_children()) GTEST_SKIP() << "this kernel does not list children (/proc/self/task/TID/children)";
  test::TempDir dir;
  ProcessOptions options;
  options.argv = {"bash", "-c", "sleep 300 & echo $! > pid"};
  options.cwd = dir.path();
  Result<ProcessResult> result = run_process(options);
  ASSERT_TRUE(result && result->succeeded());
  int background = std::atoi(test::read_file(dir / "pid").c_str());
  ASSERT_GT(background, 0);
  // Killed with its group when bash ended; its parent was gone, so it is a
  // zombie child of this process until reaped.
  EXPECT_FALSE(still_running(background));
  adoption.reset();
  EXPECT_NE(::kill(background, 0), 0) << "the zombie should have been reaped";
}

TEST(ProcessMarks, MarkNamesThisProcessAndTheScope) {
  std::string mark = process_mark("run-7/build");
  EXPECT_EQ(mark.rfind(std::to_string(::getpid()) + ".", 0), 0u) << mark;
  EXPECT_TRUE(mark.ends_with("/run-7/build")) << mark;
}

}  // namespace
}  // namespace slipway
