// A folder of files made from one fuzzer input, for the entry points that only
// read files (the workspace loader, the template expander).
//
// The input is a bundle of files: the text up to the first line "#file: PATH"
// is the first file (named by the harness), and each "#file: PATH" line starts
// another. PATH is made harmless: characters other than letters, digits, '.',
// '-', '_' and '/' become '_', leading '/' are dropped and ".." components
// become "_", so a bundle only ever writes inside the folder. tests/fuzz/seeds.sh
// writes the seed corpus in this form.
//
// Not thread-safe; one per harness process.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace slipway::fuzz {

class ScratchFolder {
 public:
  // A fresh folder under $TMPDIR (else /tmp), removed by the destructor.
  ScratchFolder();
  ~ScratchFolder();
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;

  // Empties the folder, then writes the bundle's files; `first_name` names the
  // text before the first "#file:" line. At most k_max_files are written; a file
  // whose path cannot be created (e.g. under another file) is skipped.
  void write_bundle(std::string_view bundle, const std::string& first_name);

  const std::filesystem::path& path() const { return m_path; }

  static constexpr int k_max_files = 32;

 private:
  std::filesystem::path m_path;
};

}  // namespace slipway::fuzz
