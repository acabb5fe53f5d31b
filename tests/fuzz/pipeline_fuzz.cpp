// libFuzzer harness: the template expander (src/pipeline) on a repository made
// from the input (a bundle: azure-pipelines.yml first, then its templates as
// "#file: templates/build.yml" parts; see scratch_folder.h). The pipeline is
// syntax-checked, expanded, normalized and printed as `pipeline expand` does.
// Errors are values: only a crash, hang or leak is a finding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "pipeline/pipeline.h"
#include "scratch_folder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static slipway::fuzz::ScratchFolder folder;
  folder.write_bundle(std::string_view(reinterpret_cast<const char*>(data), size), "azure-pipelines.yml");
  slipway::pipeline::ExpandOptions options;
  options.self_root = folder.path();
  options.display_root = folder.path();
  // The one template source of tests/pipeline/cases (shared=lib).
  options.template_sources["shared"] = folder.path() / "lib";
  const std::filesystem::path file = folder.path() / "azure-pipelines.yml";
  (void)slipway::pipeline::check_pipeline_syntax(file, options);
  slipway::Result<slipway::pipeline::ExpandedPipeline> pipeline =
      slipway::pipeline::expand_pipeline(file, options);
  if (pipeline) (void)slipway::pipeline::to_yaml_text(*pipeline);
  return 0;
}
