// The authorization matrix: every route x every built-in role x {own, other, no token}, against a real
// daemon. The expected answer of each cell is computed from the policy table (kumo/domain/policy.hpp),
// so the table and the code that enforces it cannot drift apart; a route missing here fails the test.
// "Own" objects live in the caller's project and domain (dept-a / project-a); "other" ones in dept-b /
// project-b, or belong to another user. Destructive requests get a fresh object per cell.
#include <fstream>
#include "daemon.hpp"
#include "daemon_process.hpp"
#include "kumo/http/request.hpp"
#include "kumo/identity/policy.hpp"

#include <atomic>
#include <functional>
#include "kumo_catch.hpp"

using namespace kumo;
using kumo::test::call;
using kumo::test::daemon_process;

namespace {

constexpr const char* kPassword = "matrix-password-1";

std::string unique(const std::string& prefix) {
    static std::atomic<int> n{0};
    return prefix + "-" + std::to_string(++n);
}

// Everything the matrix needs: two departments, a project in each, a user per built-in role, and
// long-lived objects on both sides.
struct world {
    daemon_process d{test::make_temp_dir("kumo-authz"),
                     {"--simulate", "1"},
                     {{"KUMO_QUOTA_INSTANCES", "-1"}, {"KUMO_QUOTA_VCPUS", "-1"}, {"KUMO_QUOTA_RAM_MB", "-1"}}};
    cli::api_client admin = d.admin();
    // The admin scoped to project-a and project-b, to make each project's VMs.
    cli::api_client admin_a = d.anonymous(), admin_b = d.anonymous();
    std::string dept_a, dept_b, project_a, project_b, flavor, host;
    std::map<builtin_role, cli::api_client> as;
    std::map<builtin_role, std::string> user_of;
    std::map<builtin_role, std::string> app_credential_of;
    std::string user_a, user_b, group_a, group_b, role_custom, vm_a, vm_b, op_a, op_b, admin_app_credential;
    std::string assignment_a, assignment_b;
    std::string group_sg_a, group_sg_b, aggregate_id;
    std::string image_a, image_b, volume_a, volume_b, snap_a, snap_b, vsnap_a, vsnap_b;

