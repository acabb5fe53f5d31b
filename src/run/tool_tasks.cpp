// Tool selectors: UsePythonVersion@0, NodeTool@0, UseNode@1, UseDotNet@2.
//
// Each looks for installed versions of its tool in the tool cache Azure's
// hosted agents use (Agent.ToolsDirectory, from AGENT_TOOLSDIRECTORY:
// <cache>/<Tool>/<version>/x64/) and on the steps' PATH, picks the highest
// one matching the version spec (semver ranges as Azure's tasks take them:
// 3.x, 3.11, 3.11.2, >=3.8 <3.12, ~3.11, ^3.1), puts it first on PATH for
// later steps and sets the variables Azure sets; or fails naming the version
// asked for and every one it found. Nothing is downloaded: an agent here
// runs what the machine has.
#include <algorithm>
#include <array>
#include <optional>
#include <regex>

#include "core/strings.h"
#include "run/native_task_support.h"

namespace slipway::run {

namespace fs = std::filesystem;

namespace {

using Version = std::array<int, 3>;

std::string version_text(const Version& v) {
  return std::to_string(v[0]) + "." + std::to_string(v[1]) + "." + std::to_string(v[2]);
}

// "3.11.2", "v20.1.0", "3.12.0rc1" → numbers; the parts given count.
std::optional<std::pair<Version, int>> parse_version(std::string_view text) {
  if (!text.empty() && (text[0] == 'v' || text[0] == 'V')) text.remove_prefix(1);
  Version out{0, 0, 0};
  int parts = 0;
  size_t i = 0;
  while (parts < 3 && i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    int value = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) && value < 100000)
      value = value * 10 + (text[i++] - '0');
    out[static_cast<size_t>(parts++)] = value;
    if (i < text.size() && text[i] == '.') ++i;
    else break;
  }
  if (parts == 0) return std::nullopt;
  return std::pair{out, parts};
}

// The smallest version above every version starting with the `parts` given.
Version bump(Version v, int parts) {
  if (parts <= 0) return {1000000, 0, 0};
  v[static_cast<size_t>(parts - 1)]++;
  for (size_t i = static_cast<size_t>(parts); i < 3; ++i) v[i] = 0;
  return v;
}

// One comparator set of a semver range: every term holds.
bool matches_terms(const std::string& spec, const Version& version) {
  for (std::string term : split(spec, ' ')) {
    if (term.empty() || term == "*" || iequals(term, "x") || iequals(term, "latest")) continue;
    std::string op;
    while (!term.empty() && std::string_view("<>=~^").find(term[0]) != std::string_view::npos) op += term[0], term.erase(0, 1);
    // x-ranges: "3.x", "3.11.*" count only their numbers.
    std::string numbers = term;
    if (size_t wild = numbers.find_first_of("xX*"); wild != std::string::npos) numbers = numbers.substr(0, wild);
    while (!numbers.empty() && numbers.back() == '.') numbers.pop_back();
    std::optional<std::pair<Version, int>> bound = numbers.empty() ? std::pair{Version{0, 0, 0}, 0} : parse_version(numbers);
    if (!bound) return false;
    auto [low, parts] = *bound;
    bool ok = true;
    if (op.empty() || op == "=") ok = version >= low && version < bump(low, parts);
    else if (op == ">=") ok = version >= low;
    else if (op == ">") ok = version >= bump(low, parts);
    else if (op == "<=") ok = version < bump(low, parts);
    else if (op == "<") ok = version < low;
    else if (op == "~") ok = version >= low && version < bump(low, std::min(parts, 2) == 1 ? 1 : 2);
    else if (op == "^") ok = version >= low && version < bump(low, low[0] > 0 ? 1 : low[1] > 0 ? 2 : 3);
    else return false;
    if (!ok) return false;
  }
  return true;
}

bool version_matches(const std::string& spec, const Version& version) {
  // ">= 3.8" is ">=3.8": an operator takes the version after it.
  std::string all = std::regex_replace(std::string(trim(spec)), std::regex(R"(([<>=~^]+)\s+)"), "$1");
  for (size_t from = 0;;) {  // "a || b"
    size_t bar = all.find("||", from);
    if (matches_terms(std::string(trim(all.substr(from, bar - from))), version)) return true;
    if (bar == std::string::npos) return false;
    from = bar + 2;
  }
}

struct Found {
  Version version;
  fs::path program;    // the executable
  fs::path prefix;     // the install folder (pythonLocation, DOTNET_ROOT)
  bool cached = false; // from the tool cache
};

