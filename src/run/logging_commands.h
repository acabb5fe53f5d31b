// Azure Pipelines logging commands written by steps on stdout:
//   ##vso[area.action key=value;key=value]message   (anywhere in the line)
//   ##[group]name  ##[endgroup]  ##[warning]msg  ##[error]msg  ##[section]  ##[debug]  ##[command]
// Property values and messages are unescaped with Azure's escapes
// (%AZP25 → %, %0D → CR, %0A → LF, %3B → ;, %5D → ]).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slipway::run {

struct LoggingCommand {
  enum class Kind { vso, group, end_group, warning, error, section, debug, command };
  Kind kind = Kind::vso;
  std::string area;    // vso: "task", "build"... lower-cased
  std::string action;  // vso: "setvariable", "logissue"... lower-cased
  std::vector<std::pair<std::string, std::string>> properties;  // keys lower-cased
  std::string message;

  // The property value, or "" when absent (key compared ignoring case).
  std::string property(std::string_view key) const;
};

// nullopt when the line carries no logging command (or a malformed ##vso one).
std::optional<LoggingCommand> parse_logging_command(std::string_view line);

std::string unescape_logging_value(std::string_view text);

}  // namespace slipway::run
