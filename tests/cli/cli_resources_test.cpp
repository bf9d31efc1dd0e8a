// The CLI for the whole API, through the real daemon on simulated hosts: images, key pairs, volumes,
// application credentials, volume types, events, completion.
#include "cli_runner.hpp"
#include "daemon_process.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <thread>
#include "kumo_catch.hpp"

using namespace kumo;
using test::kumo_cli;

namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// `kumo ARGS` with the logged-in config `cfg`: checks the exit code, returns the output.
auto runner(const std::string& cfg) {
    return [cfg](const std::string& args, int want = 0) {
        auto r = kumo_cli(cfg, args);
        INFO(args << "\n" << r.out);
        CHECK(r.code == want);
        return r.out;
    };
}

}  // namespace

TEST_CASE("the CLI uploads, lists, shows, downloads, shares and deletes images", "[cli]") {
    test::daemon_process d(test::make_temp_dir("kumo-cli-img"), {"--simulate", "1"});
    const std::string cfg = test::make_temp_dir("kumo-cli-img-config");
    test::kumo_login_admin(cfg, d.url(), d.fingerprint());
    auto run = runner(cfg);
    const std::string raw = cfg + "/disk.raw";
    {
        std::ofstream out(raw, std::ios::binary);
        std::string sector(512, '\0');
        for (int i = 0; i < 4096; ++i) {  // 2 MiB of whole sectors, not all zero
            sector[0] = static_cast<char>(i);
            out << sector;
        }
    }
    const json made = json::parse(run("image create disk --file " + raw + " --disk-format raw -o json"));
    CHECK(made["status"] == "active");
    CHECK(run("image list").find("disk") != std::string::npos);
    CHECK(json::parse(run("image show disk -o json"))["size"] == 2 * 1024 * 1024);
    run("image download disk --file " + cfg + "/back.raw");
    CHECK(slurp(cfg + "/back.raw") == slurp(raw));
    run("project create guests");
    run("image share disk guests");
    CHECK(run("image members disk").find("MEMBER") == std::string::npos);  // a table with PROJECT, not raw JSON
    run("image unshare disk guests");
    run("image create twice --file " + cfg + "/nothing-here", 1);
    run("image create both --file a --url http://127.0.0.1:1/x", 2);
    // --url is image create's own option; the refused import leaves no empty image behind.
    CHECK(run("image create remote --url http://127.0.0.1:1/x.img", 1).find("--url is only") == std::string::npos);
    CHECK(run("image list").find("remote") == std::string::npos);
    run("image delete disk");
    CHECK(run("image show disk", 1).find("image 'disk' not found") != std::string::npos);
}

