// slipway task add PATH|ARCHIVE, slipway task list: Azure task folders
// (run/task_folder.h) that pipelines' `task:` steps run when no built-in does.
// Both act on this machine's state root (task folders are files, as work
// folders are), never through --server.
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/app.h"
#include "cli/print.h"
#include "core/json_text.h"

namespace slipway::cli {

namespace {

struct TaskArgs {
  std::string path;
  std::string as;
};

nlohmann::ordered_json task_json(const run::TaskFolder& task) {
  return {{"name", task.name}, {"version", task.version.text()}, {"id", task.id},
          {"handler", task.handler}, {"target", task.target}, {"folder", task.dir.string()}};
}

Status add_task(const GlobalOptions& options, const TaskArgs& args) {
  Result<std::unique_ptr<service::Service>> service = open_service(options, args.as);
  if (!service) return std::unexpected(service.error());
  Result<run::TaskFolder> task = (*service)->add_task(args.path);
  if (!task) return std::unexpected(task.error());
  if (options.json) std::cout << json_text(task_json(*task), 2) << std::endl;
  else std::cout << "added task " << task->reference() << " (" << task->handler << ") in " << task->dir.string() << "\n";
  return {};
}

Status list_tasks(const GlobalOptions& options, const TaskArgs& args) {
  Result<std::unique_ptr<service::Service>> service = open_service(options, args.as);
  if (!service) return std::unexpected(service.error());
  Result<std::vector<run::TaskFolder>> tasks = (*service)->task_folders();
  if (!tasks) return std::unexpected(tasks.error());
  if (options.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const run::TaskFolder& task : *tasks) out.push_back(task_json(task));
    std::cout << json_text(out, 2) << std::endl;
    return {};
  }
  std::vector<std::vector<std::string>> table{{"TASK", "HANDLER", "FOLDER"}};
  for (const run::TaskFolder& task : *tasks) table.push_back({task.reference(), task.handler, task.dir.string()});
  print_table(table);
  return {};
}

}  // namespace

void add_task_commands(CLI::App& app, GlobalOptions& options) {
  CLI::App* task = app.add_subcommand("task", "Azure task folders run by pipelines' task: steps");
  task->require_subcommand(1);
  auto args = std::make_shared<TaskArgs>();
  CLI::App* add = task->add_subcommand(
      "add", "add a task folder, or a zip/tar of one, to the state (permission task); a version is never replaced");
  add->add_option("PATH", args->path, "a folder holding task.json, or an archive of one")->required();
  add->add_flag("--json", options.json, "print JSON");
  add_as_option(add, args->as);
  add->callback([&options, args] {
    if (Status s = add_task(options, *args); !s) options.exit_code = report(s.error());
  });
  CLI::App* list = task->add_subcommand("list", "the task folders pipelines can run: the workspace's tasks: and those added");
  list->add_flag("--json", options.json, "print JSON");
  list->callback([&options, args] {
    if (Status s = list_tasks(options, *args); !s) options.exit_code = report(s.error());
  });
}

}  // namespace slipway::cli
