// Identity against a real daemon: token tampering, expiry, revocation and key rotation; tokens dying
// when a user is disabled or changes password; application credentials; mass assignment; the quota
// race; the audit trail of logins and changes.
#include "daemon_process.hpp"
#include "kumo/core/crypto.hpp"
#include "kumo/core/ids.hpp"
#include "ws_client.hpp"

#include <fstream>
#include <future>
#include "kumo_catch.hpp"

using namespace kumo;
using kumo::test::call;
using kumo::test::daemon_process;

namespace {

daemon_process& sim() {
    static daemon_process d(test::make_temp_dir("kumo-identity"), {"--simulate", "1"});
    return d;
}

std::string created(const cli::api_client& c, const std::string& path, const json& body) {
    auto r = call(c, "POST", path, body);
    INFO(r.body.dump());
    REQUIRE(r.status == 201);
    return r.body["id"];
}

// A user with `role` on a new project; returns {user id, project id}.
std::pair<std::string, std::string> member_of_new_project(const std::string& user, const std::string& role) {
    auto admin = sim().admin();
    const std::string project = created(admin, "/api/v1/projects", {{"name", user + "-project"}});
    const std::string uid = created(admin, "/api/v1/users", {{"name", user}, {"password", "long-enough-pw"}});
    created(admin, "/api/v1/role-assignments", {{"role", role}, {"user_id", uid}, {"project_id", project}});
    return {uid, project};
}

std::optional<cli::api_client> login(const json& body) {
    auto r = call(sim().anonymous(), "POST", "/api/v1/auth/tokens", body);
    if (r.status != 201)
        return std::nullopt;
    return cli::api_client(sim().url(), sim().fingerprint(), r.body["token"]);
}

int me(const cli::api_client& c) {
    return call(c, "GET", "/api/v1/auth/me").status;
}

}  // namespace

TEST_CASE("tampered, expired, revoked and rotated-out tokens answer 401", "[identity]") {
    auto r = call(sim().anonymous(), "POST", "/api/v1/auth/tokens",
                  {{"username", "admin"}, {"password", test::kTestAdminPassword}});
    REQUIRE(r.status == 201);
    const std::string token = r.body["token"];
    auto with = [](const std::string& t) { return cli::api_client(sim().url(), sim().fingerprint(), t); };
    CHECK(me(with(token)) == 200);

    SECTION("one changed byte in the payload or the signature") {
        for (std::size_t pos : {std::size_t(5), token.size() / 2, token.size() - 2}) {
            std::string bad = token;
            bad[pos] = bad[pos] == 'A' ? 'B' : 'A';
            CHECK(me(with(bad)) == 401);
        }
    }
    SECTION("correctly signed but expired") {
        std::ifstream in(sim().data_dir() + "/token-key");
        const std::string key((std::istreambuf_iterator<char>(in)), {});
        const json payload{{"id", new_uuid()}, {"u", r.body["user"]["id"]},
                           {"un", "admin"},    {"ud", "default"},
                           {"s", "cloud"},     {"r", {"admin"}},
                           {"iat", 1},         {"exp", 2}};
        const std::string body = crypto::base64url_encode(payload.dump());
        const std::string forged = "v1." + body + "." + crypto::base64url_encode(crypto::hmac_sha256(key, body));
        CHECK(me(with(forged)) == 401);
    }
    SECTION("signed with a key rotated out, while the previous key still works") {
        auto admin = with(token);
        REQUIRE(call(admin, "POST", "/api/v1/auth/signing-keys/rotate").status == 204);
        CHECK(me(admin) == 200);  // previous key: still accepted
        auto fresh = login({{"username", "admin"}, {"password", test::kTestAdminPassword}});
        REQUIRE(fresh);
        REQUIRE(call(*fresh, "POST", "/api/v1/auth/signing-keys/rotate").status == 204);
        CHECK(me(admin) == 401);  // two rotations ago
        CHECK(me(*fresh) == 200);
    }
    SECTION("revoked") {
        auto t = with(token);
        CHECK(call(t, "DELETE", "/api/v1/auth/tokens/current").status == 204);
        CHECK(me(t) == 401);
    }
}

