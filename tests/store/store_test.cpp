#include "identity_repo.hpp"
#include "kumo/core/clock.hpp"
#include "kumo/core/ids.hpp"
#include "kumo/host/claim_repo.hpp"
#include "kumo/host/host_repo.hpp"
#include "kumo/operations/operation_repo.hpp"
#include "kumo/store/list_query.hpp"
#include "vm_repo.hpp"

#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include "kumo_catch.hpp"

using namespace kumo;

namespace {

std::unique_ptr<sql::database> fresh() {
    auto db = sql::database::open(":memory:");
    REQUIRE(db);
    return std::move(*db);
}

std::string schema_of(sql::database& db) {
    std::string out;
    auto st = db.prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name");
    while (st->step())
        out += st->text(0) + ";\n";
    return out;
}

struct seeded {
    std::unique_ptr<sql::database> db = fresh();
    project p{new_uuid(), "demo", kDefaultDomainId, "", true, "t", "t"};
    user u{new_uuid(), "alice", kDefaultDomainId, "", "hash", true, "t", "t"};
    flavor f{new_uuid(), "small", 1, 512, 0, {{"ssd", "true"}}, "t", "t"};
    host h;
    seeded() {
        h.id = new_uuid();
        h.name = "h1";
        h.uri = "test:///tmp/h1.xml";
        h.virt_type = "test";
        h.created_at = h.updated_at = "t";
        repo::insert_project(*db, p);
        repo::insert_user(*db, u);
        repo::insert_flavor(*db, f);
        repo::insert_host(*db, h);
    }
    vm make_vm(const std::string& name) {
        vm v;
        v.id = new_uuid();
        v.name = name;
        v.project_id = p.id;
        v.user_id = u.id;
        v.flavor_id = f.id;
        v.host_id = h.id;
        v.vcpus = 1;
        v.ram_mb = 512;
        v.vnc_password = "x";
        v.created_at = v.updated_at = "t";
        return v;
    }
};

}  // namespace

TEST_CASE("migrating an empty database yields the recorded schema", "[store]") {
    auto db = fresh();
    CHECK(db->schema_version() == static_cast<int>(sql::schema_history().size()));
    const std::string path = std::string(KUMO_GOLDEN_DIR) + "/schema.sql";
    const std::string schema = schema_of(*db);
    if (std::getenv("KUMO_UPDATE_GOLDEN"))
        std::ofstream(path) << schema;
    std::ifstream in(path);
    std::stringstream expected;
    expected << in.rdbuf();
    CHECK(schema == expected.str());
}

TEST_CASE("modules' migrations continue the shared history's numbers, each once", "[store]") {
    const int history = static_cast<int>(sql::schema_history().size());
    CHECK(sql::full_schema({}).size() == sql::schema_history().size());
    CHECK(sql::full_schema({{history + 1, "CREATE TABLE t (x INTEGER);"}}).back().version == history + 1);
    CHECK_THROWS_AS(sql::full_schema({{history + 2, "SELECT 1;"}}), std::logic_error);  // a gap
    CHECK_THROWS_AS(sql::full_schema({{history, "SELECT 1;"}}), std::logic_error);      // taken
    auto db = sql::database::open(":memory:");
    REQUIRE(db);
    const auto schema = sql::full_schema({{history + 1, "CREATE TABLE module_table (x INTEGER);"}});
    REQUIRE((*db)->migrate(schema));
    CHECK((*db)->schema_version() == history + 1);
    REQUIRE((*db)->migrate(schema));  // already there: nothing runs again
    auto st = (*db)->prepare("SELECT count(*) FROM module_table");
    CHECK(st->step());
}

TEST_CASE("a failed transaction leaves nothing behind", "[store]") {
    seeded s;
    vm v = s.make_vm("a");
    auto r = s.db->transaction([&]() -> result<void> {
        repo::insert_vm(*s.db, v);
        return make_error(errc::no_valid_host, "changed my mind");
    });
    CHECK_FALSE(r);
    CHECK_FALSE(repo::find_vm(*s.db, v.id));
}

TEST_CASE("unique names become conflict errors", "[store]") {
    seeded s;
    auto r = s.db->transaction([&]() -> result<void> {
        repo::insert_flavor(*s.db, flavor{new_uuid(), "small", 1, 1, 0, {}, "t", "t"});
        return {};
    });
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::conflict);
}

TEST_CASE("vm rows round-trip and the task claim is exclusive", "[store]") {
    seeded s;
    vm v = s.make_vm("web");
    v.status = vm_status::active;
    v.power = power_state::running;
    repo::insert_vm(*s.db, v);
    auto back = repo::find_vm(*s.db, v.id);
    REQUIRE(back);
    CHECK(back->name == "web");
    CHECK(back->status == vm_status::active);
    CHECK(back->power == power_state::running);
    CHECK(back->host_id == s.h.id);
    CHECK(repo::claim_vm_task(*s.db, v.id, vm_task::stopping, "t2"));
    CHECK_FALSE(repo::claim_vm_task(*s.db, v.id, vm_task::starting, "t3"));
    CHECK(repo::find_vm(*s.db, v.id)->task == vm_task::stopping);
    CHECK(repo::flavor_in_use(*s.db, s.f.id));
}

