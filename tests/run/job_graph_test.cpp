#include <gtest/gtest.h>

#include "run/job.h"
#include "run/readiness.h"
#include "run/spec.h"

namespace slipway::run {
namespace {

Result<PipelineSpec> read(const std::string& text) {
  Result<yaml::Node> node = yaml::parse(text, "pipeline.yml");
  if (!node) return std::unexpected(node.error());
  return read_pipeline(*node);
}

TEST(JobGraph, ReadsStagesJobsAndStepOptions) {
  Result<PipelineSpec> spec = read(R"(
name: $(Date:yyyyMMdd)$(Rev:.r)
variables: {configuration: release}
stages:
- stage: build
  dependsOn: []
  condition: succeeded()
  jobs:
  - job: compile
    dependsOn: []
    condition: succeeded()
    timeoutInMinutes: '5'
    strategy:
      matrix:
        linux: {os: linux}
        mac: {os: mac}
      maxParallel: '1'
    steps:
    - script: echo hi
      displayName: Say hi
      name: hello
      env: {A: b}
      continueOnError: 'true'
      timeoutInMinutes: '2'
      retryCountOnTaskFailure: '3'
      enabled: 'false'
      workingDirectory: sub
    - task: PublishPipelineArtifact@1
      displayName: Publish
      inputs: {targetPath: out, artifact: drop}
)");
  ASSERT_TRUE(spec) << spec.error().to_string();
  EXPECT_EQ(spec->name_format, "$(Date:yyyyMMdd)$(Rev:.r)");
  ASSERT_EQ(spec->stages.size(), 1u);
  const JobSpec& job = spec->stages[0].jobs[0];
  EXPECT_EQ(job.timeout_minutes, 5);
  ASSERT_EQ(job.legs.size(), 2u);
  EXPECT_EQ(job.legs[1].name, "mac");
  EXPECT_EQ(job.max_parallel, 1);
  const StepSpec& step = job.steps[0];
  EXPECT_EQ(step.kind, StepKind::script);
  EXPECT_EQ(step.name, "hello");
  EXPECT_TRUE(step.continue_on_error);
  EXPECT_EQ(step.timeout_minutes, 2);
  EXPECT_EQ(step.retry_count, 3);
  EXPECT_FALSE(step.enabled);
  EXPECT_EQ(step.working_directory, "sub");
  EXPECT_EQ(job.steps[1].kind, StepKind::publish);
  EXPECT_EQ(job.steps[1].body, "out");
  EXPECT_EQ(job.steps[1].artifact, "drop");
}

TEST(JobGraph, RejectsUnknownDependency) {
  Result<PipelineSpec> spec = read(R"(
stages:
- stage: a
  jobs:
  - job: one
    dependsOn: [nothere]
    steps: [{script: 'true'}]
)");
  ASSERT_FALSE(spec);
  EXPECT_EQ(spec.error().message, "job 'one' depends on unknown job 'nothere' in stage 'a'");
  EXPECT_EQ(spec.error().where.to_string(), "pipeline.yml:5:5");
}

TEST(JobGraph, RejectsCycleNamingIt) {
  Result<PipelineSpec> spec = read(R"(
stages:
- {stage: a, dependsOn: [c], jobs: []}
- {stage: b, dependsOn: [a], jobs: []}
- {stage: c, dependsOn: [b], jobs: []}
)");
  ASSERT_FALSE(spec);
  EXPECT_EQ(spec.error().message, "dependency cycle: a -> c -> b -> a");
}

TEST(JobGraph, ReadsAnyTaskAndPwshAsPowerShellTask) {
  // Any task is read with its inputs; whether something runs it is checked
  // apart (readiness.h), before a run starts.
  Result<PipelineSpec> task = read(R"(
stages:
- stage: a
  jobs:
  - job: j
    steps:
    - task: AzurePowerShell@4
      inputs: {command: build}
)");
  ASSERT_TRUE(task) << task.error().to_string();
  const StepSpec& step = task->stages[0].jobs[0].steps[0];
  EXPECT_EQ(step.kind, StepKind::task);
  EXPECT_EQ(step.task, "AzurePowerShell@4");
  EXPECT_EQ(step.inputs, (NameValues{{"command", "build"}}));
  Status available = check_tasks_available(*task, nullptr);
  ASSERT_FALSE(available);
  EXPECT_EQ(available.error().code, ErrorCode::unsupported);
  EXPECT_EQ(available.error().to_string(),
            "pipeline.yml:7:7: task 'AzurePowerShell@4' is not supported: no built-in and no task folder has it "
            "(tasks: in slipway.yaml, slipway task add)");
  // pwsh and powershell steps are Azure's shortcut for PowerShell@2 inline.
  Result<PipelineSpec> pwsh =
      read("stages: [{stage: a, jobs: [{job: j, steps: [{pwsh: dir, errorActionPreference: continue}]}]}]");
  ASSERT_TRUE(pwsh) << pwsh.error().to_string();
  const StepSpec& ps = pwsh->stages[0].jobs[0].steps[0];
  EXPECT_EQ(ps.kind, StepKind::task);
  EXPECT_EQ(ps.task, "PowerShell@2");
  EXPECT_EQ(ps.inputs, (NameValues{{"targetType", "inline"}, {"script", "dir"}, {"pwsh", "true"},
                                   {"errorActionPreference", "continue"}}));
}

TEST(JobGraph, ContainersComeFromResourcesInlineOrAnImage) {
  Result<PipelineSpec> spec = read(R"(
resources:
  containers:
  - container: py
    image: python:3.11
    env: {A: $(a)}
    options: --cpus 2 --health-cmd "pg_isready -q" --user 1000
    volumes: [cache:/cache]
stages:
- stage: a
  jobs:
  - job: build
    container: py
    services:
      db: {image: postgres:16, ports: [5432]}
      cache: redis:7
    steps: [{script: pytest}]
  - job: plain
    container: ubuntu:22.04
    steps: [{script: x}]
)");
  ASSERT_TRUE(spec) << spec.error().to_string();
  const JobSpec& build = spec->stages[0].jobs[0];
  ASSERT_TRUE(build.container);
  EXPECT_EQ(build.container->name, "py");
  EXPECT_EQ(build.container->image, "python:3.11");
  EXPECT_EQ(build.container->env, (NameValues{{"A", "$(a)"}}));
  EXPECT_EQ(build.container->options,
            (std::vector<std::string>{"--cpus", "2", "--health-cmd", "pg_isready -q", "--user", "1000"}));
  EXPECT_EQ(build.container->volumes, std::vector<std::string>{"cache:/cache"});
  ASSERT_EQ(build.services.size(), 2u);
  EXPECT_EQ(build.services[0].name, "db");
  EXPECT_EQ(build.services[0].ports, std::vector<std::string>{"5432"});
  EXPECT_EQ(build.services[1].name, "cache");
  EXPECT_EQ(build.services[1].image, "redis:7");
  EXPECT_EQ(spec->stages[0].jobs[1].container->image, "ubuntu:22.04");
}

TEST(JobGraph, ContainerOptionsThatReachTheMachineAreRefusedAtTheirPosition) {
  for (std::string option : {"--privileged", "-v /:/host", "--volume=/:/host", "--pid host", "--cap-add SYS_ADMIN",
                             "--network host", "--device /dev/sda", "--security-opt seccomp=unconfined", "--init",
                             "--env-host", "--env-file /etc/environment", "--mount type=bind,src=/,dst=/h"}) {
    Result<PipelineSpec> spec = read(R"(
stages:
- stage: a
  jobs:
  - job: build
    container:
      image: alpine
      options: )" + option + R"(
    steps: [{script: x}]
)");
    ASSERT_FALSE(spec) << option;
    std::string name = option.substr(0, option.find_first_of(" ="));
    EXPECT_EQ(spec.error().to_string(),
              "pipeline.yml:8:16: container option '" + name +
                  "' is not allowed: slipway passes only options that keep the container to the job's folder "
                  "(resources, user, health check, environment, labels)");
  }
  auto refused = [&](const std::string& container) {
    Result<PipelineSpec> spec = read("stages: [{stage: a, jobs: [{job: j, container: " + container + ", steps: []}]}]");
    return spec ? std::string("accepted") : spec.error().message;
  };
  EXPECT_EQ(refused("{image: alpine, options: -e AWS_SECRET_ACCESS_KEY}"),
            "container option '-e AWS_SECRET_ACCESS_KEY' must set NAME=value (a bare name would copy slipway's own)");
  EXPECT_EQ(refused("{image: alpine, options: '--env=*'}"),
            "container option '--env *' must set NAME=value (a bare name would copy slipway's own)");
  EXPECT_EQ(refused("{image: alpine, options: -e A=b --cpus 1}"), "accepted");
  for (std::string volume : {"/var/run/docker.sock:/s", ".slipway:/s", ".:/w", "/home/u/.bashrc:/x", "cache"})
    EXPECT_EQ(refused("{image: alpine, volumes: ['" + volume + "']}"),
              "container: volume '" + volume + "' is not mounted: only named volumes (NAME:/path) are; the job's "
              "folder is mounted already, and a folder of the machine would reach beyond the job") << volume;
  EXPECT_EQ(refused("{image: alpine, volumes: ['$(v):/x']}"), "accepted");  // decided when the job starts
  EXPECT_EQ(refused("{image: alpine, ports: ['0.0.0.0:80:80']}"),
            "container: port '0.0.0.0:80:80' must be PORT, HOST_PORT:PORT or 127.0.0.1:HOST_PORT:PORT (published on the "
            "loopback only)");
  EXPECT_EQ(refused("'--privileged'"), "container: '--privileged' is not an image name");
  Result<PipelineSpec> no_image = read("stages: [{stage: a, jobs: [{job: j, container: {env: {A: b}}, steps: []}]}]");
  ASSERT_FALSE(no_image);
  EXPECT_EQ(no_image.error().message, "a container needs an image");
}

TEST(JobGraph, WithoutAnEngineContainerJobsAndServicesAreRefusedBeforeARun) {
  ContainerEngine none{"", "need docker or podman; neither is installed"};
  Result<PipelineSpec> container = read(R"(
stages:
- stage: a
  jobs:
  - job: build
    container: python:3.11
    steps: [{script: pytest}]
)");
  ASSERT_TRUE(container) << container.error().to_string();
  Status refused = check_containers(*container, none);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().to_string(),
            "pipeline.yml:6:16: job 'build' runs in container 'python:3.11', but container jobs need docker or podman; "
            "neither is installed");
  EXPECT_TRUE(check_containers(*container, ContainerEngine{"/usr/bin/podman", ""}));
  Result<PipelineSpec> services = read(R"(
stages:
- stage: a
  jobs:
  - job: test
    services:
      db: postgres
      cache: redis
    steps: [{script: pytest}]
)");
  ASSERT_TRUE(services) << services.error().to_string();
  Status no_services = check_containers(*services, none);
  ASSERT_FALSE(no_services);
  EXPECT_EQ(no_services.error().message, "job 'test' needs service 'db', but services need docker or podman; neither is installed");
  Result<PipelineSpec> plain = read("stages: [{stage: a, jobs: [{job: j, steps: [{script: x}]}]}]");
  ASSERT_TRUE(plain);
  EXPECT_TRUE(check_containers(*plain, none));
}

TEST(JobGraph, VariableGroupsTakeTheirPlaceInTheOrder) {
  Result<yaml::Node> node = yaml::parse(R"(
variables:
- {name: region, value: us}
- group: Shared
- {name: after, value: x}
stages: [{stage: a, jobs: [{job: j, steps: [{script: echo}]}]}]
)", "pipeline.yml");
  ASSERT_TRUE(node);
  VariableGroups groups = {{"shared", {{"region", "eu"}}, {{"token", "t0k"}}, {}}};
  Result<PipelineSpec> spec = read_pipeline(*node, groups);
  ASSERT_TRUE(spec) << spec.error().to_string();
  EXPECT_EQ(spec->variables, (NameValues{{"region", "us"}, {"region", "eu"}, {"token", "t0k"}, {"after", "x"}}));
  EXPECT_TRUE(spec->is_secret("TOKEN"));
  EXPECT_FALSE(spec->is_secret("region"));
}

TEST(JobGraph, UnknownVariableGroupIsNamedWithItsPosition) {
  Result<PipelineSpec> spec = read("variables: [{group: missing}]\nstages: [{stage: a, jobs: [{job: j, steps: [{script: echo}]}]}]\n");
  ASSERT_FALSE(spec);
  EXPECT_EQ(spec.error().code, ErrorCode::not_found);
  EXPECT_EQ(spec.error().to_string(), "pipeline.yml:1:13: variable group 'missing' is not defined in the workspace");
}

TEST(JobGraph, VariableGroupWithUnreadSecretFailsWithItsProblem) {
  Result<yaml::Node> node =
      yaml::parse("variables: [{group: g}]\nstages: [{stage: a, jobs: [{job: j, steps: [{script: echo}]}]}]\n", "p.yml");
  ASSERT_TRUE(node);
  Result<PipelineSpec> spec = read_pipeline(*node, {{"g", {}, {}, "secret 't' of variable group 'g' reads X, not set"}});
  ASSERT_FALSE(spec);
  EXPECT_EQ(spec.error().to_string(), "p.yml:1:13: secret 't' of variable group 'g' reads X, not set");
}

TEST(JobGraph, UploadIsPublish) {
  Result<PipelineSpec> spec = read("stages: [{stage: a, jobs: [{job: j, steps: [{upload: out, artifact: drop}]}]}]");
  ASSERT_TRUE(spec) << spec.error().to_string();
  EXPECT_EQ(spec->stages[0].jobs[0].steps[0].kind, StepKind::publish);
  EXPECT_EQ(spec->stages[0].jobs[0].steps[0].artifact, "drop");
}

TEST(JobGraph, DeploymentJobRunsItsRunOnceHooks) {
  Result<PipelineSpec> spec = read(R"(
stages:
- stage: deploy
  jobs:
  - deployment: web
    environment: staging
    strategy:
      runOnce:
        deploy:
          steps: [{script: echo deploy}]
        preDeploy:
          steps: [{script: echo pre}]
        on:
          failure:
            steps: [{script: echo rollback}]
)");
  ASSERT_TRUE(spec) << spec.error().to_string();
  const JobSpec& job = spec->stages[0].jobs[0];
  EXPECT_TRUE(job.deployment);
  EXPECT_EQ(job.environment, "staging");
  ASSERT_EQ(job.steps.size(), 3u);
  EXPECT_EQ(job.steps[0].body, "echo pre");
  EXPECT_EQ(job.steps[1].body, "echo deploy");
  EXPECT_EQ(job.steps[2].condition, "failed()");
}

TEST(JobGraph, CanaryRunsItsTrafficHooksPerIncrementAndRollingOnce) {
  Result<PipelineSpec> spec = read(R"(
stages:
- stage: deploy
  jobs:
  - deployment: web
    environment: staging.web
    strategy:
      canary:
        increments: [10, 20]
        preDeploy: {steps: [{script: pre}]}
        deploy: {steps: [{script: deploy}]}
        postRouteTraffic: {steps: [{script: check}]}
        on: {success: {steps: [{script: done}]}}
  - deployment: api
    environment: {name: prod, resourceName: api}
    strategy:
      rolling:
        maxParallel: 2
        deploy: {steps: [{script: roll}]}
)");
  ASSERT_TRUE(spec) << spec.error().to_string();
  const JobSpec& canary = spec->stages[0].jobs[0];
  EXPECT_EQ(canary.environment, "staging");
  EXPECT_EQ(canary.environment_resource, "web");
  std::vector<std::string> order;
  for (const StepSpec& step : canary.steps) {
    std::string increment;
    for (const auto& [name, value] : step.variables)
      if (name == "Strategy.Increment") increment = " " + value;
    order.push_back(step.body + increment);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"pre", "deploy 10", "check 10", "deploy 20", "check 20", "done"}));
  EXPECT_EQ(canary.steps[0].variables, (NameValues{{"Strategy.Name", "canary"}}));
  EXPECT_EQ(canary.steps.back().condition, "succeeded()");
  const JobSpec& rolling = spec->stages[0].jobs[1];
  EXPECT_EQ(rolling.environment, "prod");
  EXPECT_EQ(rolling.environment_resource, "api");
  ASSERT_EQ(rolling.steps.size(), 1u);
  EXPECT_EQ(rolling.steps[0].variables, (NameValues{{"Strategy.Name", "rolling"}}));
}

