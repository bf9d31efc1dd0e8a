#include "kumo/services/identity.hpp"

#include "kumo/core/clock.hpp"
#include "kumo/core/crypto.hpp"
#include "kumo/core/ids.hpp"
#include "kumo/core/json.hpp"
#include "kumo/core/log.hpp"
#include "kumo/store/repos.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <fstream>

namespace kumo {
namespace {

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(system_clock().now().time_since_epoch()).count();
}

error bad_credentials() {
    return make_error(errc::unauthenticated, "invalid username, password or project");
}
error bad_token() {
    return make_error(errc::unauthenticated, "the token is invalid, expired or revoked");
}

}  // namespace

result<std::string> load_or_create_signing_key(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (in) {
        std::string key((std::istreambuf_iterator<char>(in)), {});
        if (key.size() >= 32)
            return key;
        return make_error(errc::internal, path + " is too short to be a signing key");
    }
    const std::string key = random_hex(32);
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0 || ::write(fd, key.data(), key.size()) != static_cast<ssize_t>(key.size())) {
        if (fd >= 0)
            ::close(fd);
        return make_error(errc::internal, "cannot write " + path);
    }
    ::fsync(fd);
    ::close(fd);
    return key;
}

result<std::optional<std::string>> identity::bootstrap(sql::database& db, const std::string& given_password) {
    return db.transaction([&]() -> result<std::optional<std::string>> {
        if (repo::find_user_by_name(db, "admin"))
            return std::optional<std::string>{};
        const bool generate = given_password.empty();
        const std::string password = generate ? random_hex(12) : given_password;
        const std::string now = to_rfc3339(system_clock().now());
        project p{new_uuid(), "admin", now, now};
        user u{new_uuid(), "admin", crypto::hash_password(password), true, now, now};
        repo::insert_project(db, p);
        repo::insert_user(db, u);
        repo::add_membership(db, u.id, p.id, "admin");
        log::info("identity", "created user admin in project admin");
        return generate ? std::optional<std::string>(password) : std::optional<std::string>{};
    });
}

void identity::load_revocations(sql::database& db) {
    for (auto& id : repo::live_revoked_tokens(db, unix_now()))
        revoked_.insert(id);
}

awaitable<result<issued_token>> identity::login(std::string username, std::string password, std::string project,
                                                std::string remote) {
    const std::string user_key = "user:" + username;
    const std::string addr_key = "addr:" + remote;
    const sys_time started = system_clock().now();
    if (throttle_.tracked() > 10000)
        throttle_.prune(started);
    const auto wait = std::max(throttle_.retry_after(user_key, started), throttle_.retry_after(addr_key, started));
    if (wait.count() > 0) {
        error e = make_error(errc::rate_limited, "too many failed logins; try again later");
        e.retry_after_s = static_cast<int>(wait.count());
        co_return e;
    }
    struct lookup {
        std::optional<user> u;
        std::optional<kumo::project> p;
        std::optional<std::string> role;
    };
    auto job = [username, project](sql::database& db) -> result<lookup> {
        lookup l{repo::find_user_by_name(db, username), std::nullopt, std::nullopt};
        if (l.u)
            l.p = project.empty() ? repo::default_project_of(db, l.u->id) : repo::find_project(db, project);
        if (l.u && l.p)
            l.role = repo::find_role(db, l.u->id, l.p->id);
        return l;
    };
    auto found = co_await store_.read(std::move(job));
    if (!found)
        co_return found.error();
    // Hash even for unknown users, so timing does not reveal which usernames exist. The decoy is made on
    // the blocking pool too (first use): 600,000 PBKDF2 rounds must never run on the core thread.
    std::string stored = found->u ? found->u->password_hash : std::string();
    auto verify = [password, stored] {
        static const std::string decoy = crypto::hash_password("decoy");
        return crypto::verify_password(password, stored.empty() ? decoy : stored);
    };
    const bool ok = co_await run_on(blocking_.get_executor(), std::move(verify));
    if (!ok || !found->u || !found->u->enabled || !found->p || !found->role) {
        const sys_time now = system_clock().now();
        throttle_.failed(user_key, now);
        throttle_.failed(addr_key, now);
        co_return bad_credentials();
    }
    throttle_.succeeded(user_key);

    principal who{found->u->id, found->u->name, found->p->id, found->p->name, *found->role};
    const std::int64_t exp = unix_now() + cfg_.token_ttl_s;
    const json payload{{"id", new_uuid()},       {"u", who.user_id}, {"un", who.user_name}, {"p", who.project_id},
                       {"pn", who.project_name}, {"r", who.role},    {"exp", exp}};
    const std::string body = crypto::base64url_encode(payload.dump());
    issued_token t;
    t.token = "v1." + body + "." + sign(body);
    t.expires_at = to_rfc3339(sys_time(std::chrono::seconds(exp)));
    t.who = who;
    co_return t;
}

std::string identity::sign(std::string_view payload) const {
    return crypto::base64url_encode(crypto::hmac_sha256(key_, payload));
}

result<principal> identity::validate(std::string_view token) const {
    if (token.substr(0, 3) != "v1.")
        return bad_token();
    token.remove_prefix(3);
    auto dot = token.find('.');
    if (dot == std::string_view::npos)
        return bad_token();
    const std::string_view body = token.substr(0, dot);
    if (!crypto::equal_constant_time(sign(body), token.substr(dot + 1)))
        return bad_token();
    std::string raw;
    if (!crypto::base64url_decode(body, raw))
        return bad_token();
    json p = json::parse(raw, nullptr, false);
    if (p.is_discarded() || !p.is_object())
        return bad_token();
    try {
        if (p.at("exp").get<std::int64_t>() <= unix_now() || revoked_.count(p.at("id").get<std::string>()))
            return bad_token();
        return principal{p.at("u"), p.at("un"), p.at("p"), p.at("pn"), p.at("r")};
    } catch (const json::exception&) {
        return bad_token();
    }
}

awaitable<result<void>> identity::revoke(std::string_view token) {
    KUMO_CO_TRY_VOID(validate(token));
    std::string raw;
    const std::string_view body = token.substr(3, token.find('.', 3) - 3);
    crypto::base64url_decode(body, raw);
    const json p = json::parse(raw);
    const std::string id = p.at("id");
    const std::int64_t exp = p.at("exp");
    revoked_.insert(id);
    auto job = [id, exp](sql::database& db) -> result<void> {
        repo::insert_revoked_token(db, id, exp);
        return {};
    };
    auto awaited = co_await store_.write(std::move(job));
    co_return awaited;
}

}  // namespace kumo
