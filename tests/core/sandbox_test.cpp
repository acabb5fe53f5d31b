#include "core/sandbox.h"

#include <gtest/gtest.h>

#include "core/process.h"
#include "support/test_support.h"

namespace slipway {
namespace {

using test::TempDir;
using test::read_file;
using test::write_file;

// Runs `script` with bash inside `sandbox`; returns its exit code.
int run_sandboxed(const Sandbox& sandbox, const std::string& script) {
  ProcessOptions options;
  options.argv = {"bash", "--noprofile", "--norc", "-c", script};
  options.sandbox_fd = sandbox.ruleset_fd();
  Result<ProcessResult> result = run_process(options);
  EXPECT_TRUE(result) << (result ? "" : result.error().message);
  return result ? result->exit_code : -1;
}

class SandboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (landlock_abi() == 0) GTEST_SKIP() << "this kernel has no Landlock";
    write_file(m_dir / "state" / "state.db", "secret");
    write_file(m_dir / "state" / "work" / "1" / "mine.txt", "mine");
    write_file(m_dir / "state" / "work" / "2" / "theirs.txt", "theirs");
    write_file(m_dir / "beside" / "readme.txt", "public");
  }

  Sandbox build() {
    std::vector<PathRule> rules = {{m_dir / "state", PathAccess::none},
                                   {m_dir / "state" / "work" / "1", PathAccess::read_write}};
    Result<Sandbox> sandbox = Sandbox::build(PathAccess::read, rules);
    EXPECT_TRUE(sandbox) << (sandbox ? "" : sandbox.error().message);
    return std::move(*sandbox);
  }

  TempDir m_dir;
};

TEST_F(SandboxTest, DeniedTreeCannotBeOpenedEvenThroughItsParentsSiblings) {
  Sandbox sandbox = build();
  std::string state = (m_dir / "state").string();
  EXPECT_NE(run_sandboxed(sandbox, "cat " + state + "/state.db"), 0);
  EXPECT_NE(run_sandboxed(sandbox, "echo x >> " + state + "/state.db"), 0);
  EXPECT_NE(run_sandboxed(sandbox, "cat " + state + "/work/2/theirs.txt"), 0);
  EXPECT_NE(run_sandboxed(sandbox, "touch " + state + "/state.db-wal"), 0);
  EXPECT_NE(run_sandboxed(sandbox, "cat " + (m_dir / "beside" / ".." / "state" / "state.db").string()), 0);
  EXPECT_EQ(read_file(m_dir / "state" / "state.db"), "secret");
  EXPECT_FALSE(std::filesystem::exists(m_dir / "state" / "state.db-wal"));
}

TEST_F(SandboxTest, AllowedFolderIsWritableAndTheRestReadable) {
  Sandbox sandbox = build();
  std::string mine = (m_dir / "state" / "work" / "1").string();
  EXPECT_EQ(run_sandboxed(sandbox, "cat " + mine + "/mine.txt && echo new > " + mine + "/new.txt && mkdir " + mine +
                                       "/sub && rm " + mine + "/mine.txt"),
            0);
  EXPECT_EQ(read_file(m_dir / "state" / "work" / "1" / "new.txt"), "new\n");
  EXPECT_EQ(run_sandboxed(sandbox, "cat " + (m_dir / "beside" / "readme.txt").string() + " /etc/passwd | head -c1 && ls /usr/bin | head -c1"), 0);
  // The rest of the system is read-only: an existing file outside the allowed folder cannot be changed.
  EXPECT_NE(run_sandboxed(sandbox, "echo changed > " + (m_dir / "beside" / "readme.txt").string()), 0);
  EXPECT_EQ(read_file(m_dir / "beside" / "readme.txt"), "public");
}

}  // namespace
}  // namespace slipway
