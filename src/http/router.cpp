#include "kumo/http/router.hpp"

#include "kumo/identity/policy.hpp"

#include "kumo/core/clock.hpp"

#include <set>
#include <stdexcept>

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

int literal_segments(std::string_view pattern) {
    int n = 0;
    for (auto seg : split(pattern))
        n += seg.empty() || seg.front() != '{' ? 1 : 0;
    return n;
}

bool mutating(http::verb m) {
    return m != http::verb::get && m != http::verb::head;
}

audit_entry audit_of(const request_ctx& r, const route& rt, const response& resp) {
    audit_entry e;
    e.time = to_rfc3339(system_clock().now());
    if (r.who) {
        e.user_id = r.who->user_id;
        e.user_name = r.who->user_name;
        e.project_id = r.who->project_id;
        e.domain_id = r.who->domain_id;
    } else {
        e.user_name = r.audit_user;
    }
    e.remote = r.remote;
    e.request_id = r.request_id;
    e.method = std::string(http::to_string(r.method));
    e.path = r.path;
    e.action = std::string(rt.permission);
    for (const auto& [name, value] : r.params)
        e.target += (e.target.empty() ? "" : " ") + name + "=" + value;
    if (!r.audit_target.empty())
        e.target += (e.target.empty() ? "" : " ") + r.audit_target;
    e.status = static_cast<int>(resp.status);
    e.outcome = e.status < 400 ? "success" : "failure";
    return e;
}

}  // namespace

void router::add(http::verb m, std::string pattern, std::string_view permission, handler fn) {
    if (!find_permission(permission))
        throw std::logic_error("route " + pattern +
                               " names a permission missing from the policy table: " + std::string(permission));
    for (const auto& rt : routes_)
        if (rt.method == m && rt.pattern == pattern)
            throw std::logic_error("route " + pattern + " is added twice");
    routes_.push_back(route{m, std::move(pattern), permission, std::move(fn)});
}

void router::add_streaming(http::verb m, std::string pattern, std::string_view permission, handler fn) {
    add(m, std::move(pattern), permission, std::move(fn));
    routes_.back().streams_body = true;
}

const route* router::best_match(http::verb m, std::string_view path, std::map<std::string, std::string>* params,
                                bool* path_known) const {
    const route* best = nullptr;
    int best_literals = -1;
    for (const auto& rt : routes_) {
        std::map<std::string, std::string> found;
        if (!match(rt.pattern, path, found))
            continue;
        if (path_known)
            *path_known = true;
        const int literals = literal_segments(rt.pattern);
        if (rt.method != m || literals <= best_literals)
            continue;
        best = &rt;
        best_literals = literals;
        if (params)
            *params = std::move(found);
    }
    return best;
}

std::string router::allowed_methods(std::string_view path) const {
    // Every method some route would serve this path with, as dispatch would pick it.
    std::set<std::string> methods;
    for (const auto& rt : routes_)
        if (best_match(rt.method, path, nullptr, nullptr))
            methods.insert(std::string(http::to_string(rt.method)));
    std::string out;
    for (const auto& m : methods)
        out += (out.empty() ? "" : ", ") + m;
    return out;
}

bool router::streams_body(http::verb m, std::string_view path) const {
    const route* rt = best_match(m, path, nullptr, nullptr);
    return rt && rt->streams_body;
}

awaitable<response> router::authorize_and_run(const route& rt, request_ctx& r) const {
    const permission_rule& rule = *find_permission(rt.permission);
    if (rule.who != audience::anyone) {
        if (r.bearer.empty())
            co_return problem(make_error(errc::unauthenticated, "a bearer token is required"), r.request_id);
        auto who = gate_->authenticate(r.bearer);
        if (!who)
            co_return problem(who.error(), r.request_id);
        r.who = *who;
        if (!r.who->allows(rt.permission))
            co_return problem(make_error(errc::forbidden, "your roles do not grant " + std::string(rt.permission)),
                              r.request_id);
    }
    auto handled = co_await rt.fn(r);
    if (!handled)
        co_return problem(handled.error(), r.request_id);
    co_return std::move(*handled);
}

awaitable<response> router::dispatch(request_ctx& r) const {
    bool path_known = false;
    const route* rt = best_match(r.method, r.path, &r.params, &path_known);
    if (rt) {
        response resp = co_await authorize_and_run(*rt, r);
        if (mutating(r.method)) {
            audit_entry e = audit_of(r, *rt, resp);
            co_await gate_->audit(std::move(e));
        }
        co_return resp;
    }
    if (path_known) {
        const std::string allow = allowed_methods(r.path);
        response resp = problem(
            make_error(errc::method_not_allowed,
                       "this resource does not take " + std::string(http::to_string(r.method)) + "; it takes " + allow),
            r.request_id);
        resp.headers.emplace_back("Allow", allow);
        co_return resp;
    }
    co_return problem(make_error(errc::not_found, "no such resource"), r.request_id);
}

}  // namespace kumo::api
