// The policy table, the role ladder, object-level visibility, quotas and the audit hash.
#include "kumo/identity/policy.hpp"
#include "kumo/compute/permissions.hpp"
#include "kumo/host/permissions.hpp"
#include "kumo/identity/audit.hpp"
#include "kumo/identity/model.hpp"
#include "kumo/identity/permissions.hpp"
#include "kumo/identity/quota.hpp"
#include "kumo/image/permissions.hpp"
#include "kumo/operations/permissions.hpp"
#include "kumo/scheduler/permissions.hpp"
#include "kumo/storage/permissions.hpp"

#include <set>
#include "kumo_catch.hpp"

using namespace kumo;

namespace {

// The table as the daemon assembles it (src/app/composition.cpp): every module's rows, and the daemon's
// own public row. Adding rows twice is harmless, so every test case calls it.
void assemble_policy_table() {
    static const std::vector<permission_rule> system_row = {public_rule("system:read", "health and version")};
    for (auto rows : {identity_permissions(), host_permissions(), scheduler_permissions(), compute_permissions(),
                      image_permissions(), storage_permissions(), operations_permissions(),
                      std::span<const permission_rule>(system_row)})
        add_permissions(rows);
}

principal with_role(builtin_role r, std::string project = "p1", std::string domain = "d1") {
    principal w;
    w.user_id = "u";
    w.scope = project.empty() ? "domain" : "project";
    w.project_id = project;
    w.domain_id = domain;
    w.granted.rank = r;
    return w;
}

}  // namespace

TEST_CASE("the policy table names each permission once, with a resource:action name", "[policy]") {
    assemble_policy_table();
    std::set<std::string_view> seen;
    for (const auto& p : policy_table()) {
        INFO(p.name);
        CHECK(seen.insert(p.name).second);
        CHECK(p.name.find(':') != std::string_view::npos);
        CHECK_FALSE(p.summary.empty());
    }
    CHECK(find_permission("vm:create"));
    CHECK_FALSE(find_permission("vm:explode"));
}

TEST_CASE("a permission a second module adds again must be the same rule", "[policy]") {
    assemble_policy_table();
    const auto before = policy_table().size();
    const std::vector<permission_rule> same = {role_rule("vm:read", builtin_role::reader, target_kind::project, "x")};
    CHECK_NOTHROW(add_permissions(same));
    const std::vector<permission_rule> other = {role_rule("vm:read", builtin_role::admin, target_kind::cloud, "x")};
    CHECK_THROWS_AS(add_permissions(other), std::logic_error);
    CHECK(policy_table().size() == before);
}

TEST_CASE("each built-in role implies every role below it", "[policy]") {
    assemble_policy_table();
    const auto& ladder = builtin_roles();
    for (std::size_t i = 1; i < ladder.size(); ++i) {
        auto lower = builtin_permissions(ladder[i - 1]);
        auto higher = builtin_permissions(ladder[i]);
        for (const auto& p : lower)
            CHECK(higher.count(p));
        CHECK(higher.size() > lower.size());
    }
    CHECK(builtin_permissions(builtin_role::reader).count("vm:read"));
    CHECK_FALSE(builtin_permissions(builtin_role::reader).count("vm:create"));
    CHECK(builtin_permissions(builtin_role::member).count("vm:create"));
    CHECK_FALSE(builtin_permissions(builtin_role::domain_admin).count("host:read"));
    CHECK(builtin_permissions(builtin_role::admin).count("host:create"));
    for (auto r : ladder)
        CHECK(parse_builtin_role(to_string(r)) == r);
}