TEST_CASE("the CLI manages key pairs, volumes, volume types and application credentials", "[cli]") {
    test::daemon_process d(test::make_temp_dir("kumo-cli-res"), {"--simulate", "2"});
    const std::string cfg = test::make_temp_dir("kumo-cli-res-config");
    test::kumo_login_admin(cfg, d.url(), d.fingerprint());
    auto run = runner(cfg);
    std::string key = run("host ssh-key");  // a valid public key line
    key.pop_back();
    std::ofstream(cfg + "/key.pub") << key << "\n";
    run("keypair create mine --public-key-file " + cfg + "/key.pub");
    CHECK(run("keypair list").find("mine") != std::string::npos);
    CHECK(json::parse(run("keypair show mine -o json"))["name"] == "mine");
    run("keypair create empty", 2);
    run("keypair delete mine");
    run("keypair show mine", 1);

    CHECK(run("volume-type list").find("NAME") != std::string::npos);
    const json vol = json::parse(run("volume create data --size-gb 1 -o json"));
    CHECK(vol["name"] == "data");
    CHECK(run("volume list").find("data") != std::string::npos);
    run("volume extend data --size-gb 2");
    CHECK(json::parse(run("volume show data -o json"))["size_gb"] == 2);
    run("volume snapshot-create data snap1");
    CHECK(run("volume snapshot-list data").find("snap1") != std::string::npos);
    run("volume snapshot-delete data snap1");
    run("volume extend data --size-gb x", 2);
    const std::string first = json::parse(run("volume create dup --size-gb 1 -o json"))["id"];
    const std::string second = json::parse(run("volume create dup --size-gb 1 -o json"))["id"];
    const std::string ambiguous = run("volume show dup", 1);
    CHECK(ambiguous.find("ambiguous") != std::string::npos);
    CHECK(ambiguous.find(first) != std::string::npos);
    CHECK(ambiguous.find(second) != std::string::npos);
    run("volume delete " + first);
    run("volume delete dup");

    // Attach on simulated hosts: today it may work or be refused (409) by the simulator; either way a
    // clean answer, never a crash.
    run("flavor create tiny --vcpus 1 --ram-mb 64");
    run("vm create box --flavor tiny --wait");
    auto attach = kumo_cli(cfg, "volume attach data box");
    INFO(attach.out);
    CHECK((attach.code == 0 || (attach.code == 1 && attach.out.find("kumo: ") != std::string::npos)));
    if (attach.code == 0)
        run("volume detach data box");
    auto log = kumo_cli(cfg, "vm console-log box");
    CHECK((log.code == 0 || log.code == 1));
    run("vm snapshots box");
    run("volume delete data");
    run("volume show data", 1);

    const json cred = json::parse(run("app-credential create ci -o json"));
    CHECK(cred.contains("secret"));
    CHECK(run("app-credential list").find("ci") != std::string::npos);
    run("app-credential delete ci");
    CHECK(run("app-credential list -o json") == "[]\n");
}

TEST_CASE("kumo events prints what another command causes; completion comes from the table", "[cli]") {
    test::daemon_process d(test::make_temp_dir("kumo-cli-ev"), {"--simulate", "1"});
    const std::string cfg = test::make_temp_dir("kumo-cli-ev-config");
    test::kumo_login_admin(cfg, d.url(), d.fingerprint());
    const std::string cmd =
        "KUMO_CONFIG_DIR=" + cfg + " " + KUMO_BINARY + " events --count 1 --timeout 30 -o json 2>&1";
    FILE* events = popen(cmd.c_str(), "r");
    REQUIRE(events);
    std::this_thread::sleep_for(std::chrono::seconds(2));  // let it subscribe
    REQUIRE(kumo_cli(cfg, "flavor create watched --vcpus 1 --ram-mb 64").code == 0);
    std::string out;
    char buf[4096];
    while (std::fgets(buf, sizeof buf, events))
        out += buf;
    CHECK(pclose(events) == 0);
    INFO(out);
    const json ev = json::parse(out);
    CHECK(ev["type"] == "flavor");
    CHECK(ev["action"] == "created");

    auto quiet = kumo_cli(cfg, "events --timeout 1");
    CHECK(quiet.code == 0);

    auto complete = kumo_cli(cfg, "completion bash > " + cfg + "/kumo.bash");
    REQUIRE(complete.code == 0);
    const std::string probe = "bash -c 'source " + cfg +
                              "/kumo.bash; complete -p kumo; COMP_WORDS=(kumo vm cr); "
                              "COMP_CWORD=2; _kumo; echo \"${COMPREPLY[@]}\"; COMP_WORDS=(kumo vm create --fl); "
                              "COMP_CWORD=3; _kumo; echo \"${COMPREPLY[@]}\"'";
    FILE* b = popen(probe.c_str(), "r");
    REQUIRE(b);
    std::string got;
    while (std::fgets(buf, sizeof buf, b))
        got += buf;
    pclose(b);
    INFO(got);
    CHECK(got.find("complete -F _kumo kumo") != std::string::npos);
    CHECK(got.find("create create-image") != std::string::npos);
    CHECK(got.find("--flavor") != std::string::npos);
}
