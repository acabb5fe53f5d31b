#include "version/pipeline_step.h"

#include "core/strings.h"
#include "version/next_version.h"

namespace slipway::version {

Result<std::vector<StepVariable>> run_version_step(const std::filesystem::path& repo_dir,
                                                   const std::map<std::string, std::string>& inputs) {
  VersionOptions options;
  bool tag = false;
  const std::vector<std::string> known{"preset", "tagFormat", "branch", "paths", "tag"};
  for (const auto& [name, value] : inputs) {
    if (iequals(name, "preset")) {
      auto preset = parse_preset(value);
      if (!preset) return std::unexpected(preset.error());
      options.preset = *preset;
    } else if (iequals(name, "tagFormat")) {
      options.tag_format = value;
    } else if (iequals(name, "branch")) {
      if (!value.empty()) options.branch = value;
    } else if (iequals(name, "paths")) {
      for (const std::string& part : split(value, ',')) {
        std::string_view path = trim(part);
        if (!path.empty()) options.paths.emplace_back(path);
      }
    } else if (iequals(name, "tag")) {
      if (!iequals(value, "true") && !iequals(value, "false"))
        return fail(ErrorCode::invalid_input, "SlipwayVersion@1: input 'tag' must be true or false, got '" + value + "'");
      tag = iequals(value, "true");
    } else {
      return fail(ErrorCode::invalid_input,
                  "SlipwayVersion@1: unknown input '" + name + "'" + did_you_mean(name, known));
    }
  }
  auto result = compute_next_version(repo_dir, options);
  if (!result) return std::unexpected(result.error());
  if (tag && result->next_version) {
    auto created = create_release_tag(repo_dir, *result);
    if (!created) return std::unexpected(created.error());
  }
  bool released = result->next_version.has_value();
  return std::vector<StepVariable>{
      {"Slipway.Version", released ? result->next_version->to_string() : ""},
      {"Slipway.VersionTag", released ? result->next_tag : ""},
      {"Slipway.VersionBump", result->bump && released ? bump_name(*result->bump) : ""},
      {"Slipway.LastVersion", result->last_version ? result->last_version->to_string() : ""},
      {"Slipway.Released", released ? "true" : "false"},
      {"Slipway.ReleaseNotes", result->notes},
  };
}

}  // namespace slipway::version
