// Issue 16: what a person pastes and types, and what the CLI tells them back.
#include "cli_runner.hpp"
#include "daemon_process.hpp"
#include "kumo/cli/args.hpp"
#include "kumo/cli/output.hpp"
#include "kumo/core/certificate.hpp"
#include "kumo/core/crypto.hpp"

#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>
#include <chrono>
#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>
#include "kumo_catch.hpp"

using namespace kumo;
using test::kumo_cli;

namespace {

// "AA:BB:.." -> the 32 raw bytes -> ssh-keygen's SHA256:<base64 without padding>.
std::string ssh_style(const std::string& colon_hex) {
    std::string raw;
    for (std::size_t i = 0; i < colon_hex.size(); i += 3)
        raw.push_back(static_cast<char>(std::stoi(colon_hex.substr(i, 2), nullptr, 16)));
    std::string b64 = crypto::base64url_encode(raw);
    for (char& c : b64)
        c = c == '-' ? '+' : c == '_' ? '/' : c;
    while (!b64.empty() && b64.back() == '=')
        b64.pop_back();
    return "SHA256:" + b64;
}

std::string no_colons(std::string s) {
    std::erase(s, ':');
    return s;
}

std::string lower(std::string s) {
    for (char& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// Lines of a table whose `title` column starts at the same display column as in the header.
bool aligned(const std::string& table, const std::string& title) {
    std::istringstream in(table);
    std::string header;
    std::getline(in, header);
    const auto at = header.find(title);
    if (at == std::string::npos)
        return false;
    std::string line;
    while (std::getline(in, line)) {
        std::size_t col = 0, i = 0;
        for (; i < line.size() && col < at; ++i)  // count display columns: CJK takes 2
            if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80)
                col += static_cast<unsigned char>(line[i]) >= 0xE3 ? 2 : 1;
        if (col != at || i >= line.size() || line[i] == ' ' || line[i - 1] != ' ')
            return false;
    }
    return true;
}

}  // namespace

TEST_CASE("login takes the fingerprint in every form people paste, and reports a stray word", "[cli]") {
    test::daemon_process d(test::make_temp_dir("kumo-cli-fp"), {"--simulate", "1"});
    const std::string cfg = test::make_temp_dir("kumo-cli-fp-config");
    const std::string fp = d.fingerprint();
    const std::string login = "login --url " + d.url() + " --password " + test::kTestAdminPassword + " --fingerprint ";
    for (const std::string& form : {"'SHA256 " + fp + "'", "SHA256:" + fp, lower(fp), "'sha256 Fingerprint=" + fp + "'",
                                    ssh_style(fp), fp, no_colons(fp)}) {
        auto r = kumo_cli(cfg, login + form);
        INFO(form << "\n" << r.out);
        CHECK(r.code == 0);
    }
    auto stray = kumo_cli(cfg, login + "SHA256 " + fp);  // unquoted: the digest is a second word
    INFO(stray.out);
    CHECK(stray.code == 2);
    CHECK(stray.out.find(fp) != std::string::npos);
    auto bad = kumo_cli(cfg, login + "SHA256:nonsense");
    CHECK(bad.code == 2);
    CHECK(bad.out.find("not a SHA-256 fingerprint") != std::string::npos);
}

TEST_CASE("login reads a data directory's certificate only when told or for a loopback URL", "[cli]") {
    test::daemon_process d(test::make_temp_dir("kumo-cli-stale"), {"--simulate", "1", "--listen", "127.0.0.2:0"});
    const std::string cfg = test::make_temp_dir("kumo-cli-stale-config");
    const std::string stale = test::make_temp_dir("kumo-cli-stale-dir");
    REQUIRE(ensure_self_signed_certificate(stale + "/tls-cert.pem", stale + "/tls-key.pem"));
    const std::string pw = " --password " + std::string(test::kTestAdminPassword);

    // A URL that is not this machine's loopback: the stale default directory is not read.
    auto other = kumo_cli(cfg, "login --url " + d.url() + pw, "KUMO_DATA_DIR=" + stale);
    INFO(other.out);
    CHECK(other.code == 1);
    CHECK(other.out.find("presents certificate SHA256 " + d.fingerprint()) != std::string::npos);
    CHECK(other.out.find(stale) == std::string::npos);
    // Told explicitly: a clear mismatch, naming the file and both fingerprints.
    auto told = kumo_cli(cfg, "login --url " + d.url() + " --data-dir " + stale + pw);
    INFO(told.out);
    CHECK(told.code == 1);
    CHECK(told.out.find(stale + "/tls-cert.pem") != std::string::npos);
    CHECK(told.out.find("is not the certificate") != std::string::npos);
    CHECK(told.out.find(d.fingerprint()) != std::string::npos);
    // The daemon's own directory is the right anchor.
    CHECK(kumo_cli(cfg, "login --url " + d.url() + " --data-dir " + d.data_dir() + pw).code == 0);
    CHECK(kumo_cli(cfg, "help login").out.find("--data-dir") != std::string::npos);
}

TEST_CASE("the CLI refuses bad numbers and misplaced options as usage errors", "[cli]") {
    test::daemon_process d(test::make_temp_dir("kumo-cli-usage"), {"--simulate", "1"});
    const std::string cfg = test::make_temp_dir("kumo-cli-usage-config");
    test::kumo_login_admin(cfg, d.url(), d.fingerprint());
    struct bad_case {
        std::string args, names;
    };
    for (const auto& c :
         {bad_case{"op wait 00000000-0000-0000-0000-000000000000 --timeout abc", "--timeout"},
          bad_case{"flavor create f --vcpus 2abc --ram-mb 64", "--vcpus"},
          bad_case{"flavor create f --vcpus 1 --ram-mb 99999999999999999999", "--ram-mb"},
          bad_case{"quota set admin instances=5x", "instances"}, bad_case{"vm list --url https://127.0.0.1:1", "--url"},
          bad_case{"vm frobnicate x", "frobnicate"}}) {
        auto r = kumo_cli(cfg, c.args);
        INFO(c.args << "\n" << r.out);
        CHECK(r.code == 2);
        CHECK(r.out.find(c.names) != std::string::npos);
        CHECK(r.out.find("terminate") == std::string::npos);
    }
    CHECK(kumo_cli(cfg, "flavor list").code == 0);
    CHECK(kumo_cli(cfg, "flavor list -o json").out == "[]\n");
}

TEST_CASE("help at every level comes from the command table", "[cli]") {
    const std::string cfg = test::make_temp_dir("kumo-cli-help");
    const std::vector<std::string> nouns{"login", "logout",       "op",        "events", "domain",         "project",
                                         "user",  "role",         "quota",     "audit",  "app-credential", "host",
                                         "image", "server-group", "aggregate", "volume", "volume-type",    "flavor",
                                         "vm",    "keypair",      "completion"};
    for (const char* top : {"help", "--help", ""}) {
        auto r = kumo_cli(cfg, top);
        INFO(top << "\n" << r.out);
        CHECK(r.code == (std::string(top).empty() ? 2 : 0));
        for (const auto& n : nouns)
            CHECK(r.out.find("  " + n + " ") != std::string::npos);
    }
    auto vm = kumo_cli(cfg, "vm --help");
    CHECK(vm.code == 0);
    for (const char* verb : {"create", "snapshot", "clone", "create-image", "console-log", "migrate"})
        CHECK(vm.out.find(verb) != std::string::npos);
    auto create = kumo_cli(cfg, "vm create --help");
    CHECK(create.code == 0);
    for (const char* option : {"--flavor", "--image", "--key-name", "--user-data", "--wait", "-o"})
        CHECK(create.out.find(option) != std::string::npos);
    CHECK(kumo_cli(cfg, "login --help").code == 0);
    CHECK(kumo_cli(cfg, "help vm create").out.find("--flavor") != std::string::npos);
    auto no_verb = kumo_cli(cfg, "vm");
    CHECK(no_verb.code == 2);
    CHECK(no_verb.out.find("needs a verb") != std::string::npos);
}

TEST_CASE("logout revokes the token; login -o json is JSON", "[cli]") {
    test::daemon_process d(test::make_temp_dir("kumo-cli-logout"), {"--simulate", "1"});
    const std::string cfg = test::make_temp_dir("kumo-cli-logout-config");
    auto in = kumo_cli(cfg, "login --url " + d.url() + " --fingerprint " + d.fingerprint() + " --password " +
                                test::kTestAdminPassword + " -o json");
    INFO(in.out);
    REQUIRE(in.code == 0);
    const json who = json::parse(in.out);
    CHECK(who["user"]["name"] == "admin");
    std::ifstream session(cfg + "/cli.json");
    const std::string token = json::parse(session)["token"];
    CHECK(who["token"] == token);
    auto out = kumo_cli(cfg, "logout");
    INFO(out.out);
    CHECK(out.code == 0);
    CHECK(kumo_cli(cfg, "flavor list").out.find("not logged in") != std::string::npos);
    auto old = kumo_cli(cfg, "flavor list", "KUMO_TOKEN=" + token);
    CHECK(old.code == 1);
    CHECK(old.out.find("unauthenticated") != std::string::npos);
}

TEST_CASE("tables: names not UUIDs, columns by display width, quota and assignments as tables", "[cli]") {
    test::daemon_process d(test::make_temp_dir("kumo-cli-tables"), {"--simulate", "2"});
    const std::string cfg = test::make_temp_dir("kumo-cli-tables-config");
    auto in = kumo_cli(cfg, "login --url " + d.url() + " --fingerprint " + d.fingerprint() + " --password " +
                                test::kTestAdminPassword + " -o json");
    REQUIRE(in.code == 0);
    const std::string project = json::parse(in.out)["project"]["name"];

    REQUIRE(kumo_cli(cfg, "flavor create 東京 --vcpus 1 --ram-mb 64").code == 0);
    REQUIRE(kumo_cli(cfg, "flavor create zürich --vcpus 2 --ram-mb 64").code == 0);
    REQUIRE(kumo_cli(cfg, "flavor create plain --vcpus 1 --ram-mb 64").code == 0);
    auto flavors = kumo_cli(cfg, "flavor list");
    INFO(flavors.out);
    CHECK(aligned(flavors.out, "VCPUS"));
    CHECK(aligned(flavors.out, "RAM_MB"));
    CHECK(kumo_cli(cfg, "flavor delete plain").code == 0);
    CHECK(kumo_cli(cfg, "flavor show plain").out.find("flavor 'plain' not found") != std::string::npos);

    REQUIRE(kumo_cli(cfg, "vm create web --flavor 東京 --wait").code == 0);
    auto vms = kumo_cli(cfg, "vm list");
    INFO(vms.out);
    CHECK(vms.out.find("sim-") != std::string::npos);
    auto missing = kumo_cli(cfg, "vm show nope");
    CHECK(missing.code == 1);
    CHECK(missing.out.find("vm 'nope' not found") != std::string::npos);

    auto quota = kumo_cli(cfg, "quota set " + project + " vcpus=2");
    INFO(quota.out);
    CHECK(quota.code == 0);
    CHECK(quota.out.find("RESOURCE") != std::string::npos);
    CHECK(quota.out.find('{') == std::string::npos);
    auto over = kumo_cli(cfg, "vm create big --flavor zürich");  // 1 in use + 2 > 2
    INFO(over.out);
    CHECK(over.code == 1);
    CHECK(over.out.find("limit 2, in use 1, requested 2") != std::string::npos);
    auto assignments = kumo_cli(cfg, "role assignments");
    INFO(assignments.out);
    CHECK(assignments.code == 0);
    CHECK(assignments.out.find("ROLE") != std::string::npos);
    CHECK(assignments.out.find('{') == std::string::npos);
    auto values = kumo_cli(cfg, "flavor list -o value");
    CHECK(values.out.find("NAME") == std::string::npos);
    CHECK(values.out.find("東京") != std::string::npos);
}

TEST_CASE("a wrong URL scheme is named as such", "[cli]") {
    test::daemon_process d(test::make_temp_dir("kumo-cli-scheme"), {"--simulate", "1"});
    const std::string cfg = test::make_temp_dir("kumo-cli-scheme-config");
    std::string plain = d.url();
    plain.replace(0, 5, "http");
    auto r = kumo_cli(cfg, "login --url " + plain + " --password x");
    INFO(r.out);
    CHECK(r.code == 1);
    CHECK(r.out.find("https://") != std::string::npos);

    test::daemon_process p(test::make_temp_dir("kumo-cli-scheme-plain"), {"--simulate", "1", "--no-tls"});
    std::string tls = p.url();
    REQUIRE(tls.rfind("http://", 0) == 0);
    tls.replace(0, 4, "https");
    auto wrong = kumo_cli(cfg, "login --url " + tls + " --password x");
    INFO(wrong.out);
    CHECK(wrong.code == 1);
    CHECK(wrong.out.find("does not speak HTTPS") != std::string::npos);
}

TEST_CASE("interactive login prompts on the terminal and does not echo the password", "[cli]") {
    test::daemon_process d(test::make_temp_dir("kumo-cli-pty"), {"--simulate", "1"});
    const std::string cfg = test::make_temp_dir("kumo-cli-pty-config");
    int master = -1;
    const pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::setenv("KUMO_CONFIG_DIR", cfg.c_str(), 1);
        ::unsetenv("KUMO_PASSWORD");
        ::execl(KUMO_BINARY, KUMO_BINARY, "login", "--url", d.url().c_str(), "--fingerprint", d.fingerprint().c_str(),
                static_cast<char*>(nullptr));
        ::_exit(127);
    }
    std::string seen;
    auto read_until = [&](const std::string& want) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        char buf[512];
        while (seen.find(want) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
            pollfd p{master, POLLIN, 0};
            if (::poll(&p, 1, 500) <= 0)
                continue;  // nothing yet: look at the deadline again
            const ssize_t n = ::read(master, buf, sizeof buf);
            if (n <= 0)
                break;
            seen.append(buf, static_cast<std::size_t>(n));
        }
    };
    read_until("Password:");
    INFO(seen);
    REQUIRE(seen.find("Password:") != std::string::npos);
    const std::string typed = std::string(test::kTestAdminPassword) + "\n";
    REQUIRE(::write(master, typed.data(), typed.size()) == static_cast<ssize_t>(typed.size()));
    read_until("logged in");
    int status = 0;
    const auto stop_by = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (::waitpid(pid, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > stop_by)
            ::kill(pid, SIGKILL);  // our own child, by pid: a hung prompt must not hang the suite
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    read_until("\n");
    ::close(master);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(seen.find("logged in") != std::string::npos);
    CHECK(seen.find(test::kTestAdminPassword) == std::string::npos);
}

