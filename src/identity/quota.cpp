#include "kumo/identity/quota.hpp"

#include <fmt/format.h>

namespace kumo {

const std::vector<std::string>& quota_resources() {
    static const std::vector<std::string> names = {"instances", "vcpus",        "ram_mb",         "disk_gb",
                                                   "volumes",   "volume_gb",    "images",         "image_gb",
                                                   "networks",  "floating_ips", "security_groups"};
    return names;
}

result<void> check_quota(const quota_map& limits, const quota_map& usage, const quota_map& request) {
    std::vector<field_error> over;
    for (const auto& [res, amount] : request) {
        auto l = limits.find(res);
        if (amount <= 0 || l == limits.end() || l->second < 0)
            continue;
        auto u = usage.find(res);
        const std::int64_t used = u == usage.end() ? 0 : u->second;
        if (used + amount > l->second)
            over.push_back({res, fmt::format("limit {}, in use {}, requested {}", l->second, used, amount)});
    }
    if (over.empty())
        return {};
    std::string detail = "quota exceeded for";
    for (const auto& o : over)
        detail += " " + o.field;
    error e = make_error(errc::quota_exceeded, detail);
    e.fields = std::move(over);
    return e;
}

}  // namespace kumo
