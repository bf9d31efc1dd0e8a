#pragma once
// The authorization matrix's world (two departments, a project in each, a user per built-in role,
// long-lived objects on both sides) and its table of routes (authz_cases.cpp).
#include "daemon_process.hpp"
#include "kumo/identity/policy.hpp"

#include <atomic>
#include <fstream>
#include <functional>
#include "kumo_catch.hpp"

namespace kumo::authz {

using kumo::test::call;
using kumo::test::daemon_process;

inline constexpr const char* kPassword = "matrix-password-1";

inline std::string unique(const std::string& prefix) {
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

inline request at(std::string path, json body = nullptr) {
    return {std::move(path), std::move(body)};
}

// Every route with how to build its request for a role and a side.
std::vector<route_case> cases();

}  // namespace kumo::authz
