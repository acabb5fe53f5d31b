#include <gtest/gtest.h>

#include "core/hash.h"
#include "run/artifacts.h"
#include "support/test_support.h"

namespace slipway::run {
namespace {

size_t blob_count(const std::filesystem::path& root) {
  size_t n = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root / "blobs"))
    if (entry.is_regular_file()) ++n;
  return n;
}

TEST(Artifacts, StoresContentAddressedAndDeduplicates) {
  test::TempDir dir;
  test::write_file(dir / "src/a.txt", "same");
  test::write_file(dir / "src/sub/b.txt", "same");
  test::write_file(dir / "src/c.txt", "other");
  ArtifactStore store(store::folder_blob_store(dir / "store"));
  Result<ArtifactInfo> first = store.put("drop", dir / "src");
  ASSERT_TRUE(first) << first.error().to_string();
  EXPECT_EQ(first->files, 3);
  EXPECT_EQ(first->size, 13);
  EXPECT_EQ(first->digest.size(), 64u);
  EXPECT_EQ(blob_count(dir / "store"), 3u);  // "same" once, "other" once, the manifest
  Result<ArtifactInfo> again = store.put("drop2", dir / "src");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->digest, first->digest);
  EXPECT_EQ(blob_count(dir / "store"), 3u);

  ASSERT_TRUE(store.get(first->digest, dir / "out"));
  EXPECT_EQ(test::read_file(dir / "out/sub/b.txt"), "same");
  EXPECT_EQ(test::read_file(dir / "out/c.txt"), "other");
}

TEST(Artifacts, SingleFileKeepsItsName) {
  test::TempDir dir;
  test::write_file(dir / "app.tar", "bytes");
  ArtifactStore store(store::folder_blob_store(dir / "store"));
  Result<ArtifactInfo> info = store.put("app", dir / "app.tar");
  ASSERT_TRUE(info);
  ASSERT_TRUE(store.get(info->digest, dir / "out"));
  EXPECT_EQ(test::read_file(dir / "out/app.tar"), "bytes");
}

TEST(Artifacts, RejectsUnsafeNames) {
  EXPECT_EQ(check_artifact_name("../x").error().message, "artifact name '../x' is not allowed: it contains '..'");
  EXPECT_EQ(check_artifact_name("/etc").error().message, "artifact name '/etc' is not allowed: it is an absolute path");
  EXPECT_EQ(check_artifact_name("").error().message, "artifact name '' is not allowed: it is empty");
  EXPECT_TRUE(check_artifact_name("orders@1.2.3"));
}

TEST(Artifacts, MissingSourceAndMissingManifestAreNotFound) {
  test::TempDir dir;
  ArtifactStore store(store::folder_blob_store(dir / "store"));
  Result<ArtifactInfo> info = store.put("drop", dir / "nothere");
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code, ErrorCode::not_found);
  Status got = store.get(std::string(64, 'a'), dir / "out");
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::not_found);
}

TEST(Artifacts, MissingBlobIsCorrupt) {
  test::TempDir dir;
  test::write_file(dir / "f", "x");
  ArtifactStore store(store::folder_blob_store(dir / "store"));
  Result<ArtifactInfo> info = store.put("drop", dir / "f");
  ASSERT_TRUE(info);
  const std::string x = sha256_hex("x");
  std::filesystem::remove(dir / "store/blobs" / x.substr(0, 2) / x);
  Status got = store.get(info->digest, dir / "out");
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::corrupt);
}

// Found by tests/fuzz/artifact_fuzz: a manifest whose entries are not objects
// (or whose path is a number) made nlohmann::json throw out of get(); a blob
// digest with '/' or ".." read a file outside the store into the artifact.
TEST(Artifacts, MalformedManifestIsCorruptNotAnException) {
  test::TempDir dir;
  test::write_file(dir / "secret", "not yours");
  const std::string blob = "../secret";  // blobs/../../secret: the folder holding the store
  const std::string digest(64, 'a');
  const std::string m = "artifact " + digest + ": ";
  const std::pair<std::string, std::string> cases[] = {
      {"[1]", m + "manifest is not valid"},
      {R"({"files":"x"})", m + "manifest is not valid"},
      {R"({"files":[1]})", m + "manifest entry 1 is not valid"},
      {R"({"files":[{"path":5,"sha256":"a"}]})", m + "manifest entry 1 is not valid"},
      {R"({"files":[{"path":"a","sha256":"x","executable":"yes"}]})", m + "manifest entry 1 is not valid"},
      {R"({"files":[{"path":"stolen","sha256":")" + blob + R"("}]})", m + "bad blob digest of stolen"},
  };
  ArtifactStore store(store::folder_blob_store(dir / "store"));
  for (const auto& [manifest, message] : cases) {  // as manifests were kept before the blob store
    test::write_file(dir / "store/manifests" / (digest + ".json"), manifest);
    Status got = store.get(digest, dir / "out");
    ASSERT_FALSE(got) << manifest;
    EXPECT_EQ(got.error().code, ErrorCode::corrupt) << manifest;
    EXPECT_EQ(got.error().message, message);
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "out/stolen"));
}

// A digest is part of a file name: one from an API path that is not a
// sha256 never reaches the file system.
TEST(Artifacts, ADigestThatIsNotASha256IsRefused) {
  test::TempDir dir;
  test::write_file(dir / "secret.json", R"({"files":[]})");
  ArtifactStore store(store::folder_blob_store(dir / "store"));
  for (const std::string& digest : {std::string("../../secret"), std::string("ABC"), std::string(64, 'g')}) {
    Result<std::vector<ArtifactFile>> files = store.files(digest);
    ASSERT_FALSE(files) << digest;
    EXPECT_EQ(files.error().code, ErrorCode::invalid_input) << digest;
  }
  Result<std::filesystem::path> blob = store.blob(std::string(64, 'a'), std::string(64, 'b'));
  ASSERT_FALSE(blob);
  EXPECT_EQ(blob.error().code, ErrorCode::not_found);
}

}  // namespace
}  // namespace slipway::run
