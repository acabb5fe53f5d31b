// Readiness: what this machine can run of an expanded pipeline, without
// running anything (`slipway pipeline check`). For every step it names the
// implementation that would run it (bash, the artifact store, a built-in
// task...) or why none can: a program that is not installed, a task slipway
// has no implementation of, a step form the local agent does not run. Jobs
// add what a step needs around it: a container or services (docker or
// podman), a pool demand or image no local agent meets, a variable group the
// workspace does not define.
//
// The answers follow what the local agent does today (run/job_graph.cpp,
// run/local_agent.cpp): a step reported runnable is one the run would start.
// Programs are looked up through a seam so tests can choose what is installed.
//
// Thread-safety: check_readiness is reentrant.
#pragma once

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/yaml.h"
#include "run/containers.h"
#include "run/spec.h"
#include "run/task_folder.h"

namespace slipway::run {

// What the machine offers: which programs are on PATH, which variable groups
// the workspace defines, which task folders the workspace and state add.
struct Machine {
  std::function<bool(const std::string& program)> has_program;
  std::set<std::string> variable_groups;  // names, compared ignoring case
  std::shared_ptr<const TaskCatalog> tasks;  // may be null
  ContainerEngine containers;                // what runs container jobs and services
  std::set<std::string> environments;        // the workspace's, which deployment jobs may target
};

// The real machine: programs looked up on PATH; `groups` from the workspace.
Machine this_machine(std::set<std::string> groups, std::shared_ptr<const TaskCatalog> tasks = nullptr,
                     std::set<std::string> environments = {});

// One step, or one thing a job needs (then `step` says what: "container",
// "services", "pool", "variable group").
struct Readiness {
  Position where;        // file:line:col of the step or the key
  std::string job;       // "stage.job"
  std::string step;      // the step's display name, or what the job needs
  std::string runner;    // what runs it ("bash", "built-in SlipwayVersion@1"...); empty when nothing can
  std::string reason;    // empty when it can run; else why not ("pwsh is not installed")

  bool can_run() const { return reason.empty(); }
};

// Every step of `pipeline` (the normalized tree of pipeline/pipeline.h), in
// order, each job's needs before its steps. Never fails: a shape the run
// would refuse is reported as a reason.
std::vector<Readiness> check_readiness(const yaml::Node& pipeline, const Machine& machine);

// The implementation that runs task NAME@VERSION here ("bash", "artifact
// store", "built-in SlipwayVersion@1", "task folder /x/Greet (Node20_1)"),
// or empty when slipway has none.
std::string task_implementation(const std::string& task, const TaskCatalog* tasks = nullptr);

// Before a run starts: every task step of `spec` has an implementation.
// unsupported otherwise, at the step: "task 'Foo@1' is not supported: no
// built-in and no task folder has it (tasks: in slipway.yaml, slipway task add)".
Status check_tasks_available(const PipelineSpec& spec, const TaskCatalog* tasks);

}  // namespace slipway::run
