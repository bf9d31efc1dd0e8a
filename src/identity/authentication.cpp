#include "authentication.hpp"

#include "identity_repo.hpp"
#include "kumo/core/clock.hpp"
#include "kumo/core/crypto.hpp"
#include "kumo/core/ids.hpp"
#include "kumo/core/json.hpp"
#include "kumo/core/log.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>

namespace kumo {
namespace {

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(system_clock().now().time_since_epoch()).count();
}
std::int64_t unix_now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(system_clock().now().time_since_epoch()).count();
}

error bad_credentials() {
    return make_error(errc::unauthenticated, "invalid credentials, or no role on the requested scope");
}
error bad_token() {
    return make_error(errc::unauthenticated, "the token is invalid, expired or revoked");
}

// What a login found in the database, read in one store job.
struct login_lookup {
    std::optional<user> u;
    std::optional<domain> user_domain;
    std::string scope;  // project | domain | cloud; empty: the requested scope does not exist
    std::optional<project> p;
    std::optional<domain> d;  // the scoped domain, or the project's domain
    std::vector<std::string> roles;
};

void resolve_scope(sql::database& db, login_lookup& l, std::string scope, std::string scope_id) {
    if (scope.empty())
        std::tie(scope, scope_id) = repo::default_scope_of(db, l.u->id);
    if (scope == "project") {
        l.p = repo::find_project(db, scope_id);
        if (l.p)
            l.d = repo::find_domain(db, l.p->domain_id);
    } else if (scope == "domain") {
        l.d = repo::find_domain(db, scope_id);
    }
    const bool found = scope == "cloud" || (scope == "project" && l.p && l.d) || (scope == "domain" && l.d);
    if (!found || (l.p && !l.p->enabled) || (l.d && !l.d->enabled))
        return;
    l.scope = scope;
    l.roles = repo::effective_roles(db, l.u->id, l.d ? l.d->id : "", l.p ? l.p->id : "");
}

principal principal_of(const login_lookup& l) {
    principal who;
    who.user_id = l.u->id;
    who.user_name = l.u->name;
    who.user_domain_id = l.u->domain_id;
    who.scope = l.scope;
    if (l.p) {
        who.project_id = l.p->id;
        who.project_name = l.p->name;
    }
    if (l.d) {
        who.domain_id = l.d->id;
        who.domain_name = l.d->name;
    }
    who.roles = l.roles;
    return who;
}

}  // namespace

result<token_keys> token_keys::load_or_create(const std::string& data_dir) {
    token_keys k;
    k.dir_ = data_dir;
    KUMO_TRY(k.current_, crypto::load_or_create_secret(data_dir + "/token-key"));
    if (k.current_.size() < 32)
        return make_error(errc::internal, data_dir + "/token-key is too short to be a signing key");
    if (std::ifstream in(data_dir + "/token-key.previous", std::ios::binary); in)
        k.previous_.assign(std::istreambuf_iterator<char>(in), {});
    return k;
}

result<void> token_keys::rotate() {
    const std::string next = random_hex(32);
    // The new key is written before the old one moves, so a crash in between leaves a usable pair.
    KUMO_TRY_VOID(crypto::write_secret_file(dir_ + "/token-key.next", next));
    KUMO_TRY_VOID(crypto::write_secret_file(dir_ + "/token-key.previous", current_));
    if (std::rename((dir_ + "/token-key.next").c_str(), (dir_ + "/token-key").c_str()) != 0)
        return make_error(errc::internal, "cannot replace " + dir_ + "/token-key");
    previous_ = current_;
    current_ = next;
    return {};
}

