// Program wrappers: CmdLine@1, Npm@1, CMake@1, DotNetCoreCLI@2, PowerShell@2
// (which `pwsh:` and `powershell:` steps are), Docker@2, HelmDeploy@0,
// KubernetesManifest@0 and AzureCLI@1/@2. Each calls the
// real program as the Azure task does, with the task's input names,
// aliases and defaults, as any step's process (confined, the job's
// environment, its output in the log); a program the steps cannot find on
// their PATH fails the step naming it.
#include <fstream>

#include "core/strings.h"
#include "run/file_patterns.h"
#include "run/native_task_support.h"

namespace slipway::run {

namespace fs = std::filesystem;

namespace {

// argv[0] as the steps find it; nullopt (and `missing` set) when they cannot.
std::optional<std::vector<std::string>> resolved(std::vector<std::string> argv, std::string_view task,
                                                 const NativeTaskContext& context, NativeOutcome& missing) {
  std::optional<fs::path> program = context.find_program(argv[0]);
  if (!program) {
    missing = failed(argv[0] + " is not installed (task " + std::string(task) + " runs it)");
    return std::nullopt;
  }
  argv[0] = program->string();
  return argv;
}

NativeOutcome run_program(std::vector<std::string> argv, const fs::path& cwd, std::string_view task,
                          const NativeTaskContext& context) {
  NativeOutcome missing;
  std::optional<std::vector<std::string>> full = resolved(std::move(argv), task, context, missing);
  if (!full) return missing;
  std::error_code ec;
  if (!fs::is_directory(cwd, ec)) return failed("working directory " + cwd.string() + " does not exist");
  context.log("##[command]" + join(*full, " "));  // as Azure's tool runner shows what it starts
  return context.run(*full, cwd);
}

void append(std::vector<std::string>& argv, std::string_view arguments) {
  for (std::string& word : split_arguments(arguments)) argv.push_back(std::move(word));
}

NativeOutcome cmdline_v1(const NameValues& given, const NativeTaskContext& context) {
  TaskInputs inputs({{"filename", "string", "", {}},
                     {"arguments", "string", "", {}},
                     {"workingFolder", "filePath", "", {}},
                     {"failOnStandardError", "boolean", "false", {}}},
                    given, context);
  if (inputs.text("filename").empty()) return failed("CmdLine@1 needs input 'filename'");
  std::vector<std::string> argv{inputs.text("filename")};
  append(argv, inputs.text("arguments"));
  return run_program(argv, inputs.path("workingFolder", context.sources), "CmdLine@1", context);
}

NativeOutcome npm(const NameValues& given, const NativeTaskContext& context) {
  TaskInputs inputs({{"command", "pickList", "install", {}},
                     {"workingDir", "filePath", "", {}},
                     {"verbose", "boolean", "false", {}},
                     {"customCommand", "string", "", {}}},
                    given, context);
  std::string command = to_lower(inputs.text("command"));
  std::vector<std::string> argv{"npm"};
  if (command == "custom") {
    if (inputs.text("customCommand").empty()) return failed("Npm@1 with command 'custom' needs input 'customCommand'");
    append(argv, inputs.text("customCommand"));
  } else if (command == "install" || command == "ci" || command == "publish") {
    argv.push_back(command);
  } else {
    return failed("Npm@1: command '" + command + "' is not one of install, ci, publish, custom");
  }
  if (inputs.flag("verbose")) argv.push_back("--verbose");
  return run_program(argv, inputs.path("workingDir", context.sources), "Npm@1", context);
}

NativeOutcome cmake(const NameValues& given, const NativeTaskContext& context) {
  TaskInputs inputs({{"workingDirectory", "filePath", "build", {"cwd"}},
                     {"cmakeArgs", "string", "", {}},
                     {"runInsideShell", "boolean", "false", {}}},
                    given, context);
  Result<fs::path> checked = inputs.job_path("workingDirectory", context.sources / "build");
  if (!checked) return failed(checked.error().message);
  const fs::path& folder = *checked;
  std::error_code ec;
  fs::create_directories(folder, ec);  // as the task: cmake is run in a build folder it makes
  if (ec) return failed("cannot make " + folder.string() + ": " + ec.message());
  std::vector<std::string> argv{"cmake"};
  append(argv, inputs.text("cmakeArgs"));
  return run_program(argv, folder, "CMake@1", context);
}

NativeOutcome dotnet(const NameValues& given, const NativeTaskContext& context) {
  TaskInputs inputs({{"command", "pickList", "build", {}},
                     {"projects", "multiLine", "", {"path"}},
                     {"custom", "string", "", {}},
                     {"arguments", "string", "", {}},
                     {"publishTestResults", "boolean", "true", {}},
                     {"testRunTitle", "string", "", {}},
                     {"workingDirectory", "filePath", "", {}}},
                    given, context);
  std::string command = to_lower(inputs.text("command"));
  if (command == "custom") command = inputs.text("custom");
  if (command.empty()) return failed("DotNetCoreCLI@2 with command 'custom' needs input 'custom'");
  std::vector<fs::path> projects;
  if (std::string patterns = inputs.text("projects"); !patterns.empty()) {
    projects = find_matching_files(context.sources, patterns, context.job_folder);
    if (projects.empty()) return failed("DotNetCoreCLI@2: no project file matches '" + patterns + "'");
  }
  const fs::path results = context.temp_folder / "TestResults";
  const bool trx = command == "test" && inputs.flag("publishTestResults");
  fs::path cwd = inputs.path("workingDirectory", context.sources);
  NativeOutcome outcome;
  for (size_t i = 0; i < std::max<size_t>(projects.size(), 1); ++i) {
    std::vector<std::string> argv{"dotnet", command};
    if (!projects.empty()) argv.push_back(projects[i].string());
    append(argv, inputs.text("arguments"));
    if (trx) argv.insert(argv.end(), {"--logger", "trx", "--results-directory", results.string()});
    NativeOutcome one = run_program(argv, cwd, "DotNetCoreCLI@2", context);
    if (one.result == TaskResult::failed && !trx) return one;
    if (one.result == TaskResult::failed || i == 0) outcome = one;  // the step fails when any project failed
  }
  if (trx) {  // as the task: the tests' TRX files become the step's test results
    std::vector<fs::path> files = find_matching_files(results, "**/*.trx");
    if (!files.empty()) record_test_results("VSTest", files, results, inputs.text("testRunTitle"), context);
  }
  return outcome;
}

// PowerShell@2 on Linux runs pwsh (Azure's `pwsh` input only matters on Windows).
NativeOutcome powershell(const NameValues& given, const NativeTaskContext& context) {
  TaskInputs inputs({{"targetType", "radio", "filePath", {}},
                     {"filePath", "filePath", "", {}},
                     {"arguments", "string", "", {}},
                     {"script", "multiLine", "", {}},
                     {"errorActionPreference", "pickList", "stop", {}},
                     {"failOnStderr", "boolean", "false", {}},
                     {"ignoreLASTEXITCODE", "boolean", "false", {}},
                     {"pwsh", "boolean", "false", {}},
                     {"workingDirectory", "filePath", "", {}}},
                    given, context);
  std::string body;
  if (iequals(inputs.text("targetType"), "inline")) {
    body = inputs.text("script");
  } else {
    if (inputs.text("filePath").empty()) return failed("PowerShell@2 needs input 'filePath' (or targetType: inline)");
    body = ". '" + inputs.path("filePath", {}).string() + "' " + inputs.text("arguments");
  }
  std::string preference = to_lower(inputs.text("errorActionPreference"));
  std::string script = "$ErrorActionPreference = '" + preference + "'\n" + body + "\n";
  if (!inputs.flag("ignoreLASTEXITCODE"))
    script += "if (!(Test-Path -LiteralPath variable:\\LASTEXITCODE)) { exit 0 }\nexit $LASTEXITCODE\n";
  fs::path file = context.temp_folder / ("powershell-" + std::to_string(context.record.start_ms) + ".ps1");
  std::ofstream(file) << script;
  return run_program({"pwsh", "-NoLogo", "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Unrestricted", "-Command",
                      ". '" + file.string() + "'"},
                     inputs.path("workingDirectory", context.sources), "PowerShell@2", context);
}

// Docker@2: the docker CLI (login/logout need a service connection slipway
// does not hold: they are run as written and docker decides).
NativeOutcome docker(const NameValues& given, const NativeTaskContext& context) {
  TaskInputs inputs({{"command", "pickList", "buildAndPush", {}},
                     {"repository", "string", "", {"imageName"}},
                     {"Dockerfile", "filePath", "**/Dockerfile", {"dockerFile"}},
                     {"buildContext", "filePath", "**", {}},
                     {"tags", "multiLine", "$(Build.BuildId)", {}},
                     {"arguments", "string", "", {}}},
                    given, context);
  std::string command = to_lower(inputs.text("command"));
  std::vector<std::string> tags;
  for (const std::string& line : split(inputs.text("tags"), '\n'))
    for (const std::string& tag : split(line, ','))
      if (!trim(tag).empty()) tags.emplace_back(trim(tag));
  const std::string repository = inputs.text("repository");
  if (command == "build" || command == "buildandpush") {
    std::vector<fs::path> files = find_matching_files(context.sources, inputs.text("Dockerfile"));
    if (files.empty()) return failed("Docker@2: no Dockerfile matches '" + inputs.text("Dockerfile") + "'");
    std::string build_context = inputs.text("buildContext");
    fs::path where = build_context.empty() || build_context == "**" ? files[0].parent_path() : inputs.path("buildContext", {});
    std::vector<std::string> argv{"docker", "build", "-f", files[0].string()};
    for (const std::string& tag : tags) argv.insert(argv.end(), {"-t", repository.empty() ? tag : repository + ":" + tag});
    append(argv, inputs.text("arguments"));
    argv.push_back(where.string());
    NativeOutcome built = run_program(argv, context.sources, "Docker@2", context);
    if (built.result == TaskResult::failed || command == "build") return built;
  }
  if (command == "push" || command == "buildandpush") {
    if (repository.empty()) return failed("Docker@2: push needs input 'repository'");
    for (const std::string& tag : tags) {
      NativeOutcome pushed = run_program({"docker", "push", repository + ":" + tag}, context.sources, "Docker@2", context);
      if (pushed.result == TaskResult::failed) return pushed;
    }
    return {};
  }
  std::vector<std::string> argv{"docker", command};
  append(argv, inputs.text("arguments"));
  return run_program(argv, context.sources, "Docker@2", context);
}

// HelmDeploy@0: helm, with the cluster from the agent's kubeconfig (the
// task's service connection inputs are not used).
NativeOutcome helm_deploy(const NameValues& given, const NativeTaskContext& context) {
  TaskInputs inputs({{"command", "pickList", "ls", {}},
                     {"chartType", "radio", "Name", {}},
                     {"chartName", "string", "", {}},
                     {"chartPath", "filePath", "", {}},
                     {"chartVersion", "string", "", {"version"}},
                     {"releaseName", "string", "", {}},
                     {"namespace", "string", "", {}},
                     {"overrideValues", "string", "", {}},
                     {"valueFile", "filePath", "", {}},
                     {"destination", "string", "$(Build.ArtifactStagingDirectory)", {}},
                     {"install", "boolean", "true", {}},
                     {"waitForExecution", "boolean", "true", {}},
                     {"arguments", "string", "", {}}},
                    given, context);
  std::string command = to_lower(inputs.text("command"));
  const bool by_path = iequals(inputs.text("chartType"), "FilePath") || command == "package" || command == "lint";
  const std::string chart = by_path ? inputs.path("chartPath", context.sources).string() : inputs.text("chartName");
  std::vector<std::string> argv{"helm", command};
  if (command == "install" || command == "upgrade") {
    argv = {"helm", "upgrade"};
    if (command == "install" || inputs.flag("install")) argv.push_back("--install");
    if (inputs.flag("waitForExecution")) argv.push_back("--wait");
    if (!inputs.text("valueFile").empty()) argv.insert(argv.end(), {"-f", inputs.path("valueFile", {}).string()});
    if (!inputs.text("overrideValues").empty()) argv.insert(argv.end(), {"--set", inputs.text("overrideValues")});
    if (!inputs.text("chartVersion").empty()) argv.insert(argv.end(), {"--version", inputs.text("chartVersion")});
    if (inputs.text("releaseName").empty()) return failed("HelmDeploy@0: " + command + " needs input 'releaseName'");
    argv.insert(argv.end(), {inputs.text("releaseName"), chart});
  } else if (command == "package") {
    argv.insert(argv.end(), {chart, "--destination", inputs.path("destination", context.sources).string()});
    if (!inputs.text("chartVersion").empty()) argv.insert(argv.end(), {"--version", inputs.text("chartVersion")});
  } else if (command == "lint") {
    argv.push_back(chart);
  }
  if (!inputs.text("namespace").empty()) argv.insert(argv.end(), {"--namespace", inputs.text("namespace")});
  append(argv, inputs.text("arguments"));
  return run_program(argv, context.sources, "HelmDeploy@0", context);
}

// KubernetesManifest@0: kubectl for deploy/delete/scale/patch, and bake
// (helm template or kubectl kustomize) into the output manifestsBundle.
NativeOutcome kubernetes_manifest(const NameValues& given, const NativeTaskContext& context) {
  TaskInputs inputs({{"action", "pickList", "deploy", {}},
                     {"namespace", "string", "", {}},
                     {"manifests", "filePath", "", {}},
                     {"renderType", "pickList", "helm", {}},
                     {"helmChart", "filePath", "", {}},
                     {"releaseName", "string", "", {}},
                     {"overrides", "multiLine", "", {}},
                     {"kustomizationPath", "filePath", "", {}},
                     {"kind", "pickList", "", {}},
                     {"name", "string", "", {}},
                     {"replicas", "string", "", {}},
                     {"arguments", "string", "", {}}},
                    given, context);
  std::string action = to_lower(inputs.text("action"));
  std::vector<std::string> argv{"kubectl"};
  if (action == "bake") {
    fs::path bundle = context.temp_folder / ("baked-" + std::to_string(context.record.start_ms) + ".yaml");
    if (iequals(inputs.text("renderType"), "kustomize")) {
      argv = {"kubectl", "kustomize", inputs.path("kustomizationPath", context.sources).string(), "-o", bundle.string()};
    } else {
      argv = {"helm", "template", inputs.text("releaseName").empty() ? "release" : inputs.text("releaseName"),
              inputs.path("helmChart", context.sources).string(), "--output-dir", bundle.string() + ".d"};
      for (const std::string& line : split(inputs.text("overrides"), '\n'))
        if (!trim(line).empty()) argv.insert(argv.end(), {"--set", std::string(trim(line))});
    }
    if (!inputs.text("namespace").empty()) argv.insert(argv.end(), {"--namespace", inputs.text("namespace")});
    NativeOutcome baked = run_program(argv, context.sources, "KubernetesManifest@0", context);
    if (baked.result == TaskResult::failed) return baked;
    context.set_variable("manifestsBundle", iequals(inputs.text("renderType"), "kustomize") ? bundle.string() : bundle.string() + ".d");
    return baked;
  }
  if (action == "deploy") {
    std::vector<fs::path> files = find_matching_files(context.sources, inputs.text("manifests"));
    if (files.empty()) return failed("KubernetesManifest@0: no manifest matches '" + inputs.text("manifests") + "'");
    argv.push_back("apply");
    for (const fs::path& file : files) argv.insert(argv.end(), {"-f", file.string()});
  } else if (action == "scale") {
    argv.insert(argv.end(), {"scale", inputs.text("kind") + "/" + inputs.text("name"), "--replicas=" + inputs.text("replicas")});
  } else if (action == "delete" || action == "patch") {
    argv.push_back(action);
  } else {
    return failed("KubernetesManifest@0: action '" + action + "' is not run by slipway (deploy, bake, scale, delete, patch)");
  }
  if (!inputs.text("namespace").empty()) argv.insert(argv.end(), {"--namespace", inputs.text("namespace")});
  append(argv, inputs.text("arguments"));
  return run_program(argv, context.sources, "KubernetesManifest@0", context);
}

// AzureCLI@1/@2: the script through bash with `az` on PATH; the login the
// task makes from its service connection is the machine's own `az login`.
NativeOutcome azure_cli(const NameValues& given, const NativeTaskContext& context) {
  TaskInputs inputs({{"scriptType", "pickList", "bash", {}},
                     {"scriptLocation", "pickList", "scriptPath", {}},
                     {"scriptPath", "filePath", "", {}},
                     {"inlineScript", "multiLine", "", {}},
                     {"arguments", "string", "", {"args"}},
                     {"workingDirectory", "filePath", "", {"cwd"}}},
                    given, context);
  if (!context.find_program("az")) return failed("az is not installed (task AzureCLI runs its script with it)");
  std::string type = to_lower(inputs.text("scriptType"));
  if (type != "bash" && type != "shell")
    return failed("AzureCLI: scriptType '" + type + "' needs PowerShell or cmd; slipway runs bash scripts here");
  std::vector<std::string> argv{"bash"};
  if (iequals(inputs.text("scriptLocation"), "inlineScript")) argv.insert(argv.end(), {"-c", inputs.text("inlineScript"), "bash"});
  else argv.push_back(inputs.path("scriptPath", {}).string());
  append(argv, inputs.text("arguments"));
  return run_program(argv, inputs.path("workingDirectory", context.sources), "AzureCLI", context);
}

}  // namespace

bool task_named(std::string_view task, std::string_view name, int major) {
  size_t at = task.rfind('@');
  if (at == std::string_view::npos || !iequals(task.substr(0, at), name)) return false;
  std::string_view version = task.substr(at + 1);
  std::string_view first = version.substr(0, version.find('.'));
  return first == std::to_string(major);
}

bool is_program_task(std::string_view task) { return !program_of_task(task).empty(); }

std::string program_of_task(std::string_view task) {
  if (task_named(task, "Npm", 1)) return "npm";
  if (task_named(task, "CMake", 1)) return "cmake";
  if (task_named(task, "DotNetCoreCLI", 2)) return "dotnet";
  if (task_named(task, "PowerShell", 2)) return "pwsh";
  if (task_named(task, "CmdLine", 1)) return "(its filename input)";
  if (task_named(task, "Docker", 2)) return "docker";
  if (task_named(task, "HelmDeploy", 0)) return "helm";
  if (task_named(task, "KubernetesManifest", 0)) return "kubectl";
  if (task_named(task, "AzureCLI", 1) || task_named(task, "AzureCLI", 2)) return "az";
  return {};
}

NativeOutcome run_program_task(std::string_view task, const NameValues& inputs, const NativeTaskContext& context) {
  if (task_named(task, "Npm", 1)) return npm(inputs, context);
  if (task_named(task, "CMake", 1)) return cmake(inputs, context);
  if (task_named(task, "DotNetCoreCLI", 2)) return dotnet(inputs, context);
  if (task_named(task, "PowerShell", 2)) return powershell(inputs, context);
  if (task_named(task, "Docker", 2)) return docker(inputs, context);
  if (task_named(task, "HelmDeploy", 0)) return helm_deploy(inputs, context);
  if (task_named(task, "KubernetesManifest", 0)) return kubernetes_manifest(inputs, context);
  if (task_named(task, "AzureCLI", 1) || task_named(task, "AzureCLI", 2)) return azure_cli(inputs, context);
  return cmdline_v1(inputs, context);
}

}  // namespace slipway::run
