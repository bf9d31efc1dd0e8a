#include "login_throttle.hpp"

namespace kumo {

std::chrono::seconds login_throttle::retry_after(const std::string& key, sys_time now) const {
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.locked_until <= now)
        return std::chrono::seconds(0);
    // Round up: "Retry-After: 0" while still locked would invite a busy loop.
    return std::chrono::ceil<std::chrono::seconds>(it->second.locked_until - now);
}

void login_throttle::failed(const std::string& key, sys_time now) {
    entry& e = entries_[key];
    if (now - e.last_failure > policy_.lockout)
        e.failures = 0;  // an old streak does not count
    e.last_failure = now;
    if (++e.failures >= policy_.max_failures) {
        e.locked_until = now + policy_.lockout;
        e.failures = 0;
    }
}

void login_throttle::prune(sys_time now) {
    std::erase_if(entries_, [&](const auto& kv) {
        return kv.second.locked_until <= now && now - kv.second.last_failure > policy_.lockout;
    });
}

}  // namespace kumo