// The versions `argv` prints (each line matching `pattern`'s group 1), run
// as a step's process: the program may be one the job put on PATH.
std::vector<std::string> versions_printed(const std::vector<std::string>& argv, const std::regex& pattern,
                                          const NativeTaskContext& context) {
  std::vector<std::string> found;
  for (const std::string& line : context.probe(argv)) {
    std::smatch match;
    if (std::regex_search(line, match, pattern)) found.push_back(match[1]);
  }
  return found;
}

struct Tool {
  std::string title;                   // "Python"
  std::string cache_name;              // the tool cache's folder: "Python"
  std::vector<std::string> programs;   // names on PATH, best first
  std::regex program_pattern;          // other names on PATH ("python3.11")
  std::vector<std::string> version_args;
  std::regex version_pattern;
};

Tool python_tool() {
  return {"Python", "Python", {"python3", "python"}, std::regex(R"(^python3\.\d+$)"), {"--version"},
          std::regex(R"(Python (\d+\.\d+\.\d+))")};
}
Tool node_tool() {
  return {"Node.js", "node", {"node", "nodejs"}, std::regex("^$"), {"--version"}, std::regex(R"(v(\d+\.\d+\.\d+))")};
}
Tool dotnet_tool() {
  return {".NET SDK", "dotnet", {"dotnet"}, std::regex("^$"), {"--list-sdks"}, std::regex(R"(^(\d+\.\d+\.\d+))")};
}

void add_found(std::vector<Found>& all, Found one) {
  for (const Found& known : all)
    if (known.version == one.version) return;  // the first one found (the cache, then PATH order) wins
  all.push_back(std::move(one));
}

std::vector<Found> find_installed(const Tool& tool, const NativeTaskContext& context) {
  std::vector<Found> all;
  std::error_code ec;
  const Variable* cache = context.variables.find("Agent.ToolsDirectory");
  if (cache && !cache->value.empty()) {
    for (const fs::directory_entry& entry : fs::directory_iterator(fs::path(cache->value) / tool.cache_name, ec)) {
      std::optional<std::pair<Version, int>> version = parse_version(entry.path().filename().string());
      fs::path prefix = entry.path() / "x64";
      for (const std::string& name : tool.programs) {
        for (const fs::path& program : {prefix / "bin" / name, prefix / name}) {
          if (version && fs::is_regular_file(program, ec)) {
            add_found(all, {version->first, program, prefix, true});
            break;
          }
        }
      }
    }
  }
  std::vector<std::string> names = tool.programs;
  if (std::optional<fs::path> first = context.find_program(tool.programs[0]))
    for (const fs::directory_entry& entry : fs::directory_iterator(first->parent_path(), ec))
      if (std::regex_match(entry.path().filename().string(), tool.program_pattern)) names.push_back(entry.path().filename());
  for (const std::string& name : names) {
    std::optional<fs::path> program = context.find_program(name);
    if (!program) continue;
    std::vector<std::string> argv{program->string()};
    argv.insert(argv.end(), tool.version_args.begin(), tool.version_args.end());
    fs::path real = fs::canonical(*program, ec);
    if (ec) real = *program;
    for (const std::string& text : versions_printed(argv, tool.version_pattern, context))  // dotnet lists every SDK
      if (std::optional<std::pair<Version, int>> version = parse_version(text))
        add_found(all, {version->first, *program, real.parent_path().parent_path(), false});
  }
  return all;
}

// The version picked, put first on PATH: a cached one's folders as Azure's
// agent prepends them, one from PATH through a folder of links under the
// job's temp folder (so `python` and `python3` are that version).
NativeOutcome select(const Tool& tool, const std::string& spec, bool add_to_path, const NativeTaskContext& context,
                     const std::string& link_name, Found* chosen) {
  std::vector<Found> all = find_installed(tool, context);
  std::sort(all.begin(), all.end(), [](const Found& a, const Found& b) { return a.version > b.version; });
  auto best = std::find_if(all.begin(), all.end(), [&](const Found& f) { return version_matches(spec, f.version); });
  if (best == all.end()) {
    std::string seen;
    for (const Found& f : all) seen += (seen.empty() ? "" : ", ") + version_text(f.version) + " (" + f.program.string() + ")";
    return {TaskResult::failed,
            "no " + tool.title + " matching '" + spec + "' is installed; found " + (seen.empty() ? "none" : seen) +
                " (slipway downloads no tools: install it, or put it in the tool cache AGENT_TOOLSDIRECTORY/" +
                tool.cache_name + "/VERSION/x64)",
            -1};
  }
  *chosen = *best;
  context.log("using " + tool.title + " " + version_text(best->version) + " (" + best->program.string() + ")");
  if (!add_to_path) return {};
  if (best->cached) {
    context.prepend_path(best->prefix.string());
    context.prepend_path((best->prefix / "bin").string());
    return {};
  }
  fs::path links = context.temp_folder / "_tools" / (tool.cache_name + "-" + version_text(best->version));
  std::error_code ec;
  fs::create_directories(links, ec);
  for (const std::string& name : {link_name, tool.programs[0]}) {
    fs::remove(links / name, ec);
    fs::create_symlink(best->program, links / name, ec);
  }
  if (ec) return {TaskResult::failed, "cannot link " + best->program.string() + " into " + links.string() + ": " + ec.message(), -1};
  context.prepend_path(links.string());
  return {};
}

