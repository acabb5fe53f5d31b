#include "server/http_server.h"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <regex>

#include "server/openapi.h"
#include "server/routes.h"

namespace slipway::server {

namespace {

using nlohmann::json;

void answer(httplib::Response& response, int status, const json& body) {
  response.status = status;
  response.set_content(body.dump(), "application/json");
}

void answer_error(httplib::Response& response, int status, const std::string& code, const std::string& message,
                  const Position& where = {}) {
  json inner = {{"code", code}, {"message", message}};
  if (where.known()) inner["position"] = where.to_string();
  answer(response, status, {{"error", inner}});
}

// HTTP's meaning of each ErrorCode. invalid_input reaching a handler is a
// well-formed request the state refuses (an unknown environment name is
// not_found already), hence 422; malformed bodies are 400 before it.
int http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::denied: return 403;
    case ErrorCode::not_found: return 404;
    case ErrorCode::conflict: return 409;
    case ErrorCode::invalid_input:
    case ErrorCode::unsupported: return 422;
    default: return 500;
  }
}

// "/releases/{id}" → "/api/v1/releases/([^/]+)": httplib 0.11 matches routes by regex.
std::string route_regex(const std::string& path) {
  return k_api_prefix + std::regex_replace(path, std::regex(R"(\{[^}]+\})"), "([^/]+)");
}

// The body as a Call's JSON: 400 (false) when it is not an object with the route's string fields.
bool read_body(const Route& route, const httplib::Request& request, Call& call, httplib::Response& response) {
  if (route.body_fields.empty()) return true;
  call.body = json::parse(request.body, nullptr, false);
  if (call.body.is_discarded() || !call.body.is_object()) {
    answer_error(response, 400, "invalid_input", "the body is not a JSON object");
    return false;
  }
  for (const std::string& field : route.body_fields)
    if (!call.body.contains(field) || !call.body[field].is_string()) {
      answer_error(response, 400, "invalid_input", "the body needs string field \"" + field + "\"");
      return false;
    }
  return true;
}

std::optional<std::string> bearer_token(const httplib::Request& request) {
  const std::string header = request.get_header_value("Authorization");
  constexpr std::string_view k_scheme = "Bearer ";
  if (header.size() <= k_scheme.size() || header.compare(0, k_scheme.size(), k_scheme) != 0) return std::nullopt;
  return header.substr(k_scheme.size());
}

}  // namespace

// A request's Service, acting as its token's user, and that token.
struct Caller {
  std::unique_ptr<service::Service> service;  // nullptr after answering 401
  store::TokenRecord token;
};

struct HttpServer::Impl {
  service::Config config;
  httplib::Server http;
  std::mutex service_mutex;  // one Service (one Store) at a time
  std::atomic<bool> listening_ended = false;

  void handle(const Route& route, const httplib::Request& request, httplib::Response& response);
  Result<Caller> open_as(const httplib::Request& request, httplib::Response& response);
};

// The Service acting as the request's token identity; none after answering 401
// (no token, or one unknown, revoked or expired: the message says which).
Result<Caller> HttpServer::Impl::open_as(const httplib::Request& request, httplib::Response& response) {
  std::optional<std::string> token = bearer_token(request);
  if (!token) {
    answer_error(response, 401, "unauthorized", "send Authorization: Bearer TOKEN (slipway token create)");
    return Caller{};
  }
  service::Config as = config;
  as.actor.clear();
  Result<std::unique_ptr<service::Service>> opened = service::Service::open(as);
  if (!opened) return std::unexpected(opened.error());
  Result<store::TokenRecord> who = (*opened)->authenticate(*token);
  if (who) return Caller{std::move(*opened), *who};
  if (who.error().code != ErrorCode::denied) return std::unexpected(who.error());
  answer_error(response, 401, "unauthorized", who.error().message);
  return Caller{};
}

void HttpServer::Impl::handle(const Route& route, const httplib::Request& request, httplib::Response& response) {
  Call call;
  const std::vector<std::string> names = path_params(route.path);
  for (std::size_t i = 0; i < names.size() && i + 1 < request.matches.size(); ++i)
    call.params[names[i]] = request.matches[i + 1].str();
  std::lock_guard<std::mutex> one_at_a_time(service_mutex);
  Result<Caller> caller = open_as(request, response);
  if (caller && !caller->service) return;  // answered 401: who asks comes before what is asked
  if (caller && caller->token.read_only && route.changes_state())
    return answer_error(response, 403, "denied",
                        "token " + service::token_label(caller->token) + " is read-only: it cannot " + route.summary);
  if (!read_body(route, request, call, response)) return;
  Result<json> result =
      caller ? route.handler(*caller->service, call) : Result<json>(std::unexpected(caller.error()));
  if (result) return answer(response, 200, *result);
  const Error& error = result.error();
  answer_error(response, http_status(error.code), error_code_name(error.code), error.message, error.where);
}

HttpServer::HttpServer(service::Config config) : m_impl(std::make_unique<Impl>()) {
  m_impl->config = std::move(config);
  for (const Route& route : routes()) {
    httplib::Server::Handler handler = [this, &route](const httplib::Request& req, httplib::Response& res) {
      m_impl->handle(route, req, res);
    };
    if (!route.handler) {
      handler = [](const httplib::Request&, httplib::Response& res) { answer(res, 200, openapi_document()); };
    }
    const std::string pattern = route_regex(route.path);
    if (route.method == "GET") m_impl->http.Get(pattern, handler);
    if (route.method == "POST") m_impl->http.Post(pattern, handler);
  }
  m_impl->http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    answer_error(res, 500, "internal", "internal error");
  });
}

HttpServer::~HttpServer() { stop(); }

Status HttpServer::bind(const std::string& address) {
  const std::size_t colon = address.rfind(':');
  if (colon == std::string::npos) return fail(ErrorCode::invalid_input, "--listen " + address + ": expected HOST:PORT");
  int port = 0;
  try {
    port = std::stoi(address.substr(colon + 1));
  } catch (const std::exception&) {
    port = -1;
  }
  if (port < 0 || port > 65535) return fail(ErrorCode::invalid_input, "--listen " + address + ": bad port");
  const std::string host = address.substr(0, colon);
  m_port = port == 0 ? m_impl->http.bind_to_any_port(host) : (m_impl->http.bind_to_port(host, port) ? port : -1);
  if (m_port <= 0) return fail(ErrorCode::io, "cannot listen on " + address);
  return {};
}

void HttpServer::start() {
  m_thread = std::thread([this] {
    m_impl->http.listen_after_bind();
    m_impl->listening_ended = true;
  });
}

// httplib's stop does nothing before its listen loop runs, and that loop
// would then never end: wait until it runs (or failed) before stopping it.
void HttpServer::stop() {
  if (!m_thread.joinable()) return;
  while (!m_impl->http.is_running() && !m_impl->listening_ended)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  m_impl->http.stop();
  m_thread.join();
}

}  // namespace slipway::server
