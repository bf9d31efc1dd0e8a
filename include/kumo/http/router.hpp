#pragma once
// The route table: method + path pattern + permission + handler. Every route names its permission from
// the policy table (kumo/identity/policy.hpp) next to its handler; dispatch() authenticates, refuses
// tokens that do not grant the permission (403), runs the handler, and records every mutating request
// and every login in the audit log.
#include "kumo/async/async.hpp"
#include "kumo/http/request.hpp"

#include <functional>

namespace kumo::api {

using handler = std::function<awaitable<response>(request_ctx&)>;

struct route {
    http::verb method;
    std::string pattern;          // "/api/v1/vms/{id}/actions/{action}"
    std::string_view permission;  // a name from policy_table()
    handler fn;
    bool streams_body = false;  // the handler reads the body itself from request_ctx::body_stream
};

class router {
public:
    // Throws std::logic_error for a permission missing from the policy table (a bug, caught at start-up).
    void add(http::verb m, std::string pattern, std::string_view permission, handler fn);
    // A route whose body is streamed to the handler (uploads), authorized before any of it is read.
    void add_streaming(http::verb m, std::string pattern, std::string_view permission, handler fn);
    bool streams_body(http::verb m, std::string_view path) const;
    // Authenticates (when the route needs it), authorizes and runs the matching handler.
    awaitable<response> dispatch(request_ctx& r) const;
    const std::vector<route>& routes() const { return routes_; }

private:
    awaitable<response> authorize_and_run(const route& rt, request_ctx& r) const;
    std::vector<route> routes_;
};

// One function per resource file; build_router() calls them all.
void add_system_routes(router& r);
void add_auth_routes(router& r);
void add_host_routes(router& r);
void add_mobility_routes(router& r);
void add_flavor_routes(router& r);
void add_vm_routes(router& r);
void add_scheduling_routes(router& r);
void add_operation_routes(router& r);
void add_domain_routes(router& r);
void add_project_routes(router& r);
void add_user_routes(router& r);
void add_group_routes(router& r);
void add_role_routes(router& r);
void add_app_credential_routes(router& r);
void add_audit_routes(router& r);
void add_image_routes(router& r);
void add_keypair_routes(router& r);
void add_volume_routes(router& r);
void add_snapshot_routes(router& r);
router build_router();

}  // namespace kumo::api
