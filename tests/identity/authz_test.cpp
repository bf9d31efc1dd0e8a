// The authorization matrix: every route x every built-in role x {own, other, no token}, against a real
// daemon. The expected answer of each cell is computed from the policy table (kumo/identity/policy.hpp),
// so the table and the code that enforces it cannot drift apart; a route missing here fails the test.
// "Own" objects live in the caller's project and domain (dept-a / project-a); "other" ones in dept-b /
// project-b, or belong to another user. Destructive requests get a fresh object per cell.
#include "authz_world.hpp"
#include "daemon.hpp"
#include "kumo/http/request.hpp"
#include "kumo_catch.hpp"

using namespace kumo;
using namespace kumo::authz;

namespace {

// server_error is never expected: a 5xx is a bug, not a sign that authorization let the call through.
enum class verdict { allowed, unauthenticated, forbidden, hidden, server_error };

const char* name_of(verdict v) {
    switch (v) {
        case verdict::allowed: return "allowed";
        case verdict::unauthenticated: return "401";
        case verdict::forbidden: return "403";
        case verdict::hidden: return "404";
        case verdict::server_error: return "5xx";
    }
    return "?";
}

// What the policy table says a cell must answer.
verdict expected(const permission_rule& p, std::optional<builtin_role> role, bool own) {
    if (p.who == audience::anyone)
        return verdict::allowed;
    if (!role)
        return verdict::unauthenticated;
    if (p.who == audience::role_holders && *role < p.min_role)
        return verdict::forbidden;
    const bool sees_all = *role == builtin_role::admin && p.target != target_kind::self;
    return own || sees_all ? verdict::allowed : verdict::hidden;
}

verdict observed(int status) {
    if (status >= 500 || status < 200)  // below 200: no answer at all
        return verdict::server_error;
    switch (status) {
        case 401: return verdict::unauthenticated;
        case 403: return verdict::forbidden;
        case 404: return verdict::hidden;
        default: return verdict::allowed;  // 2xx, or 409/422 after authorization passed
    }
}

}  // namespace

TEST_CASE("every route answers every role as the policy table says", "[authz]") {
    world x;
    const auto table = cases();
    const auto routes = describe_routes();
    // Every route has a row here, and every row is a route.
    REQUIRE(table.size() == routes.size());
    for (const auto& rt : routes) {
        const std::string method(api::http::to_string(rt.method));
        auto row = std::find_if(table.begin(), table.end(),
                                [&](const route_case& c) { return c.method == method && c.pattern == rt.pattern; });
        INFO(method << " " << rt.pattern);
        REQUIRE(row != table.end());
        const permission_rule& rule = *find_permission(rt.permission);

        std::vector<std::optional<builtin_role>> callers{std::nullopt};
        for (auto r : builtin_roles())
            callers.push_back(r);
        for (const auto& role : callers) {
            for (bool own : {true, false}) {
                if (!own && (!row->sided || !role))
                    continue;
                const request req = row->build(x, role.value_or(builtin_role::reader), own);
                cli::api_client client = x.d.anonymous();
                if (role)
                    client = rt.pattern == "/api/v1/auth/tokens/current"
                                 ? x.login(std::string("matrix-") + to_string(*role), kPassword, "project-a")
                                 : x.as.at(*role);
                const auto r = call(client, method, req.path, req.body);
                const verdict want = expected(rule, role, own);
                INFO("as " << (role ? to_string(*role) : "nobody") << (own ? " on own " : " on other ") << req.path
                           << " -> " << r.status << " " << r.body.dump());
                CHECK(name_of(observed(r.status)) == std::string(name_of(want)));
            }
        }
    }
}
