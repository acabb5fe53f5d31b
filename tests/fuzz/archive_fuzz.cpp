// libFuzzer harness: artifact unpacking (core/archive, libarchive behind it):
// the input is an archive (tar, compressed tar, zip...) unpacked into a fresh
// target as the process driver unpacks a release's *.tar.gz. Refusals are
// errors; a crash, hang or leak is a finding, and so is anything left beside
// the target (the unpack must stay inside it and clean up after a failure).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string_view>

#include "core/archive.h"
#include "scratch_folder.h"

namespace fs = std::filesystem;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static slipway::fuzz::ScratchFolder folder;
  folder.write_bundle({}, "input.archive");  // empties the folder
  const fs::path archive = folder.path() / "input.archive";
  std::ofstream(archive, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  const fs::path target = folder.path() / "app";
  slipway::Status unpacked = slipway::extract_archive(archive, target);
  // Beside the target there is only the input: no partial folder, no escapee.
  for (const fs::directory_entry& entry : fs::directory_iterator(folder.path())) {
    const fs::path name = entry.path().filename();
    if (name != "input.archive" && !(unpacked && name == "app")) std::abort();
  }
  return 0;
}
