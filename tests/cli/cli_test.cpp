// The kumo CLI against `kumo serve --simulate 3`: the create / start / stop / delete loop.
#include "cli_runner.hpp"
#include "daemon_process.hpp"
#include "kumo/store/database.hpp"

#include "kumo_catch.hpp"

using namespace kumo;

using test::kumo_cli;

TEST_CASE("kumo serve refuses bad configuration with a clear error", "[cli]") {
    const std::string cfg = test::make_temp_dir("kumo-cli-serve");
    auto plain = kumo_cli(cfg, "serve --no-tls --listen 0.0.0.0:0 --data-dir " + cfg);
    CHECK(plain.code == 2);
    CHECK(plain.out.find("tls") != std::string::npos);
    auto port = kumo_cli(cfg, "serve --listen 127.0.0.1:http --data-dir " + cfg);
    CHECK(port.code == 2);
    CHECK(port.out.find("--listen") != std::string::npos);
    auto flag = kumo_cli(cfg, "serve --frobnicate");
    CHECK(flag.code == 2);
    auto env = kumo_cli(cfg, "serve --data-dir " + cfg, "KUMO_SIMULATE=-1");
    CHECK(env.code == 2);
    CHECK(env.out.find("KUMO_SIMULATE") != std::string::npos);
}