TEST_CASE("disabling a user, or a password change, kills all of the user's tokens", "[identity]") {
    auto admin = sim().admin();
    auto [uid, project] = member_of_new_project("carol", "member");
    const json creds{{"username", "carol"}, {"password", "long-enough-pw"}};
    auto t1 = login(creds), t2 = login(creds);
    REQUIRE((t1 && t2));
    CHECK(me(*t1) == 200);

    // Password policy: too short, or the user name.
    auto weak = call(*t1, "POST", "/api/v1/users/" + uid + "/password",
                     {{"original_password", "long-enough-pw"}, {"password", "short"}});
    CHECK(weak.status == 422);
    CHECK(weak.body["errors"][0]["field"] == "password");
    auto wrong = call(*t1, "POST", "/api/v1/users/" + uid + "/password",
                      {{"original_password", "not-the-one"}, {"password", "another-long-pw"}});
    CHECK(wrong.status == 422);
    CHECK(me(*t1) == 200);

    REQUIRE(call(*t1, "POST", "/api/v1/users/" + uid + "/password",
                 {{"original_password", "long-enough-pw"}, {"password", "another-long-pw"}})
                .status == 204);
    CHECK(me(*t1) == 401);
    CHECK(me(*t2) == 401);
    CHECK_FALSE(login(creds));
    auto t3 = login({{"username", "carol"}, {"password", "another-long-pw"}});
    REQUIRE(t3);
    CHECK(me(*t3) == 200);

    REQUIRE(call(admin, "PATCH", "/api/v1/users/" + uid, {{"enabled", false}}).status == 200);
    CHECK(me(*t3) == 401);
    CHECK_FALSE(login({{"username", "carol"}, {"password", "another-long-pw"}}));
    REQUIRE(call(admin, "PATCH", "/api/v1/users/" + uid, {{"enabled", true}}).status == 200);
    auto t4 = login({{"username", "carol"}, {"password", "another-long-pw"}});
    REQUIRE(t4);
    REQUIRE(call(admin, "DELETE", "/api/v1/users/" + uid).status == 204);
    CHECK(me(*t4) == 401);
}

TEST_CASE("tokens are scoped: a project, a domain or the cloud, with the roles held there", "[identity]") {
    auto admin = sim().admin();
    auto [uid, project] = member_of_new_project("dave", "reader");
    auto t = login({{"username", "dave"}, {"password", "long-enough-pw"}});
    REQUIRE(t);
    auto who = call(*t, "GET", "/api/v1/auth/me").body;
    CHECK(who["scope"] == "project");
    CHECK(who["project"]["id"] == project);
    CHECK(who["roles"] == json::array({"reader"}));
    // No role on the domain or the cloud: those scopes are refused like bad passwords.
    CHECK_FALSE(login({{"username", "dave"}, {"password", "long-enough-pw"}, {"domain", "default"}}));
    CHECK_FALSE(login({{"username", "dave"}, {"password", "long-enough-pw"}, {"scope", "cloud"}}));
    CHECK_FALSE(login({{"username", "dave"}, {"password", "long-enough-pw"}, {"project", "admin"}}));
    // A cloud-scoped admin token sees identity objects but creates no VMs (they need a project).
    auto cloud = login({{"username", "admin"}, {"password", test::kTestAdminPassword}, {"scope", "cloud"}});
    REQUIRE(cloud);
    CHECK(call(*cloud, "GET", "/api/v1/auth/me").body["scope"] == "cloud");
    CHECK(call(*cloud, "GET", "/api/v1/users").status == 200);
    CHECK(call(*cloud, "POST", "/api/v1/vms", {{"name", "x"}, {"flavor_id", "y"}}).status == 403);
}

TEST_CASE("application credentials: a subset of roles, secret shown once, expiry, deletion", "[identity]") {
    auto admin = sim().admin();
    auto [uid, project] = member_of_new_project("erin", "member");
    created(admin, "/api/v1/role-assignments", {{"role", "reader"}, {"user_id", uid}, {"project_id", project}});
    auto erin = login({{"username", "erin"}, {"password", "long-enough-pw"}});
    REQUIRE(erin);
    auto more = call(*erin, "POST", "/api/v1/application-credentials", {{"name", "ci"}, {"roles", {"admin"}}});
    CHECK(more.status == 422);  // not a role erin holds
    auto made = call(*erin, "POST", "/api/v1/application-credentials", {{"name", "ci"}, {"roles", {"reader"}}});
    REQUIRE(made.status == 201);
    const std::string id = made.body["id"], secret = made.body["secret"];
    CHECK(secret.size() == 64);
    auto shown = call(*erin, "GET", "/api/v1/application-credentials/" + id);
    CHECK_FALSE(shown.body.contains("secret"));
    CHECK(call(admin, "GET", "/api/v1/application-credentials/" + id).status == 404);  // not admin's

    auto key = login({{"application_credential", {{"id", id}, {"secret", secret}}}});
    REQUIRE(key);
    auto who = call(*key, "GET", "/api/v1/auth/me").body;
    CHECK(who["roles"] == json::array({"reader"}));
    CHECK(who["application_credential_id"] == id);
    CHECK(call(*key, "GET", "/api/v1/vms").status == 200);
    CHECK(call(*key, "POST", "/api/v1/vms", {{"name", "x"}, {"flavor_id", "y"}}).status == 403);  // reader only
    CHECK(call(*key, "POST", "/api/v1/application-credentials", {{"name", "chain"}}).status == 403);
    CHECK_FALSE(login({{"application_credential", {{"id", id}, {"secret", std::string(64, '0')}}}}));

    REQUIRE(call(*erin, "DELETE", "/api/v1/application-credentials/" + id).status == 204);
    CHECK(me(*key) == 401);
    CHECK_FALSE(login({{"application_credential", {{"id", id}, {"secret", secret}}}}));
}

