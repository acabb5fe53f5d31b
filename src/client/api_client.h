// A client of a slipway server's /api/v1: requests with a bearer token,
// answers as JSON, the API's JSON errors turned back into the Error the
// service layer raised there (same code, same message), so a front-end
// reports them as it would locally.
//
// Ownership: owns its connection. Thread-safety: one thread at a time.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"

namespace slipway::client {

struct Answer {
  int status = 0;
  nlohmann::json body;
  std::string next_page;  // the Link rel="next" target, "" on the last page
};

class ApiClient {
 public:
  // `server`: "http://host:port" or "https://host:port" (a trailing
  // "/api/v1" is accepted). invalid_input for anything else.
  static Result<std::unique_ptr<ApiClient>> connect(const std::string& server, const std::string& token);
  ~ApiClient();

  // `target`: a path under /api/v1 with its query, already encoded.
  Result<Answer> send(const std::string& method, const std::string& target, const nlohmann::json& body = nullptr);
  // A streamed GET (server-sent events): each chunk as it arrives, until
  // the server ends it or `chunk` returns false.
  Status stream(const std::string& target, const std::function<bool(std::string_view)>& chunk);

  // `text` for a path segment or a query value.
  static std::string encode(const std::string& text);

 private:
  struct Impl;
  explicit ApiClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace slipway::client
