// libFuzzer harness: the conventional-commit parser (src/version) on a commit
// message, in both presets, and the release rule applied to the result.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "version/commit_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view message(reinterpret_cast<const char*>(data), size);
  for (slipway::version::Preset preset :
       {slipway::version::Preset::conventionalcommits, slipway::version::Preset::angular}) {
    slipway::version::ParsedCommit commit = slipway::version::parse_commit_message(message, preset);
    (void)slipway::version::release_type(commit);
  }
  return 0;
}
