// libFuzzer harness: artifact extraction (src/run/artifacts), ArtifactStore::get
// on a store whose manifest is the input. The store holds two blobs (empty
// content and "fuzz\n", whose digests tests/fuzz/seeds.sh uses), so a manifest
// that names them is extracted for real into a scratch folder. A manifest read
// from the store is input like any other: every problem must come back as an
// error, and nothing may be written or read outside the store and the target.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "core/hash.h"
#include "run/artifacts.h"
#include "scratch_folder.h"

namespace {

namespace fs = std::filesystem;

void put_blob(const fs::path& root, const std::string& content) {
  std::string digest = slipway::sha256_hex(content);
  fs::path path = root / "blobs" / digest.substr(0, 2) / digest;
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static slipway::fuzz::ScratchFolder folder;
  static const fs::path store_root = folder.path() / "store";
  static const fs::path target = folder.path() / "out";
  static const bool blobs_written = (put_blob(store_root, ""), put_blob(store_root, "fuzz\n"), true);
  (void)blobs_written;
  const std::string digest = "fuzz";
  fs::create_directories(store_root / "manifests");
  std::ofstream(store_root / "manifests" / (digest + ".json"), std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  std::error_code ec;
  fs::remove_all(target, ec);
  slipway::run::ArtifactStore store(slipway::store::folder_blob_store(store_root));
  (void)store.get(digest, target);
  return 0;
}