NativeOutcome use_python(const NameValues& given, const NativeTaskContext& context) {
  TaskInputs inputs({{"versionSpec", "string", "3.x", {}},
                     {"disableDownloadFromRegistry", "boolean", "false", {}},
                     {"allowUnstable", "boolean", "false", {}},
                     {"addToPath", "boolean", "true", {}},
                     {"architecture", "pickList", "x64", {}}},
                    given, context);
  if (!iequals(inputs.text("architecture"), "x64"))
    return {TaskResult::failed, "architecture '" + inputs.text("architecture") + "': this agent runs x64 only", -1};
  Found chosen;
  NativeOutcome outcome = select(python_tool(), inputs.text("versionSpec"), inputs.flag("addToPath"), context, "python", &chosen);
  if (outcome.result == TaskResult::succeeded) context.set_variable("pythonLocation", chosen.prefix.string());
  return outcome;
}

NativeOutcome use_node(const NameValues& given, const NativeTaskContext& context, bool v1) {
  // NodeTool@0 names its spec versionSpec (default 6.x), UseNode@1 version (default 10.x).
  const std::string spec_input = v1 ? "version" : "versionSpec";
  std::vector<TaskInput> declared;
  declared.push_back({spec_input, "string", v1 ? "10.x" : "6.x", {}});
  declared.push_back({"checkLatest", "boolean", "false", {}});
  TaskInputs inputs(std::move(declared), given, context);
  Found chosen;
  return select(node_tool(), inputs.text(spec_input), true, context, "node", &chosen);
}

NativeOutcome use_dotnet(const NameValues& given, const NativeTaskContext& context) {
  TaskInputs inputs({{"packageType", "pickList", "sdk", {}},
                     {"useGlobalJson", "boolean", "false", {}},
                     {"version", "string", "", {}},
                     {"includePreviewVersions", "boolean", "false", {}},
                     {"installationPath", "string", "$(Agent.ToolsDirectory)/dotnet", {}}},
                    given, context);
  if (inputs.flag("useGlobalJson"))
    return {TaskResult::failed, "useGlobalJson is not supported by slipway's UseDotNet@2: give 'version'", -1};
  std::string spec = inputs.text("version");
  if (spec.empty()) return {TaskResult::failed, "UseDotNet@2 needs input 'version' (e.g. 8.x)", -1};
  Found chosen;
  NativeOutcome outcome = select(dotnet_tool(), spec, true, context, "dotnet", &chosen);
  std::error_code ec;
  fs::path real = fs::canonical(chosen.program, ec);  // /usr/bin/dotnet is a link into the install
  if (outcome.result == TaskResult::succeeded) context.set_variable("DOTNET_ROOT", (ec ? chosen.program : real).parent_path().string());
  return outcome;
}

}  // namespace

bool is_tool_selector(std::string_view task) {
  return task_named(task, "UsePythonVersion", 0) || task_named(task, "NodeTool", 0) || task_named(task, "UseNode", 1) ||
         task_named(task, "UseDotNet", 2);
}

NativeOutcome run_tool_selector(std::string_view task, const NameValues& inputs, const NativeTaskContext& context) {
  if (task_named(task, "UsePythonVersion", 0)) return use_python(inputs, context);
  if (task_named(task, "NodeTool", 0)) return use_node(inputs, context, false);
  if (task_named(task, "UseNode", 1)) return use_node(inputs, context, true);
  return use_dotnet(inputs, context);
}

// For tests: Azure's version spec matching.
bool tool_version_matches(const std::string& spec, const std::string& version) {
  std::optional<std::pair<Version, int>> parsed = parse_version(version);
  return parsed && version_matches(spec, parsed->first);
}

}  // namespace slipway::run
