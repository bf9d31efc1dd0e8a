// The helpers every module's commands share: calls, name resolution, the usual replies.
#include "kit.hpp"
#include "kumo/core/ids.hpp"

#include <fmt/format.h>
#include <chrono>

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

namespace {

// "%", "&", " " and the like in a name must not change the query.
std::string query_escape(const std::string& s) {
    std::string out;
    for (unsigned char c : s)
        out += std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ? std::string(1, static_cast<char>(c))
                                                                               : fmt::format("%{:02X}", c);
    return out;
}

}  // namespace

std::optional<std::string> resolve(cmd_env& e, const std::string& collection, const std::string& ref) {
    if (is_uuid(ref))
        return ref;
    auto list = call(e, "GET", fmt::format("/api/v1/{}?name={}&limit=1000", collection, query_escape(ref)));
    if (!list)
        return std::nullopt;
    // A server that ignores ?name= returns everything the caller sees: keep only exact matches.
    std::vector<json> found;
    for (const auto& item : (*list)["items"])
        if (item.value("name", "") == ref)
            found.push_back(item);
    const std::string last = collection.substr(collection.rfind('/') + 1);  // "vms/ID/snapshots" -> snapshot
    const std::string kind = last.substr(0, last.size() - 1);
    if (found.empty()) {
        api_fail(fmt::format("{} '{}' not found", kind, ref));
        return std::nullopt;
    }
    if (found.size() > 1) {
        std::string ids;
        for (const auto& item : found)
            ids += fmt::format("\n  {}{}", item.value("id", ""),
                               item.contains("project_id")  ? " (project " + item.value("project_id", "-") + ")"
                               : item.contains("domain_id") ? " (domain " + item.value("domain_id", "-") + ")"
                                                            : std::string());
        api_fail(fmt::format("{} name '{}' is ambiguous; use one of these ids:{}", kind, ref, ids));
        return std::nullopt;
    }
    return found[0]["id"].get<std::string>();
}

std::map<std::string, std::string> names_by_id(cmd_env& e, const std::string& collection) {
    std::map<std::string, std::string> out;
    auto r = e.client.send("GET", "/api/v1/" + collection + "?limit=1000");
    if (r && r->status == 200)
        for (const auto& item : r->body["items"])
            out[item.value("id", "")] = item.value("name", "");
    return out;
}

int wait_operation(cmd_env& e, const std::string& op_id, std::int64_t timeout_s) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    while (true) {
        auto op = call(e, "GET", fmt::format("/api/v1/operations/{}?wait=30", op_id));
        if (!op)
            return 1;
        const std::string status = (*op)["status"];
        if (status == "succeeded") {
            if (e.as_table())
                fmt::print("operation {} succeeded\n", op_id);
            else
                print_object(*op, e.out);
            return 0;
        }
        if (status == "failed" || status == "cancelled") {
            const json& err = (*op)["error"];
            return api_fail(fmt::format("operation {} {}: {}", op_id, status,
                                        err.is_object() ? err.value("detail", "") : std::string()));
        }
        if (std::chrono::steady_clock::now() > deadline)
            return api_fail(fmt::format("operation {} still {} after {} s", op_id, status, timeout_s));
    }
}

int accepted_reply(cmd_env& e, const json& body, const char* resource) {
    if (e.args.flag("wait"))
        return wait_operation(e, body["operation"]["id"], e.args.integer("timeout").value_or(600));
    if (e.as_table())
        fmt::print("{} {}: operation {} {}\n", resource, body[resource].value("id", ""),
                   body["operation"]["id"].get<std::string>(), body["operation"]["status"].get<std::string>());
    else if (e.as_json())
        print_object(body, e.out);
    else
        fmt::print("{}\n", body["operation"]["id"].get<std::string>());
    return 0;
}

int print_reply(cmd_env& e, const std::optional<json>& r) {
    if (!r)
        return 1;
    print_object(*r, e.out);
    return 0;
}

int list_reply(cmd_env& e, const std::string& path, const std::vector<column>& cols) {
    auto l = call(e, "GET", path);
    if (!l)
        return 1;
    print_rows((*l)["items"], cols, e.out);
    return 0;
}

int delete_reply(cmd_env& e, const std::string& path, const std::string& what) {
    if (!call(e, "DELETE", path))
        return 1;
    if (!e.as_json())
        fmt::print("deleted {}\n", what);
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

}  // namespace kumo::cli
