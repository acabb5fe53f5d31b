// The tasks the agent runs itself, against the real programs of this
// machine where it has them (python3, node, cmake, npm). pwsh and dotnet
// cannot be installed here (neither Debian's packages nor npm carry them):
// their wrappers are checked with stand-in scripts that record their
// arguments, put first on PATH by ##vso[task.prependpath], and say so.
#include <gtest/gtest.h>

#include "core/process.h"
#include "core/strings.h"
#include "run/native_task_support.h"
#include "run/native_tasks.h"
#include "run/run_fixture.h"

namespace slipway::run {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> lines(const Fixture& f, int step) { return f.recorder.step_lines("s.j", step); }

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

// A pipeline of one job with these steps (YAML list items).
std::string one_job(const std::string& steps) { return "stages:\n- stage: s\n  jobs:\n  - job: j\n    steps:\n" + steps; }

TEST(NativeTasks, ArgumentsSplitAsAzuresToolRunner) {
  EXPECT_EQ(split_arguments(R"(build -c Release "a b" "say \"hi\"" x)"),
            (std::vector<std::string>{"build", "-c", "Release", "a b", "say \"hi\"", "x"}));
  EXPECT_EQ(split_arguments("  "), std::vector<std::string>{});
  EXPECT_EQ(split_arguments(R"(a "" b)"), (std::vector<std::string>{"a", "", "b"}));
}

TEST(NativeTasks, VersionSpecsMatchAsSemverRanges) {
  EXPECT_TRUE(tool_version_matches("3.x", "3.11.2"));
  EXPECT_TRUE(tool_version_matches("3.11", "3.11.7"));
  EXPECT_FALSE(tool_version_matches("3.12", "3.11.7"));
  EXPECT_TRUE(tool_version_matches("3.11.2", "3.11.2"));
  EXPECT_FALSE(tool_version_matches("3.11.2", "3.11.3"));
  EXPECT_TRUE(tool_version_matches(">= 3.8", "3.11.2"));
  EXPECT_TRUE(tool_version_matches(">=3.8 <3.12", "3.11.2"));
  EXPECT_FALSE(tool_version_matches(">=3.8 <3.11", "3.11.2"));
  EXPECT_TRUE(tool_version_matches("~3.11", "3.11.9"));
  EXPECT_FALSE(tool_version_matches("~3.11", "3.12.0"));
  EXPECT_TRUE(tool_version_matches("^20.1", "20.20.2"));
  EXPECT_FALSE(tool_version_matches("^20.1", "21.0.0"));
  EXPECT_TRUE(tool_version_matches("18.x || 20.x", "20.20.2"));
  EXPECT_TRUE(tool_version_matches("v20.20.2", "20.20.2"));
  EXPECT_FALSE(tool_version_matches("2.7", "3.11.2"));
}

TEST(NativeTasks, UsePythonVersionPutsTheMatchingPythonFirstOnPath) {
  if (!find_program("python3")) GTEST_SKIP() << "python3 is not installed";
  Fixture f;
  RunRecord run = f.run(one_job(R"Y(
    - task: UsePythonVersion@0
      inputs: {versionSpec: '3.x'}
    - bash: 'python --version; python3 --version; echo "location=$(pythonLocation)"; command -v python'
    - task: UsePythonVersion@0.206.0
      inputs: {versionSpec: '2.7'}
)Y"));
  EXPECT_EQ(run.result, TaskResult::failed);
  const JobRecord& record = job(run, "s.j");
  EXPECT_EQ(record.steps[0].result, TaskResult::succeeded) << record.steps[0].reason;
  ASSERT_FALSE(lines(f, 0).empty());
  std::string chosen = lines(f, 0)[0];  // "using Python 3.11.7 (/path/python3)"
  ASSERT_TRUE(chosen.starts_with("using Python 3.")) << chosen;
  std::string version = chosen.substr(13, chosen.find(' ', 13) - 13);
  EXPECT_EQ(lines(f, 1)[0], "Python " + version);
  EXPECT_EQ(lines(f, 1)[1], "Python " + version);
  EXPECT_TRUE(lines(f, 1)[2].starts_with("location=/")) << lines(f, 1)[2];
  EXPECT_NE(lines(f, 1)[3].find("/_tools/Python-" + version + "/python"), std::string::npos) << lines(f, 1)[3];
  EXPECT_EQ(record.steps[2].result, TaskResult::failed);
  EXPECT_TRUE(record.steps[2].reason.starts_with("no Python matching '2.7' is installed; found 3.")) << record.steps[2].reason;
}

TEST(NativeTasks, ToolCacheVersionsComeFirstAsAzuresLayoutHasThem) {
  std::optional<fs::path> python = find_program("python3");
  if (!python) GTEST_SKIP() << "python3 is not installed";
  Fixture f;
  // A tool cache as hosted agents lay it out, holding this machine's python
  // under a version no PATH python has (the folder names the version).
  fs::path cache = f.dir / "toolcache";
  fs::create_directories(cache / "Python/3.99.1/x64/bin");
  fs::create_symlink(fs::canonical(*python), cache / "Python/3.99.1/x64/bin/python3");
  ::setenv("AGENT_TOOLSDIRECTORY", cache.c_str(), 1);
  RunRecord run = f.run(one_job(R"Y(
    - task: UsePythonVersion@0
      inputs: {versionSpec: '>=3.99'}
    - bash: 'echo "location=$(pythonLocation)"; command -v python3'
)Y"));
  ::unsetenv("AGENT_TOOLSDIRECTORY");
  EXPECT_EQ(run.result, TaskResult::succeeded) << job(run, "s.j").steps[0].reason;
  EXPECT_EQ(lines(f, 1)[0], "location=" + (cache / "Python/3.99.1/x64").string());
  EXPECT_EQ(lines(f, 1)[1], (cache / "Python/3.99.1/x64/bin/python3").string());
}

TEST(NativeTasks, NodeSelectorsAndAMissingDotNetSdk) {
  if (!find_program("node")) GTEST_SKIP() << "node is not installed";
  Fixture f;
  RunRecord run = f.run(one_job(R"Y(
    - task: NodeTool@0
      inputs: {versionSpec: '>=18'}
    - bash: node --version
    - task: UseNode@1
      inputs: {version: '1.x'}
      continueOnError: true
    - task: UseDotNet@2
      inputs: {packageType: sdk, version: '8.x'}
)Y"));
  const JobRecord& record = job(run, "s.j");
  EXPECT_EQ(record.steps[0].result, TaskResult::succeeded) << record.steps[0].reason;
  EXPECT_EQ("using Node.js " + lines(f, 1)[0].substr(1) + " ", lines(f, 0)[0].substr(0, lines(f, 0)[0].find('(')));
  EXPECT_TRUE(record.steps[2].reason.starts_with("no Node.js matching '1.x' is installed; found ")) << record.steps[2].reason;
  if (!find_program("dotnet")) {
    EXPECT_TRUE(record.steps[3].reason.starts_with("no .NET SDK matching '8.x' is installed; found none"))
        << record.steps[3].reason;
  }
}

TEST(NativeTasks, CMakeNpmAndCmdLineRunTheRealPrograms) {
  if (!find_program("cmake") || !find_program("npm")) GTEST_SKIP() << "cmake or npm is not installed";
  Fixture f;
  RunRecord run = f.run(one_job(R"Y(
    - bash: |
        printf 'cmake_minimum_required(VERSION 3.16)\nproject(demo NONE)\nmessage(STATUS "configured with ${FLAVOR}")\n' > CMakeLists.txt
        printf '{"name": "demo", "version": "1.0.0", "scripts": {"hello": "echo hello from npm"}}' > package.json
    - task: CMake@1
      inputs: {cmakeArgs: '.. -DFLAVOR=tasty'}
    - task: Npm@1
      inputs: {command: custom, customCommand: 'run hello --silent'}
    - task: CmdLine@1
      inputs: {filename: echo, arguments: '"a  b" c'}
    - task: CMake@1
      inputs: {workingDirectory: build2, cmakeArgs: '--no-such-option'}
)Y"));
  const JobRecord& record = job(run, "s.j");
  EXPECT_EQ(record.steps[1].result, TaskResult::succeeded) << record.steps[1].reason;
  EXPECT_NE(joined(lines(f, 1)).find("configured with tasty"), std::string::npos) << joined(lines(f, 1));
  EXPECT_EQ(record.steps[2].result, TaskResult::succeeded) << record.steps[2].reason;
  EXPECT_NE(joined(lines(f, 2)).find("hello from npm"), std::string::npos) << joined(lines(f, 2));
  ASSERT_EQ(lines(f, 3).size(), 2u);
  EXPECT_EQ(lines(f, 3)[0], "##[command]" + find_program("echo")->string() + " a  b c");  // as Azure shows it
  EXPECT_EQ(lines(f, 3)[1], "a  b c");
  EXPECT_EQ(record.steps[4].result, TaskResult::failed);
  EXPECT_EQ(record.steps[4].reason, "cmake exited with code 1");
}

TEST(NativeTasks, MissingProgramsFailTheirStepNamingThem) {
  Fixture f;
  RunRecord run = f.run(one_job(R"Y(
    - bash: echo "##vso[task.prependpath]/nonexistent"
    - task: DotNetCoreCLI@2
      inputs: {command: build}
      condition: always()
    - pwsh: Write-Host hi
      condition: always()
)Y"));
  const JobRecord& record = job(run, "s.j");
  if (!find_program("dotnet")) {
    EXPECT_EQ(record.steps[1].reason, "dotnet is not installed (task DotNetCoreCLI@2 runs it)");
  }
  if (!find_program("pwsh")) {
    EXPECT_EQ(record.steps[2].reason, "pwsh is not installed (task PowerShell@2 runs it)");
  }
}

// Stand-ins: pwsh and dotnet cannot be installed on this machine. Each
// records its arguments; dotnet's also writes a TRX file where it is told.
TEST(NativeTasks, PowerShellAndDotNetWrappersCallTheirProgramsAsAzureDoes) {
  Fixture f;
  fs::path bin = f.dir / "standins";
  test::write_file(bin / "pwsh", "#!/bin/sh\necho \"pwsh $*\"\nfor last; do :; done\nfile=$(echo \"$last\" | sed \"s/^\\. '//; s/'$//\")\ncat \"$file\"\n");
  test::write_file(bin / "dotnet", R"(#!/bin/sh
echo "dotnet $*"
while [ $# -gt 0 ]; do
  if [ "$1" = --results-directory ]; then mkdir -p "$2"; cat > "$2/r.trx" <<'TRX'
<TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010"><Results>
<UnitTestResult testId="1" testName="Adds" duration="00:00:00.5" outcome="Passed"/>
<UnitTestResult testId="2" testName="Removes" duration="00:00:00.25" outcome="Failed"><Output><ErrorInfo><Message>expected 0</Message></ErrorInfo></Output></UnitTestResult>
</Results></TestRun>
TRX
  fi; shift
done
)");
  fs::permissions(bin / "pwsh", fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
  fs::permissions(bin / "dotnet", fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
  RunRecord run = f.run(one_job(R"Y(
    - bash: 'mkdir -p src/a src/b && touch src/a/a.csproj src/b/b.csproj && echo "##vso[task.prependpath])Y" + bin.string() + R"Y("'
    - pwsh: Write-Host "hi"
      errorActionPreference: continue
    - task: DotNetCoreCLI@2
      inputs: {command: test, projects: 'src/**/*.csproj', arguments: '-c Release'}
)Y"));
  const JobRecord& record = job(run, "s.j");
  EXPECT_EQ(record.steps[1].result, TaskResult::succeeded) << record.steps[1].reason;
  ASSERT_GE(lines(f, 1).size(), 4u);
  EXPECT_TRUE(lines(f, 1)[0].starts_with("##[command]" + (bin / "pwsh").string() + " -NoLogo"));
  EXPECT_TRUE(lines(f, 1)[1].starts_with("pwsh -NoLogo -NoProfile -NonInteractive -ExecutionPolicy Unrestricted -Command . '"))
      << lines(f, 1)[1];
  EXPECT_EQ(lines(f, 1)[2], "$ErrorActionPreference = 'continue'");
  EXPECT_EQ(lines(f, 1)[3], "Write-Host \"hi\"");
  std::string dotnet = joined(lines(f, 2));
  EXPECT_NE(dotnet.find("dotnet test " + (f.dir / "work").string()), std::string::npos) << dotnet;
  EXPECT_NE(dotnet.find("/s/src/a/a.csproj -c Release --logger trx --results-directory "), std::string::npos) << dotnet;
  EXPECT_NE(dotnet.find("/s/src/b/b.csproj -c Release"), std::string::npos) << dotnet;
  ASSERT_TRUE(record.steps[2].tests);
  EXPECT_EQ(record.steps[2].tests->total, 2);
  EXPECT_EQ(record.steps[2].tests->failed, 1);
  EXPECT_EQ(record.steps[2].tests->failures[0].message, "expected 0");
}

TEST(NativeTasks, CopyArchiveAndExtractFilesThenTheOlderArtifactTasks) {
  if (!find_program("unzip") || !find_program("python3")) GTEST_SKIP() << "unzip or python3 is not installed";
  Fixture f;
  RunRecord run = f.run(R"Y(
stages:
- stage: s
  jobs:
  - job: j
    steps:
    - bash: mkdir -p app/sub skip && echo a > app/a.txt && echo b > app/sub/b.txt && echo c > skip/c.txt && echo x > app/x.log
    - task: CopyFiles@2
      inputs: {Contents: "**/*.txt\n!skip/**", TargetFolder: $(Build.ArtifactStagingDirectory)/copy}
    - task: ArchiveFiles@2
      inputs: {rootFolderOrFile: app, includeRootFolder: false, archiveType: zip, archiveFile: out/app.zip}
    - task: ArchiveFiles@2
      inputs: {rootFolderOrFile: app, archiveType: tar, archiveFile: out/app.tar.gz}
    - bash: unzip -Z1 out/app.zip | sort | tr '\n' ' '; echo; tar -tzf out/app.tar.gz | sort | tr '\n' ' '
    - task: ExtractFiles@1
      inputs: {archiveFilePatterns: 'out/*.zip', destinationFolder: unpacked}
    - bash: cat unpacked/sub/b.txt
    - task: PublishBuildArtifacts@1
  - job: k
    dependsOn: j
    steps:
    - task: DownloadBuildArtifacts@0
      inputs: {artifactName: drop}
    - bash: find "$(System.ArtifactsDirectory)/drop" -type f | sed "s|$(System.ArtifactsDirectory)/||" | sort
    - bash: python3 -c "import zipfile; z=zipfile.ZipFile('evil.zip','w'); z.writestr('../evil.txt','x'); z.close()"
    - task: ExtractFiles@1
      inputs: {archiveFilePatterns: evil.zip, destinationFolder: safe}
)Y");
  const JobRecord& j = job(run, "s.j");
  for (size_t i = 0; i < j.steps.size(); ++i) EXPECT_EQ(j.steps[i].result, TaskResult::succeeded) << i << ": " << j.steps[i].reason;
  EXPECT_EQ(lines(f, 1).back().substr(0, 14), "copied 2 files");
  EXPECT_EQ(f.recorder.step_lines("s.j", 4),
            (std::vector<std::string>{"a.txt sub/ sub/b.txt x.log ", "app/ app/a.txt app/sub/ app/sub/b.txt app/x.log "}));
  EXPECT_EQ(f.recorder.step_lines("s.j", 6), std::vector<std::string>{"b"});
  EXPECT_EQ(f.recorder.step_lines("s.k", 1), (std::vector<std::string>{"drop/copy/app/a.txt", "drop/copy/app/sub/b.txt"}));
  const JobRecord& k = job(run, "s.k");
  EXPECT_EQ(k.steps[3].result, TaskResult::failed);
  EXPECT_NE(k.steps[3].reason.find("evil.zip: ../evil.txt"), std::string::npos) << k.steps[3].reason;
}

// Cache@2 across runs of one agent: a miss saves after the job, the same key
// hits, a changed key file restores from restoreKeys, a failed job saves nothing.
TEST(NativeTasks, CacheRestoresByKeyAndSavesAfterASuccessfulJob) {
  Fixture f;
  auto pipeline = [](const std::string& job, const std::string& lock, const std::string& last) {
    return "stages:\n- stage: s\n  jobs:\n  - job: " + job + R"Y(
    steps:
    - bash: echo ')Y" + lock + R"Y(' > package-lock.json
    - task: Cache@2
      inputs:
        key: 'npm | "$(Agent.OS)" | **/package-lock.json'
        restoreKeys: |
          npm | "$(Agent.OS)"
        path: deps
        cacheHitVar: HIT
    - bash: 'echo "hit=$(HIT) $(cat deps/x 2>/dev/null || echo none)"; mkdir -p deps; echo built-)Y" + lock + R"Y( > deps/x'
    - bash: ')Y" + last + "'\n";
  };
  RunRecord first = f.run(pipeline("a", "v1", "true"));
  EXPECT_EQ(first.result, TaskResult::succeeded) << job(first, "s.a").steps[1].reason;
  EXPECT_EQ(f.recorder.step_lines("s.a", 2), std::vector<std::string>{"hit=false none"});
  RunRecord second = f.run(pipeline("b", "v1", "true"));
  EXPECT_EQ(f.recorder.step_lines("s.b", 2), std::vector<std::string>{"hit=true built-v1"});
  RunRecord failing = f.run(pipeline("c", "v2", "false"));  // misses, restores v1 inexactly, fails: saves nothing
  EXPECT_EQ(f.recorder.step_lines("s.c", 2), std::vector<std::string>{"hit=inexact built-v1"});
  RunRecord again = f.run(pipeline("d", "v2", "true"));
  EXPECT_EQ(f.recorder.step_lines("s.d", 2), std::vector<std::string>{"hit=inexact built-v1"});
  RunRecord last = f.run(pipeline("e", "v2", "true"));
  EXPECT_EQ(f.recorder.step_lines("s.e", 2), std::vector<std::string>{"hit=true built-v2"});
  RunRecord missing = f.run(R"Y(
stages:
- stage: s
  jobs:
  - job: m
    steps:
    - task: Cache@2
      inputs: {key: 'npm | yarn.lock', path: deps}
)Y");
  EXPECT_EQ(job(missing, "s.m").steps[0].reason, "cache key segment 'yarn.lock' matches no file");
}

// Docker@2 with the real docker client (no daemon runs here: the build fails
// as docker says), HelmDeploy@0 and KubernetesManifest@0's bake with the real
// helm and kubectl from .tools/bin (what they do offline), AzureCLI without az.
TEST(NativeTasks, ContainerAndKubernetesToolsAreCalledAsTheTasksCallThem) {
  fs::path tools = test::source_dir() / ".tools/bin";
  if (!fs::exists(tools / "helm") || !fs::exists(tools / "kubectl") || !find_program("docker"))
    GTEST_SKIP() << "needs docker on PATH and helm, kubectl in .tools/bin (scripts/setup.sh)";
  Fixture f;
  RunRecord run = f.run(R"Y(
stages:
- stage: s
  jobs:
  - job: j
    steps:
    - bash: |
        echo "##vso[task.prependpath])Y" + tools.string() + R"Y("
        printf 'FROM scratch\nCOPY a /a\n' > Dockerfile && touch a
        mkdir -p k && printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n' > k/cm.yaml && printf 'resources: [cm.yaml]\nnamePrefix: shop-\n' > k/kustomization.yaml
    - task: Docker@2
      inputs: {command: build, repository: shop, tags: "7\nlatest"}
      continueOnError: true
    - bash: HELM_CACHE_HOME=$(Agent.TempDirectory)/h HELM_CONFIG_HOME=$(Agent.TempDirectory)/h HELM_DATA_HOME=$(Agent.TempDirectory)/h helm create chart >/dev/null
    - task: HelmDeploy@0
      inputs: {command: package, chartPath: chart, chartVersion: 1.2.3}
    - bash: ls "$(Build.ArtifactStagingDirectory)"
    - task: KubernetesManifest@0
      name: bake
      inputs: {action: bake, renderType: kustomize, kustomizationPath: k}
    - bash: grep 'name:' "$(bake.manifestsBundle)"
    - task: AzureCLI@2
      inputs: {scriptType: bash, scriptLocation: inlineScript, inlineScript: az account show}
)Y");
  const JobRecord& record = job(run, "s.j");
  ASSERT_FALSE(lines(f, 1).empty());
  const std::string sources = (f.dir / "work").string();
  EXPECT_TRUE(lines(f, 1)[0].starts_with("##[command]" + find_program("docker")->string() + " build -f " + sources))
      << lines(f, 1)[0];
  EXPECT_NE(lines(f, 1)[0].find("/s/Dockerfile -t shop:7 -t shop:latest " + sources), std::string::npos) << lines(f, 1)[0];
  EXPECT_EQ(record.steps[3].result, TaskResult::succeeded) << record.steps[3].reason << joined(lines(f, 3));
  EXPECT_EQ(lines(f, 4), std::vector<std::string>{"chart-1.2.3.tgz"});
  EXPECT_EQ(record.steps[5].result, TaskResult::succeeded) << record.steps[5].reason << joined(lines(f, 5));
  EXPECT_EQ(lines(f, 6), std::vector<std::string>{"  name: shop-c"});
  if (!find_program("az")) {
    EXPECT_EQ(record.steps[7].reason, "az is not installed (task AzureCLI runs its script with it)");
  }
}

// DownloadSecureFile@1: only the job whose step names the file gets it; it is
// owner-only, masked whole and by line, and gone when the job ends.
TEST(NativeTasks, SecureFilesReachOnlyTheirJobMaskedAndAreRemoved) {
  Fixture f;
  const std::string content = "-----BEGIN KEY-----\nc2VjcmV0LWtleS1ib2R5\n-----END KEY-----\n";
  RunRecord run = f.run(R"Y(
stages:
- stage: s
  jobs:
  - job: j
    steps:
    - task: DownloadSecureFile@1
      name: key
      inputs: {secureFile: signing.pem}
    - bash: 'stat -c %a "$(key.secureFilePath)"; cat "$(key.secureFilePath)"; echo "$(key.secureFilePath)" > )Y" + (f.report / "path").string() + R"Y('
    - task: DownloadSecureFile@1
      inputs: {secureFile: other.pem}
      continueOnError: true
  - job: k
    steps:
    - bash: echo "files=${SECUREFILEPATH:-none}"
)Y", {}, {{"signing.pem", content}});
  const JobRecord& j = job(run, "s.j");
  EXPECT_EQ(j.steps[0].result, TaskResult::succeeded) << j.steps[0].reason;
  std::vector<std::string> printed = lines(f, 1);
  ASSERT_EQ(printed.size(), 4u);
  EXPECT_EQ(printed[0], "600");
  EXPECT_EQ(printed[2], "***");  // the key's body line
  for (const std::string& line : printed) EXPECT_EQ(line.find("c2VjcmV0"), std::string::npos) << line;
  EXPECT_EQ(j.steps[2].reason, "secure file 'other.pem' is not defined in the workspace (secure_files: in slipway.yaml)");
  std::string path(trim(test::read_file(f.report / "path")));
  EXPECT_FALSE(fs::exists(path)) << path << " outlived its job";
  EXPECT_EQ(f.recorder.step_lines("s.k", 0), std::vector<std::string>{"files=none"});
}

// Native tasks run in the agent, not in a step's sandbox: what they read and
// write is kept to the job's folder, links planted by steps included, and a
// program a step put on PATH is only ever run as a step (the tool probe).
TEST(NativeTasks, NativeTasksStayInTheJobFolderAndProbeAsAStep) {
  Fixture f;
  fs::path outside = f.dir / "outside";  // beside the work root, as the state's files are
  test::write_file(outside / "keep.txt", "state");
  RunRecord run = f.run(R"Y(
stages:
- stage: s
  jobs:
  - job: j
    steps:
    - task: CopyFiles@2
      inputs: {TargetFolder: '$(Agent.WorkFolder)/../outside', CleanTargetFolder: true}
      continueOnError: true
    - bash: |
        mkdir -p src dest bin && echo x > src/a.txt && ln -s )Y" + outside.string() + R"Y( dest/sub && mkdir -p src/sub && echo y > src/sub/b.txt
        printf '#!/bin/sh\necho "Python 3.77.$([ -n "$SYSTEM_JOBID" ] && echo 1 || echo 0)"\n' > bin/python3 && chmod +x bin/python3
        echo "##vso[task.prependpath]$PWD/bin"
    - task: CopyFiles@2
      inputs: {SourceFolder: src, TargetFolder: dest}
      continueOnError: true
    - task: Cache@2
      inputs: {key: k, path: '$(Agent.WorkFolder)/../outside'}
      continueOnError: true
    - task: UsePythonVersion@0
      inputs: {versionSpec: '3.77.1'}
)Y");
  const JobRecord& record = job(run, "s.j");
  EXPECT_NE(record.steps[0].reason.find("is outside the job's folder"), std::string::npos) << record.steps[0].reason;
  EXPECT_EQ(test::read_file(outside / "keep.txt"), "state");
  EXPECT_EQ(record.steps[2].result, TaskResult::succeeded_with_issues);
  EXPECT_NE(record.steps[2].reason.find("is outside the job's folder"), std::string::npos) << record.steps[2].reason;
  EXPECT_FALSE(fs::exists(outside / "b.txt"));
  EXPECT_NE(record.steps[3].reason.find("is outside the job's folder"), std::string::npos) << record.steps[3].reason;
  // The probe ran with the job's environment (SYSTEM_JOBID): as a step, not as the agent.
  EXPECT_EQ(record.steps[4].result, TaskResult::succeeded) << record.steps[4].reason;
}

}  // namespace
}  // namespace slipway::run
