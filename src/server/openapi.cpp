#include "server/openapi.h"

#include <algorithm>
#include <cctype>

#include "server/routes.h"

namespace slipway::server {

namespace {

using nlohmann::json;

json error_schema() {
  json inner = {{"type", "object"},
                {"required", {"code", "message"}},
                {"properties",
                 {{"code", {{"type", "string"}}},
                  {"message", {{"type", "string"}}},
                  {"position", {{"type", "string"}}}}}};
  return {{"type", "object"}, {"required", {"error"}}, {"properties", {{"error", inner}}}};
}

json error_response(const char* what) {
  return {{"description", what}, {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
}

json body_schema(const Route& route) {
  json properties = json::object(), required = json::array();
  for (const Field& field : route.body) {
    properties[field.name] = {{"type", field.type}};
    if (field.required) required.push_back(field.name);
  }
  json schema = {{"type", "object"}, {"required", required}, {"properties", properties}};
  return {{"required", true}, {"content", {{"application/json", {{"schema", schema}}}}}};
}

// "POST /releases/{id}/approvals" → "post_releases_id_approvals": unique per route.
std::string operation_id(const Route& route) {
  std::string id = route.method + route.path;
  std::transform(id.begin(), id.end(), id.begin(), [](unsigned char c) {
    return std::isalnum(c) ? static_cast<char>(std::tolower(c)) : '_';
  });
  id.erase(std::unique(id.begin(), id.end(), [](char a, char b) { return a == '_' && b == '_'; }), id.end());
  while (!id.empty() && id.back() == '_') id.pop_back();
  return id;
}

json operation(const Route& route) {
  json op = {{"operationId", operation_id(route)}, {"summary", route.summary}};
  json parameters = json::array();
  for (const std::string& name : path_params(route.path))
    parameters.push_back({{"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
  for (const std::string& name : route.query)
    parameters.push_back({{"name", name}, {"in", "query"}, {"required", false}, {"schema", {{"type", "string"}}}});
  if (!parameters.empty()) op["parameters"] = parameters;
  if (!route.body.empty()) op["requestBody"] = body_schema(route);
  op["responses"] = {{"200", {{"description", "success"}, {"content", {{"application/json", {{"schema", json::object()}}}}}}},
                     {"400", error_response("malformed request")},
                     {"401", error_response("no token, or one unknown, revoked or expired (the message says which)")},
                     {"403", error_response("the token's identity lacks the permission (named in the message), "
                                            "or a read-only token asked to act")},
                     {"404", error_response("not found")},
                     {"409", error_response("conflicts with the state")},
                     {"413", error_response("the body is too large")},
                     {"422", error_response("well-formed but invalid")}};
  if (route.handler == nullptr) op["security"] = json::array();  // the document itself needs no token
  return op;
}

}  // namespace

json openapi_document() {
  json paths = json::object();
  for (const Route& route : routes()) {
    std::string method = route.method;
    std::transform(method.begin(), method.end(), method.begin(), [](unsigned char c) { return std::tolower(c); });
    paths[std::string(k_api_prefix) + route.path][method] = operation(route);
  }
  return {{"openapi", "3.1.0"},
          {"info", {{"title", "slipway"}, {"version", "1"}}},
          {"security", {{{"bearer", json::array()}}}},
          {"components",
           {{"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}},
            {"schemas", {{"Error", error_schema()}}}}},
          {"paths", paths}};
}

}  // namespace slipway::server
