#include "kumo/identity/project_resources.hpp"

#include "identity_repo.hpp"

namespace kumo {

quota_map project_resources::usage(sql::database& db, std::string_view project_id) const {
    quota_map usage;
    for (const auto& r : quota_resources())
        usage[r] = 0;
    for (const auto& count : counters_)
        for (const auto& [resource, amount] : count(db, project_id))
            usage[resource] += amount;
    return usage;
}

quota_map project_resources::limits(sql::database& db, std::string_view project_id) const {
    const quota_map overrides = repo::quota_overrides(db, project_id);
    quota_map limits;
    for (const auto& r : quota_resources()) {
        auto o = overrides.find(r);
        limits[r] = o != overrides.end() ? o->second : default_quota(cfg_, r);
    }
    return limits;
}

result<void> project_resources::check(sql::database& db, std::string_view project_id, const quota_map& request) const {
    return check_quota(limits(db, project_id), usage(db, project_id), request);
}

bool project_resources::owns_anything(sql::database& db, std::string_view project_id) const {
    for (const auto& owns : owners_)
        if (owns(db, project_id))
            return true;
    return false;
}

std::optional<std::string> project_resources::owned_by_user(sql::database& db, std::string_view user_id) const {
    for (const auto& owns : user_owners_)
        if (auto what = owns(db, user_id))
            return what;
    return std::nullopt;
}

bool project_exists(sql::database& db, std::string_view project_id) {
    return repo::find_project(db, project_id).has_value();
}

}  // namespace kumo