    std::string make(const cli::api_client& c, const std::string& path, json body) {
        auto r = call(c, "POST", path, body);
        INFO(path << " " << r.body.dump());
        REQUIRE(r.status == 201);
        return r.body["id"];
    }
    std::string fresh_domain() { return make(admin, "/api/v1/domains", {{"name", unique("dept")}}); }
    std::string fresh_project(const std::string& dom) {
        return make(admin, "/api/v1/projects", {{"name", unique("proj")}, {"domain_id", dom}});
    }
    std::string fresh_user(const std::string& dom) {
        return make(admin, "/api/v1/users", {{"name", unique("user")}, {"password", kPassword}, {"domain_id", dom}});
    }
    std::string fresh_group(const std::string& dom) {
        return make(admin, "/api/v1/groups", {{"name", unique("group")}, {"domain_id", dom}});
    }
    std::string fresh_role() {
        return make(admin, "/api/v1/roles", {{"name", unique("role")}, {"permissions", {"vm:read"}}});
    }
    std::string fresh_flavor() {
        return make(admin, "/api/v1/flavors", {{"name", unique("flavor")}, {"vcpus", 1}, {"ram_mb", 64}});
    }
    std::string assign(const json& who, const std::string& scope_key, const std::string& scope,
                       const std::string& role) {
        json body = who;
        body["role"] = role;
        if (scope_key == "cloud")
            body["cloud"] = true;
        else
            body[scope_key] = scope;
        return make(admin, "/api/v1/role-assignments", body);
    }
    std::string fresh_assignment(bool own) {
        return assign({{"user_id", fresh_user(own ? dept_a : dept_b)}}, "project_id", own ? project_a : project_b,
                      "member");
    }
    std::string fresh_vm(bool own) {
        auto r = call(own ? admin_a : admin_b, "POST", "/api/v1/vms", {{"name", unique("vm")}, {"flavor_id", flavor}});
        INFO(r.body.dump());
        REQUIRE(r.status == 202);
        return r.body["vm"]["id"];
    }
    std::string fresh_server_group(bool own) {
        return make(own ? admin_a : admin_b, "/api/v1/server-groups", {{"name", unique("sg")}, {"policy", "affinity"}});
    }
    // An empty simulated host of its own, for rows that change or remove a host.
    std::string fresh_host() {
        const std::string name = unique("spare");
        const std::string path = d.data_dir() + "/" + name + ".xml";
        std::ofstream(path) << "<node><cpu><mhz>2400</mhz><model>x86_64</model><active>4</active><nodes>1</nodes>"
                               "<sockets>1</sockets><cores>4</cores><threads>1</threads></cpu>"
                               "<memory>8388608</memory></node>\n";
        return make(admin, "/api/v1/hosts", {{"name", name}, {"uri", "test://" + path}});
    }
    std::string fresh_image(bool own) {
        return make(own ? admin_a : admin_b, "/api/v1/images", {{"name", unique("img")}});
    }
    std::string fresh_keypair_for(const cli::api_client& c, const std::string& name) {
        auto r =
            call(c, "POST", "/api/v1/keypairs",
                 {{"name", name},
                  {"public_key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIP0cRkc+wPSvQlfB0qMCHfgm/Tm0+Hkq6SGbe3UHHzYo"}});
        INFO(r.body.dump());
        REQUIRE(r.status == 201);
        return name;
    }
    std::string fresh_keypair(builtin_role r, const std::string& name) { return fresh_keypair_for(as.at(r), name); }
    std::string fresh_snapshot(bool own) {
        return make(own ? admin_a : admin_b, "/api/v1/vms/" + (own ? vm_a : vm_b) + "/snapshots",
                    {{"name", unique("snap")}});
    }
    std::string fresh_volume(bool own) {
        return make(own ? admin_a : admin_b, "/api/v1/volumes", {{"name", unique("vol")}, {"size_gb", 1}});
    }
    std::string fresh_volume_snapshot(bool own) {
        return make(own ? admin_a : admin_b, "/api/v1/volumes/" + (own ? volume_a : volume_b) + "/snapshots",
                    {{"name", unique("vsnap")}});
    }
    std::string fresh_aggregate() { return make(admin, "/api/v1/aggregates", {{"name", unique("agg")}}); }
    std::string app_credential(const cli::api_client& c) {
        return make(c, "/api/v1/application-credentials", {{"name", unique("key")}});
    }
    cli::api_client login(const std::string& user, const std::string& password, const std::string& project) {
        auto r = call(d.anonymous(), "POST", "/api/v1/auth/tokens",
                      {{"username", user}, {"password", password}, {"project", project}});
        INFO(r.body.dump());
        REQUIRE(r.status == 201);
        return cli::api_client(d.url(), d.fingerprint(), r.body["token"]);
    }

