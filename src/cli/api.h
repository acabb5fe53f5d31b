// A command's use case named by its API route, performed where the CLI is
// pointed: on a slipway server (--server URL or SLIPWAY_SERVER, with the
// token SLIPWAY_TOKEN or `token:` of the user config file) over HTTP, or
// in this process through the same route table (server/routes.h), acting
// as the local identity. Both give the same JSON, so a command that prints
// from it prints the same either way, and errors are the same Error.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "cli/app.h"

namespace slipway::cli {

struct ApiRequest {
  std::string method = "GET";
  std::string path;                           // the route: "/environments/{env}/history"
  std::map<std::string, std::string> params;  // its placeholders: {"env", "prod"}
  std::map<std::string, std::string> query = {};
  nlohmann::json body = nullptr;
};

// The answer's JSON (every page of a paged list, concatenated).
Result<nlohmann::json> perform(const GlobalOptions& options, const ApiRequest& request, const std::string& as = "");

// A log followed as server-sent events: each (job, line) as it comes; returns the run's result.
Result<std::string> follow_run_log(const GlobalOptions& options, const std::string& run, const std::string& job,
                                   const std::function<void(const std::string& job, std::string_view line)>& line);

// Writes artifact `digest` into `to` from the server (client/artifact_download.h).
Status download_artifact(const GlobalOptions& options, const std::string& digest, const std::filesystem::path& to);

// Whether commands go to a server (--server or SLIPWAY_SERVER).
bool uses_server(const GlobalOptions& options);

// For commands that only run where the workspace is: invalid_input naming
// the command when a server is configured.
Status require_local(const GlobalOptions& options, const std::string& command);

}  // namespace slipway::cli
