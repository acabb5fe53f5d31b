// Work folders: one job at a time each, emptied when taken, never followed
// through a symlink a step left, and shared safely between processes.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include "run/work_folder.h"
#include "support/test_support.h"

namespace slipway::run {
namespace {

namespace fs = std::filesystem;

TEST(WorkFolder, TakesTheLowestFreeFolderAndFreesItWhenDropped) {
  test::TempDir root;
  {
    Result<WorkFolder> a = WorkFolder::take(root.path());
    ASSERT_TRUE(a) << a.error().message;
    Result<WorkFolder> b = WorkFolder::take(root.path());
    ASSERT_TRUE(b) << b.error().message;
    EXPECT_EQ(a->path(), root.path() / "1");
    EXPECT_EQ(b->path(), root.path() / "2");
    for (const char* sub : {"s", "a", "b", "tmp"}) EXPECT_TRUE(fs::is_directory(a->path() / sub)) << sub;
  }
  Result<WorkFolder> again = WorkFolder::take(root.path());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->path(), root.path() / "1");
}

TEST(WorkFolder, IsEmptiedWhenTakenEvenWhereAStepMadeItReadOnly) {
  test::TempDir root;
  fs::path folder;
  {
    Result<WorkFolder> first = WorkFolder::take(root.path());
    ASSERT_TRUE(first);
    folder = first->path();
    test::write_file(folder / "s" / "left.txt", "x");
    fs::create_directories(folder / "b" / "ro" / "deep");
    test::write_file(folder / "b" / "ro" / "deep" / "f", "x");
    fs::permissions(folder / "b" / "ro", fs::perms::owner_read | fs::perms::owner_exec);
    fs::permissions(folder / "b" / "ro" / "deep", fs::perms::owner_read | fs::perms::owner_exec);
  }
  Result<WorkFolder> second = WorkFolder::take(root.path());
  ASSERT_TRUE(second) << second.error().message;
  ASSERT_EQ(second->path(), folder);
  EXPECT_TRUE(fs::is_empty(folder / "s"));
  EXPECT_TRUE(fs::is_empty(folder / "b"));
}

TEST(WorkFolder, ASymlinkInPlaceOfAFolderIsRemovedNotFollowed) {
  test::TempDir root, outside;
  test::write_file(outside.path() / "precious.txt", "keep");
  {
    Result<WorkFolder> first = WorkFolder::take(root.path());
    ASSERT_TRUE(first);
    fs::remove_all(first->path() / "s");
    fs::create_directory_symlink(outside.path(), first->path() / "s");
    fs::create_symlink(outside.path() / "precious.txt", first->path() / "step.sh");
  }
  Result<WorkFolder> second = WorkFolder::take(root.path());
  ASSERT_TRUE(second);
  EXPECT_TRUE(fs::exists(outside.path() / "precious.txt"));
  EXPECT_FALSE(fs::is_symlink(second->path() / "s"));
  EXPECT_TRUE(fs::is_directory(second->path() / "s"));
  Result<fs::path> script = second->write_script("echo hi");
  ASSERT_TRUE(script) << script.error().message;
  EXPECT_EQ(test::read_file(outside.path() / "precious.txt"), "keep");
  EXPECT_EQ(test::read_file(*script), "echo hi\n");
}

TEST(WorkFolder, ScriptIsRewrittenInPlace) {
  test::TempDir root;
  Result<WorkFolder> folder = WorkFolder::take(root.path());
  ASSERT_TRUE(folder);
  Result<fs::path> first = folder->write_script("a long first script body");
  ASSERT_TRUE(first);
  Result<fs::path> second = folder->write_script("short");
  ASSERT_TRUE(second);
  EXPECT_EQ(*first, *second);
  EXPECT_EQ(test::read_file(*second), "short\n");
}

TEST(WorkFolder, AnotherProcessHoldingAFolderIsSkipped) {
  test::TempDir root;
  int ready[2], release[2];
  ASSERT_EQ(::pipe(ready), 0);
  ASSERT_EQ(::pipe(release), 0);
  pid_t child = ::fork();
  if (child == 0) {
    Result<WorkFolder> held = WorkFolder::take(root.path());
    char c = held ? 'y' : 'n';
    (void)!::write(ready[1], &c, 1);
    (void)!::read(release[0], &c, 1);
    ::_exit(0);
  }
  char c = 0;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  ASSERT_EQ(c, 'y');
  {
    Result<WorkFolder> mine = WorkFolder::take(root.path());
    ASSERT_TRUE(mine);
    EXPECT_EQ(mine->path(), root.path() / "2");
  }
  (void)!::write(release[1], "x", 1);
  int status = 0;
  ::waitpid(child, &status, 0);
  Result<WorkFolder> after = WorkFolder::take(root.path());
  ASSERT_TRUE(after);
  EXPECT_EQ(after->path(), root.path() / "1");
  for (int fd : {ready[0], ready[1], release[0], release[1]}) ::close(fd);
}

TEST(ScriptFolder, IsPrivateOnTmpfsAndGoesAwayWithItsOwner) {
  if (!fs::is_directory("/dev/shm")) GTEST_SKIP() << "no /dev/shm here";
  pid_t dead = ::fork();
  if (dead == 0) ::_exit(0);
  ::waitpid(dead, nullptr, 0);
  fs::path leftover = fs::path("/dev/shm") / ("slipway-" + std::to_string(dead) + "-left");
  fs::create_directories(leftover);
  test::write_file(leftover / "1.sh", "true\n");
  fs::path made;
  {
    ScriptFolder scripts;
    ASSERT_FALSE(scripts.path().empty());
    made = scripts.path();
    EXPECT_EQ(made.parent_path(), fs::path("/dev/shm"));
    EXPECT_EQ(fs::status(made).permissions() & fs::perms::all, fs::perms::owner_all);
    EXPECT_FALSE(fs::exists(leftover)) << "a dead process's script folder should have been removed";

    test::TempDir root;
    Result<WorkFolder> folder = WorkFolder::take(root.path(), scripts.path());
    ASSERT_TRUE(folder);
    Result<fs::path> script = folder->write_script("echo hi");
    ASSERT_TRUE(script);
    EXPECT_EQ(*script, made / "1.sh");
    EXPECT_FALSE(fs::exists(folder->path() / "step.sh"));
  }
  EXPECT_FALSE(fs::exists(made));
}

}  // namespace
}  // namespace slipway::run
