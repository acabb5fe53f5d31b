// The blob store on both backends: a folder beside a SQLite state, the
// `blobs` table of a PostgreSQL one.
#include <gtest/gtest.h>

#include "core/hash.h"
#include "store/backends.h"
#include "store/blobs.h"

namespace slipway::store {
namespace {

using Blobs = OnBackends;

std::shared_ptr<BlobStore> blobs_of(const FreshState& state, const test::TempDir& root) {
  auto store = open_store(state.location());  // makes the schema (migration 11 holds the table)
  EXPECT_TRUE(store) << store.error().to_string();
  return open_blob_store(state.location(), root.path());
}

TEST_P(Blobs, KeepEveryByteAndStoreEachContentOnce) {
  test::TempDir root;
  std::shared_ptr<BlobStore> blobs = blobs_of(state, root);
  std::string bytes = std::string("binary\0\xff\x01 data", 15) + std::string(100'000, 'z');
  const std::string name = sha256_hex(bytes);
  ASSERT_TRUE(blobs->put(name, bytes));
  ASSERT_TRUE(blobs->put(name, bytes));  // again: nothing new
  test::write_file(root / "file", "from a file");
  const std::string file_name = sha256_hex("from a file");
  ASSERT_TRUE(blobs->put_file(file_name, root / "file"));

  EXPECT_EQ(blobs->get(name).value(), bytes);
  ASSERT_TRUE(blobs->get_file(file_name, root / "out"));
  EXPECT_EQ(test::read_file(root / "out"), "from a file");
  std::vector<std::string> names = blobs->list().value();
  std::sort(names.begin(), names.end());
  std::vector<std::string> want{name, file_name};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(names, want);
}

TEST_P(Blobs, AMissingBlobIsNotFoundAndNamesTheStore) {
  test::TempDir root;
  std::shared_ptr<BlobStore> blobs = blobs_of(state, root);
  Result<std::string> missing = blobs->get(std::string(64, 'a'));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
  EXPECT_EQ(missing.error().message, "blob " + std::string(64, 'a') + " is not in " + blobs->where());
  EXPECT_FALSE(blobs->get_file(std::string(64, 'a'), root / "out"));
  EXPECT_FALSE(std::filesystem::exists(root / "out"));
}

STORE_BACKENDS(Blobs);

}  // namespace
}  // namespace slipway::store
