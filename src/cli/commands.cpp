#include "kumo/cli/commands.hpp"

#include "kumo/cli/args.hpp"
#include "kumo/cli/client.hpp"
#include "kumo/cli/command_env.hpp"
#include "kumo/cli/output.hpp"
#include "kumo/core/certificate.hpp"
#include "kumo/core/ids.hpp"
#include "session_store.hpp"

#include <fmt/format.h>
#include <chrono>
#include <functional>
#include <iostream>
#include <map>

namespace kumo::cli {

int usage(const std::string& msg) {
    fmt::print(stderr, "kumo: {}\nRun `kumo help` for the commands.\n", msg);
    return 2;
}

int api_fail(const std::string& msg) {
    fmt::print(stderr, "kumo: {}\n", msg);
    return 1;
}

std::optional<json> call(cmd_env& e, const std::string& method, const std::string& path,
                         const std::optional<json>& body) {
    auto r = e.client.send(method, path, body);
    if (!r) {
        api_fail(r.error().detail);
        return std::nullopt;
    }
    if (r->status >= 400) {
        api_fail(describe_problem(*r));
        return std::nullopt;
    }
    return r->body;
}

std::optional<std::string> resolve(cmd_env& e, const std::string& collection, const std::string& ref) {
    if (is_uuid(ref))
        return ref;
    auto list = call(e, "GET", fmt::format("/api/v1/{}?name={}", collection, ref));
    if (!list)
        return std::nullopt;
    const auto& items = (*list)["items"];
    if (items.size() != 1) {
        api_fail(fmt::format("{} '{}' matches {} resources; use its id", collection, ref, items.size()));
        return std::nullopt;
    }
    return items[0]["id"].get<std::string>();
}

namespace {

// Follows an operation to its end. Returns the exit code.
int wait_operation(cmd_env& e, const std::string& op_id, int timeout_s) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    while (true) {
        auto op = call(e, "GET", fmt::format("/api/v1/operations/{}?wait=30", op_id));
        if (!op)
            return 1;
        const std::string status = (*op)["status"];
        if (status == "succeeded" || status == "failed" || status == "cancelled") {
            if (status == "succeeded") {
                if (!e.as_json)
                    fmt::print("operation {} succeeded\n", op_id);
                else
                    print_object(*op, true);
                return 0;
            }
            const json& err = (*op)["error"];
            return api_fail(fmt::format("operation {} {}: {}", op_id, status,
                                        err.is_object() ? err.value("detail", "") : std::string()));
        }
        if (std::chrono::steady_clock::now() > deadline)
            return api_fail(fmt::format("operation {} still {} after {} s", op_id, status, timeout_s));
    }
}

}  // namespace

int accepted_reply(cmd_env& e, const json& body, const char* resource) {
    if (e.args.flag("wait"))
        return wait_operation(e, body["operation"]["id"], std::stoi(e.args.get("timeout").value_or("600")));
    if (e.as_json)
        print_object(body, true);
    else
        fmt::print("{} {}: operation {} {}\n", resource, body[resource]["id"].get<std::string>(),
                   body["operation"]["id"].get<std::string>(), body["operation"]["status"].get<std::string>());
    return 0;
}

int print_reply(cmd_env& e, const std::optional<json>& r) {
    if (!r)
        return 1;
    print_object(*r, e.as_json);
    return 0;
}

int list_reply(cmd_env& e, const std::string& path, const std::vector<column>& cols) {
    auto l = call(e, "GET", path);
    if (!l)
        return 1;
    print_rows((*l)["items"], cols, e.as_json);
    return 0;
}

