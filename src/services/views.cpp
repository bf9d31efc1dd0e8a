#include "kumo/services/views.hpp"

namespace kumo {

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
                {"last_error", h.last_error.empty() ? json(nullptr) : json(h.last_error)},
                {"unknown_domains", unknown_domains},
                {"created_at", h.created_at},
                {"updated_at", h.updated_at}};
}

json flavor_view(const flavor& f) {
    return json{{"id", f.id},
                {"name", f.name},
                {"vcpus", f.vcpus},
                {"ram_mb", f.ram_mb},
                {"disk_gb", f.disk_gb},
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
                {"status", to_string(v.status)},
                {"task_state", v.task == vm_task::none ? json(nullptr) : json(to_string(v.task))},
                {"power_state", to_string(v.power)},
                {"fault", v.fault.empty() ? json(nullptr) : json(v.fault)},
                {"created_at", v.created_at},
                {"updated_at", v.updated_at}};
}

json operation_view(const operation& op) {
    return json{{"id", op.id},
                {"kind", op.kind},
                {"status", to_string(op.status)},
                {"progress", op.progress},
                {"resource", op.resource},
                {"error", op.error ? *op.error : json(nullptr)},
                {"created_at", op.created_at},
                {"updated_at", op.updated_at},
                {"project_id", op.project_id},
                {"user_id", op.user_id}};
}

}  // namespace kumo
