// The OpenAPI document covers every declared route with its method, so it cannot drift from the code.
#include "daemon.hpp"
#include "kumo/core/json.hpp"
#include "kumo/http/request.hpp"
#include "kumo_catch.hpp"

#include <algorithm>
#include <fstream>

using namespace kumo;

TEST_CASE("every route is in the OpenAPI document", "[openapi]") {
    std::ifstream in(KUMO_OPENAPI_FILE);
    const json doc = json::parse(in);
    const auto routes = describe_routes();
    REQUIRE(routes.size() >= 15);
    for (const auto& r : routes) {
        const std::string path = r.pattern.substr(std::string("/api/v1").size());
        std::string method(api::http::to_string(r.method));
        std::transform(method.begin(), method.end(), method.begin(), [](unsigned char c) { return std::tolower(c); });
        INFO(method << " " << path);
        REQUIRE(doc["paths"].contains(path));
        REQUIRE(doc["paths"][path].contains(method));
        // The document states each route's permission, and it is the one the router enforces.
        CHECK(doc["paths"][path][method].value("x-kumo-permission", "") == std::string(r.permission));
    }
}