TEST_CASE("the CLI drives the create / start / stop / delete loop", "[cli]") {
    test::daemon_process d(test::make_temp_dir("kumo-cli"), {"--simulate", "3"});
    const std::string cfg = test::make_temp_dir("kumo-cli-config");

    auto bad = kumo_cli(cfg, "vm list");
    CHECK(bad.code == 1);
    CHECK(bad.out.find("not logged in") != std::string::npos);

    auto wrong = kumo_cli(cfg, "login --url " + d.url() + " --fingerprint " + d.fingerprint() + " --password nope");
    CHECK(wrong.code == 1);
    CHECK(wrong.out.find("unauthenticated") != std::string::npos);
    // First contact with no pin and no local certificate: refuse, and show what the server presents.
    auto unpinned = kumo_cli(cfg, "login --url " + d.url() + " --data-dir /nonexistent --password x");
    CHECK(unpinned.code == 1);
    CHECK(unpinned.out.find(d.fingerprint()) != std::string::npos);
    auto pinned = kumo_cli(cfg, "login --url " + d.url() + " --fingerprint " + std::string(64, 'A') + " --password " +
                                    test::kTestAdminPassword);
    CHECK(pinned.code == 1);
    CHECK(pinned.out.find("not the pinned one") != std::string::npos);

    auto login = kumo_cli(cfg, "login --url " + d.url() + " --fingerprint " + d.fingerprint() + " --password " +
                                   test::kTestAdminPassword);
    INFO(login.out);
    REQUIRE(login.code == 0);

    auto hosts = kumo_cli(cfg, "host list -o json");
    REQUIRE(hosts.code == 0);
    CHECK(json::parse(hosts.out).size() == 3);
    auto table = kumo_cli(cfg, "host list");
    CHECK(table.out.find("sim-1") != std::string::npos);

    REQUIRE(kumo_cli(cfg, "flavor create small --vcpus 1 --ram-mb 256").code == 0);
    auto dup = kumo_cli(cfg, "flavor create small --vcpus 1 --ram-mb 256");
    CHECK(dup.code == 1);
    CHECK(dup.out.find("conflict") != std::string::npos);
    CHECK(kumo_cli(cfg, "flavor create broken --vcpus x --ram-mb 1").code == 2);

    auto created = kumo_cli(cfg, "vm create web --flavor small --wait");
    INFO(created.out);
    REQUIRE(created.code == 0);
    auto shown = kumo_cli(cfg, "vm show web -o json");
    REQUIRE(shown.code == 0);
    CHECK(json::parse(shown.out)["status"] == "active");

    REQUIRE(kumo_cli(cfg, "vm stop web --wait").code == 0);
    CHECK(json::parse(kumo_cli(cfg, "vm show web -o json").out)["status"] == "stopped");
    auto again = kumo_cli(cfg, "vm stop web");
    CHECK(again.code == 1);
    CHECK(again.out.find("conflict") != std::string::npos);
    REQUIRE(kumo_cli(cfg, "vm start web --wait").code == 0);
    CHECK(json::parse(kumo_cli(cfg, "vm show web -o json").out)["status"] == "active");

    auto async_op = kumo_cli(cfg, "vm reboot web -o json");
    REQUIRE(async_op.code == 0);
    const std::string op = json::parse(async_op.out)["operation"]["id"];
    CHECK(kumo_cli(cfg, "op wait " + op).code == 0);
    CHECK(kumo_cli(cfg, "op show " + op).out.find("succeeded") != std::string::npos);

    REQUIRE(kumo_cli(cfg, "vm delete web --wait").code == 0);
    auto missing = kumo_cli(cfg, "vm show web");
    CHECK(missing.code == 1);
    CHECK(kumo_cli(cfg, "vm frobnicate x").code == 2);
    CHECK(kumo_cli(cfg, "version").out.find("kumo ") == 0);

    INFO("hosts: Kumo's SSH key, the CPU baseline, migration, maintenance and removal");
    CHECK(kumo_cli(cfg, "host ssh-key").out.rfind("ssh-ed25519 ", 0) == 0);
    CHECK(json::parse(kumo_cli(cfg, "host cpu-baseline -o json").out)["mode"] == "baseline");
    REQUIRE(kumo_cli(cfg, "vm create mover --flavor small --wait").code == 0);
    const std::string first = json::parse(kumo_cli(cfg, "vm show mover -o json").out)["host_id"];
    auto live = kumo_cli(cfg, "vm migrate mover --wait");  // libvirt's test driver cannot live-migrate
    CHECK(live.code == 1);
    CHECK(live.out.find("failed") != std::string::npos);
    CHECK(json::parse(kumo_cli(cfg, "vm show mover -o json").out)["host_id"] == first);
    REQUIRE(kumo_cli(cfg, "vm stop mover --force --wait").code == 0);
    REQUIRE(kumo_cli(cfg, "vm migrate mover --cold --wait").code == 0);
    const std::string second = json::parse(kumo_cli(cfg, "vm show mover -o json").out)["host_id"];
    CHECK(second != first);
    CHECK(kumo_cli(cfg, "host remove " + second).code == 1);  // it has a VM
    REQUIRE(kumo_cli(cfg, "host maintenance " + second + " --wait").code == 0);
    CHECK(json::parse(kumo_cli(cfg, "vm show mover -o json").out)["host_id"] != second);
    CHECK(json::parse(kumo_cli(cfg, "host activate " + second + " -o json").out)["maintenance"] == false);
    CHECK(kumo_cli(cfg, "host remove " + second).code == 0);
    CHECK(kumo_cli(cfg, "host show " + second).code == 1);

    INFO("a VM that cannot move is reported by maintenance, not dropped; force removes no host with live VMs");
    REQUIRE(kumo_cli(cfg, "vm start mover --wait").code == 0);
    const std::string third = json::parse(kumo_cli(cfg, "vm show mover -o json").out)["host_id"];
    auto stuck = kumo_cli(cfg, "host maintenance " + third + " --wait");
    CHECK(stuck.code == 1);
    CHECK(stuck.out.find("could not be moved") != std::string::npos);
    CHECK(stuck.out.find("mover") != std::string::npos);
    CHECK(json::parse(kumo_cli(cfg, "vm show mover -o json").out)["host_id"] == third);
    CHECK(kumo_cli(cfg, "host remove " + third + " --force").code == 1);  // its domain still exists there
    CHECK(kumo_cli(cfg, "host activate " + third).code == 0);
}

