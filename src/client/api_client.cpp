#include "client/api_client.h"

#include <httplib.h>

namespace slipway::client {

namespace {

using nlohmann::json;

constexpr const char* k_prefix = "/api/v1";

// The API's error answer as the Error raised on the server; its position
// (when any) leads the message, as Error::to_string prints it locally.
Error error_of(const httplib::Result& result) {
  json body = json::parse(result->body, nullptr, false);
  if (!body.is_object() || !body.contains("error") || !body["error"].is_object())
    return Error{ErrorCode::io, "the server answered HTTP " + std::to_string(result->status), {}};
  const json& e = body["error"];
  std::string message = e.value("message", "HTTP " + std::to_string(result->status));
  if (e.contains("position") && e["position"].is_string()) message = e["position"].get<std::string>() + ": " + message;
  if (result->status == 401) return Error{ErrorCode::denied, message + " (SLIPWAY_TOKEN)", {}};
  return Error{error_code_from_name(e.value("code", "")), message, {}};
}

// "<.../api/v1/runs?page=2&per_page=100>; rel="next"" → "/runs?page=2&per_page=100".
std::string next_target(const std::string& link) {
  const std::size_t open = link.find('<'), close = link.find('>');
  if (open == std::string::npos || close == std::string::npos || link.find("rel=\"next\"") == std::string::npos) return "";
  std::string target = link.substr(open + 1, close - open - 1);
  const std::size_t api = target.find(k_prefix);
  return api == std::string::npos ? target : target.substr(api + std::string(k_prefix).size());
}

}  // namespace

struct ApiClient::Impl {
  std::string server;
  httplib::Client http;
  Impl(std::string base, const std::string& token) : server(base), http(base) {
    http.set_bearer_token_auth(token);
    http.set_connection_timeout(10);
    http.set_read_timeout(300);  // a promotion answers when its apply ends
  }
  Error unreachable(const httplib::Result& result) const {
    return Error{ErrorCode::io, "cannot reach the slipway server " + server + ": " + httplib::to_string(result.error()), {}};
  }
};

ApiClient::ApiClient(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
ApiClient::~ApiClient() = default;

Result<std::unique_ptr<ApiClient>> ApiClient::connect(const std::string& server, const std::string& token) {
  std::string base = server;
  if (base.ends_with("/")) base.pop_back();
  if (base.ends_with(k_prefix)) base.resize(base.size() - std::string(k_prefix).size());
  if (!base.starts_with("http://") && !base.starts_with("https://"))
    return fail(ErrorCode::invalid_input, "server '" + server + "': expected http://HOST:PORT or https://HOST:PORT");
  if (token.empty())
    return fail(ErrorCode::invalid_input, "no token for " + base + ": set SLIPWAY_TOKEN (slipway token create prints one)");
  return std::unique_ptr<ApiClient>(new ApiClient(std::make_unique<Impl>(base, token)));
}

Result<Answer> ApiClient::send(const std::string& method, const std::string& target, const json& body) {
  const std::string path = k_prefix + target;
  httplib::Result result = method == "GET" ? m_impl->http.Get(path)
                                           : m_impl->http.Post(path, body.is_null() ? "" : body.dump(), "application/json");
  if (!result) return std::unexpected(m_impl->unreachable(result));
  if (result->status >= 400) return std::unexpected(error_of(result));
  Answer answer{result->status, json::parse(result->body, nullptr, false), next_target(result->get_header_value("Link"))};
  if (answer.body.is_discarded()) return fail(ErrorCode::io, method + " " + path + ": the server's answer is not JSON");
  return answer;
}

Status ApiClient::stream(const std::string& target, const std::function<bool(std::string_view)>& chunk) {
  std::string failed;  // an error answer arrives as the body of the stream
  int status = 0;
  httplib::Result result = m_impl->http.Get(
      k_prefix + target,
      [&](const httplib::Response& response) {
        status = response.status;
        return true;
      },
      [&](const char* data, std::size_t size) {
        if (status >= 400) return failed.append(data, size), true;
        return chunk(std::string_view(data, size));
      });
  if (status >= 400 && result) {
    result->body = failed;
    result->status = status;
    return std::unexpected(error_of(result));
  }
  if (!result && result.error() != httplib::Error::Canceled) return std::unexpected(m_impl->unreachable(result));
  return {};
}

std::string ApiClient::encode(const std::string& text) { return httplib::detail::encode_query_param(text); }

}  // namespace slipway::client
