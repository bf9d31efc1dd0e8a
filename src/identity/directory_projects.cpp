// Domains, projects, quotas and the audit log.
#include "directory_common.hpp"
#include "identity_repo.hpp"
#include "kumo/core/crypto.hpp"
#include "kumo/core/log.hpp"
#include "kumo/store/list_query.hpp"

namespace kumo {

awaitable<result<std::vector<domain>>> directory::list_domains(principal who, repo::list_query q) {
    if (!who.is_admin())
        q.id = who.domain_id;  // a domain admin sees the one domain they administer
    auto job = [q](sql::database& db) -> result<std::vector<domain>> { return repo::list_domains(db, q); };
    auto found = co_await store_.read(std::move(job));
    co_return found;
}

awaitable<result<domain>> directory::get_domain(principal who, std::string id) {
    auto job = [id](sql::database& db) -> result<std::optional<domain>> { return repo::find_domain(db, id); };
    auto found = co_await store_.read(std::move(job));
    if (!found)
        co_return found.error();
    if (!*found || !who.manages_domain((*found)->id))
        co_return not_found("domain");
    co_return **found;
}

awaitable<result<domain>> directory::create_domain(principal, identity_fields f) {
    const std::string now = now_text();
    domain d{new_uuid(), *f.name, f.description.value_or(""), f.enabled.value_or(true), now, now};
    auto job = [d](sql::database& db) -> result<domain> {
        repo::insert_domain(db, d);
        return d;
    };
    auto made = co_await store_.write(std::move(job));
    co_return made;
}

awaitable<result<domain>> directory::update_domain(principal who, std::string id, identity_fields f) {
    auto job = [who, id, f](sql::database& db, identity::cutoff_map& cuts) -> result<domain> {
        const std::size_t admins_before = repo::count_cloud_admins(db);  // keeps_a_cloud_admin compares
        auto d = repo::find_domain(db, id);
        if (!d || !who.manages_domain(d->id))
            return not_found("domain");
        d->name = f.name.value_or(d->name);
        d->description = f.description.value_or(d->description);
        if (f.enabled && !*f.enabled && d->enabled)
            identity::cut_tokens(db, cuts, "domain:" + d->id);
        d->enabled = f.enabled.value_or(d->enabled);
        d->updated_at = now_text();
        repo::update_domain(db, *d);
        KUMO_TRY_VOID(keeps_a_cloud_admin(db, admins_before));
        return *d;
    };
    auto done = co_await write_cutting<domain>(std::move(job));
    co_return done;
}

awaitable<result<void>> directory::delete_domain(principal who, std::string id) {
    auto job = [who, id](sql::database& db, identity::cutoff_map& cuts) -> result<void> {
        auto d = repo::find_domain(db, id);
        if (!d || !who.manages_domain(d->id))
            return not_found("domain");
        if (d->id == kDefaultDomainId)
            return make_error(errc::conflict, "the default domain cannot be deleted");
        if (repo::domain_in_use(db, d->id))
            return make_error(errc::conflict, "the domain still has projects, users or groups");
        identity::cut_tokens(db, cuts, "domain:" + d->id);
        repo::delete_domain(db, d->id);
        return {};
    };
    auto done = co_await write_cutting<void>(std::move(job));
    co_return done;
}

awaitable<result<std::vector<project>>> directory::list_projects(principal who, repo::list_query q) {
    if (!who.is_admin()) {
        if (who.manages_domain(who.domain_id))
            q.domain_id = who.domain_id;
        else
            q.id = who.project_id.empty() ? "-" : who.project_id;
    }
    auto job = [q](sql::database& db) -> result<std::vector<project>> { return repo::list_projects(db, q); };
    auto found = co_await store_.read(std::move(job));
    co_return found;
}

awaitable<result<project>> directory::get_project(principal who, std::string id) {
    auto job = [id](sql::database& db) -> result<std::optional<project>> { return repo::find_project(db, id); };
    auto found = co_await store_.read(std::move(job));
    if (!found)
        co_return found.error();
    if (!*found || !can_see_project(who, **found))
        co_return not_found("project");
    co_return **found;
}

awaitable<result<project>> directory::create_project(principal who, identity_fields f) {
    const std::string now = now_text();
    project p{new_uuid(), *f.name, requested_domain(who, f), f.description.value_or(""), f.enabled.value_or(true),
              now,        now};
    auto job = [who, p](sql::database& db) -> result<project> {
        return insert_in_domain(db, who, p, repo::insert_project);
    };
    auto made = co_await store_.write(std::move(job));
    co_return made;
}

awaitable<result<project>> directory::update_project(principal who, std::string id, identity_fields f) {
    auto job = [who, id, f](sql::database& db, identity::cutoff_map& cuts) -> result<project> {
        auto p = repo::find_project(db, id);
        if (!p || !can_see_project(who, *p))
            return not_found("project");
        if (!who.manages_domain(p->domain_id))
            return make_error(errc::forbidden, "only the project's domain administrators may change it");
        p->name = f.name.value_or(p->name);
        p->description = f.description.value_or(p->description);
        if (f.enabled && !*f.enabled && p->enabled)
            identity::cut_tokens(db, cuts, "project:" + p->id);
        p->enabled = f.enabled.value_or(p->enabled);
        p->updated_at = now_text();
        repo::update_project(db, *p);
        return *p;
    };
    auto done = co_await write_cutting<project>(std::move(job));
    co_return done;
}

awaitable<result<void>> directory::delete_project(principal who, std::string id) {
    auto job = [this, who, id](sql::database& db, identity::cutoff_map& cuts) -> result<void> {
        auto p = repo::find_project(db, id);
        if (!p || !can_see_project(who, *p))
            return not_found("project");
        if (!who.manages_domain(p->domain_id))
            return make_error(errc::forbidden, "only the project's domain administrators may delete it");
        if (resources_.owns_anything(db, p->id))
            return make_error(errc::conflict, "the project still owns resources; delete them first");
        identity::cut_tokens(db, cuts, "project:" + p->id);
        repo::delete_project(db, p->id);
        return {};
    };
    auto done = co_await write_cutting<void>(std::move(job));
    co_return done;
}

namespace {

quota_report report_of(const project_resources& resources, sql::database& db, const std::string& project_id) {
    return quota_report{project_id, resources.limits(db, project_id), resources.usage(db, project_id)};
}

}  // namespace

awaitable<result<quota_report>> directory::get_quota(principal who, std::string project_id) {
    auto job = [this, who, project_id](sql::database& db) -> result<quota_report> {
        auto p = repo::find_project(db, project_id);
        if (!p || !can_see_project(who, *p))
            return not_found("project");
        return report_of(resources_, db, p->id);
    };
    auto found = co_await store_.read(std::move(job));
    co_return found;
}

awaitable<result<quota_report>> directory::set_quota(principal who, std::string project_id, quota_map limits) {
    auto job = [this, who, project_id, limits](sql::database& db) -> result<quota_report> {
        auto p = repo::find_project(db, project_id);
        if (!p || !can_see_project(who, *p))
            return not_found("project");
        for (const auto& [res, limit] : limits)
            repo::set_quota(db, p->id, res, limit);
        return report_of(resources_, db, p->id);
    };
    auto done = co_await store_.write(std::move(job));
    co_return done;
}

awaitable<result<std::vector<audit_entry>>> directory::list_audit(principal who, repo::audit_query q) {
    if (!who.is_admin()) {
        if (who.manages_domain(who.domain_id))
            q.domain_id = who.domain_id;
        else
            q.project_id = who.project_id.empty() ? "-" : who.project_id;
    }
    auto job = [q](sql::database& db) -> result<std::vector<audit_entry>> { return repo::list_audit(db, q); };
    auto found = co_await store_.read(std::move(job));
    co_return found;
}

awaitable<result<audit_verdict>> directory::verify_audit() {
    auto job = [key = audit_key_](sql::database& db) -> result<audit_verdict> { return repo::verify_audit(db, key); };
    auto found = co_await store_.read(std::move(job));
    co_return found;
}

awaitable<void> directory::record(audit_entry e) {
    auto job = [e, key = audit_key_](sql::database& db) -> result<void> {
        repo::append_audit(db, e, key);
        return {};
    };
    auto done = co_await store_.write(std::move(job));
    if (!done)
        log::error("audit", "could not record {} {} ({}): {}", e.method, e.path, e.request_id, done.error().detail);
}

result<std::string> load_or_create_audit_key(const std::string& data_dir) {
    return crypto::load_or_create_secret(data_dir + "/audit-key");
}

}  // namespace kumo
