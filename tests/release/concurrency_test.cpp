// Eight real processes (tests/release/release_child.cpp, with an Applier
// double that logs enter/leave) promote and apply at once: at most one is
// inside each environment at a time, and every outcome is recorded.
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <sstream>

#include "release_fixture.h"

namespace slipway::release::test {
namespace {

TEST_F(ReleaseTest, EightProcessesPromotingAtOnceTakeTurnsPerEnvironment) {
  build_everything();
  Result<Release> r = service->create_from_environment({.from = "dev"}, "erin");
  ASSERT_TRUE(r);
  std::string log = (dir / "applies.log").string();
  std::string ws = (slipway::test::source_dir() / "examples" / "acme").string();
  size_t dev_before = store->events().list({.subject = "env:dev", .kind = "release.applied"})->size();

  std::vector<pid_t> children;
  for (int i = 0; i < 8; ++i) {
    bool promote = i % 2 == 0;
    std::vector<std::string> args = {RELEASE_CHILD, state_path, ws, promote ? "promote" : "apply",
                                     promote ? r->id : dev_release(), promote ? "staging" : "dev",
                                     "user" + std::to_string(i), log};
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child " << pid << " status " << status;
  }

  // Per environment, "enter" and "leave" alternate and pair up with the same pid.
  std::istringstream lines(slipway::test::read_file(log));
  std::map<std::string, std::string> inside;  // env → pid inside
  std::map<std::string, int> entered;
  std::string what, env, pid;
  while (lines >> what >> env >> pid) {
    if (what == "enter") {
      EXPECT_TRUE(inside[env].empty()) << pid << " entered " << env << " while " << inside[env] << " was inside";
      inside[env] = pid;
      ++entered[env];
    } else {
      EXPECT_EQ(inside[env], pid);
      inside[env].clear();
    }
  }
  EXPECT_EQ(entered["staging"], 4);
  EXPECT_EQ(entered["dev"], 4);
  EXPECT_EQ(store->events().list({.subject = "env:staging", .kind = "release.applied"})->size(), 4u);
  EXPECT_EQ(store->events().list({.subject = "env:dev", .kind = "release.applied"})->size(), dev_before + 4);
  EXPECT_EQ(store->releases().environment_state("staging")->value().release, r->id);
}

}  // namespace
}  // namespace slipway::release::test
