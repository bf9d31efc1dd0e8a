// Roles, role assignments and application credentials.
#include "directory_common.hpp"
#include "identity_repo.hpp"
#include "kumo/core/crypto.hpp"

#include <algorithm>

namespace kumo {
namespace {

result<void> check_permissions(const std::vector<std::string>& perms) {
    for (const auto& p : perms) {
        const permission_rule* rule = find_permission(p);
        if (!rule || rule->who != audience::role_holders)
            return validation_error("permissions", "unknown permission: " + p);
    }
    return {};
}

// The domain of an assignment's scope ("" for the cloud), or not_found when the scope does not exist.
result<std::string> scope_domain(sql::database& db, const std::string& type, const std::string& id) {
    if (type == "cloud")
        return std::string();
    if (type == "domain") {
        auto d = repo::find_domain(db, id);
        if (!d)
            return not_found("domain");
        return d->id;
    }
    auto p = repo::find_project(db, id);
    if (!p)
        return not_found("project");
    return p->domain_id;
}

}  // namespace

awaitable<void> directory::reload_roles() {
    auto job = [](sql::database& db) -> result<std::vector<role>> { return repo::all_roles(db); };
    auto roles = co_await store_.read(std::move(job));
    if (roles)
        ids_.set_roles(*roles);
}

awaitable<result<std::vector<role>>> directory::list_roles(principal) {
    auto job = [](sql::database& db) -> result<std::vector<role>> { return repo::all_roles(db); };
    auto found = co_await store_.read(std::move(job));
    co_return found;
}

awaitable<result<role>> directory::get_role(principal, std::string id) {
    auto job = [id](sql::database& db) -> result<std::optional<role>> { return repo::find_role(db, id); };
    auto found = co_await store_.read(std::move(job));
    if (!found)
        co_return found.error();
    if (!*found)
        co_return not_found("role");
    co_return **found;
}

awaitable<result<role>> directory::create_role(principal, identity_fields f) {
    std::vector<std::string> perms = f.permissions.value_or(std::vector<std::string>{});
    KUMO_CO_TRY_VOID(check_permissions(perms));
    if (parse_builtin_role(*f.name))
        co_return make_error(errc::conflict, "a built-in role has this name");
    const std::string now = now_text();
    role r{new_uuid(), *f.name, f.description.value_or(""), false, std::move(perms), now, now};
    auto job = [r](sql::database& db) -> result<role> {
        repo::insert_role(db, r);
        return r;
    };
    auto made = co_await store_.write(std::move(job));
    if (made)
        co_await reload_roles();
    co_return made;
}

awaitable<result<role>> directory::update_role(principal, std::string id, identity_fields f) {
    if (f.permissions)
        KUMO_CO_TRY_VOID(check_permissions(*f.permissions));
    if (f.name && parse_builtin_role(*f.name))
        co_return make_error(errc::conflict, "a built-in role has this name");
    auto job = [id, f](sql::database& db) -> result<role> {
        auto r = repo::find_role(db, id);
        if (!r)
            return not_found("role");
        if (r->builtin)
            return make_error(errc::conflict, "built-in roles cannot be changed");
        r->name = f.name.value_or(r->name);
        r->description = f.description.value_or(r->description);
        r->permissions = f.permissions.value_or(r->permissions);
        r->updated_at = now_text();
        repo::update_role(db, *r);
        return *r;
    };
    auto done = co_await store_.write(std::move(job));
    if (done)
        co_await reload_roles();
    co_return done;
}

awaitable<result<void>> directory::delete_role(principal, std::string id) {
    auto job = [id](sql::database& db, identity::cutoff_map& cuts) -> result<void> {
        auto r = repo::find_role(db, id);
        if (!r)
            return not_found("role");
        if (r->builtin)
            return make_error(errc::conflict, "built-in roles cannot be deleted");
        for (const auto& a : repo::list_assignments(db, {"", "", "", r->id}))
            for (const auto& u : repo::users_of_assignment(db, a))
                identity::cut_tokens(db, cuts, "user:" + u);
        repo::delete_role(db, r->id);
        return {};
    };
    auto done = co_await write_cutting<void>(std::move(job));
    if (done)
        co_await reload_roles();
    co_return done;
}

awaitable<result<std::vector<role_assignment>>> directory::list_assignments(principal who, repo::assignment_query q) {
    auto job = [who, q](sql::database& db) -> result<std::vector<role_assignment>> {
        std::vector<role_assignment> out;
        for (auto& a : repo::list_assignments(db, q)) {
            auto d = scope_domain(db, a.scope_type, a.scope_id);
            if (d && manages_scope(who, a.scope_type, a.scope_id, *d))
                out.push_back(std::move(a));
        }
        return out;
    };
    auto found = co_await store_.read(std::move(job));
    co_return found;
}

awaitable<result<role_assignment>> directory::create_assignment(principal who, role_assignment a) {
    a.id = new_uuid();
    a.created_at = now_text();
    auto job = [who, a](sql::database& db) -> result<role_assignment> {
        role_assignment made = a;
        KUMO_TRY(const std::string d, scope_domain(db, a.scope_type, a.scope_id));
        if (!manages_scope(who, a.scope_type, a.scope_id, d))
            return not_found(a.scope_type == "cloud" ? "scope" : a.scope_type.c_str());
        auto r = repo::find_role(db, a.role_id);
        if (!r)
            return validation_error("role", "no role with this id or name");
        auto b = parse_builtin_role(r->name);
        if (r->builtin && b && !assignable_at(*b, a.scope_type))
            return validation_error("role", std::string(r->name) + " cannot be assigned on a " + a.scope_type);
        if (!who.granted.covers(role_grants(*r)))
            return make_error(errc::forbidden, "you cannot grant a role with more rights than your own");
        std::string actor_domain;
        if (a.actor_type == "user") {
            auto u = repo::find_user(db, a.actor_id);
            actor_domain = u ? u->domain_id : "";
            made.actor_id = u ? u->id : "";
        } else {
            auto g = repo::find_group(db, a.actor_id);
            actor_domain = g ? g->domain_id : "";
            made.actor_id = g ? g->id : "";
        }
        if (made.actor_id.empty() || !can_see_in_domain(who, actor_domain))
            return validation_error(a.actor_type == "user" ? "user_id" : "group_id", "no such " + a.actor_type);
        made.role_id = r->id;
        made.role_name = r->name;
        repo::insert_assignment(db, made);
        return made;
    };
    auto made = co_await store_.write(std::move(job));
    co_return made;
}

awaitable<result<void>> directory::delete_assignment(principal who, std::string id) {
    auto job = [who, id](sql::database& db, identity::cutoff_map& cuts) -> result<void> {
        const std::size_t admins_before = repo::count_cloud_admins(db);  // keeps_a_cloud_admin compares
        auto a = repo::find_assignment(db, id);
        if (!a)
            return not_found("role assignment");
        auto d = scope_domain(db, a->scope_type, a->scope_id);
        if (!d || !manages_scope(who, a->scope_type, a->scope_id, *d))
            return not_found("role assignment");
        auto r = repo::find_role(db, a->role_id);
        if (r && !who.granted.covers(role_grants(*r)))
            return make_error(errc::forbidden, "you cannot revoke a role with more rights than your own");
        for (const auto& u : repo::users_of_assignment(db, *a))
            identity::cut_tokens(db, cuts, "user:" + u);
        repo::delete_assignment(db, a->id);
        KUMO_TRY_VOID(keeps_a_cloud_admin(db, admins_before));
        return {};
    };
    auto done = co_await write_cutting<void>(std::move(job));
    co_return done;
}

awaitable<result<std::vector<app_credential>>> directory::list_app_credentials(principal who) {
    auto job = [uid = who.user_id](sql::database& db) -> result<std::vector<app_credential>> {
        return repo::list_app_credentials(db, uid);
    };
    auto found = co_await store_.read(std::move(job));
    co_return found;
}

awaitable<result<app_credential>> directory::get_app_credential(principal who, std::string id) {
    auto job = [id](sql::database& db) -> result<std::optional<app_credential>> {
        return repo::find_app_credential(db, id);
    };
    auto found = co_await store_.read(std::move(job));
    if (!found)
        co_return found.error();
    if (!*found || (*found)->user_id != who.user_id)
        co_return not_found("application credential");
    co_return **found;
}

awaitable<result<new_app_credential>> directory::create_app_credential(principal who, app_credential c) {
    if (who.scope != "project")
        co_return make_error(errc::forbidden, "application credentials are made with a project-scoped token");
    if (!who.app_credential_id.empty())
        co_return make_error(errc::forbidden, "an application credential cannot create another one");
    if (c.roles.empty())
        c.roles = who.roles;
    // By what the roles grant, not by name: each built-in role includes everything below it, so a
    // project admin may hand a credential the member role.
    for (const auto& r : c.roles) {
        if (!ids_.has_role(r))
            co_return validation_error("roles", "no role named " + r);
        if (!who.granted.covers(ids_.grants_of({r})))
            co_return validation_error("roles", "the role " + r + " grants more than you hold on this project");
    }
    new_app_credential out;
    out.secret = random_hex(32);
    c.id = new_uuid();
    c.user_id = who.user_id;
    c.project_id = who.project_id;
    c.secret_hash = crypto::sha256_hex(out.secret);
    c.created_at = now_text();
    out.c = c;
    auto job = [c](sql::database& db) -> result<void> {
        repo::insert_app_credential(db, c);
        return {};
    };
    auto made = co_await store_.write(std::move(job));
    if (!made)
        co_return made.error();
    co_return out;
}

awaitable<result<void>> directory::delete_app_credential(principal who, std::string id) {
    auto job = [who, id](sql::database& db, identity::cutoff_map& cuts) -> result<void> {
        auto c = repo::find_app_credential(db, id);
        if (!c || c->user_id != who.user_id)
            return not_found("application credential");
        identity::cut_tokens(db, cuts, "app_credential:" + c->id);
        repo::delete_app_credential(db, c->id);
        return {};
    };
    auto done = co_await write_cutting<void>(std::move(job));
    co_return done;
}

}  // namespace kumo
