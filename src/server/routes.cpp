#include "server/routes.h"

#include "release/codec.h"
#include "release/views.h"

namespace slipway::server {

namespace {

using nlohmann::json;

Result<json> status(service::Service& service, const Call&) {
  auto rows = service.status();
  if (!rows) return std::unexpected(rows.error());
  return release::to_json(*rows);
}

// The environments with what runs there: status's rows without the components.
Result<json> environments(service::Service& service, const Call&) {
  auto rows = service.status();
  if (!rows) return std::unexpected(rows.error());
  json out = json::array();
  for (const release::EnvironmentStatus& row : *rows)
    out.push_back({{"name", row.name}, {"mode", row.mode}, {"upstream", row.upstream}, {"release", row.release},
                   {"product_version", row.product_version}, {"last_result", row.last_result}});
  return out;
}

Result<json> history(service::Service& service, const Call& call) {
  auto entries = service.history(call.params.at("env"));
  if (!entries) return std::unexpected(entries.error());
  return release::to_json(*entries);
}

Result<json> releases(service::Service& service, const Call&) {
  auto all = service.releases();
  if (!all) return std::unexpected(all.error());
  json out = json::array();
  for (const release::Release& r : *all) out.push_back(release::to_json(r));
  return out;
}

Result<json> show_release(service::Service& service, const Call& call) {
  auto found = service.release(call.params.at("id"));
  if (!found) return std::unexpected(found.error());
  return release::to_json(*found);
}

Result<json> approve(service::Service& service, const Call& call) {
  const std::string& id = call.params.at("id");
  const std::string environment = call.body.at("environment").get<std::string>();
  if (Status done = service.approve(id, environment); !done) return std::unexpected(done.error());
  return json{{"release", id}, {"environment", environment}, {"approved_by", service.config().actor}};
}

// A promotion that ran but failed is still an answer (200, succeeded false):
// the request was valid and is recorded in the history like a success.
Result<json> promote(service::Service& service, const Call& call) {
  const std::string environment = call.body.at("environment").get<std::string>();
  auto record = service.promote(call.params.at("id"), environment, {});
  if (!record) return std::unexpected(record.error());
  return json{{"release", record->release},
              {"environment", record->environment},
              {"succeeded", record->outcome.succeeded},
              {"message", record->outcome.message},
              {"overridden", record->overridden},
              {"interrupted", record->interrupted}};
}

}  // namespace

const std::vector<Route>& routes() {
  static const std::vector<Route> k_routes = {
      {"GET", "/status", "the environments x components matrix", {}, status},
      {"GET", "/environments", "the environments and the release each runs", {}, environments},
      {"GET", "/environments/{env}/history", "every release applied, failed or refused in an environment", {},
       history},
      {"GET", "/releases", "every release", {}, releases},
      {"GET", "/releases/{id}", "one release", {}, show_release},
      {"POST", "/releases/{id}/approvals", "approve a release for an environment", {"environment"}, approve},
      {"POST", "/releases/{id}/promotions", "promote a release into an environment (its gates apply)",
       {"environment"}, promote},
      {"GET", "/openapi.json", "this document (OpenAPI 3.1)", {}, {}},
  };
  return k_routes;
}

std::vector<std::string> path_params(const std::string& path) {
  std::vector<std::string> out;
  for (std::size_t open = path.find('{'); open != std::string::npos; open = path.find('{', open + 1)) {
    const std::size_t close = path.find('}', open);
    if (close == std::string::npos) break;
    out.push_back(path.substr(open + 1, close - open - 1));
  }
  return out;
}

}  // namespace slipway::server