TEST_CASE("claims sum per host and go away with their VM", "[store]") {
    seeded s;
    vm a = s.make_vm("a"), b = s.make_vm("b");
    repo::insert_vm(*s.db, a);
    repo::insert_vm(*s.db, b);
    repo::insert_claim(*s.db, a.id, s.h.id, {1, 512, 10, 1}, "t");
    repo::insert_claim(*s.db, b.id, s.h.id, {2, 1024, 5, 1}, "t");
    auto usage = repo::claims_by_host(*s.db);
    CHECK(usage[s.h.id].vcpus == 3);
    CHECK(usage[s.h.id].ram_mb == 1536);
    CHECK(usage[s.h.id].disk_gb == 15);
    CHECK(usage[s.h.id].instances == 2);
    repo::release_claims(*s.db, a.id);
    CHECK(repo::claims_by_host(*s.db)[s.h.id].instances == 1);
    repo::delete_vm(*s.db, b.id);  // ON DELETE CASCADE
    CHECK(repo::claims_by_host(*s.db).empty());
}

TEST_CASE("lists filter by equality and page with markers", "[store]") {
    seeded s;
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i) {
        vm v = s.make_vm(i % 2 ? "odd" : "even");
        repo::insert_vm(*s.db, v);
        ids.push_back(v.id);
    }
    repo::list_query q;
    q.limit = 2;
    auto first = repo::list_vms(*s.db, q);
    REQUIRE(first.size() == 2);
    CHECK(first[0].id == ids[0]);
    q.marker = first.back().id;
    auto second = repo::list_vms(*s.db, q);
    REQUIRE(second.size() == 2);
    CHECK(second[0].id == ids[2]);
    repo::list_query by_name;
    by_name.name = "odd";
    CHECK(repo::list_vms(*s.db, by_name).size() == 2);
    repo::list_query other_project;
    other_project.project_id = new_uuid();
    CHECK(repo::list_vms(*s.db, other_project).empty());
}

TEST_CASE("unfinished operations are found for reconciliation", "[store]") {
    seeded s;
    operation op;
    op.id = new_uuid();
    op.kind = "vm.create";
    op.status = op_status::running;
    op.resource = "/api/v1/vms/x";
    op.target_id = "x";
    op.project_id = s.p.id;
    op.user_id = s.u.id;
    op.created_at = op.updated_at = "t";
    repo::insert_operation(*s.db, op);
    CHECK(repo::unfinished_operations(*s.db).size() == 1);
    op.status = op_status::failed;
    op.error = json{{"code", "internal"}};
    repo::update_operation(*s.db, op);
    CHECK(repo::unfinished_operations(*s.db).empty());
    CHECK(repo::find_operation(*s.db, op.id)->error->at("code") == "internal");
}

TEST_CASE("migration 4 counts the usage of a database written by an older version", "[store]") {
    // A version-3 database with two VMs (one on a host with a claim), as the previous release left it.
    const char* base = std::getenv("TMPDIR");
    const std::string path = std::string(base ? base : "/tmp") + "/kumo-migrate-" + new_uuid() + ".db";
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    for (int i = 0; i < 3; ++i)
        REQUIRE(sqlite3_exec(raw, sql::schema_history()[i].sql, nullptr, nullptr, nullptr) == SQLITE_OK);
    const char* rows = R"sql(
PRAGMA user_version = 3;
INSERT INTO projects (id, name, created_at, updated_at) VALUES ('p1', 'web', 't', 't');
INSERT INTO users (id, name, password_hash, created_at, updated_at) VALUES ('u1', 'alice', 'h', 't', 't');
INSERT INTO flavors (id, name, vcpus, ram_mb, disk_gb, created_at, updated_at) VALUES ('f1', 'm', 2, 512, 10, 't', 't');
INSERT INTO hosts (id, name, uri, status, virt_type, created_at, updated_at)
    VALUES ('h1', 'h1', 'test:///h1.xml', 'up', 'test', 't', 't');
INSERT INTO vms (id, name, project_id, user_id, flavor_id, host_id, vcpus, ram_mb, status, vnc_password, created_at, updated_at)
    VALUES ('v1', 'a', 'p1', 'u1', 'f1', 'h1', 2, 512, 'active', 'x', 't', 't'),
           ('v2', 'b', 'p1', 'u1', 'f1', NULL, 2, 512, 'error', 'x', 't', 't');
INSERT INTO claims (vm_id, host_id, vcpus, ram_mb, disk_gb, created_at) VALUES ('v1', 'h1', 2, 512, 0, 't');
)sql";
    char* err = nullptr;
    const int rc = sqlite3_exec(raw, rows, nullptr, nullptr, &err);
    INFO((err ? err : ""));
    REQUIRE(rc == SQLITE_OK);
    sqlite3_close(raw);

    auto db = sql::database::open(path);
    REQUIRE(db);
    CHECK((*db)->schema_version() == static_cast<int>(sql::schema_history().size()));
    auto usage = repo::vm_quota_usage(**db, "p1");
    CHECK(usage["instances"] == 2);
    CHECK(usage["vcpus"] == 4);
    CHECK(usage["disk_gb"] == 20);  // disk taken from the flavor
    auto hosts = repo::claims_by_host(**db);
    CHECK(hosts["h1"].instances == 1);
    CHECK(hosts["h1"].vcpus == 2);
    CHECK(hosts["h1"].disk_gb == 10);
    db->reset();
    std::remove(path.c_str());
}
