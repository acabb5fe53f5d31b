// The id a state folder's supervisors carry (state_id.h): stable for the
// folder, and another one for a copy of it.
#include <gtest/gtest.h>

#include <filesystem>

#include "deploy/state_id.h"
#include "support/test_support.h"

namespace slipway::deploy {
namespace {

namespace fs = std::filesystem;

TEST(StateId, IsMadeOnceAndKeptForTheFolder) {
  test::TempDir dir;
  Result<std::string> first = state_id(dir.path());
  ASSERT_TRUE(first) << first.error().to_string();
  EXPECT_EQ(first->size(), 32u);
  EXPECT_EQ(state_id(dir.path()).value_or(""), *first);
  // A renamed folder keeps its inode and so its id (its services stay its own).
  fs::create_directories(dir / "state");
  std::string before = state_id(dir / "state").value_or("");
  fs::rename(dir / "state", dir / "moved");
  EXPECT_EQ(state_id(dir / "moved").value_or("other"), before);
}

TEST(StateId, ACopiedFolderMakesAnIdOfItsOwn) {
  test::TempDir dir;
  fs::create_directories(dir / "original");
  Result<std::string> original = state_id(dir / "original");
  ASSERT_TRUE(original);
  fs::copy(dir / "original", dir / "copy", fs::copy_options::recursive);
  Result<std::string> copy = state_id(dir / "copy");
  ASSERT_TRUE(copy);
  EXPECT_NE(*copy, *original);
  EXPECT_EQ(state_id(dir / "copy").value_or(""), *copy);
  EXPECT_EQ(state_id(dir / "original").value_or(""), *original);
}

TEST(StateId, AMissingFolderIsAnIoError) {
  test::TempDir dir;
  Result<std::string> id = state_id(dir / "absent");
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().code, ErrorCode::io);
}

}  // namespace
}  // namespace slipway::deploy
