// The scheduler against real processes: ordering, overlap, conditions,
// variables, logging commands, masking, timeouts, cancel, matrix, artifacts.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <map>
#include <thread>

#include "core/process.h"
#include "run/local_agent.h"
#include "run/scheduler.h"
#include "run/run_fixture.h"
#include "support/test_support.h"

namespace slipway::run {
namespace {

// True while the process exists and is not a zombie; waits up to 5 s for it to go.
bool survives(int pid) {
  for (int i = 0; i < 500; ++i) {
    if (::kill(pid, 0) != 0) return false;
    std::string stat = test::read_file("/proc/" + std::to_string(pid) + "/stat");
    size_t paren = stat.rfind(')');
    if (paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'Z') return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

std::string results(const RunRecord& run) {
  std::string out;
  for (const StageRecord& stage : run.stages) {
    out += stage.name + "=" + result_name(stage.result) + "[";
    for (const JobRecord& j : stage.jobs) out += j.id.substr(stage.name.size() + 1) + "=" + result_name(j.result) + " ";
    out += "] ";
  }
  return out;
}

TEST(Scheduler, IndependentJobsOverlapInTime) {
  Fixture f;
  std::string marks = (f.report / "marks").string();
  // Each job notes when it starts, then waits (bounded) to see the other one start.
  std::string body = "echo start >> " + marks +
                     "; for i in $(seq 1 100); do [ $(grep -c start " + marks +
                     ") -ge 2 ] && { echo overlap; exit 0; }; sleep 0.05; done; echo alone";
  RunRecord run = f.run("stages: [{stage: s, jobs: [{job: a, steps: [{bash: '" + body +
                        "'}]}, {job: b, steps: [{bash: '" + body + "'}]}]}]");
  EXPECT_EQ(run.result, TaskResult::succeeded);
  EXPECT_EQ(f.recorder.step_lines("s.a", 0), std::vector<std::string>{"overlap"});
  EXPECT_EQ(f.recorder.step_lines("s.b", 0), std::vector<std::string>{"overlap"});
}

TEST(Scheduler, DependsOnOrdersJobsAndStages) {
  Fixture f;
  std::string log = (f.report / "order").string();
  RunRecord run = f.run(R"Y(
stages:
- stage: one
  jobs:
  - {job: late, dependsOn: [early], steps: [{script: 'echo late >> )Y" + log + R"Y('}]}
  - {job: early, steps: [{script: 'sleep 0.2; echo early >> )Y" + log + R"Y('}]}
- stage: two
  dependsOn: [one]
  jobs:
  - {job: last, steps: [{script: 'echo last >> )Y" + log + R"Y('}]}
)Y");
  EXPECT_EQ(run.result, TaskResult::succeeded);
  EXPECT_EQ(test::read_file(log), "early\nlate\nlast\n");
}

TEST(Scheduler, FailureSkipsDependantsAndRunsFailedAndAlwaysConditions) {
  Fixture f;
  RunRecord run = f.run(R"Y(
stages:
- stage: s
  jobs:
  - {job: bad, steps: [{script: 'exit 3'}]}
  - {job: next, dependsOn: [bad], steps: [{script: 'true'}]}
  - {job: onfail, dependsOn: [bad], condition: failed(), steps: [{script: 'true'}]}
  - {job: always, dependsOn: [next], condition: always(), steps: [{script: 'true'}]}
  - {job: either, dependsOn: [bad], condition: succeededOrFailed(), steps: [{script: 'true'}]}
- stage: after
  jobs: [{job: x, steps: [{script: 'true'}]}]
  dependsOn: [s]
)Y");
  EXPECT_EQ(results(run), "s=failed[bad=failed next=skipped onfail=succeeded always=succeeded either=succeeded ] "
                          "after=skipped[x=skipped ] ");
  EXPECT_EQ(run.result, TaskResult::failed);
  EXPECT_EQ(job(run, "s.bad").steps[0].reason, "bash exited with code 3");
}

TEST(Scheduler, StepConditionsContinueOnErrorAndEnabled) {
  Fixture f;
  RunRecord run = f.run(R"Y(
stages:
- stage: s
  jobs:
  - job: j
    steps:
    - {script: 'exit 1', continueOnError: 'true'}
    - {script: 'echo ran', name: second}
    - {script: 'echo off', enabled: 'false'}
    - {script: 'exit 2'}
    - {script: 'echo skipped'}
    - {script: 'echo cleanup', condition: always()}
    - {script: 'echo onfail', condition: failed()}
)Y");
  const JobRecord& j = job(run, "s.j");
  ASSERT_EQ(j.steps.size(), 7u);
  EXPECT_EQ(j.steps[0].result, TaskResult::succeeded_with_issues);
  EXPECT_EQ(j.steps[1].result, TaskResult::succeeded);
  EXPECT_EQ(j.steps[2].result, TaskResult::skipped);
  EXPECT_EQ(j.steps[2].reason, "disabled");
  EXPECT_EQ(j.steps[3].result, TaskResult::failed);
  EXPECT_EQ(j.steps[4].result, TaskResult::skipped);
  EXPECT_EQ(j.steps[5].result, TaskResult::succeeded);
  EXPECT_EQ(j.steps[6].result, TaskResult::succeeded);
  EXPECT_EQ(j.result, TaskResult::failed);
}

TEST(Scheduler, CustomConditionsReadVariablesAndDependencyOutputs) {
  Fixture f;
  RunRecord run = f.run(R"Y(
variables: {deploy: 'yes'}
stages:
- stage: build
  jobs:
  - job: a
    steps:
    - {bash: 'echo "##vso[task.setvariable variable=ver;isOutput=true]1.2.3"', name: setver}
  - job: b
    dependsOn: [a]
    condition: and(succeeded(), eq(dependencies.a.outputs['setver.ver'], '1.2.3'))
    variables: {fromA: "$[ dependencies.a.outputs['setver.ver'] ]"}
    steps: [{bash: 'echo "got $(fromA) $FROMA"'}]
  - job: c
    condition: eq(variables.deploy, 'no')
    steps: [{script: 'true'}]
- stage: deploy
  dependsOn: [build]
  condition: eq(dependencies.build.outputs['a.setver.ver'], '1.2.3')
  jobs:
  - job: d
    variables: {v: "$[ stageDependencies.build.a.outputs['setver.ver'] ]"}
    steps: [{bash: 'echo "stage got $(v)"'}]
)Y");
  EXPECT_EQ(results(run), "build=succeeded[a=succeeded b=succeeded c=skipped ] deploy=succeeded[d=succeeded ] ");
  EXPECT_EQ(f.recorder.step_lines("build.b", 0), std::vector<std::string>{"got 1.2.3 1.2.3"});
  EXPECT_EQ(f.recorder.step_lines("deploy.d", 0), std::vector<std::string>{"stage got 1.2.3"});
  EXPECT_EQ(job(run, "build.a").outputs.at(0).name, "setver.ver");
}

TEST(Scheduler, PredefinedVariablesReachStepsAsEnvironment) {
  Fixture f;
  f.options.build_id = 42;
  RunRecord run = f.run(R"Y(
name: ci-$(Build.SourceBranchName)-$(Rev:rr)
variables: {my.setting: hello}
stages:
- stage: s
  jobs:
  - job: j
    displayName: The job
    steps:
    - bash: |
        echo "$BUILD_BUILDID $BUILD_BUILDNUMBER $BUILD_SOURCEBRANCH $BUILD_SOURCEBRANCHNAME $BUILD_SOURCEVERSION"
        echo "$BUILD_REPOSITORY_NAME $AGENT_JOBNAME $MY_SETTING $(my.setting)"
        [ "$BUILD_SOURCESDIRECTORY" = "$(pwd)" ] && [ "$SYSTEM_DEFAULTWORKINGDIRECTORY" = "$(pwd)" ] && echo cwd-ok
        for d in "$BUILD_ARTIFACTSTAGINGDIRECTORY" "$AGENT_TEMPDIRECTORY" "$PIPELINE_WORKSPACE"; do [ -d "$d" ] || echo "missing $d"; done
)Y");
  EXPECT_EQ(run.result, TaskResult::succeeded);
  EXPECT_EQ(run.build_number, "ci-main-01");
  EXPECT_EQ(f.recorder.step_lines("s.j", 0),
            (std::vector<std::string>{"42 ci-main-01 refs/heads/main main abc123", "orders The job hello hello", "cwd-ok"}));
}

TEST(Scheduler, LoggingCommandsSetResultsIssuesAndBuildNumber) {
  Fixture f;
  RunRecord run = f.run(R"Y(
stages:
- stage: s
  jobs:
  - job: j
    steps:
    - bash: |
        echo "##vso[task.logissue type=warning]watch out"
        echo "##vso[task.logissue type=error]broken"
        echo "##[group]Details"
        echo "##[endgroup]"
        echo "##vso[task.complete result=SucceededWithIssues;]done"
    - bash: echo "##vso[build.updatebuildnumber]7.7.7"
    - bash: echo "##vso[task.complete result=Failed]nope"
)Y");
  const JobRecord& j = job(run, "s.j");
  EXPECT_EQ(j.steps[0].result, TaskResult::succeeded_with_issues);
  ASSERT_EQ(j.steps[0].issues.size(), 2u);
  EXPECT_EQ(j.steps[0].issues[0].type, "warning");
  EXPECT_EQ(j.steps[0].issues[0].message, "watch out");
  EXPECT_EQ(j.steps[0].issues[1].type, "error");
  EXPECT_EQ(j.steps[2].result, TaskResult::failed);
  EXPECT_EQ(run.build_number, "7.7.7");
  EXPECT_EQ(run.result, TaskResult::failed);
  std::vector<std::string> lines = f.recorder.step_lines("s.j", 0);
  EXPECT_EQ(lines.at(2), "##[group]Details");
}

TEST(Scheduler, SecretsAreMaskedEvenWhenSplitAcrossWrites) {
  Fixture f;
  RunRecord run = f.run(R"Y(
stages:
- stage: s
  jobs:
  - job: j
    steps:
    - bash: echo "##vso[task.setvariable variable=token;issecret=true;isOutput=true]hunter22"
      name: gen
    - bash: |
        printf 'a %s' "hun"; sleep 0.2; printf '%s b\n' "ter22"
        echo "env=${TOKEN:-unset} mapped=$MAPPED"
      env: {MAPPED: $(token)}
)Y");
  EXPECT_EQ(run.result, TaskResult::succeeded);
  EXPECT_EQ(f.recorder.step_lines("s.j", 0).at(0), "##vso[task.setvariable variable=token;issecret=true;isOutput=true]***");
  EXPECT_EQ(f.recorder.step_lines("s.j", 1), (std::vector<std::string>{"a *** b", "env=unset mapped=***"}));
  EXPECT_EQ(run_to_json(run)["stages"][0]["jobs"][0]["outputs"]["gen.token"], "***");
}

TEST(Scheduler, SecretOutputsStaySecretInLaterJobs) {
  Fixture f;
  RunRecord run = f.run(R"Y(
stages:
- stage: s
  jobs:
  - job: a
    steps:
    - bash: echo "##vso[task.setvariable variable=token;issecret=true;isOutput=true]p4ssw0rd"
      name: gen
  - job: b
    dependsOn: [a]
    variables: {t: "$[ dependencies.a.outputs['gen.token'] ]"}
    steps:
    - bash: echo "macro $(t) env ${T:-unset} mapped $M"
      env: {M: $(t)}
)Y");
  EXPECT_EQ(run.result, TaskResult::succeeded);
  EXPECT_EQ(f.recorder.step_lines("s.b", 0), std::vector<std::string>{"macro *** env unset mapped ***"});
}

TEST(Scheduler, VariableGroupSecretsAreMaskedAndOnlyMappedIntoTheEnvironment) {
  Fixture f;
  VariableGroups groups = {{"shared", {{"region", "eu"}}, {{"token", "s3cr3t-value"}}, {}}};
  RunRecord run = f.run(R"Y(
stages:
- stage: s
  jobs:
  - job: j
    variables:
    - group: shared
    - {name: later, value: $(region)-x}
    steps:
    - bash: echo "$(region) $(later) macro=$(token) env=${TOKEN:-unset} region=$REGION mapped=$MAPPED"
      env: {MAPPED: $(token)}
)Y", groups);
  EXPECT_EQ(run.result, TaskResult::succeeded);
  EXPECT_EQ(f.recorder.step_lines("s.j", 0),
            std::vector<std::string>{"eu eu-x macro=*** env=unset region=eu mapped=***"});
}

// A task folder runs with the machine's node as Azure's agent runs it: its
// inputs in INPUT_*, defaults and aliases resolved, secrets only as SECRET_*
// (listed in VSTS_SECRET_VARIABLES), the result from task.complete.
TEST(Scheduler, TaskFoldersRunWithNodeTheirInputsAndSecrets) {
  if (!find_program("node")) GTEST_SKIP() << "node is not installed";
  Fixture f;
  std::filesystem::path dir = f.dir / "tasks" / "greet";
  std::filesystem::create_directories(dir);
  test::write_file(dir / "task.json", R"({"id": "a1", "name": "Greet", "version": {"Major": 1, "Minor": 4, "Patch": 2},
    "inputs": [{"name": "greeting", "type": "string", "defaultValue": "hello", "aliases": ["salutation"]},
               {"name": "who", "type": "string", "defaultValue": "world"},
               {"name": "reportFile", "type": "filePath"},
               {"name": "fail", "type": "boolean", "defaultValue": "false"}],
    "execution": {"Node20_1": {"target": "index.js"}}})");
  test::write_file(dir / "index.js", R"(const e = process.env;
console.log(`${e.INPUT_GREETING} ${e.INPUT_WHO} report=${e.INPUT_REPORTFILE === e.BUILD_SOURCESDIRECTORY + '/out/r.xml'}`);
console.log(`token=${e.SECRET_TOKEN} plain=${e.TOKEN || 'unset'} secrets=${e.VSTS_SECRET_VARIABLES}`);
console.log(`public=${JSON.parse(e.VSTS_PUBLIC_VARIABLES).includes('region')} cwd=${process.cwd() === e.BUILD_SOURCESDIRECTORY}`);
if (e.INPUT_FAIL === 'true') console.log('##vso[task.complete result=Failed;]asked to fail');
)");
  Result<TaskCatalog> catalog = TaskCatalog::from_folders({dir});
  ASSERT_TRUE(catalog) << catalog.error().to_string();
  f.options.tasks = std::make_shared<const TaskCatalog>(std::move(*catalog));
  VariableGroups groups = {{"shared", {{"region", "eu"}}, {{"token", "s3cr3t-value"}}, {}}};
  RunRecord run = f.run(R"Y(
variables:
- group: shared
stages:
- stage: s
  jobs:
  - job: j
    steps:
    - task: Greet@1
      inputs: {salutation: hi, reportFile: out/r.xml}
    - task: greet@1.4.2
      inputs: {fail: true}
)Y", groups);
  EXPECT_EQ(run.result, TaskResult::failed);
  EXPECT_EQ(f.recorder.step_lines("s.j", 0)[1], "hi world report=true");
  EXPECT_EQ(f.recorder.step_lines("s.j", 0)[2], "token=*** plain=unset secrets=[\"token\"]");
  EXPECT_EQ(f.recorder.step_lines("s.j", 0)[3], "public=true cwd=true");
  const JobRecord& record = job(run, "s.j");
  EXPECT_EQ(record.steps[0].result, TaskResult::succeeded);
  EXPECT_EQ(record.steps[1].result, TaskResult::failed);
  EXPECT_EQ(record.steps[1].reason, "task.complete result=Failed");
}

// What the run cannot do with a task folder is the step's failure, named.
TEST(Scheduler, TaskFolderWithoutANodeHandlerFailsItsStepNamingTheHandler) {
  Fixture f;
  std::filesystem::path dir = f.dir / "tasks" / "ps";
  std::filesystem::create_directories(dir);
  test::write_file(dir / "task.json", R"({"name": "Ps", "version": {"Major": 3}, "execution": {"PowerShell3": {"target": "t.ps1"}}})");
  Result<TaskCatalog> catalog = TaskCatalog::from_folders({dir});
  ASSERT_TRUE(catalog) << catalog.error().to_string();
  f.options.tasks = std::make_shared<const TaskCatalog>(std::move(*catalog));
  RunRecord run = f.run("stages: [{stage: s, jobs: [{job: j, steps: [{task: Ps@3}]}]}]");
  EXPECT_EQ(run.result, TaskResult::failed);
  EXPECT_EQ(job(run, "s.j").steps[0].reason, "task Ps@3.0.0 runs with its PowerShell3 handler; slipway runs Node handlers only");
}

TEST(Scheduler, StepTimeoutFailsTheStepAndKillsItsProcesses) {
  Fixture f;
  LocalAgent fast(f.options.work_dir, std::chrono::milliseconds(300));  // a "minute" of 300 ms
  f.options.agent = &fast;
  std::string pid_file = (f.report / "pid").string();
  RunRecord run = f.run(R"Y(
stages:
- stage: s
  jobs:
  - job: j
    steps:
    - {bash: 'sleep 300 & echo $! > )Y" + pid_file + R"Y(; wait', timeoutInMinutes: '1'}
    - {bash: 'echo after', condition: always()}
)Y");
  const JobRecord& j = job(run, "s.j");
  EXPECT_EQ(j.steps[0].result, TaskResult::failed);
  EXPECT_EQ(j.steps[0].reason, "the step ran longer than the maximum time of 1 minutes");
  EXPECT_EQ(j.steps[1].result, TaskResult::succeeded);
  EXPECT_EQ(j.result, TaskResult::failed);
  EXPECT_FALSE(survives(std::stoi(test::read_file(pid_file))));
}

TEST(Scheduler, JobTimeoutCancelsTheJob) {
  Fixture f;
  LocalAgent fast(f.options.work_dir, std::chrono::milliseconds(300));
  f.options.agent = &fast;
  RunRecord run = f.run(R"Y(
stages:
- stage: s
  jobs:
  - job: j
    timeoutInMinutes: '1'
    steps:
    - {bash: 'sleep 300'}
    - {bash: 'echo skipped'}
)Y");
  const JobRecord& j = job(run, "s.j");
  EXPECT_EQ(j.result, TaskResult::canceled);
  EXPECT_EQ(j.reason, "the job ran longer than the maximum time of 1 minutes");
  EXPECT_EQ(j.steps[1].result, TaskResult::skipped);
  EXPECT_EQ(run.result, TaskResult::canceled);
}

TEST(Scheduler, RetryCountRerunsAFailingStep) {
  Fixture f;
  std::string counter = (f.report / "count").string();
  RunRecord run = f.run(R"Y(
stages:
- stage: s
  jobs:
  - job: j
    steps:
    - {bash: 'echo x >> )Y" + counter + R"Y(; [ $(wc -l < )Y" + counter + R"Y() -ge 3 ]', retryCountOnTaskFailure: '4'}
)Y");
  EXPECT_EQ(run.result, TaskResult::succeeded);
  EXPECT_EQ(job(run, "s.j").steps[0].attempts, 3);
}

TEST(Scheduler, MatrixLegsRunWithTheirVariables) {
  Fixture f;
  RunRecord run = f.run(R"Y(
stages:
- stage: s
  jobs:
  - job: build
    strategy:
      matrix:
        linux: {os: linux}
        mac: {os: mac}
    steps:
    - bash: 'echo "os=$(os) $OS"; echo "##vso[task.setvariable variable=out;isOutput=true]$(os)"'
      name: info
  - job: after
    dependsOn: [build]
    variables: {m: "$[ dependencies.build.outputs['mac.info.out'] ]"}
    steps: [{bash: 'echo "mac said $(m)"'}]
)Y");
  EXPECT_EQ(results(run), "s=succeeded[build.linux=succeeded build.mac=succeeded after=succeeded ] ");
  EXPECT_EQ(f.recorder.step_lines("s.build.linux", 0).at(0), "os=linux linux");
  EXPECT_EQ(f.recorder.step_lines("s.build.mac", 0).at(0), "os=mac mac");
  EXPECT_EQ(f.recorder.step_lines("s.after", 0).at(0), "mac said mac");
}

TEST(Scheduler, CancelKillsRunningStepsRunsAlwaysStepsAndRecordsCanceled) {
  Fixture f;
  std::atomic<bool> cancel{false};
  f.options.cancel = &cancel;
  f.options.cancel_reason = [] { return std::string("canceled by alice"); };
  std::string pid_file = (f.report / "pid").string();
  std::thread canceller([&] {
    for (int i = 0; i < 1000 && !std::filesystem::exists(pid_file); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    cancel = true;
  });
  RunRecord run = f.run(R"Y(
stages:
- stage: s
  jobs:
  - job: j
    steps:
    - {bash: 'sleep 300 & echo $! > )Y" + pid_file + R"Y(.tmp; mv )Y" + pid_file + R"Y(.tmp )Y" + pid_file + R"Y(; wait'}
    - {bash: 'echo not here'}
    - {bash: 'echo cleanup', condition: always()}
  - {job: later, dependsOn: [j], steps: [{script: 'true'}]}
  - {job: finally, dependsOn: [j], condition: always(), steps: [{script: 'echo finally'}]}
)Y");
  canceller.join();
  EXPECT_EQ(run.result, TaskResult::canceled);
  EXPECT_EQ(run.reason, "canceled by alice");
  const JobRecord& j = job(run, "s.j");
  EXPECT_EQ(j.result, TaskResult::canceled);
  EXPECT_EQ(j.steps[0].result, TaskResult::canceled);
  EXPECT_EQ(j.steps[1].result, TaskResult::skipped);
  EXPECT_EQ(j.steps[2].result, TaskResult::succeeded);
  EXPECT_EQ(job(run, "s.later").result, TaskResult::skipped);
  EXPECT_EQ(job(run, "s.finally").result, TaskResult::succeeded);
  int grandchild = std::stoi(test::read_file(pid_file));
  EXPECT_FALSE(survives(grandchild)) << "the background sleep survived the cancel";
}

TEST(Scheduler, PublishAndDownloadCarryFilesBetweenJobs) {
  Fixture f;
  RunRecord run = f.run(R"Y(
stages:
- stage: s
  jobs:
  - job: make
    steps:
    - bash: mkdir -p out/sub && echo hello > out/sub/a.txt && echo x > out/b.txt
    - {publish: out, artifact: drop}
  - job: use
    dependsOn: [make]
    steps:
    - {download: current, artifact: drop}
    - bash: cat "$(Pipeline.Workspace)/drop/sub/a.txt"; [ ! -e "$(Pipeline.Workspace)/../s.make" ] || true
  - job: missing
    dependsOn: [make]
    steps: [{download: current, artifact: nothere}]
  - job: badname
    steps: [{publish: ., artifact: ../escape}]
)Y");
  EXPECT_EQ(job(run, "s.make").result, TaskResult::succeeded);
  EXPECT_EQ(f.recorder.step_lines("s.use", 1).at(0), "hello");
  EXPECT_EQ(job(run, "s.missing").steps[0].reason, "artifact 'nothere' was not published in run 1");
  EXPECT_EQ(job(run, "s.badname").steps[0].reason, "artifact name '../escape' is not allowed: it contains '..'");
  ASSERT_EQ(run.artifacts.size(), 1u);
  EXPECT_EQ(run.artifacts[0].files, 2);
}

TEST(Scheduler, JobsGetSeparateWorkspaces) {
  Fixture f;
  RunRecord run = f.run(R"Y(
stages:
- stage: s
  jobs:
  - {job: a, steps: [{bash: 'touch mine'}]}
  - {job: b, dependsOn: [a], steps: [{bash: '[ ! -e mine ]'}]}
)Y");
  EXPECT_EQ(run.result, TaskResult::succeeded);
}

TEST(Scheduler, RunJsonHasEveryLevel) {
  Fixture f;
  RunRecord run = f.run("stages: [{stage: s, jobs: [{job: j, steps: [{script: 'true', displayName: T}]}]}]");
  nlohmann::ordered_json json = run_to_json(run);
  EXPECT_EQ(json["result"], "succeeded");
  EXPECT_EQ(json["stages"][0]["jobs"][0]["steps"][0]["displayName"], "T");
  EXPECT_EQ(json["stages"][0]["jobs"][0]["steps"][0]["result"], "succeeded");
  EXPECT_TRUE(json["stages"][0]["jobs"][0]["start"].is_string());
}

TEST(BuildNumber, FormatsDateRevisionAndMacros) {
  Variables vars;
  vars.set("Build.DefinitionName", "orders");
  // 2026-11-25T10:31:00Z
  EXPECT_EQ(format_build_number("$(Build.DefinitionName)_$(Date:yyyyMMdd)$(Rev:.r)", 1795602660000, 3, vars),
            "orders_20261125.3");
  EXPECT_EQ(format_build_number("", 1795602660000, 12, vars), "20261125.12");
  EXPECT_EQ(build_number_revision_key("$(Build.DefinitionName)_$(Date:yyyyMMdd)$(Rev:.r)", 1795602660000, vars),
            "orders_20261125$(Rev)");
}

TEST(BuildNumber, RevisionCountsRunsWhoseBuildNumberIsOtherwiseTheSame) {
  Fixture f;
  std::map<std::string, int> counters;
  f.options.revision_counter = [&](const std::string& key) -> Result<int> { return ++counters[key]; };
  auto number = [&](const std::string& format) {
    return f.run("name: " + format + "\nstages:\n- stage: s\n  jobs:\n  - job: j\n    steps:\n    - script: 'true'\n").build_number;
  };
  EXPECT_EQ(number("1.0.$(Rev:r)"), "1.0.1");
  EXPECT_EQ(number("1.0.$(Rev:r)"), "1.0.2");
  EXPECT_EQ(number("1.1.$(Rev:r)"), "1.1.1");  // another prefix starts again
  EXPECT_EQ(number("1.0.$(Rev:r)"), "1.0.3");
  EXPECT_EQ(number("fixed"), "fixed");          // no $(Rev): nothing counted
  EXPECT_EQ(counters.size(), 2u);
}

TEST(Results, AggregateLikeAzure) {
  using R = TaskResult;
  EXPECT_EQ(aggregate_results({}), R::skipped);
  EXPECT_EQ(aggregate_results({R::skipped, R::succeeded}), R::succeeded);
  EXPECT_EQ(aggregate_results({R::succeeded_with_issues, R::succeeded}), R::succeeded_with_issues);
  EXPECT_EQ(aggregate_results({R::canceled, R::failed}), R::failed);
  EXPECT_EQ(aggregate_results({R::canceled, R::succeeded}), R::canceled);
}

}  // namespace
}  // namespace slipway::run
