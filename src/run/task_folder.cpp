#include "run/task_folder.h"

#include <algorithm>
#include <array>

#include <nlohmann/json.hpp>

#include "core/files.h"
#include "core/strings.h"

namespace slipway::run {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Azure's agent prefers the newest Node handler a task offers.
constexpr std::array<std::string_view, 7> k_node_handlers = {"Node24", "Node20_1", "Node20", "Node16",
                                                             "Node10", "Node6",    "Node"};

std::unexpected<Error> bad_task(const fs::path& file, const std::string& why) {
  return fail(ErrorCode::invalid_input, file.string() + ": " + why);
}

// "1:7" for a byte offset of `text`.
std::string line_column(std::string_view text, size_t offset) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') ++line, column = 1;
    else ++column;
  }
  return std::to_string(line) + ":" + std::to_string(column);
}

// task.json writes version parts as numbers or as strings ("Major": "2").
std::optional<int> version_part(const json& version, const char* key) {
  const json* part = version.contains(key) ? &version.at(key) : nullptr;
  if (!part) return std::nullopt;
  if (part->is_number_integer()) return part->get<int>();
  if (part->is_string()) {
    try {
      return std::stoi(part->get<std::string>());
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::string text_of(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number()) return value.dump();
  return {};
}

std::vector<TaskInput> inputs_of(const json& task) {
  std::vector<TaskInput> out;
  if (!task.contains("inputs") || !task["inputs"].is_array()) return out;
  for (const json& item : task["inputs"]) {
    if (!item.is_object() || !item.contains("name")) continue;
    TaskInput input{text_of(item["name"]), item.contains("type") ? text_of(item["type"]) : "string",
                    item.contains("defaultValue") ? text_of(item["defaultValue"]) : "", {}};
    if (item.contains("aliases") && item["aliases"].is_array())
      for (const json& alias : item["aliases"]) input.aliases.push_back(text_of(alias));
    out.push_back(std::move(input));
  }
  return out;
}

// The number of leading parts of "1", "1.2" or "1.2.3" and their values.
std::optional<std::pair<int, TaskVersion>> parse_version(std::string_view text) {
  std::vector<std::string> parts = split(text, '.');
  if (parts.empty() || parts.size() > 3) return std::nullopt;
  std::array<int, 3> numbers{};
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].empty() || !std::all_of(parts[i].begin(), parts[i].end(), ::isdigit) || parts[i].size() > 6)
      return std::nullopt;
    numbers[i] = std::stoi(parts[i]);
  }
  return std::pair{static_cast<int>(parts.size()), TaskVersion{numbers[0], numbers[1], numbers[2]}};
}

}  // namespace

std::string TaskVersion::text() const {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

bool TaskFolder::runs_on_node() const {
  return std::find(k_node_handlers.begin(), k_node_handlers.end(), handler) != k_node_handlers.end();
}

Result<TaskFolder> read_task_folder(const fs::path& dir) {
  fs::path file = fs::absolute(dir).lexically_normal() / "task.json";
  std::error_code ec;
  if (!fs::is_regular_file(file, ec))
    return fail(ErrorCode::not_found, "no task.json in task folder " + file.parent_path().string());
  Result<std::string> text = read_text_file(file);
  if (!text) return std::unexpected(text.error());
  std::string_view body = *text;
  if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);  // tasks' task.json often carry a BOM
  json task;
  try {
    task = json::parse(body);
  } catch (const json::parse_error& error) {
    // nlohmann's text: "[json.exception.parse_error.101] parse error at line 3, column 5: <why>".
    std::string why = error.what();
    if (size_t colon = why.find(": "); colon != std::string::npos) why = why.substr(colon + 2);
    return fail(ErrorCode::invalid_input, file.string() + ":" + line_column(body, error.byte > 0 ? error.byte - 1 : 0) +
                                              ": not valid JSON: " + why);
  }
  if (!task.is_object()) return bad_task(file, "a task.json is a JSON object");
  TaskFolder out;
  out.dir = file.parent_path();
  out.name = task.contains("name") ? text_of(task["name"]) : "";
  out.id = task.contains("id") ? text_of(task["id"]) : "";
  if (out.name.empty()) return bad_task(file, "'name' is missing");
  const json* version = task.contains("version") && task["version"].is_object() ? &task["version"] : nullptr;
  std::optional<int> major = version ? version_part(*version, "Major") : std::nullopt;
  if (!major) return bad_task(file, "'version' needs a Major number");
  out.version = {*major, version_part(*version, "Minor").value_or(0), version_part(*version, "Patch").value_or(0)};
  out.inputs = inputs_of(task);
  const json* execution = task.contains("execution") && task["execution"].is_object() ? &task["execution"] : nullptr;
  if (!execution || execution->empty()) return bad_task(file, "'execution' names no handler");
  for (std::string_view handler : k_node_handlers) {
    if (execution->contains(handler) && out.handler.empty()) out.handler = handler;
  }
  if (out.handler.empty()) out.handler = execution->begin().key();
  const json& section = (*execution)[out.handler];
  out.target = section.is_object() && section.contains("target") ? text_of(section["target"]) : "";
  if (out.target.empty()) return bad_task(file, "execution." + out.handler + " has no 'target'");
  return out;
}

