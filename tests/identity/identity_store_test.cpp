// Identity repositories on a real (in-memory) SQLite: effective roles through groups and scopes,
// quota usage, and the audit chain detecting edits and deletions.
#include "identity_repo.hpp"
#include "kumo/core/ids.hpp"
#include "kumo/identity/project_resources.hpp"
#include "vm_repo.hpp"

#include "kumo_catch.hpp"

using namespace kumo;

namespace {

std::unique_ptr<sql::database> fresh() {
    auto db = sql::database::open(":memory:");
    REQUIRE(db);
    return std::move(*db);
}

void assign(sql::database& db, const std::string& actor_type, const std::string& actor, const std::string& scope_type,
            const std::string& scope_id, const std::string& role) {
    repo::insert_assignment(db, {new_uuid(), actor_type, actor, scope_type, scope_id, role, "", "t"});
}

audit_entry entry(const std::string& action) {
    audit_entry e;
    e.time = "2026-11-21T00:00:00Z";
    e.user_name = "alice";
    e.action = action;
    e.outcome = "success";
    e.status = 201;
    return e;
}

}  // namespace

TEST_CASE("the migration seeds the default domain and the built-in roles", "[store][identity]") {
    auto db = fresh();
    REQUIRE(repo::find_domain(*db, kDefaultDomainId));
    auto roles = repo::all_roles(*db);
    REQUIRE(roles.size() == 5);
    for (const auto& r : roles) {
        CHECK(r.builtin);
        CHECK(parse_builtin_role(r.name));
    }
}

TEST_CASE("effective roles come from the user, their groups, the domain and the cloud", "[store][identity]") {
    auto db = fresh();
    domain d{"d1", "eng", "", true, "t", "t"};
    repo::insert_domain(*db, d);
    project p{"p1", "web", "d1", "", true, "t", "t"}, other{"p2", "ops", "d1", "", true, "t", "t"};
    repo::insert_project(*db, p);
    repo::insert_project(*db, other);
    user u{"u1", "alice", "d1", "", "h", true, "t", "t"};
    repo::insert_user(*db, u);
    group g{"g1", "devs", "d1", "", "t", "t"};
    repo::insert_group(*db, g);

    CHECK(repo::effective_roles(*db, "u1", "d1", "p1").empty());
    CHECK(repo::default_scope_of(*db, "u1").first.empty());
    assign(*db, "group", "g1", "project", "p1", "member");
    CHECK(repo::effective_roles(*db, "u1", "d1", "p1").empty());  // not a member of the group yet
    repo::add_group_member(*db, "g1", "u1");
    CHECK(repo::effective_roles(*db, "u1", "d1", "p1") == std::vector<std::string>{"member"});
    CHECK(repo::effective_roles(*db, "u1", "d1", "p2").empty());
    assign(*db, "user", "u1", "domain", "d1", "domain_admin");
    CHECK(repo::effective_roles(*db, "u1", "d1", "p2") == std::vector<std::string>{"domain_admin"});
    CHECK(repo::effective_roles(*db, "u1", "d1", "") == std::vector<std::string>{"domain_admin"});
    CHECK(repo::effective_roles(*db, "u1", "", "").empty());
    CHECK(repo::default_scope_of(*db, "u1") == std::pair<std::string, std::string>{"project", "p1"});

    auto of_group = repo::list_assignments(*db, {"g1", "", "", ""});
    REQUIRE(of_group.size() == 1);
    CHECK(of_group[0].role_name == "member");
    CHECK(repo::users_of_assignment(*db, of_group[0]) == std::vector<std::string>{"u1"});

    CHECK(repo::delete_group(*db, "g1"));  // takes its assignments along
    CHECK(repo::effective_roles(*db, "u1", "d1", "p1") == std::vector<std::string>{"domain_admin"});
    CHECK(repo::domain_in_use(*db, "d1"));
}

TEST_CASE("quota usage counts a project's VMs and their flavors", "[store][quota]") {
    auto db = fresh();
    repo::insert_project(*db, {"p1", "web", kDefaultDomainId, "", true, "t", "t"});
    repo::insert_user(*db, {"u1", "alice", kDefaultDomainId, "", "h", true, "t", "t"});
    repo::insert_flavor(*db, {"f1", "small", 2, 512, 10, {}, "t", "t"});
    const config cfg;
    project_resources resources(cfg);  // as the daemon builds it: compute counts the VMs
    resources.add_counter(repo::vm_quota_usage);
    auto usage = resources.usage(*db, "p1");
    CHECK(usage.size() == quota_resources().size());
    CHECK(usage["instances"] == 0);
    std::string last;
    for (int i = 0; i < 3; ++i) {
        vm v;
        v.id = new_uuid();
        v.name = "vm";
        v.project_id = "p1";
        v.user_id = "u1";
        v.flavor_id = "f1";
        v.vcpus = 2;
        v.ram_mb = 512;
        v.disk_gb = 10;  // copied from the flavor at create
        v.vnc_password = "x";
        v.created_at = v.updated_at = "t";
        repo::insert_vm(*db, v);
        last = v.id;
    }
    usage = resources.usage(*db, "p1");
    CHECK(usage["instances"] == 3);
    CHECK(usage["vcpus"] == 6);
    CHECK(usage["ram_mb"] == 1536);
    CHECK(usage["disk_gb"] == 30);
    repo::delete_vm(*db, last);  // the counters follow deletes too
    usage = resources.usage(*db, "p1");
    CHECK(usage["instances"] == 2);
    CHECK(usage["disk_gb"] == 20);
    repo::set_quota(*db, "p1", "instances", 5);
    repo::set_quota(*db, "p1", "instances", 4);
    CHECK(repo::quota_overrides(*db, "p1") == std::map<std::string, std::int64_t>{{"instances", 4}});
}

TEST_CASE("the audit chain detects an edited row and a deleted row, and names it", "[store][audit]") {
    auto db = fresh();
    for (int i = 0; i < 5; ++i)
        repo::append_audit(*db, entry("vm:create"), "key");
    auto v = repo::verify_audit(*db, "key");
    CHECK(v.intact);
    CHECK(v.entries == 5);
    CHECK_FALSE(repo::verify_audit(*db, "wrong key").intact);

    SECTION("an edited row") {
        db->prepare("UPDATE audit_log SET outcome = 'failure' WHERE seq = 3")->exec();
        v = repo::verify_audit(*db, "key");
        CHECK_FALSE(v.intact);
        CHECK(v.first_broken_seq == 3);
    }
    SECTION("a deleted row") {
        db->prepare("DELETE FROM audit_log WHERE seq = 2")->exec();
        v = repo::verify_audit(*db, "key");
        CHECK_FALSE(v.intact);
        CHECK(v.first_broken_seq == 3);
    }
    SECTION("a row whose hash was recomputed without the key") {
        db->prepare("UPDATE audit_log SET action = 'vm:delete', hash = 'forged' WHERE seq = 4")->exec();
        v = repo::verify_audit(*db, "key");
        CHECK(v.first_broken_seq == 4);
    }
    SECTION("newest first, filtered, paged by seq") {
        repo::append_audit(*db, entry("vm:delete"), "key");
        repo::audit_query q;
        q.limit = 2;
        auto page = repo::list_audit(*db, q);
        REQUIRE(page.size() == 2);
        CHECK(page[0].seq == 6);
        q.marker = page[1].seq;
        CHECK(repo::list_audit(*db, q).front().seq == 4);
        q = {};
        q.action = "vm:delete";
        CHECK(repo::list_audit(*db, q).size() == 1);
    }
}
