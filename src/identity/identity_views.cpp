#include "kumo/services/views.hpp"

#include "kumo/ports/ssh.hpp"

#include "kumo/core/clock.hpp"
#include "kumo/services/placement.hpp"

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

json host_scheduling_view(const host& h, const host_state& s) {
    json overrides = json::object();
    for_each_override(h.overrides,
                      [&](const char* key, const auto& v) { overrides[key] = v ? json(*v) : json(nullptr); });
    json capacity = usage_json(host_capacity(s));
    if (s.max_instances < 0)
        capacity["instances"] = nullptr;  // unlimited
    return json{{"overrides", std::move(overrides)},
                {"effective",
                 {{"cpu_allocation_ratio", s.cpu_ratio},
                  {"ram_allocation_ratio", s.ram_ratio},
                  {"disk_allocation_ratio", s.disk_ratio},
                  {"reserved_cpus", s.reserved_cpus},
                  {"reserved_ram_mb", s.reserved_ram_mb},
                  {"reserved_disk_gb", s.reserved_disk_gb},
                  {"max_instances", s.max_instances}}},
                {"capacity", capacity},
                {"used", usage_json({s.used_vcpus, s.used_ram_mb, s.used_disk_gb, s.instances})}};
}

json server_group_view(const server_group& g) {
    return json{
        {"id", g.id},         {"name", g.name},       {"project_id", g.project_id}, {"user_id", g.user_id},
        {"policy", g.policy}, {"members", g.members}, {"created_at", g.created_at}, {"updated_at", g.updated_at}};
}

json aggregate_view(const aggregate& a) {
    return json{{"id", a.id},
                {"name", a.name},
                {"availability_zone", a.availability_zone.empty() ? json(nullptr) : json(a.availability_zone)},
                {"metadata", a.metadata},
                {"hosts", a.hosts},
                {"created_at", a.created_at},
                {"updated_at", a.updated_at}};
}

json decision_view(const placement_decision& d, bool with_hosts) {
    json out{{"eligible", d.chosen.has_value()},
             {"chosen_host_id", d.chosen ? json(*d.chosen) : json(nullptr)},
             {"summary", d.summary}};
    if (!with_hosts)
        return out;
    auto verdict = [](const host_verdict& v) {
        return json{{"host_id", v.host_id},
                    {"host_name", v.host_name},
                    {"eligible", v.eligible},
                    {"filter", v.filter.empty() ? json(nullptr) : json(v.filter)},
                    {"reason", v.reason.empty() ? json(nullptr) : json(v.reason)},
                    {"weight", v.weight},
                    {"weights", v.weights}};
    };
    json hosts = json::array();
    for (const auto& v : d.ranked)
        hosts.push_back(verdict(v));
    for (const auto& v : d.rejected)
        hosts.push_back(verdict(v));
    out["hosts"] = std::move(hosts);
    return out;
}

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

json operation_view(const operation& op) {
    return json{{"id", op.id},
                {"kind", op.kind},
                {"status", to_string(op.status)},
                {"progress", op.progress},
                {"details", op.details},
                {"resource", op.resource},
                {"error", op.error ? *op.error : json(nullptr)},
                {"created_at", op.created_at},
                {"updated_at", op.updated_at},
                {"project_id", op.project_id},
                {"user_id", op.user_id}};
}

json domain_view(const domain& d) {
    return json{{"id", d.id},
                {"name", d.name},
                {"description", d.description},
                {"enabled", d.enabled},
                {"created_at", d.created_at},
                {"updated_at", d.updated_at}};
}

json project_view(const project& p) {
    return json{{"id", p.id},
                {"name", p.name},
                {"domain_id", p.domain_id},
                {"description", p.description},
                {"enabled", p.enabled},
                {"created_at", p.created_at},
                {"updated_at", p.updated_at}};
}

json user_view(const user& u) {
    return json{{"id", u.id},
                {"name", u.name},
                {"domain_id", u.domain_id},
                {"email", u.email},
                {"enabled", u.enabled},
                {"created_at", u.created_at},
                {"updated_at", u.updated_at}};
}

json group_view(const group& g) {
    return json{{"id", g.id},
                {"name", g.name},
                {"domain_id", g.domain_id},
                {"description", g.description},
                {"created_at", g.created_at},
                {"updated_at", g.updated_at}};
}

json role_view(const role& r) {
    std::vector<std::string> perms = r.permissions;
    if (r.builtin)
        if (auto b = parse_builtin_role(r.name)) {
            auto all = builtin_permissions(*b);
            perms.assign(all.begin(), all.end());
        }
    return json{{"id", r.id},
                {"name", r.name},
                {"description", r.description},
                {"builtin", r.builtin},
                {"permissions", perms},
                {"created_at", r.created_at},
                {"updated_at", r.updated_at}};
}

json assignment_view(const role_assignment& a) {
    json j{{"id", a.id},
           {"role", {{"id", a.role_id}, {"name", a.role_name}}},
           {"scope", {{"type", a.scope_type}, {"id", a.scope_id.empty() ? json(nullptr) : json(a.scope_id)}}},
           {"created_at", a.created_at}};
    j[a.actor_type == "user" ? "user_id" : "group_id"] = a.actor_id;
    return j;
}

json app_credential_view(const app_credential& c) {
    return json{{"id", c.id},
                {"name", c.name},
                {"description", c.description},
                {"user_id", c.user_id},
                {"project_id", c.project_id},
                {"roles", c.roles},
                {"expires_at",
                 c.expires_at == 0 ? json(nullptr) : json(to_rfc3339(sys_time(std::chrono::seconds(c.expires_at))))},
                {"created_at", c.created_at}};
}

json audit_view(const audit_entry& e) {
    return json{{"seq", e.seq},
                {"time", e.time},
                {"user", {{"id", e.user_id}, {"name", e.user_name}}},
                {"project_id", e.project_id},
                {"domain_id", e.domain_id},
                {"remote", e.remote},
                {"request_id", e.request_id},
                {"method", e.method},
                {"path", e.path},
                {"action", e.action},
                {"target", e.target},
                {"outcome", e.outcome},
                {"status", e.status},
                {"hash", e.hash}};
}

json principal_view(const principal& w) {
    json j{{"user", {{"id", w.user_id}, {"name", w.user_name}, {"domain_id", w.user_domain_id}}},
           {"scope", w.scope},
           {"project", nullptr},
           {"domain", nullptr},
           {"roles", w.roles}};
    if (!w.project_id.empty())
        j["project"] = {{"id", w.project_id}, {"name", w.project_name}};
    if (!w.domain_id.empty())
        j["domain"] = {{"id", w.domain_id}, {"name", w.domain_name}};
    if (!w.app_credential_id.empty())
        j["application_credential_id"] = w.app_credential_id;
    return j;
}

}  // namespace kumo
