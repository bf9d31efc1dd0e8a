// kumo image: create (upload a file or import a URL), list, show, download, share, delete.
#include "kumo/image/commands.hpp"

#include <fmt/format.h>
#include <unistd.h>
#include <chrono>
#include <thread>

namespace kumo {
namespace {

using namespace kumo::cli;

const std::vector<column> image_cols{{"ID", "id"},         {"NAME", "name"},
                                     {"STATUS", "status"}, {"FORMAT", "disk_format"},
                                     {"SIZE", "size"},     {"VISIBILITY", "visibility"}};
const std::vector<column> member_cols{{"PROJECT", "project_id"}};

// A bar on stderr when it is a terminal; nothing for scripts and logs.
progress_fn progress_bar() {
    if (!::isatty(STDERR_FILENO))
        return {};
    return [](std::uint64_t sent, std::uint64_t total) {
        const int pct = total ? static_cast<int>(sent * 100 / total) : 100;
        fmt::print(stderr, "\r[{:<30}] {:3}% {:.1f}/{:.1f} MiB",
                   std::string(static_cast<std::size_t>(pct * 30 / 100), '#'), pct,
                   static_cast<double>(sent) / (1 << 20), static_cast<double>(total) / (1 << 20));
        if (sent == total)
            fmt::print(stderr, "\n");
    };
}

json create_body(cmd_env& e) {
    json body{{"name", e.args.positional[2]}};
    for (const char* k : {"disk-format", "container-format", "visibility"})
        if (auto v = e.args.get(k)) {
            std::string field = k;
            field[field.find('-')] = '_';
            body[field] = *v;
        }
    if (auto n = e.args.integer("min-ram-mb"))
        body["min_ram_mb"] = *n;
    if (auto n = e.args.integer("min-disk-gb"))
        body["min_disk_gb"] = *n;
    if (e.args.flag("protected"))
        body["protected"] = true;
    return body;
}

// Polls until the image leaves queued/saving/importing (for --wait after an import).
int wait_active(cmd_env& e, const std::string& id) {
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(e.args.integer("timeout").value_or(600));
    while (true) {
        auto img = call(e, "GET", "/api/v1/images/" + id);
        if (!img)
            return 1;
        const std::string status = (*img)["status"];
        if (status == "active")
            return print_reply(e, img);
        if (status != "queued" && status != "saving" && status != "importing")
            return api_fail((*img)["fault"].is_string()  // say why, as the API does
                                ? fmt::format("image {} is {}: {}", id, status, (*img)["fault"].get<std::string>())
                                : fmt::format("image {} is {}", id, status));
        if (std::chrono::steady_clock::now() > deadline)
            return api_fail(fmt::format("image {} still {}", id, status));
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
}

int create_image(cmd_env& e) {
    const auto file = e.args.get("file"), url = e.args.get("url");
    if (file.has_value() == url.has_value())
        return usage("image create needs one of --file and --url");
    auto made = call(e, "POST", "/api/v1/images", create_body(e));
    if (!made)
        return 1;
    const std::string id = (*made)["id"];
    // A failed start leaves no empty image behind: the user asked for an image with content.
    auto discard = [&] {
        if (e.args.flag("protected"))  // a protected image refuses deletion: unprotect it first
            e.client.send("PATCH", "/api/v1/images/" + id, json{{"protected", false}});
        auto gone = e.client.send("DELETE", "/api/v1/images/" + id);
        if (!gone || gone->status >= 400)
            fmt::print(stderr, "kumo: the empty image {} could not be removed; delete it by hand\n", id);
    };
    if (url) {
        if (!call(e, "POST", "/api/v1/images/" + id + "/import", json{{"url", *url}})) {
            discard();
            return 1;
        }
        return e.args.flag("wait") ? wait_active(e, id) : print_reply(e, call(e, "GET", "/api/v1/images/" + id));
    }
    auto r = e.client.send_file("PUT", "/api/v1/images/" + id + "/file", *file, progress_bar());
    if (!r || r->status >= 400) {
        discard();
        return api_fail(r ? "the upload failed: " + describe_problem(*r) : r.error().detail);
    }
    return print_reply(e, r->body);
}

int download(cmd_env& e) {
    auto id = resolve(e, "images", e.args.positional[2]);
    if (!id)
        return 1;
    const std::string to = *e.args.get("file");
    auto r = e.client.download("/api/v1/images/" + *id + "/file", to);
    if (!r)
        return api_fail(r.error().detail);
    if (r->status >= 400)
        return api_fail(describe_problem(*r));
    if (e.as_table())
        fmt::print("image {} written to {}\n", *id, to);
    return 0;
}

// share/unshare IMAGE PROJECT and members IMAGE.
int members(cmd_env& e, const char* method) {
    auto id = resolve(e, "images", e.args.positional[2]);
    if (!id)
        return 1;
    const std::string path = "/api/v1/images/" + *id + "/members";
    if (std::string(method) == "GET")
        return list_reply(e, path, member_cols);
    auto project = resolve(e, "projects", e.args.positional[3]);
    if (!project || !call(e, method, path + "/" + *project))
        return 1;
    if (!e.as_json())
        fmt::print("image {} {} project {}\n", *id, std::string(method) == "PUT" ? "shared with" : "unshared from",
                   *project);
    return 0;
}

int on_image(cmd_env& e, bool remove) {
    auto id = resolve(e, "images", e.args.positional[2]);
    if (!id)
        return 1;
    return remove ? delete_reply(e, "/api/v1/images/" + *id, *id)
                  : print_reply(e, call(e, "GET", "/api/v1/images/" + *id));
}

}  // namespace

cli::command_set image_commands() {
    return {{{"image",
              "boot images",
              {{"create",
                "create an image from a local file (--file) or a URL (--url)",
                {"NAME"},
                {opt("file", "upload this file (streamed; a progress bar on a terminal)"),
                 opt("url", "import from this http(s) URL"), opt("disk-format", "qcow2, raw, iso, ..."),
                 opt("container-format", "bare (default)"), opt("visibility", "private, shared or public"),
                 opt_integer("min-ram-mb", "least memory a VM needs", 0, 1 << 24),
                 opt_integer("min-disk-gb", "least root disk", 0, 1 << 20), opt_flag("protected", "refuse deletion")},
                create_image,
                true},
               {"list",
                "list images",
                {},
                {},
                [](cmd_env& e) { return list_reply(e, "/api/v1/images?limit=1000", image_cols); }},
               {"show", "show one image", {"IMAGE"}, {}, [](cmd_env& e) { return on_image(e, false); }},
               {"download",
                "save the image's bytes to a file",
                {"IMAGE"},
                {opt_required("file", "where to write")},
                download},
               {"share",
                "let another project use the image",
                {"IMAGE", "PROJECT"},
                {},
                [](cmd_env& e) { return members(e, "PUT"); }},
               {"unshare",
                "stop sharing with a project",
                {"IMAGE", "PROJECT"},
                {},
                [](cmd_env& e) { return members(e, "DELETE"); }},
               {"members",
                "list the projects it is shared with",
                {"IMAGE"},
                {},
                [](cmd_env& e) { return members(e, "GET"); }},
               {"delete", "delete an image", {"IMAGE"}, {}, [](cmd_env& e) { return on_image(e, true); }}}}}};
}

}  // namespace kumo
