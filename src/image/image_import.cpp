// URL imports: the daemon fetches an image over http(s) for a user, so every address it connects to is
// checked first (url_policy.hpp), redirects included, and the bytes go through the same
// streaming checks as an upload.
#include "image_repo.hpp"
#include "kumo/core/log.hpp"
#include "kumo/http/fetch.hpp"
#include "kumo/image/image_store.hpp"
#include "url_policy.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netdb.h>

namespace kumo {
namespace {

constexpr int kMaxRedirects = 3;
constexpr std::int64_t kIdleSeconds = 60;

std::string numeric(const sockaddr* sa) {
    char text[INET6_ADDRSTRLEN] = {};
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, text, sizeof text);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, text, sizeof text);
    return text;
}

// Blocking name lookup: every address the name has.
std::vector<std::string> resolve_numeric(const std::string& host, const std::string& port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    std::vector<std::string> out;
    if (getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0)
        return out;
    for (addrinfo* a = found; a; a = a->ai_next)
        if (auto n = numeric(a->ai_addr); !n.empty())
            out.push_back(n);
    freeaddrinfo(found);
    return out;
}

// This machine's own addresses, on every interface.
std::vector<std::string> local_addresses() {
    std::vector<std::string> out;
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0)
        return out;
    for (ifaddrs* i = list; i; i = i->ifa_next)
        if (i->ifa_addr)
            if (auto n = numeric(i->ifa_addr); !n.empty())
                out.push_back(n);
    freeifaddrs(list);
    return out;
}

std::vector<std::string> split_list(const std::string& csv) {
    std::vector<std::string> out;
    std::string item;
    for (char c : csv + ",") {
        if (c == ',' || c == ' ') {
            if (!item.empty())
                out.push_back(item);
            item.clear();
        } else {
            item.push_back(c);
        }
    }
    return out;
}

}  // namespace

awaitable<result<std::string>> image_store::import_address(std::string host, std::string port) {
    // The hosts' names are resolved here too, off the core thread, with the URL's host.
    std::vector<std::string> host_names = import_denied_ ? import_denied_() : std::vector<std::string>{};
    auto lookup = [host, port, host_names] {
        std::pair<std::vector<std::string>, std::vector<std::string>> found{resolve_numeric(host, port),
                                                                            local_addresses()};
        for (const auto& name : host_names)
            for (auto& a : resolve_numeric(name, "22"))
                found.second.push_back(std::move(a));
        return found;
    };
    const auto [addresses, denied] = co_await run_on(blocking_.get_executor(), lookup);
    if (addresses.empty())
        co_return validation_error("url", "the host " + host + " does not resolve");
    const std::vector<std::string> allowed = split_list(cfg_.image_import_allow);
    for (const auto& a : addresses)  // all of them: a name must not hide a refused address behind a good one
        KUMO_CO_TRY_VOID(check_import_address(a, denied, allowed));
    co_return addresses.front();
}

awaitable<result<image>> image_store::import(const principal& who, const std::string& id, std::string url) {
    KUMO_CO_TRY(const image img, co_await find_owned(who, id));
    KUMO_CO_TRY(const import_url u, parse_import_url(url, "url"));
    if (img.status != image_status::queued)
        co_return make_error(errc::conflict, "the image already has data; create a new image");
    KUMO_CO_TRY(std::string address, co_await import_address(u.host, u.port));
    tasks_.spawn(fetch(who, id, url, address), "images", "import into image " + id);
    co_return img;
}

awaitable<result<void>> image_store::fetch_hops(principal who, std::string id, std::string url, std::string address) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(cfg_.image_import_timeout_s);
    KUMO_CO_TRY(import_url u, parse_import_url(url, "url"));
    body_taker take = [this, &who, &id](byte_source& body) -> awaitable<result<void>> {
        auto stored = co_await upload(who, id, body);
        if (!stored)
            co_return stored.error();
        co_return result<void>{};
    };
    for (int hop = 0;; ++hop) {
        if (hop > 0) {
            KUMO_CO_TRY(address, co_await import_address(u.host, u.port));
        }
        fetch_target t{u.scheme, u.host, u.port, u.target, address};
        KUMO_CO_TRY(const fetch_answer answer,
                    co_await fetch_once(std::move(t), take, std::chrono::seconds(kIdleSeconds), deadline));
        const unsigned status = answer.status;
        if (status == 200)
            co_return result<void>{};
        if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308)
            co_return make_error(errc::bad_request, "the URL answered HTTP " + std::to_string(status));
        if (answer.location.empty())
            co_return make_error(errc::bad_request, "a redirect without a Location");
        if (hop + 1 > kMaxRedirects)
            co_return make_error(errc::bad_request, "more than 3 redirects");
        KUMO_CO_TRY(u, resolve_redirect(u, answer.location, "url"));
    }
}

awaitable<void> image_store::fetch(principal who, std::string id, std::string url, std::string address) {
    auto done = co_await fetch_hops(who, id, url, address);
    if (done)
        co_return;
    // upload() kills the image itself once bytes flow; failures before that leave it queued: kill it here.
    auto job = [id](sql::database& db) -> result<std::optional<image>> { return repo::find_image(db, id); };
    auto found = co_await store_.read(std::move(job));
    if (found && *found && (*found)->status == image_status::queued) {
        const error why = done.error();
        (void)co_await kill(**found, why);
    }
    log::info("images", "import of image {} failed: {}", id, done.error().detail);
}

}  // namespace kumo
