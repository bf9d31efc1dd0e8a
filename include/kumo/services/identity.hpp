#pragma once
// Users, projects and tokens, as much as the foundation needs (the identity issue adds roles,
// groups, domains and quotas). Core thread; password hashing runs on the blocking pool.
// Tokens: "v1.<base64url payload>.<base64url HMAC-SHA256>" with a key kept in the data directory,
// so validation needs no database access; revocations are held in memory and persisted.
#include "kumo/core/config.hpp"
#include "kumo/domain/login_throttle.hpp"
#include "kumo/model/identity.hpp"
#include "kumo/services/store.hpp"

#include <boost/asio/thread_pool.hpp>
#include <set>

namespace kumo {

struct issued_token {
    std::string token;
    std::string expires_at;
    principal who;
};

class identity {
public:
    identity(store& db, asio::thread_pool& blocking, const config& cfg, std::string signing_key)
        : store_(db),
          blocking_(blocking),
          cfg_(cfg),
          key_(std::move(signing_key)),
          throttle_({static_cast<int>(cfg.login_max_failures), std::chrono::seconds(cfg.login_lockout_s)}) {}

    // First start: creates project `admin` and user `admin` (admin role). Returns the password when it
    // was generated (KUMO_ADMIN_PASSWORD unset), nothing when an admin already existed or it was given.
    // Runs synchronously before the core loop starts.
    result<std::optional<std::string>> bootstrap(sql::database& db, const std::string& given_password);
    // Loads persisted revocations.
    void load_revocations(sql::database& db);

    // Errors: unauthenticated (same message whether or not the user exists); rate_limited (with
    // retry_after_s) once the user name or the source address has failed too often.
    awaitable<result<issued_token>> login(std::string username, std::string password, std::string project,
                                          std::string remote);
    // Pure CPU, no I/O. Errors: unauthenticated for malformed, tampered, expired or revoked tokens.
    result<principal> validate(std::string_view token) const;
    awaitable<result<void>> revoke(std::string_view token);

private:
    std::string sign(std::string_view payload) const;

    store& store_;
    asio::thread_pool& blocking_;
    const config& cfg_;
    std::string key_;
    std::set<std::string> revoked_;
    login_throttle throttle_;
};

// Reads the token signing key from `path`, creating a random one (mode 0600) when absent.
result<std::string> load_or_create_signing_key(const std::string& path);

}  // namespace kumo
