// slipway state copy --to LOCATION: the whole state into an empty database,
// e.g. a team's SQLite state into PostgreSQL. Prints each table's rows, as
// counted again in the copy; --json: the same as an object.
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/app.h"
#include "cli/print.h"
#include "core/json_text.h"

namespace slipway::cli {

namespace {

struct StateArgs {
  std::string to;
  std::string as;
};

Status copy_state(const GlobalOptions& options, const StateArgs& args) {
  Result<std::unique_ptr<service::Service>> service = open_service(options, args.as);
  if (!service) return std::unexpected(service.error());
  Result<std::vector<store::TableCount>> counts = (*service)->copy_state(args.to);
  if (!counts) return std::unexpected(counts.error());
  const std::string to = service::shown_location(args.to);
  const std::string root = (*service)->config().state_root.string();
  std::int64_t rows = 0;
  for (const store::TableCount& count : *counts) rows += count.copied;
  if (options.json) {
    nlohmann::ordered_json tables = nlohmann::ordered_json::object();
    for (const store::TableCount& count : *counts) tables[count.table] = count.copied;
    std::cout << json_text(nlohmann::ordered_json{{"to", to}, {"rows", rows}, {"tables", tables}, {"files", root}}, 2)
              << std::endl;
    return {};
  }
  std::vector<std::vector<std::string>> table{{"TABLE", "ROWS"}};
  for (const store::TableCount& count : *counts) table.push_back({count.table, std::to_string(count.copied)});
  print_table(table);
  std::cout << "copied " << rows << " rows in " << counts->size() << " tables to " << to
            << " (every count checked); logs, artifacts and work folders stay in " << root
            << ": use them with SLIPWAY_STATE_ROOT=" << root << "\n";
  return {};
}

}  // namespace

void add_state_commands(CLI::App& app, GlobalOptions& options) {
  CLI::App* state = app.add_subcommand("state", "the state database as a whole");
  state->require_subcommand(1);
  auto args = std::make_shared<StateArgs>();
  CLI::App* copy = state->add_subcommand(
      "copy", "copy the whole state into an empty database, e.g. postgresql://USER@HOST:PORT/DB (permission state)");
  copy->add_option("--to", args->to, "the target: a postgresql:// URL or a SQLite file path; it must be empty")
      ->required();
  copy->add_flag("--json", options.json, "print JSON");
  add_as_option(copy, args->as);
  copy->callback([&options, args] {
    if (Status s = copy_state(options, *args); !s) options.exit_code = report(s.error());
  });
}

}  // namespace slipway::cli
