#pragma once
// The route table: method + path pattern + who may call it + handler. Every route declares its access
// level next to its handler, and dispatch() enforces it before the handler runs.
#include "http_types.hpp"
#include "kumo/services/async.hpp"

#include <functional>

namespace kumo::api {

enum class access { anyone, authenticated, admin };

using handler = std::function<awaitable<response>(request_ctx&)>;

struct route {
    http::verb method;
    std::string pattern;  // "/api/v1/vms/{id}/actions/{action}"
    access who;
    handler fn;
};

class router {
public:
    void add(http::verb m, std::string pattern, access who, handler fn);
    // Authenticates (when the route needs it), authorizes and runs the matching handler.
    awaitable<response> dispatch(request_ctx& r) const;
    const std::vector<route>& routes() const { return routes_; }

private:
    std::vector<route> routes_;
};

// One function per resource file; build_router() calls them all.
void add_system_routes(router& r);
void add_auth_routes(router& r);
void add_host_routes(router& r);
void add_flavor_routes(router& r);
void add_vm_routes(router& r);
void add_operation_routes(router& r);
router build_router();

}  // namespace kumo::api
