#pragma once
// What projects and users own, as the modules that own it count it: the usage each quota checks, and
// whether a project or a user still owns anything (they cannot be deleted then). Identity keeps the limits; each module
// adds a counter for the resources it owns at start-up (compute: instances, vcpus, ram_mb, disk_gb; image: images,
// image_gb; storage: volumes, volume_gb), so a new module brings its own. Every call runs on the store thread inside
// the caller's transaction, so a check and the change it allows cannot be separated by a concurrent request.
#include "kumo/core/config.hpp"
#include "kumo/identity/quota.hpp"
#include "kumo/store/database.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kumo {

class project_resources {
public:
    // The amounts of the counter's resources the project uses now.
    using usage_counter = std::function<quota_map(sql::database&, std::string_view project_id)>;
    // Whether the project owns any resource of the module.
    using ownership = std::function<bool(sql::database&, std::string_view project_id)>;
    // What a user still owns of the module's resources ("VMs"), or nullopt.
    using user_ownership = std::function<std::optional<std::string>(sql::database&, std::string_view user_id)>;

    explicit project_resources(const config& cfg) : cfg_(cfg) {}
    // Start-up only, before the core loop runs.
    void add_counter(usage_counter c) { counters_.push_back(std::move(c)); }
    void add_owner(ownership o) { owners_.push_back(std::move(o)); }
    void add_user_owner(user_ownership o) { user_owners_.push_back(std::move(o)); }

    // Every quota resource, 0 where nothing is counted.
    quota_map usage(sql::database& db, std::string_view project_id) const;
    // The configured defaults with the project's overrides.
    quota_map limits(sql::database& db, std::string_view project_id) const;
    // Whether `request` (resource -> amount) fits. Errors: quota_exceeded naming the resources.
    result<void> check(sql::database& db, std::string_view project_id, const quota_map& request) const;
    bool owns_anything(sql::database& db, std::string_view project_id) const;
    // What the user still owns (a user who owns something cannot be deleted), or nullopt.
    std::optional<std::string> owned_by_user(sql::database& db, std::string_view user_id) const;

private:
    const config& cfg_;
    std::vector<usage_counter> counters_;
    std::vector<ownership> owners_;
    std::vector<user_ownership> user_owners_;
};

// Whether the project exists (other modules' checks of a project id, inside their transactions).
bool project_exists(sql::database& db, std::string_view project_id);

}  // namespace kumo