std::string input_variable(std::string_view name) {
  std::string out = "INPUT_" + to_upper(name);
  std::replace(out.begin(), out.end(), ' ', '_');
  std::replace(out.begin(), out.end(), '.', '_');
  return out;
}

NameValues resolve_task_inputs(const TaskFolder& task, const NameValues& given, const fs::path& sources,
                               const std::function<std::string(std::string_view)>& expand) {
  auto declared = [&](const std::string& key) -> const TaskInput* {
    for (const TaskInput& input : task.inputs) {
      if (iequals(input.name, key)) return &input;
      for (const std::string& alias : input.aliases)
        if (iequals(alias, key)) return &input;
    }
    return nullptr;
  };
  NameValues out;
  auto put = [&out](const std::string& name, const std::string& value) {
    for (auto& [existing, old] : out)
      if (iequals(existing, name)) return void(old = value);
    out.emplace_back(name, value);
  };
  for (const TaskInput& input : task.inputs) put(input.name, input.default_value);
  for (const auto& [key, value] : given) {
    const TaskInput* input = declared(key);
    put(input ? input->name : key, value);
  }
  for (auto& [name, value] : out) {
    if (expand) value = expand(value);
    const TaskInput* input = declared(name);
    if (!sources.empty() && input && iequals(input->type, "filePath") && !value.empty() && fs::path(value).is_relative())
      value = (sources / value).lexically_normal().string();
  }
  return out;
}

Result<TaskCatalog> TaskCatalog::from_folders(const std::vector<fs::path>& dirs) {
  TaskCatalog catalog;
  for (const fs::path& dir : dirs) {
    Result<TaskFolder> folder = read_task_folder(dir);
    if (!folder) return std::unexpected(folder.error());
    for (const TaskFolder& known : catalog.m_folders) {
      if (iequals(known.name, folder->name) && known.version == folder->version)
        return fail(ErrorCode::conflict, "task " + folder->reference() + " is in two folders: " + known.dir.string() +
                                             " and " + folder->dir.string());
    }
    catalog.m_folders.push_back(std::move(*folder));
  }
  return catalog;
}

const TaskFolder* TaskCatalog::find(std::string_view reference) const {
  size_t at = reference.rfind('@');
  if (at == std::string_view::npos) return nullptr;
  std::string_view name = reference.substr(0, at);
  std::optional<std::pair<int, TaskVersion>> wanted = parse_version(reference.substr(at + 1));
  if (!wanted) return nullptr;
  const TaskFolder* best = nullptr;
  for (const TaskFolder& folder : m_folders) {
    if (!iequals(folder.name, name) && !iequals(folder.id, name)) continue;
    const TaskVersion& want = wanted->second;
    bool matches = folder.version.major == want.major && (wanted->first < 2 || folder.version.minor == want.minor) &&
                   (wanted->first < 3 || folder.version.patch == want.patch);
    if (matches && (!best || best->version < folder.version)) best = &folder;
  }
  return best;
}

}  // namespace slipway::run
