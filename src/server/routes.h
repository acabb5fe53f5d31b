// The API's routes, one table: the HTTP server registers each entry and the
// OpenAPI document describes each entry, so neither can miss a route the
// other has (tests/server: every registered route is in the document).
//
// A handler gets the Session acting as the request's token identity and
// returns an Answer (JSON, or a stream) or the service layer's error
// (http_server.cpp maps ErrorCode to the HTTP status).
//
// Thread-safety: the table is immutable; handlers run one at a time, under
// the server's lock; a streamed answer's body runs after the lock is
// released, on the request's own thread, with its own Feed.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "service/feed.h"
#include "server/log_hub.h"
#include "service/run_scheduler.h"
#include "service/runs.h"
#include "service/service.h"

namespace slipway::server {

inline constexpr const char* k_api_prefix = "/api/v1";

// What a handler acts through: the use cases, with the token's identity acting.
struct Session {
  service::Service& service;
  service::RunService& runs;
  service::Feed& feed;
  service::RunScheduler* scheduler = nullptr;  // starts runs (serve's slots); none in the CLI
  LogHub* log_hub = nullptr;                   // shares a run log's reader among its followers; none in the CLI
};

// What a handler reads of a request.
struct Call {
  std::string path;                                  // as requested, without the query
  std::map<std::string, std::string> params;         // the path's {placeholders}
  std::map<std::string, std::string> query;          // ?name=value (the first of each)
  nlohmann::json body;                               // the JSON body; null without one
  std::string last_event_id;                         // Last-Event-ID, for a resumed stream

  // The query parameter `name`, or `otherwise`.
  std::string query_or(const std::string& name, const std::string& otherwise = "") const;
  // The body's string field `name`; empty when absent.
  std::string text(const std::string& name) const;
};

// A streamed body: `write` sends bytes and says false once the client left
// or the server stops; write("") only asks that.
using Write = std::function<bool(std::string_view bytes)>;
using Stream = std::function<void(service::Feed& feed, const Write& write)>;

struct Answer {
  int status = 200;
  nlohmann::json body;
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. Link for the next page
  // A streamed answer instead of `body`: its content type and producer.
  std::string content_type;
  Stream stream;
  // The answer to give once the server's lock is released, when it waits
  // on work elsewhere (a run slot numbering a run): other requests go on.
  std::function<Result<Answer>()> later;

  Answer(nlohmann::json json = nullptr) : body(std::move(json)) {}  // NOLINT: JSON answers are the rule
};

using Handler = std::function<Result<Answer>(Session&, const Call&)>;

// A field of a JSON body.
struct Field {
  std::string name;
  std::string type = "string";  // "string", "boolean", "object"
  bool required = true;
};

struct Route {
  std::string method;            // "GET", "POST"
  std::string path;              // under k_api_prefix, OpenAPI form: "/releases/{id}"
  std::string summary;           // one line, for the OpenAPI document
  std::vector<Field> body = {};  // a JSON object body's fields; empty: no body
  std::vector<std::string> query = {};  // query parameters it reads
  Handler handler = {};          // empty for routes the server answers itself (openapi.json)

  // Whether the route may change state: every method but GET. A read-only
  // token is refused these before their handler runs.
  bool changes_state() const { return method != "GET"; }
};

// Every route of /api/v1.
const std::vector<Route>& routes();

// The placeholders of `path` in order: "/releases/{id}" → {"id"}.
std::vector<std::string> path_params(const std::string& path);

// `items` cut to the page `call` asks (?page=1&per_page=100, GitHub's
// form), with a Link header to the next page and X-Total-Count.
Result<Answer> page_of(nlohmann::json items, const Call& call);

}  // namespace slipway::server
