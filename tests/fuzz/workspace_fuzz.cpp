// libFuzzer harness: the workspace loader and validate (src/model) on a
// workspace made from the input (a bundle: slipway.yaml first, then any
// "#file: environments/dev.yaml"-style files; see scratch_folder.h).
// A valid workspace's environments are then resolved as `env show` does.
// Every error must come back as a diagnostic: no crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "model/resolve.h"
#include "model/workspace.h"
#include "scratch_folder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static slipway::fuzz::ScratchFolder folder;
  folder.write_bundle(std::string_view(reinterpret_cast<const char*>(data), size), "slipway.yaml");
  slipway::model::WorkspaceLoad load = slipway::model::inspect_workspace(folder.path());
  // The messages are part of the interface: format each one.
  for (const slipway::Error& error : load.diagnostics.errors()) (void)error.to_string();
  if (!load.diagnostics.empty()) return 0;
  for (const slipway::model::Environment& environment : load.workspace.environments)
    (void)slipway::model::resolve_environment(load.workspace, environment.name);
  return 0;
}
