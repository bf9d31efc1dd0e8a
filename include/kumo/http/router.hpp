#pragma once
// The route table: method + path pattern + permission + handler. Every route names its permission from
// the policy table (kumo/identity/policy.hpp) next to its handler; dispatch() authenticates, refuses
// tokens that do not grant the permission (403), runs the handler, turns its error into problem+json,
// and records every mutating request and every login in the audit log. Core thread.
#include "kumo/async/async.hpp"
#include "kumo/http/request.hpp"
#include "kumo/identity/audit.hpp"

#include <functional>
#include <string_view>

namespace kumo::api {

// A route's body. An error result is answered as problem+json with the request id.
using handler = std::function<awaitable<result<response>>(request_ctx&)>;

struct route {
    http::verb method;
    std::string pattern;          // "/api/v1/vms/{id}/actions/{action}"
    std::string_view permission;  // a name from policy_table()
    handler fn;
    bool streams_body = false;  // the handler reads the body itself from request_ctx::body_stream
};

// What the router needs from the identity module: who a bearer token stands for, and the audit log.
class access_gate {
public:
    virtual ~access_gate() = default;
    // Pure CPU. Errors: unauthenticated for malformed, tampered, expired or revoked tokens.
    virtual result<principal> authenticate(std::string_view bearer) const = 0;
    // Appends one entry to the audit log; a failure is logged, never shown to the client.
    virtual awaitable<void> audit(audit_entry e) = 0;
};

class router {
public:
    explicit router(access_gate& gate) : gate_(&gate) {}
    // Throws std::logic_error for a permission missing from the policy table, or a method and pattern
    // added twice (bugs, caught at start-up).
    void add(http::verb m, std::string pattern, std::string_view permission, handler fn);
    // A route whose body is streamed to the handler (uploads), authorized before any of it is read.
    void add_streaming(http::verb m, std::string pattern, std::string_view permission, handler fn);
    bool streams_body(http::verb m, std::string_view path) const;
    // The methods a path takes ("DELETE, GET"), for 405's Allow header.
    std::string allowed_methods(std::string_view path) const;
    // Authenticates (when the route needs it), authorizes and runs the matching handler. Of the routes
    // whose pattern matches, the one with the most literal segments wins ("/hosts/ssh-key" over
    // "/hosts/{id}"), whatever order the modules added them in.
    awaitable<response> dispatch(request_ctx& r) const;
    const std::vector<route>& routes() const { return routes_; }
    access_gate& gate() const { return *gate_; }

private:
    const route* best_match(http::verb m, std::string_view path, std::map<std::string, std::string>* params,
                            bool* path_known) const;
    awaitable<response> authorize_and_run(const route& rt, request_ctx& r) const;
    access_gate* gate_;
    std::vector<route> routes_;
};

// A handler calling fn(s, q): route functions take the services they use by reference, so a module's
// routes see only what it hands them.
template <class S>
handler with(S& s, awaitable<result<response>> (*fn)(S&, request_ctx&)) {
    return [&s, fn](request_ctx& q) { return fn(s, q); };
}

}  // namespace kumo::api
