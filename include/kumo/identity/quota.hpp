#pragma once
// Project quotas, pure: which resources have one, and whether a request fits. The caller runs the check
// in the same database transaction that records the new resources, so concurrent requests cannot
// together exceed a limit.
#include "kumo/core/error.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kumo {

// instances, vcpus, ram_mb, disk_gb, volumes, volume_gb, images, image_gb, networks, floating_ips, security_groups
const std::vector<std::string>& quota_resources();

using quota_map = std::map<std::string, std::int64_t>;  // resource -> amount; a limit of -1 is unlimited

// Errors: quota_exceeded naming every resource that `request` would push over its limit.
result<void> check_quota(const quota_map& limits, const quota_map& usage, const quota_map& request);

}  // namespace kumo