result<std::optional<std::string>> identity::bootstrap(sql::database& db, const std::string& given_password) {
    return db.transaction([&]() -> result<std::optional<std::string>> {
        if (repo::find_user_by_name(db, "admin"))
            return std::optional<std::string>{};
        const bool generate = given_password.empty();
        const std::string password = generate ? random_hex(12) : given_password;
        const std::string now = to_rfc3339(system_clock().now());
        project p{new_uuid(), "admin", kDefaultDomainId, "Cloud administration", true, now, now};
        user u{new_uuid(), "admin", kDefaultDomainId, "", crypto::hash_password(password), true, now, now};
        repo::insert_project(db, p);
        repo::insert_user(db, u);
        repo::insert_assignment(db, {new_uuid(), "user", u.id, "cloud", "", "admin", "", now});
        repo::insert_assignment(db, {new_uuid(), "user", u.id, "project", p.id, "project_admin", "", now});
        log::info("identity", "created user admin in project admin");
        return generate ? std::optional<std::string>(password) : std::optional<std::string>{};
    });
}

void identity::load(sql::database& db) {
    for (auto& id : repo::live_revoked_tokens(db, unix_now()))
        revoked_.insert(id);
    cutoffs_ = repo::token_cutoffs(db);
    set_roles(repo::all_roles(db));
}

void identity::set_roles(const std::vector<role>& roles) {
    roles_.clear();
    for (const auto& r : roles)
        roles_[r.name] = role_grants(r);
}

grants role_grants(const role& r) {
    grants g;
    if (r.builtin)
        g.rank = parse_builtin_role(r.name);
    else
        g.custom.insert(r.permissions.begin(), r.permissions.end());
    return g;
}

grants identity::grants_of(const std::vector<std::string>& role_names) const {
    grants out;
    for (const auto& name : role_names) {
        auto it = roles_.find(name);
        if (it == roles_.end())
            continue;  // deleted since the token was issued
        if (it->second.rank && (!out.rank || *it->second.rank > *out.rank))
            out.rank = it->second.rank;
        out.custom.insert(it->second.custom.begin(), it->second.custom.end());
    }
    return out;
}

std::optional<error> identity::throttled(const std::string& user_key, const std::string& addr_key) {
    const sys_time now = system_clock().now();
    if (throttle_.tracked() > 10000)
        throttle_.prune(now);
    const auto wait = std::max(throttle_.retry_after(user_key, now), throttle_.retry_after(addr_key, now));
    if (wait.count() <= 0)
        return std::nullopt;
    error e = make_error(errc::rate_limited, "too many failed logins; try again later");
    e.retry_after_s = static_cast<int>(wait.count());
    return e;
}

error identity::refuse_login(const std::string& user_key, const std::string& addr_key) {
    const sys_time now = system_clock().now();
    if (!user_key.empty())
        throttle_.failed(user_key, now);
    throttle_.failed(addr_key, now);
    return bad_credentials();
}

awaitable<result<issued_token>> identity::login(login_request req) {
    const std::string user_key = "user:" + req.username;
    const std::string addr_key = "addr:" + req.remote;
    if (auto t = throttled(user_key, addr_key))
        co_return *t;
    std::string scope, scope_id;
    if (!req.project.empty())
        std::tie(scope, scope_id) = std::pair<std::string, std::string>{"project", req.project};
    else if (!req.domain.empty())
        std::tie(scope, scope_id) = std::pair<std::string, std::string>{"domain", req.domain};
    else if (req.cloud_scope)
        scope = "cloud";
    auto job = [username = req.username, scope, scope_id](sql::database& db) -> result<login_lookup> {
        login_lookup l;
        l.u = repo::find_user_by_name(db, username);
        if (l.u) {
            l.user_domain = repo::find_domain(db, l.u->domain_id);
            resolve_scope(db, l, scope, scope_id);
        }
        return l;
    };
    auto found = co_await store_.read(std::move(job));
    if (!found)
        co_return found.error();
    // Hash even for unknown users, so timing does not reveal which usernames exist.
    std::string stored = found->u ? found->u->password_hash : std::string();
    const bool ok = co_await verify_password(std::move(req.password), std::move(stored));
    const bool usable = found->u && found->u->enabled && found->user_domain && found->user_domain->enabled;
    if (!ok || !usable || found->scope.empty() || found->roles.empty())
        co_return refuse_login(user_key, addr_key);
    throttle_.succeeded(user_key);
    auto issued = issue(principal_of(*found));
    co_return issued;
}

