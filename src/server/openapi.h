// The OpenAPI 3.1 document of /api/v1, built from the route table
// (routes.h) so that it describes exactly the routes the server registers.
#pragma once

#include <nlohmann/json.hpp>

namespace slipway::server {

nlohmann::json openapi_document();

}  // namespace slipway::server
