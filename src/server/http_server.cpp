#include "server/http_server.h"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <regex>
#include <sys/stat.h>

#include "model/workspace.h"
#include "server/hook_endpoint.h"
#include "server/openapi.h"
#include "server/routes.h"

namespace slipway::server {

namespace {

using nlohmann::json;

constexpr std::size_t k_max_body = 5 * 1024 * 1024;  // larger bodies are 413
constexpr std::size_t k_threads = 256;  // each streaming client holds one (live logs, events)

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

bool has_type(const json& value, const std::string& type) {
  if (type == "boolean") return value.is_boolean();
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "number") return value.is_number();
  return value.is_string();
}

// The body as a Call's JSON: 400 (false) when it is not an object with the route's fields.
bool read_body(const Route& route, const httplib::Request& request, Call& call, httplib::Response& response) {
  if (route.body.empty()) return true;
  call.body = request.body.empty() ? json::object() : json::parse(request.body, nullptr, false);
  if (call.body.is_discarded() || !call.body.is_object()) {
    answer_error(response, 400, "invalid_input", "the body is not a JSON object");
    return false;
  }
  for (const Field& field : route.body) {
    const bool present = call.body.contains(field.name) && !call.body[field.name].is_null();
    if (present ? has_type(call.body[field.name], field.type) : !field.required) continue;
    answer_error(response, 400, "invalid_input",
                 "the body needs " + field.type + " field \"" + field.name + "\"" + (field.required ? "" : " (optional)"));
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

Call call_of(const Route& route, const httplib::Request& request) {
  Call call;
  call.path = request.path;
  const std::vector<std::string> names = path_params(route.path);
  for (std::size_t i = 0; i < names.size() && i + 1 < request.matches.size(); ++i)
    call.params[names[i]] = request.matches[i + 1].str();
  for (const auto& [name, value] : request.params) call.query.emplace(name, value);
  call.last_event_id = request.get_header_value("Last-Event-ID");
  return call;
}

// What the workspace's files were when it was loaded: a change reloads it.
struct FileStamp {
  std::string path;
  long long mtime_ns = 0;
  long long size = -1;
  bool operator==(const FileStamp&) const = default;
};

std::vector<FileStamp> stamp_of(const std::filesystem::path& workspace) {
  std::vector<FileStamp> out;
  for (const std::filesystem::path& file : model::workspace_files(workspace)) {
    FileStamp stamp{file.string()};
    struct stat info {};
    if (::stat(stamp.path.c_str(), &info) == 0) {
      stamp.mtime_ns = info.st_mtim.tv_sec * 1'000'000'000LL + info.st_mtim.tv_nsec;
      stamp.size = info.st_size;
    }
    out.push_back(std::move(stamp));
  }
  return out;
}

}  // namespace

struct HttpServer::Impl {
  service::Config config;
  service::RunScheduler& scheduler;
  std::optional<TlsFiles> tls;
  std::unique_ptr<LogHub> log_hub;  // before the server: it outlives the streams that use it
  std::unique_ptr<httplib::Server> server;  // an httplib::SSLServer with TLS
  httplib::Server& http = *server;
  std::atomic<bool> listening_ended = false;
  std::atomic<bool> stopping = false;

  // The use cases, kept open across requests while the workspace's files are
  // unchanged (loading 1000 components per request would be most of its
  // time); one request uses them at a time, as the Store requires.
  std::mutex mutex;
  std::unique_ptr<service::RunService> runs;
  std::unique_ptr<service::Feed> feed;
  std::vector<FileStamp> stamp;
  // GET /status, the read dashboards poll: its answer as sent, kept while
  // the state's change stamp is the same, for at most a second (what it
  // says may also depend on the time: an approval that expires), and
  // dropped when the workspace changes.
  struct CachedStatus {
    std::int64_t state = 0;
    std::string body;
    std::chrono::steady_clock::time_point made;
  };
  std::optional<CachedStatus> status_cache;

  void handle(const Route& route, const httplib::Request& request, httplib::Response& response);
  void handle_hook(std::string_view host, const httplib::Request& request, httplib::Response& response);
  Status open_current();
  std::optional<store::TokenRecord> authenticate(const httplib::Request& request, httplib::Response& response);
  void send(Answer answer, httplib::Response& response);
};

// (Re)opens the use cases when the workspace changed since they were opened.
Status HttpServer::Impl::open_current() {
  std::vector<FileStamp> now = stamp_of(config.workspace);
  if (runs && now == stamp) return {};
  runs.reset();
  status_cache.reset();
  service::Config as = config;
  as.actor.clear();
  Result<std::unique_ptr<service::RunService>> opened = service::RunService::open(as);
  if (!opened) return std::unexpected(opened.error());
  if (!(*opened)->service()) return fail(ErrorCode::not_found, "no slipway.yaml in " + config.workspace.string());
  if (!feed) {
    Result<std::unique_ptr<service::Feed>> reader = service::Feed::open(config);
    if (!reader) return std::unexpected(reader.error());
    feed = std::move(*reader);
  }
  runs = std::move(*opened);
  stamp = std::move(now);
  return {};
}

// The token's identity acts from here on; none after answering 401 (no
// token, or one unknown, revoked or expired: the message says which).
std::optional<store::TokenRecord> HttpServer::Impl::authenticate(const httplib::Request& request,
                                                                 httplib::Response& response) {
  std::optional<std::string> token = bearer_token(request);
  if (!token) {
    answer_error(response, 401, "unauthorized", "send Authorization: Bearer TOKEN (slipway token create)");
    return std::nullopt;
  }
  Result<store::TokenRecord> who = runs->authenticate(*token);
  if (who) return *who;
  if (who.error().code == ErrorCode::denied) answer_error(response, 401, "unauthorized", who.error().message);
  else answer_error(response, 500, error_code_name(who.error().code), who.error().message);
  return std::nullopt;
}

void HttpServer::Impl::handle(const Route& route, const httplib::Request& request, httplib::Response& response) {
  Call call = call_of(route, request);
  const bool status = route.method == "GET" && route.path == "/status";
  std::optional<std::string> cached;  // the status body to send, kept or just made
  Result<Answer> result = [&]() -> Result<Answer> {
    std::lock_guard<std::mutex> one_at_a_time(mutex);
    if (Status opened = open_current(); !opened) return std::unexpected(opened.error());
    std::optional<store::TokenRecord> token = authenticate(request, response);
    if (!token) return Answer{};  // answered: who asks comes before what is asked
    if (token->read_only && route.changes_state())
      return fail(ErrorCode::denied, "token " + service::token_label(*token) + " is read-only: it cannot " + route.summary);
    if (!read_body(route, request, call, response)) return Answer{};
    Session session{*runs->service(), *runs, *feed, &scheduler, log_hub.get()};
    if (!status) return route.handler(session, call);
    // Stamped before it is computed: a change made meanwhile leaves a stamp
    // the next request does not match.
    Result<std::int64_t> stamp = runs->service()->state_stamp();
    const auto now = std::chrono::steady_clock::now();
    if (stamp && status_cache && status_cache->state == *stamp && now - status_cache->made < std::chrono::seconds(1)) {
      cached = status_cache->body;
      return Answer{};
    }
    Result<Answer> computed = route.handler(session, call);
    if (stamp && computed && !computed->stream) {
      status_cache = CachedStatus{*stamp, computed->body.dump(), now};
      cached = status_cache->body;
    }
    return computed;
  }();
  if (cached && result) {
    response.status = 200;
    return response.set_content(*cached, "application/json");
  }
  if (result && result->later) result = result->later();  // outside the lock
  if (!result) {
    const Error& error = result.error();
    return answer_error(response, http_status(error.code), error_code_name(error.code), error.message, error.where);
  }
  if (response.status == -1 || response.status == 200) send(std::move(*result), response);
}

// A JSON answer at once; a streamed one from the request's thread, with its
// own Feed, after the lock is released. A stream ends when the client
// leaves or the server stops.
void HttpServer::Impl::send(Answer reply, httplib::Response& response) {
  for (const auto& [name, value] : reply.headers) response.set_header(name, value);
  if (!reply.stream) return answer(response, reply.status, reply.body);
  response.status = reply.status;
  if (reply.content_type == "text/event-stream") response.set_header("Cache-Control", "no-cache");
  response.set_chunked_content_provider(
      reply.content_type, [this, stream = std::move(reply.stream)](std::size_t, httplib::DataSink& sink) {
        Result<std::unique_ptr<service::Feed>> reader = service::Feed::open(config);
        if (reader) {
          Write write = [&](std::string_view bytes) {  // nothing to write: only asks whether to go on
            return !stopping && sink.is_writable() && (bytes.empty() || sink.write(bytes.data(), bytes.size()));
          };
          stream(**reader, write);
        }
        sink.done();
        return true;
      });
}

void HttpServer::Impl::handle_hook(std::string_view host, const httplib::Request& request,
                                   httplib::Response& response) {
  const HeaderLookup header = [&request](std::string_view name) { return request.get_header_value(std::string(name).c_str()); };
  std::lock_guard<std::mutex> one_at_a_time(mutex);
  Result<HookAnswer> answered = answer_hook(config, host, header, request.body, scheduler);
  if (answered) return answer(response, answered->status, answered->body);
  const Error& error = answered.error();
  answer_error(response, http_status(error.code), error_code_name(error.code), error.message, error.where);
}

namespace {

std::unique_ptr<httplib::Server> make_server(const std::optional<TlsFiles>& tls) {
  if (!tls) return std::make_unique<httplib::Server>();
  return std::make_unique<httplib::SSLServer>(tls->cert.c_str(), tls->key.c_str());
}

}  // namespace

HttpServer::HttpServer(service::Config config, service::RunScheduler& scheduler, std::optional<TlsFiles> tls)
    : m_impl(std::make_unique<Impl>(config, scheduler, tls, std::make_unique<LogHub>(config), make_server(tls))) {
  httplib::Server& http = m_impl->http;
  for (std::string_view host : model::k_webhook_hosts)
    http.Post(k_hooks_prefix + std::string(host), [this, host](const httplib::Request& req, httplib::Response& res) {
      m_impl->handle_hook(host, req, res);
    });
  for (const Route& route : routes()) {
    httplib::Server::Handler handler = [this, &route](const httplib::Request& req, httplib::Response& res) {
      m_impl->handle(route, req, res);
    };
    if (!route.handler) {
      handler = [](const httplib::Request&, httplib::Response& res) { answer(res, 200, openapi_document()); };
    }
    const std::string pattern = route_regex(route.path);
    if (route.method == "GET") http.Get(pattern, handler);
    if (route.method == "POST") http.Post(pattern, handler);
  }
  http.set_payload_max_length(k_max_body);
  http.new_task_queue = [] { return new httplib::ThreadPool(k_threads); };
  // httplib's own answers (no route, a body over the limit) in the API's error form.
  http.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 413)
      return answer_error(res, 413, "too_large", "the body is over " + std::to_string(k_max_body >> 20) + " MB");
    if (res.status == 404) return answer_error(res, 404, "not_found", "no route " + req.method + " " + req.path);
    answer_error(res, res.status, "http", "HTTP " + std::to_string(res.status));
  });
  http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    answer_error(res, 500, "internal", "internal error");
  });
}

HttpServer::~HttpServer() { stop(); }

const char* HttpServer::scheme() const { return m_impl->tls ? "https" : "http"; }

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
  if (m_impl->tls && !m_impl->http.is_valid())
    return fail(ErrorCode::invalid_input, "cannot serve HTTPS with certificate " + m_impl->tls->cert.string() +
                                              " and key " + m_impl->tls->key.string() +
                                              ": not readable PEM files, or the key does not match");
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
// Streams see `stopping` at their next write and end.
void HttpServer::stop() {
  if (!m_thread.joinable()) return;
  m_impl->stopping = true;
  while (!m_impl->http.is_running() && !m_impl->listening_ended)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  m_impl->http.stop();
  m_thread.join();
}

}  // namespace slipway::server
