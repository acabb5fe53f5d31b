// The API's routes, one table: the HTTP server registers each entry and the
// OpenAPI document describes each entry, so neither can miss a route the
// other has (tests/server: every registered route is in the document).
//
// A handler gets a Service acting as the request's token identity and
// returns the JSON answer or the service layer's error (http_server.cpp
// maps ErrorCode to the HTTP status).
//
// Thread-safety: the table is immutable; handlers run one at a time.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/error.h"
#include "service/service.h"

namespace slipway::server {

inline constexpr const char* k_api_prefix = "/api/v1";

// What a handler reads of a request: the path's {placeholders} by name and
// the JSON body (null for a GET).
struct Call {
  std::map<std::string, std::string> params;
  nlohmann::json body;
};

using Handler = std::function<Result<nlohmann::json>(service::Service&, const Call&)>;

struct Route {
  std::string method;    // "GET", "POST"
  std::string path;      // under k_api_prefix, OpenAPI form: "/releases/{id}"
  std::string summary;   // one line, for the OpenAPI document
  std::vector<std::string> body_fields;  // required string fields of a JSON body; empty: no body
  Handler handler;       // empty for routes the server answers itself (openapi.json)

  // Whether the route may change state: every method but GET. A read-only
  // token is refused these before their handler runs.
  bool changes_state() const { return method != "GET"; }
};

// Every route of /api/v1.
const std::vector<Route>& routes();

// The placeholders of `path` in order: "/releases/{id}" → {"id"}.
std::vector<std::string> path_params(const std::string& path);

}  // namespace slipway::server