TEST_CASE("grants combine the highest built-in role with custom permissions", "[policy]") {
    assemble_policy_table();
    grants g;
    CHECK_FALSE(g.allows("vm:read"));
    CHECK(g.allows("system:read"));  // public
    CHECK(g.allows("auth:self"));    // any token
    g.custom = {"flavor:create"};
    CHECK(g.allows("flavor:create"));
    CHECK_FALSE(g.allows("flavor:delete"));
    g.rank = builtin_role::member;
    CHECK(g.allows("vm:create"));
    CHECK_FALSE(g.allows("no:such"));

    grants admin;
    admin.rank = builtin_role::admin;
    CHECK(admin.covers(g));
    CHECK_FALSE(g.covers(admin));
    grants pa;
    pa.rank = builtin_role::project_admin;
    CHECK(pa.covers(grants{builtin_role::member, {}}));
    CHECK_FALSE(pa.covers(g));  // flavor:create is more than a project admin holds
}

TEST_CASE("admin and domain_admin are assignable only at their scopes", "[policy]") {
    assemble_policy_table();
    CHECK(assignable_at(builtin_role::admin, "cloud"));
    CHECK_FALSE(assignable_at(builtin_role::admin, "project"));
    CHECK_FALSE(assignable_at(builtin_role::admin, "domain"));
    CHECK(assignable_at(builtin_role::domain_admin, "domain"));
    CHECK_FALSE(assignable_at(builtin_role::domain_admin, "project"));
    CHECK(assignable_at(builtin_role::member, "project"));
}

TEST_CASE("principals see their own project's resources; admins see all", "[policy]") {
    assemble_policy_table();
    principal member = with_role(builtin_role::member);
    principal admin = with_role(builtin_role::admin, "p0");
    CHECK(member.can_see("p1"));
    CHECK_FALSE(member.can_see("p2"));
    CHECK_FALSE(member.can_see(""));  // ownerless (host) resources are admin-only
    CHECK(admin.can_see("p2"));
    CHECK(admin.can_see(""));
    principal domain_scoped = with_role(builtin_role::domain_admin, "");
    CHECK_FALSE(domain_scoped.can_see("p1"));  // project resources need a project-scoped token
    CHECK(domain_scoped.manages_domain("d1"));
    CHECK_FALSE(domain_scoped.manages_domain("d2"));
    CHECK_FALSE(member.manages_domain("d1"));
    principal pa = with_role(builtin_role::project_admin);
    CHECK(pa.manages_project("p1", "d1"));
    CHECK_FALSE(pa.manages_project("p2", "d1"));
    CHECK(domain_scoped.manages_project("p9", "d1"));
}

TEST_CASE("quota checks name every resource a request would push over", "[quota]") {
    quota_map limits{{"instances", 2}, {"vcpus", 4}, {"ram_mb", -1}};
    quota_map usage{{"instances", 1}, {"vcpus", 4}};
    CHECK(check_quota(limits, usage, {{"instances", 1}}));
    CHECK(check_quota(limits, usage, {{"ram_mb", 1 << 20}}));  // unlimited
    auto over = check_quota(limits, usage, {{"instances", 2}, {"vcpus", 1}});
    REQUIRE_FALSE(over);
    CHECK(over.error().code == errc::quota_exceeded);
    REQUIRE(over.error().fields.size() == 2);
    CHECK(over.error().fields[0].field == "instances");
    CHECK(over.error().fields[1].field == "vcpus");
    CHECK(quota_resources().size() == 11);
}

TEST_CASE("the audit hash covers every field and needs the key", "[audit]") {
    audit_entry e;
    e.seq = 7;
    e.time = "2026-11-21T00:00:00Z";
    e.user_name = "alice";
    e.action = "vm:create";
    e.outcome = "success";
    e.status = 202;
    const std::string h = audit_hash(e, "key");
    CHECK(h.size() == 64);
    CHECK(audit_hash(e, "other key") != h);
    audit_entry changed = e;
    changed.outcome = "failure";
    CHECK(audit_hash(changed, "key") != h);
    changed = e;
    changed.prev_hash = "x";
    CHECK(audit_hash(changed, "key") != h);
    // Moving text between adjacent fields changes the hash too.
    audit_entry a = e, b = e;
    a.user_id = "ab";
    a.user_name = "c";
    b.user_id = "a";
    b.user_name = "bc";
    CHECK(audit_hash(a, "key") != audit_hash(b, "key"));
}