TEST_CASE("application credentials follow the role ladder: an admin hands out member", "[identity]") {
    // src/identity/README.md's example, as the bootstrap admin (project_admin on project admin).
    auto admin = sim().admin();
    auto made = call(admin, "POST", "/api/v1/application-credentials",
                     {{"name", "ci-ladder"}, {"roles", {"member"}}, {"expires_in_s", 2592000}});
    REQUIRE(made.status == 201);
    auto key = login({{"application_credential", {{"id", made.body["id"]}, {"secret", made.body["secret"]}}}});
    REQUIRE(key);
    CHECK(call(*key, "GET", "/api/v1/auth/me").body["roles"] == json::array({"member"}));
    auto unknown = call(admin, "POST", "/api/v1/application-credentials", {{"name", "x"}, {"roles", {"no-such-role"}}});
    CHECK(unknown.status == 422);
    CHECK(unknown.body.dump().find("no-such-role") != std::string::npos);
    CHECK(call(admin, "DELETE", "/api/v1/application-credentials/" + made.body["id"].get<std::string>()).status == 204);
}

TEST_CASE("bodies cannot widen access: owner, project and role fields are refused", "[identity]") {
    auto admin = sim().admin();
    auto [uid, project] = member_of_new_project("frank", "member");
    auto frank = login({{"username", "frank"}, {"password", "long-enough-pw"}});
    REQUIRE(frank);
    const std::string flavor = created(admin, "/api/v1/flavors", {{"name", "mass"}, {"vcpus", 1}, {"ram_mb", 64}});
    auto vm = call(*frank, "POST", "/api/v1/vms", {{"name", "x"}, {"flavor_id", flavor}, {"project_id", "admin"}});
    CHECK(vm.status == 422);
    CHECK(vm.body["errors"][0]["field"] == "project_id");
    auto owner = call(admin, "POST", "/api/v1/users",
                      {{"name", "mallory"}, {"password", "long-enough-pw"}, {"roles", {"admin"}}});
    CHECK(owner.status == 422);
    CHECK(owner.body["errors"][0]["field"] == "roles");
    auto move = call(admin, "PATCH", "/api/v1/projects/" + project, {{"domain_id", "elsewhere"}});
    CHECK(move.status == 422);
    // A project admin cannot grant more than they hold.
    created(admin, "/api/v1/role-assignments", {{"role", "project_admin"}, {"user_id", uid}, {"project_id", project}});
    auto pa = login({{"username", "frank"}, {"password", "long-enough-pw"}});
    REQUIRE(pa);
    auto up = call(*pa, "POST", "/api/v1/role-assignments", {{"role", "admin"}, {"user_id", uid}, {"cloud", true}});
    CHECK(up.status == 404);  // the cloud scope is not theirs to administer
    auto dom = call(*pa, "POST", "/api/v1/role-assignments",
                    {{"role", "domain_admin"}, {"user_id", uid}, {"project_id", project}});
    CHECK((dom.status == 403 || dom.status == 422));
}