TEST_CASE("the CLI sets up a department, a project and its users; audit verify catches an edited row",
          "[cli][identity]") {
    test::daemon_process d(test::make_temp_dir("kumo-cli-id"), {"--simulate", "1"});
    const std::string cfg = test::make_temp_dir("kumo-cli-id-config");
    const std::string pin = " --url " + d.url() + " --fingerprint " + d.fingerprint();
    REQUIRE(kumo_cli(cfg, "login" + pin + " --password " + test::kTestAdminPassword).code == 0);

    auto run = [&](const std::string& args, int want = 0) {
        auto r = kumo_cli(cfg, args);
        INFO(args << "\n" << r.out);
        CHECK(r.code == want);
        return r.out;
    };
    run("domain create sales");
    run("project create sales-web --domain sales");
    run("user create sam --domain sales --password sam-long-password");
    run("user create ann --domain sales --password ann-long-password");
    run("role assign domain_admin --user ann --domain sales");
    run("role assign member --user sam --project sales-web");
    CHECK(run("user list").find("sam") != std::string::npos);
    CHECK(run("role list").find("project_admin") != std::string::npos);
    run("quota set sales-web instances=3 vcpus=6");
    CHECK(run("quota show sales-web -o json").find("\"limit\": 3") != std::string::npos);
    run("quota set sales-web instances=many", 2);

    // sam logs in to the project by name; the domain admin ann sees the department's users only.
    auto sam = kumo_cli(cfg, "login" + pin + " --username sam --project sales-web --password sam-long-password");
    INFO(sam.out);
    CHECK(sam.code == 0);
    CHECK(sam.out.find("project sales-web") != std::string::npos);
    run("user list", 1);  // 403: a member does not see users
    REQUIRE(kumo_cli(cfg, "login" + pin + " --username ann --domain sales --password ann-long-password").code == 0);
    auto users = run("user list");
    CHECK(users.find("sam") != std::string::npos);
    CHECK(users.find("admin") == std::string::npos);

    REQUIRE(kumo_cli(cfg, "login" + pin + " --password " + test::kTestAdminPassword).code == 0);
    CHECK(run("audit list --action role_assignment:create").find("role_assignment:create") != std::string::npos);
    CHECK(run("audit verify").find("intact") != std::string::npos);

    // Someone with the database file rewrites one entry: verify names it.
    {
        auto db = sql::database::open(d.data_dir() + "/kumo.db");
        REQUIRE(db);
        (*db)->prepare("UPDATE audit_log SET user_name = 'nobody' WHERE seq = 4")->exec();
    }
    auto broken = kumo_cli(cfg, "audit verify");
    INFO(broken.out);
    CHECK(broken.code == 1);
    CHECK(broken.out.find("BROKEN at entry 4") != std::string::npos);
}

TEST_CASE("the CLI manages aggregates and server groups and explains placement", "[cli]") {
    test::daemon_process d(test::make_temp_dir("kumo-cli-sched"), {"--simulate", "3"});
    const std::string cfg = test::make_temp_dir("kumo-cli-sched-config");
    REQUIRE(kumo_cli(cfg, "login --url " + d.url() + " --fingerprint " + d.fingerprint() + " --password " +
                              test::kTestAdminPassword)
                .code == 0);
    REQUIRE(kumo_cli(cfg, "flavor create fast --vcpus 1 --ram-mb 64 --extra-specs ssd=true").code == 0);
    CHECK(kumo_cli(cfg, "flavor create broken --vcpus 1 --ram-mb 64 --extra-specs ssd").code == 2);
    REQUIRE(kumo_cli(cfg, "aggregate create ssd-hosts --zone az-ssd --metadata ssd=true").code == 0);
    auto added = kumo_cli(cfg, "aggregate add-host ssd-hosts sim-2 -o json");
    INFO(added.out);
    REQUIRE(added.code == 0);
    CHECK(json::parse(added.out)["hosts"].size() == 1);
    auto listed = kumo_cli(cfg, "aggregate list");
    CHECK(listed.out.find("az-ssd") != std::string::npos);

    // Dry run: the verdict per host, nothing created.
    auto dry = kumo_cli(cfg, "vm create probe --flavor fast --dry-run");
    INFO(dry.out);
    CHECK(dry.code == 0);
    CHECK(dry.out.find("1 of 3 hosts eligible; rejected by 2 aggregate_metadata") != std::string::npos);
    CHECK(dry.out.find("sim-2") != std::string::npos);
    CHECK(kumo_cli(cfg, "vm list -o json").out == "[]\n");
    auto nowhere = kumo_cli(cfg, "vm create probe --flavor fast --availability-zone kumo --dry-run");
    CHECK(nowhere.code == 1);
    CHECK(nowhere.out.find("0 of 3 hosts eligible") != std::string::npos);

    REQUIRE(kumo_cli(cfg, "server-group create web --policy anti-affinity").code == 0);
    CHECK(kumo_cli(cfg, "server-group create bad --policy sideways").code == 1);
    REQUIRE(kumo_cli(cfg, "flavor create plain --vcpus 1 --ram-mb 64").code == 0);
    for (const char* name : {"web-1", "web-2"})
        REQUIRE(kumo_cli(cfg, std::string("vm create ") + name + " --flavor plain --server-group web --wait").code ==
                0);
    auto group = json::parse(kumo_cli(cfg, "server-group show web -o json").out);
    CHECK(group["members"].size() == 2);
    auto disabled = kumo_cli(cfg, "host disable sim-1 -o json");
    REQUIRE(disabled.code == 0);
    CHECK(json::parse(disabled.out)["enabled"] == false);
    CHECK(kumo_cli(cfg, "host enable sim-1").code == 0);
}