    world() {
        dept_a = make(admin, "/api/v1/domains", {{"name", "dept-a"}});
        dept_b = make(admin, "/api/v1/domains", {{"name", "dept-b"}});
        project_a = make(admin, "/api/v1/projects", {{"name", "project-a"}, {"domain_id", dept_a}});
        project_b = make(admin, "/api/v1/projects", {{"name", "project-b"}, {"domain_id", dept_b}});
        flavor = fresh_flavor();
        host = call(admin, "GET", "/api/v1/hosts").body["items"][0]["id"];
        admin_a = login("admin", test::kTestAdminPassword, "project-a");
        admin_b = login("admin", test::kTestAdminPassword, "project-b");
        for (auto r : builtin_roles()) {
            const std::string name = std::string("matrix-") + to_string(r);
            user_of[r] = make(admin, "/api/v1/users", {{"name", name}, {"password", kPassword}, {"domain_id", dept_a}});
            const json who{{"user_id", user_of[r]}};
            if (r == builtin_role::admin)
                assign(who, "cloud", "", "admin");
            else if (r == builtin_role::domain_admin)
                assign(who, "domain_id", dept_a, "domain_admin");
            else
                assign(who, "project_id", project_a, to_string(r));
            as.emplace(r, login(name, kPassword, "project-a"));
            app_credential_of[r] = app_credential(as.at(r));
        }
        user_a = fresh_user(dept_a);
        user_b = fresh_user(dept_b);
        group_a = fresh_group(dept_a);
        group_b = fresh_group(dept_b);
        role_custom = fresh_role();
        assignment_a = fresh_assignment(true);
        assignment_b = fresh_assignment(false);
        admin_app_credential = app_credential(admin);
        group_sg_a = fresh_server_group(true);
        group_sg_b = fresh_server_group(false);
        aggregate_id = fresh_aggregate();
        for (auto r : builtin_roles())
            fresh_keypair(r, std::string("key-") + to_string(r));
        fresh_keypair_for(admin, "admins-own-key");
        volume_a = fresh_volume(true);
        volume_b = fresh_volume(false);
        vsnap_a = fresh_volume_snapshot(true);
        vsnap_b = fresh_volume_snapshot(false);
        image_a = fresh_image(true);
        image_b = fresh_image(false);
        auto made_a = call(admin_a, "POST", "/api/v1/vms", {{"name", "vm-a"}, {"flavor_id", flavor}});
        auto made_b = call(admin_b, "POST", "/api/v1/vms", {{"name", "vm-b"}, {"flavor_id", flavor}});
        REQUIRE(made_a.status == 202);
        REQUIRE(made_b.status == 202);
        vm_a = made_a.body["vm"]["id"];
        vm_b = made_b.body["vm"]["id"];
        op_a = made_a.body["operation"]["id"];
        op_b = made_b.body["operation"]["id"];
        REQUIRE(test::wait_op(admin_a, op_a)["status"] == "succeeded");
        REQUIRE(test::wait_op(admin_b, op_b)["status"] == "succeeded");
        snap_a = fresh_snapshot(true);
        snap_b = fresh_snapshot(false);
    }
};

// One request of the matrix: the concrete path and body for a role and a side.
struct request {
    std::string path;
    json body = nullptr;
};
using builder = std::function<request(world&, builtin_role, bool own)>;

struct route_case {
    std::string method, pattern;
    builder build;
    bool sided = true;  // false: own and other are the same request (lists, creates, cloud-wide objects)
};

request at(std::string path, json body = nullptr) {
    return {std::move(path), std::move(body)};
}

std::vector<route_case> cases() {
    using w = world;
    const std::string v1 = "/api/v1";
    auto fixed = [](std::string path, json body = nullptr) -> builder {
        return [path, body](w&, builtin_role, bool) { return at(path, body); };
    };
    return {
        {"GET", v1 + "/health", fixed(v1 + "/health"), false},
        {"GET", v1 + "/version", fixed(v1 + "/version"), false},
        {"GET", v1 + "/openapi.json", fixed(v1 + "/openapi.json"), false},
        {"POST", v1 + "/auth/tokens",
         fixed(v1 + "/auth/tokens", {{"username", "matrix-reader"}, {"password", kPassword}}), false},
        {"DELETE", v1 + "/auth/tokens/current", fixed(v1 + "/auth/tokens/current"), false},  // on a spare token
        {"GET", v1 + "/auth/me", fixed(v1 + "/auth/me"), false},
        {"POST", v1 + "/auth/signing-keys/rotate", fixed(v1 + "/auth/signing-keys/rotate"), false},
        {"GET", v1 + "/hosts", fixed(v1 + "/hosts"), false},
        {"POST", v1 + "/hosts", fixed(v1 + "/hosts", {{"name", "x"}, {"uri", "bogus://"}}), false},
        {"GET", v1 + "/hosts/{id}", [](w& x, builtin_role, bool) { return at("/api/v1/hosts/" + x.host); }, false},
        {"PATCH", v1 + "/hosts/{id}",
         [](w& x, builtin_role, bool) {
             return at("/api/v1/hosts/" + x.host, {{"enabled", true}});
         },
         false},
        {"GET", v1 + "/hosts/ssh-key", fixed(v1 + "/hosts/ssh-key"), false},
        {"GET", v1 + "/hosts/cpu-baseline", fixed(v1 + "/hosts/cpu-baseline"), false},
        {"DELETE", v1 + "/hosts/{id}", [](w& x, builtin_role, bool) { return at("/api/v1/hosts/" + x.fresh_host()); },
         false},
        {"POST", v1 + "/hosts/{id}/actions/maintenance",
         [](w& x, builtin_role, bool) { return at("/api/v1/hosts/" + x.fresh_host() + "/actions/maintenance"); },
         false},
        {"POST", v1 + "/hosts/{id}/actions/activate",
         [](w& x, builtin_role, bool) { return at("/api/v1/hosts/" + x.fresh_host() + "/actions/activate"); }, false},
        {"POST", v1 + "/hosts/{id}/actions/trust-host-key",
         [](w& x, builtin_role, bool) {
             return at("/api/v1/hosts/" + x.host + "/actions/trust-host-key", {{"fingerprint", "SHA256:x"}});
         },
         false},
        {"POST", v1 + "/vms/{id}/actions/migrate",
         [](w& x, builtin_role, bool own) {
             return at("/api/v1/vms/" + (own ? x.vm_a : x.vm_b) + "/actions/migrate", {{"host_id", "no-such-host"}});
         }},
        {"GET", v1 + "/hosts/{id}/domains",
         [](w& x, builtin_role, bool) { return at("/api/v1/hosts/" + x.host + "/domains"); }, false},
        {"GET", v1 + "/server-groups", fixed(v1 + "/server-groups"), false},
        {"POST", v1 + "/server-groups", fixed(v1 + "/server-groups", {{"name", ""}, {"policy", "affinity"}}), false},
        {"GET", v1 + "/server-groups/{id}",
         [](w& x, builtin_role, bool own) {
             return at("/api/v1/server-groups/" + (own ? x.group_sg_a : x.group_sg_b));
         }},
        {"DELETE", v1 + "/server-groups/{id}",
         [](w& x, builtin_role, bool own) { return at("/api/v1/server-groups/" + x.fresh_server_group(own)); }},
        {"GET", v1 + "/aggregates", fixed(v1 + "/aggregates"), false},
        {"POST", v1 + "/aggregates", fixed(v1 + "/aggregates", {{"name", ""}}), false},
        {"GET", v1 + "/aggregates/{id}",
         [](w& x, builtin_role, bool) { return at("/api/v1/aggregates/" + x.aggregate_id); }, false},
        {"PATCH", v1 + "/aggregates/{id}",
         [](w& x, builtin_role, bool) {
             return at("/api/v1/aggregates/" + x.aggregate_id, {{"metadata", {{"ssd", "true"}}}});
         },
         false},
        {"DELETE", v1 + "/aggregates/{id}",
         [](w& x, builtin_role, bool) { return at("/api/v1/aggregates/" + x.fresh_aggregate()); }, false},
        {"PUT", v1 + "/aggregates/{id}/hosts/{host_id}",
         [](w& x, builtin_role, bool) { return at("/api/v1/aggregates/" + x.aggregate_id + "/hosts/" + x.host); },
         false},
        {"DELETE", v1 + "/aggregates/{id}/hosts/{host_id}",
         [](w& x, builtin_role, bool) {
             const std::string path = "/api/v1/aggregates/" + x.aggregate_id + "/hosts/" + x.host;
             REQUIRE(call(x.admin, "PUT", path).status == 200);
             return at(path);
         },
         false},
        {"GET", v1 + "/availability-zones", fixed(v1 + "/availability-zones"), false},
        {"POST", v1 + "/scheduler/explain",
         [](w& x, builtin_role, bool) {
             return at("/api/v1/scheduler/explain", {{"flavor_id", x.flavor}});
         },
         false},
        {"GET", v1 + "/flavors", fixed(v1 + "/flavors"), false},
        {"POST", v1 + "/flavors", fixed(v1 + "/flavors", {{"name", "m"}, {"vcpus", 0}, {"ram_mb", 64}}), false},
        {"GET", v1 + "/flavors/{id}", [](w& x, builtin_role, bool) { return at("/api/v1/flavors/" + x.flavor); },
         false},
        {"DELETE", v1 + "/flavors/{id}",
         [](w& x, builtin_role, bool) { return at("/api/v1/flavors/" + x.fresh_flavor()); }, false},
        {"GET", v1 + "/vms", fixed(v1 + "/vms"), false},
        {"POST", v1 + "/vms", fixed(v1 + "/vms", {{"name", "m"}, {"flavor_id", "none"}}), false},
        {"GET", v1 + "/vms/{id}",
         [](w& x, builtin_role, bool own) { return at("/api/v1/vms/" + (own ? x.vm_a : x.vm_b)); }},
        {"DELETE", v1 + "/vms/{id}", [](w& x, builtin_role, bool own) { return at("/api/v1/vms/" + x.fresh_vm(own)); }},
        {"POST", v1 + "/vms/{id}/actions/{action}",
         [](w& x, builtin_role, bool own) { return at("/api/v1/vms/" + (own ? x.vm_a : x.vm_b) + "/actions/start"); }},
        {"GET", v1 + "/operations", fixed(v1 + "/operations"), false},
        {"GET", v1 + "/operations/{id}",
         [](w& x, builtin_role, bool own) { return at("/api/v1/operations/" + (own ? x.op_a : x.op_b)); }},
        {"DELETE", v1 + "/operations/{id}",
         [](w& x, builtin_role, bool own) { return at("/api/v1/operations/" + (own ? x.op_a : x.op_b)); }},
        {"GET", v1 + "/domains", fixed(v1 + "/domains"), false},
        {"POST", v1 + "/domains", fixed(v1 + "/domains", {{"name", ""}}), false},
        {"GET", v1 + "/domains/{id}",
         [](w& x, builtin_role, bool own) { return at("/api/v1/domains/" + (own ? x.dept_a : x.dept_b)); }},
        {"PATCH", v1 + "/domains/{id}",
         [](w& x, builtin_role, bool) {
             return at("/api/v1/domains/" + x.dept_a, {{"description", "x"}});
         },
         false},
        {"DELETE", v1 + "/domains/{id}",
         [](w& x, builtin_role, bool) { return at("/api/v1/domains/" + x.fresh_domain()); }, false},
        {"GET", v1 + "/projects", fixed(v1 + "/projects"), false},
        {"POST", v1 + "/projects", fixed(v1 + "/projects", {{"name", ""}}), false},
        {"GET", v1 + "/projects/{id}",
         [](w& x, builtin_role, bool own) { return at("/api/v1/projects/" + (own ? x.project_a : x.project_b)); }},
        {"PATCH", v1 + "/projects/{id}",
         [](w& x, builtin_role, bool own) {
             return at("/api/v1/projects/" + (own ? x.project_a : x.project_b), {{"description", "x"}});
         }},
        {"DELETE", v1 + "/projects/{id}",
         [](w& x, builtin_role, bool own) {
             return at("/api/v1/projects/" + x.fresh_project(own ? x.dept_a : x.dept_b));
         }},
        {"GET", v1 + "/projects/{id}/quota",
         [](w& x, builtin_role, bool own) {
             return at("/api/v1/projects/" + (own ? x.project_a : x.project_b) + "/quota");
         }},
        {"PATCH", v1 + "/projects/{id}/quota",
         [](w& x, builtin_role, bool) { return at("/api/v1/projects/" + x.project_a + "/quota", json::object()); },
         false},
        {"GET", v1 + "/users", fixed(v1 + "/users"), false},
        {"POST", v1 + "/users", fixed(v1 + "/users", {{"name", ""}, {"password", ""}}), false},
        {"GET", v1 + "/users/{id}",
         [](w& x, builtin_role, bool own) { return at("/api/v1/users/" + (own ? x.user_a : x.user_b)); }},
        {"PATCH", v1 + "/users/{id}",
         [](w& x, builtin_role, bool own) {
             return at("/api/v1/users/" + (own ? x.user_a : x.user_b), {{"email", "x@example.org"}});
         }},
        {"DELETE", v1 + "/users/{id}",
         [](w& x, builtin_role, bool own) { return at("/api/v1/users/" + x.fresh_user(own ? x.dept_a : x.dept_b)); }},
        {"POST", v1 + "/users/{id}/password",
         [](w& x, builtin_role r, bool own) {
             // A wrong original password: authorized requests fail validation and change nothing.
             return at("/api/v1/users/" + (own ? x.user_of[r] : x.user_a) + "/password",
                       {{"original_password", "wrong-password"}, {"password", "another-password-2"}});
         }},
        {"GET", v1 + "/groups", fixed(v1 + "/groups"), false},
        {"POST", v1 + "/groups", fixed(v1 + "/groups", {{"name", ""}}), false},
        {"GET", v1 + "/groups/{id}",
         [](w& x, builtin_role, bool own) { return at("/api/v1/groups/" + (own ? x.group_a : x.group_b)); }},
        {"PATCH", v1 + "/groups/{id}",
         [](w& x, builtin_role, bool own) {
             return at("/api/v1/groups/" + (own ? x.group_a : x.group_b), {{"description", "x"}});
         }},
        {"DELETE", v1 + "/groups/{id}",
         [](w& x, builtin_role, bool own) { return at("/api/v1/groups/" + x.fresh_group(own ? x.dept_a : x.dept_b)); }},
        {"PUT", v1 + "/groups/{id}/users/{user_id}",
         [](w& x, builtin_role, bool own) {
             return at("/api/v1/groups/" + (own ? x.group_a : x.group_b) + "/users/" + (own ? x.user_a : x.user_b));
         }},
        {"DELETE", v1 + "/groups/{id}/users/{user_id}",
         [](w& x, builtin_role, bool own) {
             const std::string path =
                 "/api/v1/groups/" + (own ? x.group_a : x.group_b) + "/users/" + (own ? x.user_a : x.user_b);
             REQUIRE(call(x.admin, "PUT", path).status == 204);
             return at(path);
         }},
        {"GET", v1 + "/roles", fixed(v1 + "/roles"), false},
        {"POST", v1 + "/roles", fixed(v1 + "/roles", {{"name", ""}}), false},
        {"GET", v1 + "/roles/{id}", [](w& x, builtin_role, bool) { return at("/api/v1/roles/" + x.role_custom); },
         false},
        {"PATCH", v1 + "/roles/{id}",
         [](w& x, builtin_role, bool) {
             return at("/api/v1/roles/" + x.role_custom, {{"description", "x"}});
         },
         false},
        {"DELETE", v1 + "/roles/{id}", [](w& x, builtin_role, bool) { return at("/api/v1/roles/" + x.fresh_role()); },
         false},
        {"GET", v1 + "/role-assignments", fixed(v1 + "/role-assignments"), false},
        {"POST", v1 + "/role-assignments",
         [](w& x, builtin_role, bool own) {
             return at("/api/v1/role-assignments", {{"role", "member"},
                                                    {"user_id", own ? x.user_a : x.user_b},
                                                    {"project_id", own ? x.project_a : x.project_b}});
         }},
        {"DELETE", v1 + "/role-assignments/{id}",
         [](w& x, builtin_role, bool own) { return at("/api/v1/role-assignments/" + x.fresh_assignment(own)); }},
        {"GET", v1 + "/application-credentials", fixed(v1 + "/application-credentials"), false},
        {"POST", v1 + "/application-credentials", fixed(v1 + "/application-credentials", {{"name", ""}}), false},
        {"GET", v1 + "/application-credentials/{id}",
         [](w& x, builtin_role r, bool own) {
             return at("/api/v1/application-credentials/" + (own ? x.app_credential_of[r] : x.admin_app_credential));
         }},
        {"DELETE", v1 + "/application-credentials/{id}",
         [](w& x, builtin_role r, bool own) {
             return at("/api/v1/application-credentials/" +
                       (own ? x.app_credential(x.as.at(r)) : x.app_credential(x.admin)));
         }},
        {"GET", v1 + "/images", fixed(v1 + "/images"), false},
        {"POST", v1 + "/images", fixed(v1 + "/images", {{"name", ""}}), false},
        {"GET", v1 + "/images/{id}",
         [](w& x, builtin_role, bool own) { return at("/api/v1/images/" + (own ? x.image_a : x.image_b)); }},
        {"PATCH", v1 + "/images/{id}",
         [](w& x, builtin_role, bool own) {
             return at("/api/v1/images/" + (own ? x.image_a : x.image_b), {{"min_ram_mb", 64}});
         }},
        {"DELETE", v1 + "/images/{id}",
         [](w& x, builtin_role, bool own) { return at("/api/v1/images/" + x.fresh_image(own)); }},
        // A JSON body: authorized requests are refused (400, wrong content type) and store nothing.
        {"PUT", v1 + "/images/{id}/file",
         [](w& x, builtin_role, bool own) {
             return at("/api/v1/images/" + (own ? x.image_a : x.image_b) + "/file", json::object());
         }},
        // A file:// URL: authorized requests are refused (422) and fetch nothing.
        {"POST", v1 + "/images/{id}/import",
         [](w& x, builtin_role, bool own) {
             return at("/api/v1/images/" + (own ? x.image_a : x.image_b) + "/import", {{"url", "file:///etc/passwd"}});
         }},
        {"GET", v1 + "/images/{id}/file",
         [](w& x, builtin_role, bool own) { return at("/api/v1/images/" + (own ? x.image_a : x.image_b) + "/file"); }},
        {"GET", v1 + "/images/{id}/members",
         [](w& x, builtin_role, bool own) {
             return at("/api/v1/images/" + (own ? x.image_a : x.image_b) + "/members");
         }},
        {"PUT", v1 + "/images/{id}/members/{project_id}",
         [](w& x, builtin_role, bool own) {
             return at("/api/v1/images/" + (own ? x.image_a : x.image_b) + "/members/" + x.project_b);
         }},
        {"DELETE", v1 + "/images/{id}/members/{project_id}",
         [](w& x, builtin_role, bool own) {
             const std::string path = "/api/v1/images/" + (own ? x.image_a : x.image_b) + "/members/" + x.project_b;
             REQUIRE(call(x.admin, "PUT", path).status == 204);
             return at(path);
         }},
        {"GET", v1 + "/keypairs", fixed(v1 + "/keypairs"), false},
        {"POST", v1 + "/keypairs", fixed(v1 + "/keypairs", {{"name", ""}}), false},
        // Key pairs are the caller's own: another user's name is not found, even for administrators.
        {"GET", v1 + "/keypairs/{name}",
         [](w&, builtin_role r, bool own) {
             return at("/api/v1/keypairs/" +
                       (own ? std::string("key-") + to_string(r) : std::string("admins-own-key")));
         }},
        {"DELETE", v1 + "/keypairs/{name}",
         [](w& x, builtin_role r, bool own) {
             return at("/api/v1/keypairs/" +
                       (own ? x.fresh_keypair(r, unique("doomed")) : std::string("admins-own-key")));
         }},
        // Diskless VMs have no console log: authorized requests answer 409.
        {"GET", v1 + "/vms/{id}/console-log",
         [](w& x, builtin_role, bool own) { return at("/api/v1/vms/" + (own ? x.vm_a : x.vm_b) + "/console-log"); }},
        // No name: authorized requests fail validation (422) and take nothing.
        {"POST", v1 + "/vms/{id}/snapshots",
         [](w& x, builtin_role, bool own) {
             return at("/api/v1/vms/" + (own ? x.vm_a : x.vm_b) + "/snapshots", json::object());
         }},
        {"GET", v1 + "/vms/{id}/snapshots",
         [](w& x, builtin_role, bool own) { return at("/api/v1/vms/" + (own ? x.vm_a : x.vm_b) + "/snapshots"); }},
        {"POST", v1 + "/vms/{id}/snapshots/{snapshot_id}/actions/revert",
         [](w& x, builtin_role, bool own) {
             return at("/api/v1/vms/" + (own ? x.vm_a : x.vm_b) + "/snapshots/" + (own ? x.snap_a : x.snap_b) +
                       "/actions/revert");
         }},
        {"DELETE", v1 + "/vms/{id}/snapshots/{snapshot_id}",
         [](w& x, builtin_role, bool own) {
             return at("/api/v1/vms/" + (own ? x.vm_a : x.vm_b) + "/snapshots/" + x.fresh_snapshot(own));
         }},
        {"GET", v1 + "/volume-types", fixed(v1 + "/volume-types"), false},
        {"GET", v1 + "/volumes", fixed(v1 + "/volumes"), false},
        {"POST", v1 + "/volumes", fixed(v1 + "/volumes", {{"name", ""}, {"size_gb", 1}}), false},
        {"GET", v1 + "/volumes/{id}",
         [](w& x, builtin_role, bool own) { return at("/api/v1/volumes/" + (own ? x.volume_a : x.volume_b)); }},
        {"DELETE", v1 + "/volumes/{id}",
         [](w& x, builtin_role, bool own) { return at("/api/v1/volumes/" + x.fresh_volume(own)); }},
        // Not larger than now: authorized requests are refused (422) and change nothing.
        {"POST", v1 + "/volumes/{id}/actions/extend",
         [](w& x, builtin_role, bool own) {
             return at("/api/v1/volumes/" + (own ? x.volume_a : x.volume_b) + "/actions/extend", {{"size_gb", 1}});
         }},
        // No volume named: authorized requests fail validation (422).
        {"POST", v1 + "/vms/{id}/volumes",
         [](w& x, builtin_role, bool own) {
             return at("/api/v1/vms/" + (own ? x.vm_a : x.vm_b) + "/volumes", json::object());
         }},
        // The volume has no data yet (never attached): authorized requests answer 409.
        {"POST", v1 + "/volumes/{id}/actions/upload-to-image",
         [](w& x, builtin_role, bool own) {
             return at("/api/v1/volumes/" + (own ? x.volume_a : x.volume_b) + "/actions/upload-to-image",
                       {{"name", "export"}});
         }},
        // No name: authorized requests fail validation (422).
        {"POST", v1 + "/volumes/{id}/snapshots",
         [](w& x, builtin_role, bool own) {
             return at("/api/v1/volumes/" + (own ? x.volume_a : x.volume_b) + "/snapshots", json::object());
         }},
        {"GET", v1 + "/volumes/{id}/snapshots",
         [](w& x, builtin_role, bool own) {
             return at("/api/v1/volumes/" + (own ? x.volume_a : x.volume_b) + "/snapshots");
         }},
        {"GET", v1 + "/volumes/{id}/snapshots/{snapshot_id}",
         [](w& x, builtin_role, bool own) {
             return at("/api/v1/volumes/" + (own ? x.volume_a : x.volume_b) + "/snapshots/" +
                       (own ? x.vsnap_a : x.vsnap_b));
         }},
        {"DELETE", v1 + "/volumes/{id}/snapshots/{snapshot_id}",
         [](w& x, builtin_role, bool own) {
             return at("/api/v1/volumes/" + (own ? x.volume_a : x.volume_b) + "/snapshots/" +
                       x.fresh_volume_snapshot(own));
         }},
        // The VM was not built from an image: authorized requests answer 409.
        {"POST", v1 + "/vms/{id}/actions/clone",
         [](w& x, builtin_role, bool own) {
             return at("/api/v1/vms/" + (own ? x.vm_a : x.vm_b) + "/actions/clone", {{"name", "copy"}});
         }},
        {"POST", v1 + "/vms/{id}/actions/create-image",
         [](w& x, builtin_role, bool own) {
             return at("/api/v1/vms/" + (own ? x.vm_a : x.vm_b) + "/actions/create-image", {{"name", "capture"}});
         }},
        // The volume is not attached: authorized requests answer 409.
        {"DELETE", v1 + "/vms/{id}/volumes/{volume_id}",
         [](w& x, builtin_role, bool own) {
             return at("/api/v1/vms/" + (own ? x.vm_a : x.vm_b) + "/volumes/" + (own ? x.volume_a : x.volume_b));
         }},
        {"GET", v1 + "/audit", fixed(v1 + "/audit"), false},
        {"GET", v1 + "/audit/verify", fixed(v1 + "/audit/verify"), false},
    };
}

enum class verdict { allowed, unauthenticated, forbidden, hidden };

const char* name_of(verdict v) {
    switch (v) {
        case verdict::allowed: return "allowed";
        case verdict::unauthenticated: return "401";
        case verdict::forbidden: return "403";
        case verdict::hidden: return "404";
    }
    return "?";
}

// What the policy table says a cell must answer.
verdict expected(const permission_rule& p, std::optional<builtin_role> role, bool own) {
    if (p.who == audience::anyone)
        return verdict::allowed;
    if (!role)
        return verdict::unauthenticated;
    if (p.who == audience::role_holders && *role < p.min_role)
        return verdict::forbidden;
    const bool sees_all = *role == builtin_role::admin && p.target != target_kind::self;
    return own || sees_all ? verdict::allowed : verdict::hidden;
}

verdict observed(int status) {
    switch (status) {
        case 401: return verdict::unauthenticated;
        case 403: return verdict::forbidden;
        case 404: return verdict::hidden;
        default: return verdict::allowed;  // 2xx, or 409/422 after authorization passed
    }
}

}  // namespace

