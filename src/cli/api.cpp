#include "cli/api.h"

#include <cstdlib>

#include "cli/identity.h"
#include "client/api_client.h"
#include "client/artifact_download.h"
#include "server/routes.h"
#include "service/feed.h"

namespace slipway::cli {

namespace {

using nlohmann::json;

std::string server_of(const GlobalOptions& options) {
  if (!options.server.empty()) return options.server;
  const char* env = std::getenv("SLIPWAY_SERVER");
  return env ? env : "";
}

// "/environments/{env}/history" with env=prod → "/environments/prod/history?page=2".
std::string target_of(const ApiRequest& request, const std::map<std::string, std::string>& query) {
  std::string target = request.path;
  for (const auto& [name, value] : request.params) {
    const std::string placeholder = "{" + name + "}";
    if (std::size_t at = target.find(placeholder); at != std::string::npos)
      target.replace(at, placeholder.size(), client::ApiClient::encode(value));
  }
  char separator = '?';
  for (const auto& [name, value] : query) {
    target += separator + name + "=" + client::ApiClient::encode(value);
    separator = '&';
  }
  return target;
}

void append(json& all, json page) {
  if (all.is_null()) all = std::move(page);
  else if (all.is_array() && page.is_array()) all.insert(all.end(), page.begin(), page.end());
}

Result<std::unique_ptr<client::ApiClient>> connect(const GlobalOptions& options, const std::string& as) {
  if (!as.empty())
    return fail(ErrorCode::invalid_input,
                "--as " + as + " does not apply with a server: the token's user acts (SLIPWAY_TOKEN)");
  Result<std::string> token = api_token();
  if (!token) return std::unexpected(token.error());
  return client::ApiClient::connect(server_of(options), *token);
}

Result<json> perform_remote(const GlobalOptions& options, const ApiRequest& request, const std::string& as) {
  Result<std::unique_ptr<client::ApiClient>> api = connect(options, as);
  if (!api) return std::unexpected(api.error());
  std::map<std::string, std::string> query = request.query;
  if (request.method == "GET") query.emplace("per_page", "1000");
  json all;
  for (std::string target = target_of(request, query); !target.empty();) {
    Result<client::Answer> answer = (*api)->send(request.method, target, request.body);
    if (!answer) return std::unexpected(answer.error());
    append(all, std::move(answer->body));
    target = answer->next_page;
  }
  return all;
}

const server::Route* route_of(const ApiRequest& request) {
  for (const server::Route& route : server::routes())
    if (route.method == request.method && route.path == request.path) return &route;
  return nullptr;
}

bool has_next(const server::Answer& answer) {
  for (const auto& [name, value] : answer.headers)
    if (name == "Link" && value.find("rel=\"next\"") != std::string::npos) return true;
  return false;
}

Result<json> perform_local(const GlobalOptions& options, const ApiRequest& request, const std::string& as) {
  const server::Route* route = route_of(request);
  if (!route || !route->handler) return fail(ErrorCode::internal, "no route " + request.method + " " + request.path);
  Result<std::unique_ptr<service::RunService>> runs = open_run_service(options, as);
  if (!runs) return std::unexpected(runs.error());
  if (!(*runs)->service()) return fail(ErrorCode::not_found, "no slipway.yaml in " + options.workspace);
  Result<std::unique_ptr<service::Feed>> feed = service::Feed::open(service_config(options, as));
  if (!feed) return std::unexpected(feed.error());
  server::Session session{*(*runs)->service(), **runs, **feed};
  server::Call call{.path = request.path, .params = request.params, .query = request.query, .body = request.body,
                    .last_event_id = ""};
  call.query["per_page"] = "1000";
  json all;
  for (int page = 1;; ++page) {
    call.query["page"] = std::to_string(page);
    Result<server::Answer> answer = route->handler(session, call);
    if (answer && answer->later) answer = answer->later();
    if (!answer) return std::unexpected(answer.error());
    append(all, std::move(answer->body));
    if (!has_next(*answer)) return all;
  }
}

// One server-sent event's fields: "event: line\ndata: {...}".
std::pair<std::string, json> parse_event(std::string_view text) {
  std::string event, data;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view field = text.substr(start, end - start);
    if (field.starts_with("event: ")) event = field.substr(7);
    if (field.starts_with("data: ")) data = field.substr(6);
    start = end + 1;
  }
  return {event, json::parse(data, nullptr, false)};
}

}  // namespace

Status download_artifact(const GlobalOptions& options, const std::string& digest, const std::filesystem::path& to) {
  Result<std::unique_ptr<client::ApiClient>> api = connect(options, "");
  if (!api) return std::unexpected(api.error());
  return client::download_artifact(**api, digest, to);
}

bool uses_server(const GlobalOptions& options) { return !server_of(options).empty(); }

Status require_local(const GlobalOptions& options, const std::string& command) {
  if (!uses_server(options)) return {};
  return fail(ErrorCode::invalid_input, "'" + command + "' works on the local workspace and state only; "
                                        "run it without --server (or SLIPWAY_SERVER)");
}

Result<json> perform(const GlobalOptions& options, const ApiRequest& request, const std::string& as) {
  return uses_server(options) ? perform_remote(options, request, as) : perform_local(options, request, as);
}

Result<std::string> follow_run_log(const GlobalOptions& options, const std::string& run, const std::string& job,
                                   const std::function<void(const std::string&, std::string_view)>& line) {
  if (!uses_server(options)) {
    Result<std::unique_ptr<service::RunService>> runs = open_run_service(options);
    if (!runs) return std::unexpected(runs.error());
    return (*runs)->follow_logs(run, job, line);
  }
  Result<std::unique_ptr<client::ApiClient>> api = connect(options, "");
  if (!api) return std::unexpected(api.error());
  ApiRequest request{.path = "/runs/{id}/logs", .params = {{"id", run}}};
  std::map<std::string, std::string> query = {{"follow", "1"}};
  if (!job.empty()) query["job"] = job;
  std::string pending, result;
  Status streamed = (*api)->stream(target_of(request, query), [&](std::string_view chunk) {
    pending.append(chunk);
    for (std::size_t end = pending.find("\n\n"); end != std::string::npos; end = pending.find("\n\n")) {
      auto [event, data] = parse_event(std::string_view(pending).substr(0, end));
      pending.erase(0, end + 2);
      if (event == "line" && data.is_object()) line(data.value("job", ""), data.value("line", ""));
      if (event == "end" && data.is_object()) result = data.value("result", "");
    }
    return true;
  });
  if (!streamed) return std::unexpected(streamed.error());
  return result;
}

}  // namespace slipway::cli
