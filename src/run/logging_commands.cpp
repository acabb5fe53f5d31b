#include "run/logging_commands.h"

#include "core/strings.h"

namespace slipway::run {

std::string LoggingCommand::property(std::string_view key) const {
  for (const auto& [name, value] : properties)
    if (iequals(name, key)) return value;
  return {};
}

std::string unescape_logging_value(std::string_view text) {
  static constexpr std::pair<std::string_view, char> k_escapes[] = {
      {"%AZP25", '%'}, {"%0D", '\r'}, {"%0A", '\n'}, {"%3B", ';'}, {"%5D", ']'}};
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    bool replaced = false;
    if (text[i] == '%') {
      for (const auto& [escape, c] : k_escapes) {
        if (starts_with_icase(text.substr(i), escape)) {
          out.push_back(c);
          i += escape.size();
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out.push_back(text[i++]);
  }
  return out;
}

std::optional<LoggingCommand> parse_logging_command(std::string_view line) {
  LoggingCommand command;
  size_t vso = line.find("##vso[");
  if (vso != std::string_view::npos) {
    std::string_view rest = line.substr(vso + 6);
    size_t close = rest.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    std::string_view head = rest.substr(0, close);
    command.message = unescape_logging_value(rest.substr(close + 1));
    size_t space = head.find(' ');
    std::string_view name = head.substr(0, space);
    size_t dot = name.find('.');
    if (dot == std::string_view::npos) return std::nullopt;
    command.area = to_lower(name.substr(0, dot));
    command.action = to_lower(name.substr(dot + 1));
    if (space != std::string_view::npos) {
      for (const std::string& pair : split(head.substr(space + 1), ';')) {
        std::string_view item = trim(pair);
        if (item.empty()) continue;
        size_t eq = item.find('=');
        std::string key = to_lower(trim(item.substr(0, eq)));
        std::string value = eq == std::string_view::npos ? "" : unescape_logging_value(item.substr(eq + 1));
        command.properties.emplace_back(std::move(key), std::move(value));
      }
    }
    return command;
  }
  std::string_view trimmed = line;
  while (!trimmed.empty() && (trimmed.front() == ' ' || trimmed.front() == '\t')) trimmed.remove_prefix(1);
  if (!trimmed.starts_with("##[")) return std::nullopt;
  size_t close = trimmed.find(']');
  if (close == std::string_view::npos) return std::nullopt;
  std::string tag = to_lower(trimmed.substr(3, close - 3));
  command.message = std::string(trimmed.substr(close + 1));
  if (tag == "group") command.kind = LoggingCommand::Kind::group;
  else if (tag == "endgroup") command.kind = LoggingCommand::Kind::end_group;
  else if (tag == "warning") command.kind = LoggingCommand::Kind::warning;
  else if (tag == "error") command.kind = LoggingCommand::Kind::error;
  else if (tag == "section") command.kind = LoggingCommand::Kind::section;
  else if (tag == "debug") command.kind = LoggingCommand::Kind::debug;
  else if (tag == "command") command.kind = LoggingCommand::Kind::command;
  else return std::nullopt;
  return command;
}

}  // namespace slipway::run
