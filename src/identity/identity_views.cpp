#include "identity_views.hpp"

#include "kumo/core/clock.hpp"

namespace kumo {

json domain_view(const domain& d) {
    return json{{"id", d.id},
                {"name", d.name},
                {"description", d.description},
                {"enabled", d.enabled},
                {"created_at", d.created_at},
                {"updated_at", d.updated_at}};
}

json project_view(const project& p) {
    return json{{"id", p.id},
                {"name", p.name},
                {"domain_id", p.domain_id},
                {"description", p.description},
                {"enabled", p.enabled},
                {"created_at", p.created_at},
                {"updated_at", p.updated_at}};
}

json user_view(const user& u) {
    return json{{"id", u.id},
                {"name", u.name},
                {"domain_id", u.domain_id},
                {"email", u.email},
                {"enabled", u.enabled},
                {"created_at", u.created_at},
                {"updated_at", u.updated_at}};
}

json group_view(const group& g) {
    return json{{"id", g.id},
                {"name", g.name},
                {"domain_id", g.domain_id},
                {"description", g.description},
                {"created_at", g.created_at},
                {"updated_at", g.updated_at}};
}

json role_view(const role& r) {
    std::vector<std::string> perms = r.permissions;
    if (r.builtin)
        if (auto b = parse_builtin_role(r.name)) {
            auto all = builtin_permissions(*b);
            perms.assign(all.begin(), all.end());
        }
    return json{{"id", r.id},
                {"name", r.name},
                {"description", r.description},
                {"builtin", r.builtin},
                {"permissions", perms},
                {"created_at", r.created_at},
                {"updated_at", r.updated_at}};
}

json assignment_view(const role_assignment& a) {
    json j{{"id", a.id},
           {"role", {{"id", a.role_id}, {"name", a.role_name}}},
           {"scope", {{"type", a.scope_type}, {"id", a.scope_id.empty() ? json(nullptr) : json(a.scope_id)}}},
           {"created_at", a.created_at}};
    j[a.actor_type == "user" ? "user_id" : "group_id"] = a.actor_id;
    return j;
}

json app_credential_view(const app_credential& c) {
    return json{{"id", c.id},
                {"name", c.name},
                {"description", c.description},
                {"user_id", c.user_id},
                {"project_id", c.project_id},
                {"roles", c.roles},
                {"expires_at",
                 c.expires_at == 0 ? json(nullptr) : json(to_rfc3339(sys_time(std::chrono::seconds(c.expires_at))))},
                {"created_at", c.created_at}};
}

json audit_view(const audit_entry& e) {
    return json{{"seq", e.seq},
                {"time", e.time},
                {"user", {{"id", e.user_id}, {"name", e.user_name}}},
                {"project_id", e.project_id},
                {"domain_id", e.domain_id},
                {"remote", e.remote},
                {"request_id", e.request_id},
                {"method", e.method},
                {"path", e.path},
                {"action", e.action},
                {"target", e.target},
                {"outcome", e.outcome},
                {"status", e.status},
                {"hash", e.hash}};
}

json principal_view(const principal& w) {
    json j{{"user", {{"id", w.user_id}, {"name", w.user_name}, {"domain_id", w.user_domain_id}}},
           {"scope", w.scope},
           {"project", nullptr},
           {"domain", nullptr},
           {"roles", w.roles}};
    if (!w.project_id.empty())
        j["project"] = {{"id", w.project_id}, {"name", w.project_name}};
    if (!w.domain_id.empty())
        j["domain"] = {{"id", w.domain_id}, {"name", w.domain_name}};
    if (!w.app_credential_id.empty())
        j["application_credential_id"] = w.app_credential_id;
    return j;
}

}  // namespace kumo
