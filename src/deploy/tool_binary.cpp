#include "deploy/tool_binary.h"

#include <unistd.h>

#include <cstdlib>

#include "core/files.h"
#include "core/json_text.h"
#include "core/strings.h"

namespace slipway::deploy {

namespace {

// A string as it is, anything else as JSON text.
std::string plain_text(const nlohmann::ordered_json& json) { return json.is_string() ? json.get<std::string>() : json_text(json); }

// One scalar with its references substituted.
Result<nlohmann::ordered_json> substitute(const yaml::Node& scalar, const std::string& owner,
                                          const DriverContext& context) {
  const std::string& text = scalar.text();
  const model::ResolvedEnvironment& env = *context.environment;
  auto resolve = [&](std::string_view ref) -> Result<nlohmann::ordered_json> {
    if (ref.starts_with("values.")) {
      const model::ResolvedValue* value = env.value(ref.substr(7));
      if (!value)
        return fail(ErrorCode::invalid_input, owner + ": ${{ " + std::string(ref) +
                                                  " }} is not set in environment " + env.name);
      return yaml::to_json(value->value);
    }
    std::string name(ref.substr(8));
    auto it = context.secrets.find(name);
    if (it == context.secrets.end())
      return fail(ErrorCode::invalid_input,
                  owner + ": secret " + name + " is not available in environment " + env.name);
    return nlohmann::ordered_json(it->second);
  };
  auto is_reference = [](std::string_view ref) { return ref.starts_with("values.") || ref.starts_with("secrets."); };
  std::string_view whole = trim(text);
  if (whole.starts_with("${{") && whole.ends_with("}}") && whole.find("${{", 3) == std::string_view::npos) {
    std::string_view ref = trim(whole.substr(3, whole.size() - 5));
    if (is_reference(ref)) return resolve(ref);
  }
  Result<std::vector<model::SettingReference>> refs = model::find_setting_references(text, owner);
  if (!refs) return std::unexpected(refs.error());
  if (refs->empty()) return yaml::to_json(scalar);
  std::string out;
  size_t at = 0;
  for (const model::SettingReference& ref : *refs) {
    out.append(text, at, ref.begin - at);
    if (is_reference(ref.inner)) {
      Result<nlohmann::ordered_json> value = resolve(ref.inner);
      if (!value) return std::unexpected(value.error());
      out += plain_text(*value);
    } else {
      out.append(text, ref.begin, ref.end - ref.begin);
    }
    at = ref.end;
  }
  out.append(text, at);
  return nlohmann::ordered_json(out);
}

}  // namespace

Result<nlohmann::ordered_json> render_references(const yaml::Node& node, const std::string& owner,
                                           const DriverContext& context) {
  if (node.is_scalar()) return substitute(node, owner, context);
  if (node.is_sequence()) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const yaml::Node& item : node.items()) {
      Result<nlohmann::ordered_json> value = render_references(item, owner, context);
      if (!value) return value;
      out.push_back(std::move(*value));
    }
    return out;
  }
  if (node.is_mapping()) {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (const auto& entry : node.entries()) {
      Result<nlohmann::ordered_json> value = render_references(entry.value, owner, context);
      if (!value) return value;
      out[entry.key.text()] = std::move(*value);
    }
    return out;
  }
  return nlohmann::ordered_json(nullptr);
}


ToolLocator ToolLocator::from_environment(const char* override_variable) {
  ToolLocator locator;
  if (const char* path = std::getenv("PATH")) locator.search_path = path;
  if (const char* value = std::getenv(override_variable)) locator.override_binary = value;
  return locator;
}

std::optional<std::filesystem::path> locate_tool(const ToolLocator& locator, const std::vector<std::string>& names) {
  if (!locator.override_binary.empty()) {
    if (::access(locator.override_binary.c_str(), X_OK) == 0) return std::filesystem::path(locator.override_binary);
    return std::nullopt;
  }
  for (const std::string& name : names)
    for (const std::string& folder : split(locator.search_path, ':')) {
      if (folder.empty()) continue;
      std::filesystem::path candidate = std::filesystem::path(folder) / name;
      std::error_code ec;
      if (std::filesystem::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
  return std::nullopt;
}

Status write_private_file(const std::filesystem::path& file, const std::string& content) {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  if (ec) return fail(ErrorCode::io, "cannot create " + file.parent_path().string() + ": " + ec.message());
  // The folder is private first, so the file is never readable by others
  // (no umask change: it is process-wide).
  std::filesystem::permissions(file.parent_path(), std::filesystem::perms::owner_all, ec);
  if (ec) return fail(ErrorCode::io, "cannot protect " + file.parent_path().string() + ": " + ec.message());
  if (Status written = write_file_atomic(file, content); !written) return written;
  std::filesystem::permissions(file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, ec);
  if (ec) return fail(ErrorCode::io, "cannot protect " + file.string() + ": " + ec.message());
  return {};
}

Result<std::filesystem::path> find_tool(const ToolLocator& locator, const ToolSpec& spec,
                                        const DriverContext& context) {
  auto executable = [](const std::filesystem::path& file) {
    std::error_code ec;
    return std::filesystem::is_regular_file(file, ec) && ::access(file.c_str(), X_OK) == 0;
  };
  if (!locator.override_binary.empty()) {
    if (executable(locator.override_binary)) return std::filesystem::path(locator.override_binary);
    return fail(ErrorCode::not_found, spec.label + ": " + spec.override_variable + "=" + locator.override_binary +
                                          " is not an executable file");
  }
  const std::string& configured = context.environment ? context.environment->platform.binary : std::string();
  if (!configured.empty()) {
    std::filesystem::path file(configured);
    if (file.is_relative() && context.workspace) file = context.workspace->dir / file;
    if (executable(file)) return file;
    return fail(ErrorCode::not_found, spec.label + ": " + file.string() +
                                          " (binary of the platform of environment '" + context.environment->name +
                                          "') is not an executable file");
  }
  if (std::optional<std::filesystem::path> found = locate_tool(locator, spec.names)) return *found;
  return fail(ErrorCode::not_found, spec.label + " not found on PATH (" + locator.search_path +
                                        "); install it, set the platform's binary or " + spec.override_variable);
}

Result<ToolRun> run_tool(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                         const std::string& target, const DriverContext& context, bool quiet) {
  ToolRun run;
  ProcessOptions options;
  options.argv = argv;
  options.cwd = cwd;
  options.on_line = [&](OutputStream stream, std::string_view line) {
    std::string& into = stream == OutputStream::out ? run.out : run.err;
    into.append(line);
    into += '\n';
    if ((stream == OutputStream::err || !quiet) && context.log) context.log(target, std::string(line));
  };
  Result<ProcessResult> result = run_process(options);
  if (!result) return std::unexpected(result.error());
  run.exit_code = result->succeeded() ? 0 : (result->exit_code > 0 ? result->exit_code : 1);
  return run;
}

Status run_tool_checked(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                        const std::string& target, const std::string& what, const DriverContext& context) {
  Result<ToolRun> run = run_tool(argv, cwd, target, context);
  if (!run) return std::unexpected(run.error());
  if (run->exit_code != 0)
    return fail(ErrorCode::io, target + ": " + what + " failed (exit " + std::to_string(run->exit_code) + ")");
  return {};
}

}  // namespace slipway::deploy