TEST_CASE("every route answers every role as the policy table says", "[authz]") {
    world x;
    const auto table = cases();
    const auto routes = describe_routes();
    // Every route has a row here, and every row is a route.
    REQUIRE(table.size() == routes.size());
    for (const auto& rt : routes) {
        const std::string method(api::http::to_string(rt.method));
        auto row = std::find_if(table.begin(), table.end(),
                                [&](const route_case& c) { return c.method == method && c.pattern == rt.pattern; });
        INFO(method << " " << rt.pattern);
        REQUIRE(row != table.end());
        const permission_rule& rule = *find_permission(rt.permission);

        std::vector<std::optional<builtin_role>> callers{std::nullopt};
        for (auto r : builtin_roles())
            callers.push_back(r);
        for (const auto& role : callers) {
            for (bool own : {true, false}) {
                if (!own && (!row->sided || !role))
                    continue;
                const request req = row->build(x, role.value_or(builtin_role::reader), own);
                cli::api_client client = x.d.anonymous();
                if (role)
                    client = rt.pattern == "/api/v1/auth/tokens/current"
                                 ? x.login(std::string("matrix-") + to_string(*role), kPassword, "project-a")
                                 : x.as.at(*role);
                const auto r = call(client, method, req.path, req.body);
                const verdict want = expected(rule, role, own);
                INFO("as " << (role ? to_string(*role) : "nobody") << (own ? " on own " : " on other ") << req.path
                           << " -> " << r.status << " " << r.body.dump());
                CHECK(name_of(observed(r.status)) == std::string(name_of(want)));
            }
        }
    }
}
