// The OpenAPI document describes every route the server registers: both come
// from server/routes.h's table, and this test fails if they ever diverge.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "server/openapi.h"
#include "server/routes.h"

namespace slipway::server {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

TEST(OpenApi, DescribesEveryRegisteredRoute) {
  const nlohmann::json document = openapi_document();
  EXPECT_EQ(document["openapi"], "3.1.0");
  for (const Route& route : routes()) {
    const std::string path = std::string(k_api_prefix) + route.path;
    ASSERT_TRUE(document["paths"].contains(path)) << path;
    EXPECT_TRUE(document["paths"][path].contains(lower(route.method))) << route.method << " " << path;
    for (const std::string& name : path_params(route.path))
      EXPECT_NE(document["paths"][path][lower(route.method)].dump().find("\"" + name + "\""), std::string::npos)
          << path << " does not describe {" << name << "}";
  }
}

TEST(OpenApi, ListsTheRoutesOtherToolsRelyOn) {
  const nlohmann::json document = openapi_document();
  const nlohmann::json& paths = document["paths"];
  for (const char* fixed : {"/api/v1/status", "/api/v1/environments/{env}/history", "/api/v1/releases/{id}/approvals",
                            "/api/v1/releases/{id}/promotions", "/api/v1/runs", "/api/v1/runs/{id}/logs"})
    EXPECT_TRUE(paths.contains(fixed)) << fixed;
}

TEST(Routes, PathParamsAreThePlaceholdersInOrder) {
  EXPECT_EQ(path_params("/releases/{id}/approvals"), std::vector<std::string>{"id"});
  EXPECT_EQ(path_params("/a/{x}/b/{y}"), (std::vector<std::string>{"x", "y"}));
  EXPECT_TRUE(path_params("/status").empty());
}

}  // namespace
}  // namespace slipway::server