TEST_CASE("the kit's parsers: integers, fingerprints, display width", "[cli]") {
    CHECK(*cli::parse_integer("42", 1, 100) == 42);
    CHECK(*cli::parse_integer("-1", -1, 100) == -1);
    for (const char* bad : {"", "2abc", "+5", " 5", "5 ", "0x10", "101", "0", "99999999999999999999"})
        CHECK_FALSE(cli::parse_integer(bad, 1, 100));
    CHECK(cli::parse_integer("abc", 1, 100).error().detail == "an integer from 1 to 100, not 'abc'");

    std::string fp = "7F";
    for (int i = 1; i < 32; ++i)
        fp += ":A" + std::to_string(i % 10);
    for (const std::string& form : {fp, "SHA256 " + fp, "SHA256:" + fp, lower(fp), "sha256 Fingerprint=" + fp,
                                    no_colons(fp), ssh_style(fp), "  SHA256 " + fp + "\n"})
        CHECK(*cli::normalize_fingerprint(form) == fp);
    for (const char* bad : {"", "SHA256", "AA:BB", "SHA256:abc", "zz"})
        CHECK_FALSE(cli::normalize_fingerprint(bad));

    CHECK(cli::display_width("abc") == 3);
    CHECK(cli::display_width("zürich") == 6);
    CHECK(cli::display_width("東京") == 4);
    CHECK(cli::display_width("e\u0301") == 1);  // e + combining acute
}
