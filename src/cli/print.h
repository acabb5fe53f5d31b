// Printing what the use cases answer, from their JSON form (the one the API
// and --json give), so a command prints the same whether it ran here or on
// a server (cli/api.h).
#pragma once

#include <nlohmann/json.hpp>

#include <iostream>
#include <string>
#include <vector>

#include "core/error.h"
#include "release/service.h"

namespace slipway::cli {

// "promote 2.3.5 to staging: applied (applied 4 components)", a lock taken
// over, what --force overrode; an error (exit 1) when the apply failed or
// was interrupted. `record`: service::to_json(ApplyRecord).
Status print_apply(const nlohmann::json& record, std::ostream& out = std::cout);
Status print_apply(const release::ApplyRecord& record, std::ostream& out = std::cout);

// release::to_json(Release).
void print_release(const nlohmann::json& release);
// release::to_json(status).
void print_status(const nlohmann::json& environments);
// release::to_json(Diff).
void print_diff(const nlohmann::json& diff);
// service::to_json(PlanResult): "plan for ENV: N changes", a line per target, driver problems.
void print_plan(const nlohmann::json& plan);
// release::to_json(history).
void print_history(const nlohmann::json& entries);
// service::to_json(secrets): name, where it is declared, its age ("created 3m ago").
void print_secrets(const nlohmann::json& secrets);
// Rows padded into aligned columns, on stdout.
void print_table(const std::vector<std::vector<std::string>>& rows);

}  // namespace slipway::cli
