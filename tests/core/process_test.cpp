#include "core/process.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <thread>

#include "support/test_support.h"

namespace slipway {
namespace {

struct Captured {
  std::vector<std::string> out;
  std::vector<std::string> err;
};

ProcessOptions bash(const std::string& script, Captured& captured) {
  ProcessOptions options;
  options.argv = {"bash", "-c", script};
  options.on_line = [&captured](OutputStream stream, std::string_view line) {
    (stream == OutputStream::out ? captured.out : captured.err).emplace_back(line);
  };
  return options;
}

// Alive and not a zombie. A signalled process takes a moment to die, so this
// waits up to 5 s for it to go before answering true.
bool pid_alive(int pid) {
  for (int i = 0; i < 500; ++i) {
    if (::kill(pid, 0) != 0) return false;
    std::string stat = test::read_file("/proc/" + std::to_string(pid) + "/stat");
    size_t paren = stat.rfind(')');
    if (paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'Z') return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

TEST(Process, CapturesStdoutAndStderrLinesAndExitCode) {
  Captured captured;
  Result<ProcessResult> result =
      run_process(bash("echo one; echo two >&2; printf 'three\\nfour'; exit 3", captured));
  ASSERT_TRUE(result) << result.error().to_string();
  EXPECT_EQ(result->exit_code, 3);
  EXPECT_FALSE(result->succeeded());
  EXPECT_EQ(captured.out, (std::vector<std::string>{"one", "three", "four"}));
  EXPECT_EQ(captured.err, (std::vector<std::string>{"two"}));
}

TEST(Process, UsesGivenEnvironmentAndWorkingDirectory) {
  test::TempDir dir;
  Captured captured;
  ProcessOptions options = bash("echo \"$GREETING\"; pwd", captured);
  options.env = std::vector<std::string>{"GREETING=hello", "PATH=/usr/bin:/bin"};
  options.cwd = dir.path();
  Result<ProcessResult> result = run_process(options);
  ASSERT_TRUE(result);
  EXPECT_TRUE(result->succeeded());
  ASSERT_EQ(captured.out.size(), 2u);
  EXPECT_EQ(captured.out[0], "hello");
  EXPECT_EQ(std::filesystem::canonical(captured.out[1]), std::filesystem::canonical(dir.path()));
}

TEST(Process, RunsInItsOwnProcessGroup) {
  Captured captured;
  Result<ProcessResult> result = run_process(bash("ps -o pgid= -p $$", captured));
  ASSERT_TRUE(result);
  ASSERT_EQ(captured.out.size(), 1u);
  EXPECT_EQ(std::stoi(captured.out[0]), result->pid);
}

TEST(Process, UnknownProgramIsNotFound) {
  ProcessOptions options;
  options.argv = {"no-such-program-slipway"};
  Result<ProcessResult> result = run_process(options);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message, "run process: no-such-program-slipway: command not found");
}

TEST(Process, MissingWorkingDirectoryIsInvalidInput) {
  ProcessOptions options;
  options.argv = {"true"};
  options.cwd = "/no/such/dir";
  Result<ProcessResult> result = run_process(options);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message, "run process: working directory /no/such/dir does not exist");
}

TEST(Process, TimeoutKillsTheWholeGroupIncludingGrandchildren) {
  test::TempDir dir;
  Captured captured;
  // The grandchild writes its pid, then both sleep far longer than the deadline.
  ProcessOptions options =
      bash("sleep 300 & echo $! > " + (dir / "pid").string() + "; wait", captured);
  options.timeout = std::chrono::milliseconds(300);
  options.kill_grace = std::chrono::milliseconds(200);
  Result<ProcessResult> result = run_process(options);
  ASSERT_TRUE(result);
  EXPECT_TRUE(result->timed_out);
  EXPECT_FALSE(result->succeeded());
  int grandchild = std::stoi(test::read_file(dir / "pid"));
  EXPECT_FALSE(pid_alive(grandchild));
}

TEST(Process, CancelStopsTheGroup) {
  test::TempDir dir;
  Captured captured;
  std::atomic<bool> cancel{false};
  ProcessOptions options = bash("(sleep 300; echo late) & echo $! > " + (dir / "pid").string() +
                                    "; echo started; wait",
                                captured);
  options.cancel = &cancel;
  options.on_line = [&](OutputStream, std::string_view line) {
    if (line == "started") cancel = true;
  };
  Result<ProcessResult> result = run_process(options);
  ASSERT_TRUE(result);
  EXPECT_TRUE(result->canceled);
  EXPECT_FALSE(pid_alive(std::stoi(test::read_file(dir / "pid"))));
}

TEST(Process, BackgroundLeftoversDoNotHoldTheStepOpen) {
  test::TempDir dir;
  Captured captured;
  ProcessOptions options =
      bash("sleep 300 & echo $! > " + (dir / "pid").string() + "; echo done", captured);
  Result<ProcessResult> result = run_process(options);
  ASSERT_TRUE(result);
  EXPECT_TRUE(result->succeeded());
  EXPECT_EQ(captured.out, (std::vector<std::string>{"done"}));
  EXPECT_FALSE(pid_alive(std::stoi(test::read_file(dir / "pid"))));
}

TEST(Process, LongLinesAreDeliveredInPieces) {
  Captured captured;
  ProcessOptions options = bash("head -c 10 /dev/zero | tr '\\0' x; echo", captured);
  options.max_line = 4;
  Result<ProcessResult> result = run_process(options);
  ASSERT_TRUE(result);
  EXPECT_EQ(captured.out, (std::vector<std::string>{"xxxx", "xxxx", "xx"}));
}

TEST(Process, ChildDiesWhenItsParentIsKilled) {
  test::TempDir dir;
  // A helper process (bash) cannot use run_process, so the parent here is a
  // forked copy of this test running run_process; killing it must kill the child.
  std::filesystem::path pid_file = dir / "pid";
  pid_t helper = ::fork();
  ASSERT_GE(helper, 0);
  if (helper == 0) {
    ProcessOptions options;
    options.argv = {"bash", "-c", "echo $$ > " + pid_file.string() + "; exec sleep 300"};
    (void)run_process(options);
    ::_exit(0);
  }
  int child = 0;
  for (int i = 0; i < 500 && child == 0; ++i) {
    std::string text = test::read_file(pid_file);
    if (!text.empty() && text.back() == '\n') child = std::stoi(text);
    else std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_GT(child, 0);
  ::kill(helper, SIGKILL);
  int status = 0;
  ::waitpid(helper, &status, 0);
  EXPECT_FALSE(pid_alive(child));
}

}  // namespace
}  // namespace slipway