TEST_CASE("100 concurrent creates against a quota of 10 give exactly 10", "[identity][quota]") {
    auto admin = sim().admin();
    auto [uid, project] = member_of_new_project("grace", "member");
    auto q = call(admin, "PATCH", "/api/v1/projects/" + project + "/quota", {{"instances", 10}});
    REQUIRE(q.status == 200);
    CHECK(q.body["quota"]["instances"]["limit"] == 10);
    const std::string flavor = created(admin, "/api/v1/flavors", {{"name", "race"}, {"vcpus", 1}, {"ram_mb", 16}});
    auto grace = login({{"username", "grace"}, {"password", "long-enough-pw"}});
    REQUIRE(grace);
    std::vector<std::future<int>> replies;
    for (int i = 0; i < 100; ++i)
        replies.push_back(std::async(std::launch::async, [&, i] {
            auto r =
                grace->send("POST", "/api/v1/vms", json{{"name", "race-" + std::to_string(i)}, {"flavor_id", flavor}});
            return r ? r->status : -1;
        }));
    int accepted = 0, over = 0;
    for (auto& f : replies) {
        const int s = f.get();
        accepted += s == 202;
        over += s == 409;
    }
    CHECK(accepted == 10);
    CHECK(over == 90);
    auto usage = call(*grace, "GET", "/api/v1/projects/" + project + "/quota").body;
    CHECK(usage["quota"]["instances"]["in_use"] == 10);
    CHECK(usage["quota"]["vcpus"]["in_use"] == 10);
}

TEST_CASE("a flavor's ephemeral disk counts in the project's disk_gb, as its root disk does", "[identity][quota]") {
    auto admin = sim().admin();
    auto [uid, project] = member_of_new_project("judy", "member");
    REQUIRE(call(admin, "PATCH", "/api/v1/projects/" + project + "/quota", {{"disk_gb", 5}}).status == 200);
    const std::string flavor =
        created(admin, "/api/v1/flavors",
                {{"name", "eph-quota"}, {"vcpus", 1}, {"ram_mb", 16}, {"disk_gb", 1}, {"ephemeral_gb", 2}});
    auto judy = login({{"username", "judy"}, {"password", "long-enough-pw"}});
    REQUIRE(judy);
    CHECK(call(*judy, "POST", "/api/v1/vms", {{"name", "e1"}, {"flavor_id", flavor}}).status == 202);
    CHECK(call(*judy, "GET", "/api/v1/projects/" + project + "/quota").body["quota"]["disk_gb"]["in_use"] == 3);
    auto over = call(*judy, "POST", "/api/v1/vms", {{"name", "e2"}, {"flavor_id", flavor}});  // 3 + 3 > 5
    CHECK(over.status == 409);
    CHECK(call(*judy, "GET", "/api/v1/projects/" + project + "/quota").body["quota"]["disk_gb"]["in_use"] == 3);
}

TEST_CASE("the dry run checks what the create checks: quota, image, key; it creates nothing", "[identity][quota]") {
    auto admin = sim().admin();
    auto [uid, project] = member_of_new_project("kate", "member");
    REQUIRE(call(admin, "PATCH", "/api/v1/projects/" + project + "/quota", {{"instances", 0}}).status == 200);
    const std::string flavor = created(admin, "/api/v1/flavors", {{"name", "dry"}, {"vcpus", 1}, {"ram_mb", 16}});
    auto kate = login({{"username", "kate"}, {"password", "long-enough-pw"}});
    REQUIRE(kate);
    const json body{{"name", "dry-1"}, {"flavor_id", flavor}};
    auto dry = call(*kate, "POST", "/api/v1/scheduler/explain", body);
    auto real = call(*kate, "POST", "/api/v1/vms", body);
    CHECK(real.status == 409);
    CHECK(dry.status == real.status);  // hosts are eligible, but the quota says no: so must the dry run
    CHECK(dry.body["code"] == "quota_exceeded");
    REQUIRE(call(admin, "PATCH", "/api/v1/projects/" + project + "/quota", {{"instances", 5}}).status == 200);
    auto no_image = call(*kate, "POST", "/api/v1/scheduler/explain",
                         {{"flavor_id", flavor}, {"image_id", "00000000-0000-0000-0000-000000000000"}});
    CHECK(no_image.status == 422);
    CHECK(no_image.body.dump().find("image_id") != std::string::npos);
    auto no_key = call(*kate, "POST", "/api/v1/scheduler/explain", {{"flavor_id", flavor}, {"key_name", "nope"}});
    CHECK(no_key.status == 422);
    CHECK(no_key.body.dump().find("key_name") != std::string::npos);
    CHECK(call(*kate, "POST", "/api/v1/scheduler/explain", body).status == 200);
    CHECK(call(*kate, "GET", "/api/v1/vms").body["items"].empty());
    CHECK(call(*kate, "GET", "/api/v1/projects/" + project + "/quota").body["quota"]["instances"]["in_use"] == 0);
}