awaitable<result<issued_token>> identity::login_app_credential(std::string id, std::string secret, std::string remote) {
    const std::string addr_key = "addr:" + remote;
    if (auto t = throttled("", addr_key))
        co_return *t;
    struct lookup {
        std::optional<app_credential> c;
        login_lookup l;
    };
    auto job = [id](sql::database& db) -> result<lookup> {
        lookup x;
        x.c = repo::find_app_credential(db, id);
        if (x.c) {
            x.l.u = repo::find_user(db, x.c->user_id);
            if (x.l.u) {
                x.l.user_domain = repo::find_domain(db, x.l.u->domain_id);
                resolve_scope(db, x.l, "project", x.c->project_id);
            }
        }
        return x;
    };
    auto found = co_await store_.read(std::move(job));
    if (!found)
        co_return found.error();
    const auto& c = found->c;
    // The secret is 256 random bits, so one SHA-256 is enough (no password stretching needed).
    const bool ok = c && crypto::equal_constant_time(crypto::sha256_hex(secret), c->secret_hash);
    login_lookup& l = found->l;
    const bool usable = l.u && l.u->enabled && l.user_domain && l.user_domain->enabled && !l.scope.empty();
    if (!ok || !usable || (c->expires_at != 0 && c->expires_at <= unix_now()))
        co_return refuse_login("", addr_key);
    // The credential keeps only roles whose rights the user still holds (by the ladder, as when it was
    // made: a project admin's credential may carry member).
    const grants holds = grants_of(l.roles);
    std::vector<std::string> kept;
    for (const auto& r : c->roles)
        if (roles_.count(r) && holds.covers(grants_of({r})))
            kept.push_back(r);
    if (kept.empty())
        co_return refuse_login("", addr_key);
    l.roles = kept;
    principal who = principal_of(l);
    who.app_credential_id = c->id;
    auto issued = issue(std::move(who));
    co_return issued;
}

result<issued_token> identity::issue(principal who) const {
    const std::int64_t exp = unix_now() + cfg_.token_ttl_s;
    who.token_id = new_uuid();
    json payload{{"id", who.token_id}, {"u", who.user_id}, {"un", who.user_name},  {"ud", who.user_domain_id},
                 {"s", who.scope},     {"r", who.roles},   {"iat", unix_now_ms()}, {"exp", exp}};
    if (!who.project_id.empty())
        payload.update(json{{"p", who.project_id}, {"pn", who.project_name}});
    if (!who.domain_id.empty())
        payload.update(json{{"d", who.domain_id}, {"dn", who.domain_name}});
    if (!who.app_credential_id.empty())
        payload["ac"] = who.app_credential_id;
    const std::string body = crypto::base64url_encode(payload.dump());
    issued_token t;
    t.token = "v1." + body + "." + sign(body, keys_.current());
    t.expires_at = to_rfc3339(sys_time(std::chrono::seconds(exp)));
    who.granted = grants_of(who.roles);
    t.who = std::move(who);
    return t;
}

std::string identity::sign(std::string_view payload, const std::string& key) const {
    return crypto::base64url_encode(crypto::hmac_sha256(key, payload));
}

