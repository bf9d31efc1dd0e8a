#pragma once
// Authentication: logins (password or application credential), tokens and their revocation, and the
// in-memory role table that turns a token's role names into permissions. Core thread; password
// hashing runs on the blocking pool.
// Tokens: "v1.<base64url payload>.<base64url HMAC-SHA256>". Validation is pure CPU: the signature is
// checked against the current key and the previous one (kept after a rotation), then the expiry, the
// revoked-token set and the per-subject cutoffs (user, project, domain, application credential), all
// held in memory and persisted so a restart forgets nothing.
#include "kumo/core/config.hpp"
#include "kumo/identity/keys.hpp"
#include "kumo/identity/model.hpp"
#include "kumo/store/store.hpp"
#include "login_throttle.hpp"

#include <boost/asio/thread_pool.hpp>
#include <map>
#include <set>

namespace kumo {

struct issued_token {
    std::string token;
    std::string expires_at;
    principal who;
};

// What a password login asks for. At most one of project / domain / cloud_scope; none: the user's
// default scope (first project, else first domain, else the cloud).
struct login_request {
    std::string username, password;
    std::string project;  // name or id
    std::string domain;   // name or id
    bool cloud_scope = false;
    std::string remote;
};

// What one role grants: its built-in rank, or a custom role's permissions.
grants role_grants(const role& r);

class identity {
public:
    identity(store& db, asio::thread_pool& blocking, const config& cfg, token_keys keys)
        : store_(db),
          blocking_(blocking),
          cfg_(cfg),
          keys_(std::move(keys)),
          throttle_({static_cast<int>(cfg.login_max_failures), std::chrono::seconds(cfg.login_lockout_s)}) {}

    // First start: creates project `admin` and user `admin` (cloud admin, project_admin of `admin`).
    // Returns the password when it was generated (KUMO_ADMIN_PASSWORD unset), nothing when an admin
    // already existed or it was given. Runs synchronously before the core loop starts.
    result<std::optional<std::string>> bootstrap(sql::database& db, const std::string& given_password);
    // Loads revocations, cutoffs and roles. Start-up, before the core loop.
    void load(sql::database& db);

    // Errors: unauthenticated (same message whether or not the user exists); rate_limited (with
    // retry_after_s) once the user name or the source address has failed too often.
    awaitable<result<issued_token>> login(login_request req);
    awaitable<result<issued_token>> login_app_credential(std::string id, std::string secret, std::string remote);
    // Pure CPU, no I/O. Errors: unauthenticated for malformed, tampered, expired or revoked tokens.
    result<principal> validate(std::string_view token) const;
    awaitable<result<void>> revoke(std::string_view token);
    // Kills every token issued so far for a subject: "user:<id>", "project:<id>", "domain:<id>",
    // "app_credential:<id>". cut_tokens runs inside the write that caused it (persisted with it) and
    // collects into `out`; apply_cutoffs(out) after the commit makes it take effect.
    using cutoff_map = std::map<std::string, std::int64_t>;
    static void cut_tokens(sql::database& db, cutoff_map& out, const std::string& subject);
    void apply_cutoffs(const cutoff_map& cutoffs);
    awaitable<result<void>> rotate_keys();

    // The role table used to resolve token roles; call after any role change.
    void set_roles(const std::vector<role>& roles);
    grants grants_of(const std::vector<std::string>& role_names) const;
    bool has_role(const std::string& name) const { return roles_.count(name) > 0; }

    // Hashing on the blocking pool.
    awaitable<std::string> hash_password(std::string password);
    awaitable<bool> verify_password(std::string password, std::string stored);
    // Errors: validation_failed on `field` (too short, too long, equal to the user name).
    result<void> check_password_policy(const std::string& password, const std::string& username,
                                       const char* field) const;

private:
    result<issued_token> issue(principal who) const;
    error refuse_login(const std::string& user_key, const std::string& addr_key);
    std::optional<error> throttled(const std::string& user_key, const std::string& addr_key);
    std::string sign(std::string_view payload, const std::string& key) const;

    store& store_;
    asio::thread_pool& blocking_;
    const config& cfg_;
    token_keys keys_;
    std::set<std::string> revoked_;
    std::map<std::string, std::int64_t> cutoffs_;  // subject -> tokens issued before (ms) are dead
    std::map<std::string, grants> roles_;          // role name -> what it grants
    login_throttle throttle_;
};

}  // namespace kumo