TEST(JobGraph, ParallelStrategyMakesNumberedLegs) {
  Result<PipelineSpec> spec = read("stages: [{stage: a, jobs: [{job: j, strategy: {parallel: '3'}, steps: []}]}]");
  ASSERT_TRUE(spec);
  ASSERT_EQ(spec->stages[0].jobs[0].legs.size(), 3u);
  EXPECT_EQ(spec->stages[0].jobs[0].legs[2].name, "Job3");
}

TEST(JobMessage, RoundTripsThroughJson) {
  JobMessage job;
  job.run_id = "7";
  job.id = "build.compile.linux";
  job.stage = "build";
  job.job = "compile";
  job.leg = "linux";
  job.display_name = "compile (linux)";
  job.variables = {{"os", "linux", false}, {"token", "s3cret", true}};
  StepSpec step;
  step.kind = StepKind::bash;
  step.body = "echo $(os)";
  step.env = {{"A", "b"}};
  step.retry_count = 2;
  job.steps = {step};
  job.timeout_minutes = 9;
  job.container = ContainerSpec{"tools", "python:3.11", {{"A", "$(a)"}}, {}, {"/srv:/srv"}, {"--cpus", "2"}, {}};
  job.services = {ContainerSpec{"db", "postgres:16", {}, {"5432"}, {}, {}, {}}};
  Result<JobMessage> back = job_from_json(nlohmann::json::parse(to_json(job).dump()));
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(to_json(*back), to_json(job));
  EXPECT_EQ(back->variables[1].secret, true);
  EXPECT_EQ(back->steps[0].kind, StepKind::bash);
  ASSERT_TRUE(back->container);
  EXPECT_EQ(back->container->options, (std::vector<std::string>{"--cpus", "2"}));
  EXPECT_EQ(back->services[0].ports, std::vector<std::string>{"5432"});
}

TEST(JobMessage, MalformedJsonIsInvalidInput) {
  Result<JobMessage> back = job_from_json(nlohmann::json{{"runId", "1"}});
  ASSERT_FALSE(back);
  EXPECT_EQ(back.error().code, ErrorCode::invalid_input);
}

}  // namespace
}  // namespace slipway::run