std::optional<json> parse_pairs(const std::string& text) {
    json out = json::object();
    std::size_t start = 0;
    while (start <= text.size() && !text.empty()) {
        const auto comma = text.find(',', start);
        const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        const auto eq = item.find('=');
        if (eq == std::string::npos || eq == 0)
            return std::nullopt;
        out[item.substr(0, eq)] = item.substr(eq + 1);
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    return out;
}

namespace {

int op_cmd(cmd_env& e, const std::string& verb) {
    auto& p = e.args.positional;
    if (p.size() != 3)
        return usage("op show OP | op wait OP [--timeout S]");
    if (verb == "show") {
        auto op = call(e, "GET", "/api/v1/operations/" + p[2]);
        if (!op)
            return 1;
        print_object(*op, e.as_json);
        return 0;
    }
    if (verb == "wait")
        return wait_operation(e, p[2], std::stoi(e.args.get("timeout").value_or("600")));
    return usage("op show OP | op wait OP [--timeout S]");
}

std::string read_password(const parsed_args& a) {
    if (auto p = a.get("password"))
        return *p;
    if (const char* env = std::getenv("KUMO_PASSWORD"))
        return env;
    std::string line;
    std::getline(std::cin, line);  // --password-stdin, or a prompt-less read for scripts
    return line;
}

int login_cmd(const parsed_args& a) {
    cli_session s = load_session();
    if (auto u = a.get("url"))
        s.url = *u;
    if (s.url.empty())
        s.url = "https://127.0.0.1:8443";
    if (auto f = a.get("fingerprint"))
        s.fingerprint = *f;
    if (s.url.rfind("https://", 0) == 0 && s.fingerprint.empty()) {
        // On the daemon's own machine, its certificate file is the trust anchor.
        auto local = certificate_fingerprint(a.get("data-dir").value_or("/var/lib/kumo") + "/tls-cert.pem");
        if (local) {
            s.fingerprint = *local;
        } else {
            auto seen = api_client(s.url, "").server_fingerprint();
            if (!seen)
                return api_fail(seen.error().detail);
            return api_fail(
                fmt::format("the server presents certificate SHA256 {}; check it against the one the "
                            "daemon printed and pass it with --fingerprint",
                            *seen));
        }
    }
    api_client client(s.url, s.fingerprint);
    json body{{"username", a.get("username").value_or("admin")}, {"password", read_password(a)}};
    if (auto p = a.get("project"))
        body["project"] = *p;
    if (auto d = a.get("domain"))
        body["domain"] = *d;
    if (a.flag("cloud"))
        body["scope"] = "cloud";
    auto r = client.send("POST", "/api/v1/auth/tokens", body);
    if (!r)
        return api_fail(r.error().detail);
    if (r->status != 201)
        return api_fail(describe_problem(*r));
    s.token = (*r).body["token"];
    if (auto saved = save_session(s); !saved)
        return api_fail(saved.error().detail);
    const json& scoped = r->body["project"].is_object() ? r->body["project"] : r->body["domain"];
    fmt::print("logged in to {} as {} ({} {}), token expires {}\n", s.url, r->body["user"]["name"].get<std::string>(),
               r->body["scope"].get<std::string>(), scoped.is_object() ? scoped.value("name", "") : "cloud",
               r->body["expires_at"].get<std::string>());
    return 0;
}

// The kit's own options: logging in, output, waiting for operations.
const std::vector<std::string> kit_valued{"url",      "username", "password", "project", "fingerprint",
                                          "data-dir", "timeout",  "output",   "domain"};
const std::vector<std::string> kit_flags{"wait", "password-stdin", "cloud"};

// Asks each module with the noun in turn; prints the noun's usage when none takes the verb.
int run_noun(cmd_env& e, const std::vector<command_set>& modules, const std::string& noun) {
    std::string usages;
    for (const auto& set : modules)
        for (const auto& n : set.nouns) {
            if (n.noun != noun)
                continue;
            if (int rc = n.run(e, e.args.positional[1]); rc >= 0)
                return rc;
            usages += (usages.empty() ? "" : " | ") + n.usage;
        }
    return usages.empty() ? usage("unknown command " + noun) : usage(usages);
}

}  // namespace

int run_command(const std::vector<std::string>& words, const std::vector<command_set>& modules) {
    std::set<std::string> valued(kit_valued.begin(), kit_valued.end());
    std::set<std::string> flags(kit_flags.begin(), kit_flags.end());
    for (const auto& set : modules) {
        valued.insert(set.valued.begin(), set.valued.end());
        flags.insert(set.flags.begin(), set.flags.end());
    }
    parsed_args a = parse_args(words, valued, flags);
    if (!a.error.empty())
        return usage(a.error);
    if (a.positional.empty())
        return usage("missing command");
    const std::string& noun = a.positional[0];
    if (noun == "login")
        return login_cmd(a);
    if (a.positional.size() < 2)
        return usage("missing verb for " + noun);
    cli_session s = load_session();
    if (s.token.empty())
        return api_fail("not logged in: run `kumo login` first");
    const std::string output = a.get("output").value_or("table");
    if (output != "table" && output != "json")
        return usage("-o takes table or json");
    cmd_env e{a, api_client(s.url, s.fingerprint, s.token), output == "json"};
    if (noun == "op")
        return op_cmd(e, a.positional[1]);
    return run_noun(e, modules, noun);
}

}  // namespace kumo::cli
