#include "kumo/host/host_views.hpp"

#include "kumo/ssh/ssh.hpp"

namespace kumo {

namespace {

json ssh_fingerprint(const host& h) {
    const auto space = h.ssh_host_key.find(' ');
    if (space == std::string::npos)
        return nullptr;
    return fingerprint_of({h.ssh_host_key.substr(0, space), h.ssh_host_key.substr(space + 1)});
}

}  // namespace

json host_view(const host& h, const std::vector<std::string>& unknown_domains) {
    const auto& i = h.inventory;
    return json{{"id", h.id},
                {"name", h.name},
                {"uri", h.uri},
                {"status", to_string(h.status)},
                {"virt_type", h.virt_type},
                {"cpu_model", i.cpu_model},
                {"cpus", i.cpus},
                {"memory_mb", i.memory_mb},
                {"arch", i.arch},
                {"hypervisor", i.hypervisor},
                {"hypervisor_version", i.hypervisor_version},
                {"libvirt_version", i.libvirt_version},
                {"hostname", i.hostname},
                {"disk_gb", i.disk_gb},
                {"cpu_features", i.cpu_features},
                {"enabled", h.enabled},
                {"maintenance", h.maintenance},
                {"ssh_fingerprint", ssh_fingerprint(h)},
                {"migration_address", h.migration_address.empty() ? json(nullptr) : json(h.migration_address)},
                {"last_error", h.last_error.empty() ? json(nullptr) : json(h.last_error)},
                {"unknown_domains", unknown_domains},
                {"created_at", h.created_at},
                {"updated_at", h.updated_at}};
}

namespace {

json usage_json(const claim_usage& u) {
    return json{{"vcpus", u.vcpus}, {"ram_mb", u.ram_mb}, {"disk_gb", u.disk_gb}, {"instances", u.instances}};
}

}  // namespace

json host_scheduling_view(const host& h, const host_allocation& a, const claim_usage& used) {
    json overrides = json::object();
    for_each_override(h.overrides,
                      [&](const char* key, const auto& v) { overrides[key] = v ? json(*v) : json(nullptr); });
    json capacity = usage_json(capacity_of(h.inventory, a));
    if (a.max_instances < 0)
        capacity["instances"] = nullptr;  // unlimited
    return json{{"overrides", std::move(overrides)},
                {"effective",
                 {{"cpu_allocation_ratio", a.cpu_ratio},
                  {"ram_allocation_ratio", a.ram_ratio},
                  {"disk_allocation_ratio", a.disk_ratio},
                  {"reserved_cpus", a.reserved_cpus},
                  {"reserved_ram_mb", a.reserved_ram_mb},
                  {"reserved_disk_gb", a.reserved_disk_gb},
                  {"max_instances", a.max_instances}}},
                {"capacity", capacity},
                {"used", usage_json(used)}};
}

}  // namespace kumo
