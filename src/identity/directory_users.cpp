// Users and groups.
#include "directory_common.hpp"
#include "identity_repo.hpp"
#include "kumo/store/list_query.hpp"

namespace kumo {
namespace {

bool holds_cloud_role(sql::database& db, const std::string& user_id) {
    return !repo::effective_roles(db, user_id, "", "").empty();
}

// Changing or deleting a user takes their domain's administration, and a cloud administrator when the
// user holds a cloud-wide role (a domain admin must not reset the password of a cloud admin).
result<user> manageable_user(sql::database& db, const principal& who, const std::string& id) {
    auto u = repo::find_user(db, id);
    if (!u || !(can_see_in_domain(who, u->domain_id) || u->id == who.user_id))
        return not_found("user");
    if (!who.manages_domain(u->domain_id) || (holds_cloud_role(db, u->id) && !who.is_admin()))
        return make_error(errc::forbidden, "you may not change this user");
    return *u;
}

result<group> manageable_group(sql::database& db, const principal& who, const std::string& id) {
    auto g = repo::find_group(db, id);
    if (!g || !can_see_in_domain(who, g->domain_id))
        return not_found("group");
    if (!who.manages_domain(g->domain_id))
        return make_error(errc::forbidden, "only the group's domain administrators may change it");
    return *g;
}

}  // namespace

awaitable<result<std::vector<user>>> directory::list_users(principal who, repo::list_query q) {
    if (!who.is_admin())
        q.domain_id = who.domain_id.empty() ? "-" : who.domain_id;
    auto job = [q](sql::database& db) -> result<std::vector<user>> { return repo::list_users(db, q); };
    auto found = co_await store_.read(std::move(job));
    co_return found;
}

awaitable<result<user>> directory::get_user(principal who, std::string id) {
    auto job = [id](sql::database& db) -> result<std::optional<user>> { return repo::find_user(db, id); };
    auto found = co_await store_.read(std::move(job));
    if (!found)
        co_return found.error();
    if (!*found || !can_see_in_domain(who, (*found)->domain_id))
        co_return not_found("user");
    co_return **found;
}

awaitable<result<user>> directory::create_user(principal who, identity_fields f) {
    KUMO_CO_TRY_VOID(ids_.check_password_policy(*f.password, *f.name, "password"));
    const std::string now = now_text();
    user u{new_uuid(), *f.name, requested_domain(who, f), f.email.value_or(""), "", f.enabled.value_or(true), now, now};
    u.password_hash = co_await ids_.hash_password(*f.password);
    auto job = [who, u](sql::database& db) -> result<user> { return insert_in_domain(db, who, u, repo::insert_user); };
    auto made = co_await store_.write(std::move(job));
    co_return made;
}

awaitable<result<user>> directory::update_user(principal who, std::string id, identity_fields f) {
    std::optional<std::string> new_hash;
    if (f.password) {
        KUMO_CO_TRY_VOID(ids_.check_password_policy(*f.password, f.name.value_or(""), "password"));
        new_hash = co_await ids_.hash_password(*f.password);
    }
    auto job = [who, id, f, new_hash](sql::database& db, identity::cutoff_map& cuts) -> result<user> {
        const std::size_t admins_before = repo::count_cloud_admins(db);  // keeps_a_cloud_admin compares
        KUMO_TRY(user u, manageable_user(db, who, id));
        if (f.password && f.password == f.name.value_or(u.name))
            return validation_error("password", "must not be the user name");
        u.name = f.name.value_or(u.name);
        u.email = f.email.value_or(u.email);
        const bool disabling = f.enabled && !*f.enabled && u.enabled;
        if (disabling || new_hash)
            identity::cut_tokens(db, cuts, "user:" + u.id);
        u.enabled = f.enabled.value_or(u.enabled);
        u.password_hash = new_hash.value_or(u.password_hash);
        u.updated_at = now_text();
        repo::update_user(db, u);
        KUMO_TRY_VOID(keeps_a_cloud_admin(db, admins_before));
        return u;
    };
    auto done = co_await write_cutting<user>(std::move(job));
    co_return done;
}

awaitable<result<void>> directory::delete_user(principal who, std::string id) {
    auto job = [this, who, id](sql::database& db, identity::cutoff_map& cuts) -> result<void> {
        const std::size_t admins_before = repo::count_cloud_admins(db);  // keeps_a_cloud_admin compares
        KUMO_TRY(user u, manageable_user(db, who, id));
        if (auto owned = resources_.owned_by_user(db, u.id))
            return make_error(errc::conflict,
                              "the user still owns " + *owned + "; delete them or disable the user instead");
        identity::cut_tokens(db, cuts, "user:" + u.id);
        repo::delete_user(db, u.id);
        KUMO_TRY_VOID(keeps_a_cloud_admin(db, admins_before));
        return {};
    };
    auto done = co_await write_cutting<void>(std::move(job));
    co_return done;
}

awaitable<result<void>> directory::change_own_password(principal who, std::string id, std::string original,
                                                       std::string password) {
    if (id != who.user_id)
        co_return not_found("user");
    KUMO_CO_TRY_VOID(ids_.check_password_policy(password, who.user_name, "password"));
    auto find = [id](sql::database& db) -> result<std::optional<user>> { return repo::find_user(db, id); };
    auto found = co_await store_.read(std::move(find));
    if (!found)
        co_return found.error();
    if (!*found)
        co_return not_found("user");
    const bool ok = co_await ids_.verify_password(original, (*found)->password_hash);
    if (!ok)
        co_return validation_error("original_password", "does not match the current password");
    const std::string hash = co_await ids_.hash_password(password);
    auto job = [id, hash](sql::database& db, identity::cutoff_map& cuts) -> result<void> {
        auto u = repo::find_user(db, id);
        if (!u)
            return not_found("user");
        u->password_hash = hash;
        u->updated_at = now_text();
        repo::update_user(db, *u);
        identity::cut_tokens(db, cuts, "user:" + id);
        return {};
    };
    auto done = co_await write_cutting<void>(std::move(job));
    co_return done;
}

awaitable<result<std::vector<group>>> directory::list_groups(principal who, repo::list_query q) {
    if (!who.is_admin())
        q.domain_id = who.domain_id.empty() ? "-" : who.domain_id;
    auto job = [q](sql::database& db) -> result<std::vector<group>> { return repo::list_groups(db, q); };
    auto found = co_await store_.read(std::move(job));
    co_return found;
}

awaitable<result<group_with_members>> directory::get_group(principal who, std::string id) {
    auto job = [who, id](sql::database& db) -> result<group_with_members> {
        auto g = repo::find_group(db, id);
        if (!g || !can_see_in_domain(who, g->domain_id))
            return not_found("group");
        return group_with_members{*g, repo::group_members(db, g->id)};
    };
    auto found = co_await store_.read(std::move(job));
    co_return found;
}

awaitable<result<group>> directory::create_group(principal who, identity_fields f) {
    const std::string now = now_text();
    group g{new_uuid(), *f.name, requested_domain(who, f), f.description.value_or(""), now, now};
    auto job = [who, g](sql::database& db) -> result<group> {
        return insert_in_domain(db, who, g, repo::insert_group);
    };
    auto made = co_await store_.write(std::move(job));
    co_return made;
}

awaitable<result<group>> directory::update_group(principal who, std::string id, identity_fields f) {
    auto job = [who, id, f](sql::database& db) -> result<group> {
        KUMO_TRY(group g, manageable_group(db, who, id));
        g.name = f.name.value_or(g.name);
        g.description = f.description.value_or(g.description);
        g.updated_at = now_text();
        repo::update_group(db, g);
        return g;
    };
    auto done = co_await store_.write(std::move(job));
    co_return done;
}

awaitable<result<void>> directory::delete_group(principal who, std::string id) {
    auto job = [who, id](sql::database& db, identity::cutoff_map& cuts) -> result<void> {
        const std::size_t admins_before = repo::count_cloud_admins(db);  // keeps_a_cloud_admin compares
        KUMO_TRY(group g, manageable_group(db, who, id));
        for (const auto& u : repo::group_members(db, g.id))
            identity::cut_tokens(db, cuts, "user:" + u.id);
        repo::delete_group(db, g.id);
        KUMO_TRY_VOID(keeps_a_cloud_admin(db, admins_before));
        return {};
    };
    auto done = co_await write_cutting<void>(std::move(job));
    co_return done;
}

awaitable<result<void>> directory::add_group_member(principal who, std::string group_id, std::string user_id) {
    auto job = [who, group_id, user_id](sql::database& db) -> result<void> {
        KUMO_TRY(group g, manageable_group(db, who, group_id));
        auto u = repo::find_user(db, user_id);
        if (!u || !can_see_in_domain(who, u->domain_id))
            return not_found("user");
        repo::add_group_member(db, g.id, u->id);
        return {};
    };
    auto done = co_await store_.write(std::move(job));
    co_return done;
}

awaitable<result<void>> directory::remove_group_member(principal who, std::string group_id, std::string user_id) {
    auto job = [who, group_id, user_id](sql::database& db, identity::cutoff_map& cuts) -> result<void> {
        const std::size_t admins_before = repo::count_cloud_admins(db);  // keeps_a_cloud_admin compares
        KUMO_TRY(group g, manageable_group(db, who, group_id));
        if (!repo::remove_group_member(db, g.id, user_id))
            return not_found("group member");
        identity::cut_tokens(db, cuts, "user:" + user_id);
        KUMO_TRY_VOID(keeps_a_cloud_admin(db, admins_before));
        return {};
    };
    auto done = co_await write_cutting<void>(std::move(job));
    co_return done;
}

}  // namespace kumo
