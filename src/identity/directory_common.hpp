#pragma once
// Shared by the directory_*.cpp files: the visibility rules and the cutting write.
#include "directory.hpp"
#include "kumo/core/clock.hpp"
#include "kumo/core/ids.hpp"

#include <memory>

namespace kumo {

inline std::string now_text() {
    return to_rfc3339(system_clock().now());
}

inline error not_found(const char* what) {
    return make_error(errc::not_found, std::string(what) + " not found");
}

inline bool can_see_project(const principal& who, const project& p) {
    return who.manages_domain(p.domain_id) || (who.scope == "project" && who.project_id == p.id);
}

// Users and groups of a domain: its admins, and project admins working in it.
inline bool can_see_in_domain(const principal& who, const std::string& domain_id) {
    return who.manages_domain(domain_id) ||
           (who.granted.at_least(builtin_role::project_admin) && domain_id == who.domain_id);
}

// Whether the caller administers the assignments of a scope. `project_domain` is the domain of a
// project scope.
inline bool manages_scope(const principal& who, const std::string& type, const std::string& id,
                          const std::string& project_domain) {
    if (type == "cloud")
        return who.is_admin();
    if (type == "domain")
        return who.manages_domain(id);
    return who.manages_project(id, project_domain);
}

// The domain a create asks for (id or name): the one named in the body, else the caller's.
inline std::string requested_domain(const principal& who, const identity_fields& f) {
    return f.domain_id.value_or(who.domain_id.empty() ? kDefaultDomainId : who.domain_id);
}

// Checked after a change, in its transaction (an error undoes the change): an enabled user of an
// enabled domain must still hold the cloud-wide admin role, directly or through a group, or nobody
// could administer the cloud again short of the offline recovery. Only a change that takes the last
// one away is refused (`before`: the count before it): in a cloud that already has none, a domain
// admin's unrelated edits still work.
inline result<void> keeps_a_cloud_admin(sql::database& db, std::size_t before) {
    if (before == 0 || repo::count_cloud_admins(db) > 0)
        return {};
    return make_error(errc::conflict,
                      "this would leave no enabled cloud administrator: give another user the admin role on the "
                      "cloud first (offline recovery: `kumo admin-recover` on the daemon's machine)");
}

// Inserts a project, user or group into the domain it names, which the caller must administer.
template <class T>
result<T> insert_in_domain(sql::database& db, const principal& who, T obj, void (*insert)(sql::database&, const T&)) {
    auto d = repo::find_domain(db, obj.domain_id);
    if (!d || !who.manages_domain(d->id))
        return validation_error("domain_id", "no domain with this id that you administer");
    obj.domain_id = d->id;
    insert(db, obj);
    return obj;
}

template <class T, class F>
awaitable<result<T>> directory::write_cutting(F job) {
    auto cuts = std::make_shared<identity::cutoff_map>();
    auto wrapped = [job = std::move(job), cuts](sql::database& db) mutable -> result<T> { return job(db, *cuts); };
    auto done = co_await store_.write(std::move(wrapped));
    if (done)
        ids_.apply_cutoffs(*cuts);
    co_return done;
}

}  // namespace kumo
