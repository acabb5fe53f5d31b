// Printing the normalized pipeline.
#include <nlohmann/json.hpp>

#include "core/json_text.h"
#include "pipeline/pipeline.h"

namespace slipway::pipeline {

std::string to_yaml_text(const ExpandedPipeline& pipeline) { return yaml::to_yaml(pipeline.root); }

std::string to_json_text(const ExpandedPipeline& pipeline) {
  return json_text(yaml::to_json(pipeline.root), 2) + "\n";
}

}  // namespace slipway::pipeline
