// One row per route of the daemon: how to reach an object of the caller's own side and of the other.
#include "authz_world.hpp"

namespace kumo::authz {

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

}  // namespace kumo::authz
