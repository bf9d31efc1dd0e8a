#pragma once
// Failed-login throttling by key ("user:<name>", "addr:<ip>"). After `max_failures` consecutive failures
// a key is locked for `lockout`; while locked, attempts are refused without checking the password, for
// unknown users exactly as for real ones. Pure: the caller passes the time in. Memory stays bounded:
// keys whose last failure is older than `lockout` are forgotten by prune().
#include "kumo/core/clock.hpp"

#include <chrono>
#include <string>
#include <unordered_map>

namespace kumo {

class login_throttle {
public:
    struct policy {
        int max_failures = 10;
        std::chrono::seconds lockout{60};
    };
    explicit login_throttle(policy p) : policy_(p) {}

    // How long `key` must still wait; zero when an attempt is allowed.
    std::chrono::seconds retry_after(const std::string& key, sys_time now) const;
    void failed(const std::string& key, sys_time now);
    void succeeded(const std::string& key) { entries_.erase(key); }
    void prune(sys_time now);
    std::size_t tracked() const { return entries_.size(); }

private:
    struct entry {
        int failures = 0;
        sys_time last_failure{};
        sys_time locked_until{};
    };
    policy policy_;
    std::unordered_map<std::string, entry> entries_;
};

}  // namespace kumo
