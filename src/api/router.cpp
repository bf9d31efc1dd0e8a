#include "router.hpp"

namespace kumo::api {
namespace {

std::vector<std::string_view> split(std::string_view path) {
    std::vector<std::string_view> out;
    std::size_t start = 1;
    while (start <= path.size()) {
        auto slash = path.find('/', start);
        if (slash == std::string_view::npos)
            slash = path.size();
        out.push_back(path.substr(start, slash - start));
        start = slash + 1;
    }
    return out;
}

bool match(std::string_view pattern, std::string_view path, std::map<std::string, std::string>& params) {
    auto ps = split(pattern);
    auto xs = split(path);
    if (ps.size() != xs.size())
        return false;
    std::map<std::string, std::string> found;
    for (std::size_t i = 0; i < ps.size(); ++i) {
        if (ps[i].size() > 2 && ps[i].front() == '{') {
            if (xs[i].empty())
                return false;
            found[std::string(ps[i].substr(1, ps[i].size() - 2))] = std::string(xs[i]);
        } else if (ps[i] != xs[i]) {
            return false;
        }
    }
    params = std::move(found);
    return true;
}

}  // namespace

void router::add(http::verb m, std::string pattern, access who, handler fn) {
    routes_.push_back(route{m, std::move(pattern), who, std::move(fn)});
}

awaitable<response> router::dispatch(request_ctx& r) const {
    bool path_known = false;
    for (const auto& rt : routes_) {
        std::map<std::string, std::string> params;
        if (!match(rt.pattern, r.path, params))
            continue;
        path_known = true;
        if (rt.method != r.method)
            continue;
        r.params = std::move(params);
        if (rt.who != access::anyone) {
            if (r.bearer.empty())
                co_return problem(make_error(errc::unauthenticated, "a bearer token is required"), r.request_id);
            auto who = r.ctx.ids.validate(r.bearer);
            if (!who)
                co_return problem(who.error(), r.request_id);
            r.who = *who;
            if (rt.who == access::admin && !r.who->is_admin())
                co_return problem(make_error(errc::forbidden, "this needs the admin role"), r.request_id);
        }
        auto handled = co_await rt.fn(r);
        co_return handled;
    }
    if (path_known) {
        response resp = problem(make_error(errc::bad_request, "method not allowed on this resource"), r.request_id);
        resp.status = http::status::method_not_allowed;
        resp.body["status"] = 405;
        co_return resp;
    }
    co_return problem(make_error(errc::not_found, "no such resource"), r.request_id);
}

router build_router() {
    router r;
    add_system_routes(r);
    add_auth_routes(r);
    add_host_routes(r);
    add_flavor_routes(r);
    add_vm_routes(r);
    add_operation_routes(r);
    return r;
}

}  // namespace kumo::api
