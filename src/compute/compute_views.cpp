#include "compute_views.hpp"

namespace kumo {

json flavor_view(const flavor& f) {
    return json{{"id", f.id},
                {"name", f.name},
                {"vcpus", f.vcpus},
                {"ram_mb", f.ram_mb},
                {"disk_gb", f.disk_gb},
                {"ephemeral_gb", f.ephemeral_gb},
                {"extra_specs", f.extra_specs},
                {"created_at", f.created_at},
                {"updated_at", f.updated_at}};
}

json vm_view(const vm& v) {
    return json{{"id", v.id},
                {"name", v.name},
                {"project_id", v.project_id},
                {"user_id", v.user_id},
                {"flavor_id", v.flavor_id},
                {"host_id", v.host_id.empty() ? json(nullptr) : json(v.host_id)},
                {"vcpus", v.vcpus},
                {"ram_mb", v.ram_mb},
                {"disk_gb", v.disk_gb},
                {"ephemeral_gb", v.ephemeral_gb},
                {"availability_zone", v.availability_zone.empty() ? json(nullptr) : json(v.availability_zone)},
                {"server_group_id", v.server_group_id.empty() ? json(nullptr) : json(v.server_group_id)},
                {"image_id", v.image_id.empty() ? json(nullptr) : json(v.image_id)},
                {"status", to_string(v.status)},
                {"task_state", v.task == vm_task::none ? json(nullptr) : json(to_string(v.task))},
                {"power_state", to_string(v.power)},
                {"fault", v.fault.empty() ? json(nullptr) : json(v.fault)},
                {"created_at", v.created_at},
                {"updated_at", v.updated_at}};
}

json keypair_view(const keypair& k) {
    return json{{"name", k.name},
                {"type", k.public_key.substr(0, k.public_key.find(' '))},
                {"public_key", k.public_key},
                {"fingerprint", k.fingerprint},
                {"created_at", k.created_at}};
}

json vm_snapshot_view(const vm_snapshot& s) {
    return json{
        {"id", s.id}, {"vm_id", s.vm_id}, {"name", s.name}, {"memory", s.with_memory}, {"created_at", s.created_at}};
}

}  // namespace kumo