result<principal> identity::validate(std::string_view token) const {
    if (token.substr(0, 3) != "v1.")
        return bad_token();
    token.remove_prefix(3);
    auto dot = token.find('.');
    if (dot == std::string_view::npos)
        return bad_token();
    const std::string_view body = token.substr(0, dot);
    const std::string_view sig = token.substr(dot + 1);
    const bool signed_now = crypto::equal_constant_time(sign(body, keys_.current()), sig);
    if (!signed_now && (keys_.previous().empty() || !crypto::equal_constant_time(sign(body, keys_.previous()), sig)))
        return bad_token();
    std::string raw;
    if (!crypto::base64url_decode(body, raw))
        return bad_token();
    json p = json::parse(raw, nullptr, false);
    if (p.is_discarded() || !p.is_object())
        return bad_token();
    try {
        principal who;
        who.token_id = p.at("id");
        who.user_id = p.at("u");
        who.user_name = p.at("un");
        who.user_domain_id = p.at("ud");
        who.scope = p.at("s");
        who.project_id = p.value("p", "");
        who.project_name = p.value("pn", "");
        who.domain_id = p.value("d", "");
        who.domain_name = p.value("dn", "");
        who.app_credential_id = p.value("ac", "");
        who.roles = p.at("r").get<std::vector<std::string>>();
        const std::int64_t issued_ms = p.at("iat");
        if (p.at("exp").get<std::int64_t>() <= unix_now() || revoked_.count(who.token_id))
            return bad_token();
        for (const std::string& subject :
             {"user:" + who.user_id, "project:" + who.project_id, "domain:" + who.domain_id,
              "domain:" + who.user_domain_id, "app_credential:" + who.app_credential_id}) {
            auto c = cutoffs_.find(subject);
            if (c != cutoffs_.end() && issued_ms < c->second)
                return bad_token();
        }
        who.granted = grants_of(who.roles);
        return who;
    } catch (const json::exception&) {
        return bad_token();
    }
}

awaitable<result<void>> identity::revoke(std::string_view token) {
    KUMO_CO_TRY(principal who, validate(token));
    std::string raw;
    const std::string_view body = token.substr(3, token.find('.', 3) - 3);
    crypto::base64url_decode(body, raw);
    const std::int64_t exp = json::parse(raw).at("exp");
    revoked_.insert(who.token_id);
    auto job = [id = who.token_id, exp](sql::database& db) -> result<void> {
        repo::insert_revoked_token(db, id, exp);
        return {};
    };
    auto awaited = co_await store_.write(std::move(job));
    co_return awaited;
}

void identity::cut_tokens(sql::database& db, cutoff_map& out, const std::string& subject) {
    const std::int64_t now = unix_now_ms();
    repo::set_token_cutoff(db, subject, now);
    out[subject] = now;
}

void identity::apply_cutoffs(const cutoff_map& cutoffs) {
    for (const auto& [subject, ms] : cutoffs)
        cutoffs_[subject] = std::max(cutoffs_[subject], ms);
}

awaitable<result<void>> identity::rotate_keys() {
    auto rotate = [this] { return keys_.rotate(); };
    auto done = co_await run_on(blocking_.get_executor(), std::move(rotate));
    if (done)
        log::info("identity", "rotated the token signing key; tokens of the key before the previous one are dead");
    co_return done;
}

awaitable<std::string> identity::hash_password(std::string password) {
    auto job = [password] { return crypto::hash_password(password); };
    auto hashed = co_await run_on(blocking_.get_executor(), std::move(job));
    co_return hashed;
}

awaitable<bool> identity::verify_password(std::string password, std::string stored) {
    // The decoy is made on the blocking pool too (first use): 600,000 PBKDF2 rounds must never run on the
    // core thread.
    auto verify = [password, stored] {
        static const std::string decoy = crypto::hash_password("decoy");
        return crypto::verify_password(password, stored.empty() ? decoy : stored);
    };
    const bool ok = co_await run_on(blocking_.get_executor(), std::move(verify));
    co_return ok;
}

result<void> identity::check_password_policy(const std::string& password, const std::string& username,
                                             const char* field) const {
    if (password.size() < static_cast<std::size_t>(cfg_.password_min_length))
        return validation_error(field, "must be at least " + std::to_string(cfg_.password_min_length) + " characters");
    if (password.size() > 1024)
        return validation_error(field, "must be at most 1024 characters");
    std::string a = password, b = username;
    std::transform(a.begin(), a.end(), a.begin(), ::tolower);
    std::transform(b.begin(), b.end(), b.begin(), ::tolower);
    if (a == b)
        return validation_error(field, "must not be the user name");
    return {};
}

}  // namespace kumo