TEST_CASE("logins and changes are audited, and readers see only what they administer", "[identity][audit]") {
    auto admin = sim().admin();
    CHECK_FALSE(login({{"username", "admin"}, {"password", "wrong-password"}}));
    auto [uid, project] = member_of_new_project("heidi", "project_admin");
    auto heidi = login({{"username", "heidi"}, {"password", "long-enough-pw"}});
    REQUIRE(heidi);
    call(*heidi, "PATCH", "/api/v1/projects/" + project, {{"description", "nope"}});  // 403, audited

    auto all = call(admin, "GET", "/api/v1/audit?limit=1000").body["items"];
    bool failed_login = false, created_user = false;
    for (const auto& e : all) {
        failed_login |= e["action"] == "auth:login" && e["outcome"] == "failure" && e["user"]["name"] == "admin";
        created_user |= e["action"] == "user:create" && e["outcome"] == "success" && e["status"] == 201;
        CHECK_FALSE(e["request_id"].get<std::string>().empty());
        CHECK(e["remote"] == "127.0.0.1");
    }
    CHECK(failed_login);
    CHECK(created_user);
    auto mine = call(*heidi, "GET", "/api/v1/audit?limit=1000").body["items"];
    REQUIRE_FALSE(mine.empty());
    for (const auto& e : mine)
        CHECK(e["project_id"] == project);
    CHECK(mine[0]["action"] == "project:update");
    CHECK(mine[0]["status"] == 403);
    CHECK(call(admin, "GET", "/api/v1/audit/verify").body["intact"] == true);
}

TEST_CASE("a member's event stream carries only its own project's events", "[identity][events]") {
    auto admin = sim().admin();
    auto [uid, project] = member_of_new_project("ivan", "member");
    auto token = call(sim().anonymous(), "POST", "/api/v1/auth/tokens",
                      {{"username", "ivan"}, {"password", "long-enough-pw"}, {"project", project}});
    REQUIRE(token.status == 201);
    cli::api_client ivan(sim().url(), sim().fingerprint(), token.body["token"]);
    test::ws_client ws(sim().url(), sim().fingerprint(), token.body["token"]);
    const std::string flavor =
        created(admin, "/api/v1/flavors", {{"name", "events-flavor"}, {"vcpus", 1}, {"ram_mb", 16}});
    // First another project's VM, then ivan's: events arrive in order, so reaching ivan's VM without
    // having seen the other proves the filter.
    auto other = call(admin, "POST", "/api/v1/vms", {{"name", "not-for-ivan"}, {"flavor_id", flavor}});
    REQUIRE(other.status == 202);
    auto mine = call(ivan, "POST", "/api/v1/vms", {{"name", "for-ivan"}, {"flavor_id", flavor}});
    REQUIRE(mine.status == 202);
    const std::string mine_id = mine.body["vm"]["id"];
    bool reached = false;
    for (int i = 0; i < 50 && !reached; ++i) {
        json e = ws.next();
        INFO(e.dump());
        CHECK((e["type"] == "vm" || e["type"] == "operation"));  // no host or flavor events either
        if (e["type"] == "vm")
            CHECK(e["data"]["project_id"] == project);
        CHECK(e["id"] != other.body["vm"]["id"]);
        CHECK(e["id"] != other.body["operation"]["id"]);
        reached = e["type"] == "vm" && e["id"] == mine_id;
    }
    CHECK(reached);
}

TEST_CASE("a project that owns volumes or images cannot be deleted until they are gone", "[identity]") {
    auto admin = sim().admin();
    const auto [uid, project] = member_of_new_project("olga", "member");
    auto olga = login({{"username", "olga"}, {"password", "long-enough-pw"}, {"project", project}});
    REQUIRE(olga);
    const std::string volume = created(*olga, "/api/v1/volumes", {{"name", "keep"}, {"size_gb", 1}});
    const std::string image = created(*olga, "/api/v1/images", {{"name", "keep"}});
    auto refused = call(admin, "DELETE", "/api/v1/projects/" + project);
    INFO(refused.body.dump());
    CHECK(refused.status == 409);
    CHECK(call(*olga, "DELETE", "/api/v1/volumes/" + volume).status == 204);
    CHECK(call(admin, "DELETE", "/api/v1/projects/" + project).status == 409);  // the image is still there
    CHECK(call(*olga, "DELETE", "/api/v1/images/" + image).status == 204);
    CHECK(call(admin, "DELETE", "/api/v1/projects/" + project).status == 204);
}
