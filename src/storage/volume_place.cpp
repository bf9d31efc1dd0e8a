#include "kumo/storage/volume_place.hpp"

namespace kumo {

result<volume_place> place_of(const config& cfg, const volume& v) {
    auto pool = cfg.pool_of_type(v.volume_type);
    if (!pool)
        return make_error(errc::conflict, "the volume's type " + v.volume_type + " is no longer configured");
    return volume_place{*pool, volume_file(v, *pool)};
}

std::string volume_file(const volume& v, const pool_def& pool) {
    return "volume-" + v.id + (pool.block() ? "" : ".qcow2");
}

std::string volume_snapshot_file(const volume_snapshot& s, const pool_def& pool) {
    return "volsnap-" + s.id + (pool.block() ? "" : ".qcow2");
}

volume_spec blank_spec(const volume_place& place, int size_gb) {
    return {place.name, place.pool.block() ? "raw" : "qcow2", std::int64_t(size_gb) << 30, "", "", "", ""};
}

result<void> copy_into(hypervisor_connection& c, const pool_def& pool, const volume_spec& spec) {
    KUMO_TRY_VOID(c.create_volume(pool.name, spec));
    if (pool.block())  // made at the full size (the copy fills its start); logical pools do not resize
        return {};
    return c.resize_volume(pool.name, spec.name, spec.capacity_bytes);  // a file copy has its source's size
}

json volume_types_view(const config& cfg) {
    auto view = [](const std::string& name, const std::string& description, const pool_def& p) {
        return json{{"name", name},
                    {"description", description},
                    {"kind", p.block() ? "logical" : (p.shared ? "shared" : "dir")},
                    {"shared", p.shared}};
    };
    json out = json::array({view(default_volume_type, "the main storage pool", cfg.main_pool())});
    for (const auto& t : cfg.volume_types)
        out.push_back(view(t.name, t.description, t.pool));
    return out;
}

json volume_view(const volume& v) {
    auto or_null = [](const std::string& s) -> json { return s.empty() ? json(nullptr) : json(s); };
    return json{{"id", v.id},
                {"name", v.name},
                {"project_id", v.project_id},
                {"size_gb", v.size_gb},
                {"status", v.status},
                {"host_id", or_null(v.host_id)},
                {"attached_to", or_null(v.vm_id)},
                {"device", or_null(v.device)},
                {"image_id", or_null(v.source_image_id)},
                {"snapshot_id", or_null(v.source_snapshot_id)},
                {"volume_type", v.volume_type},
                {"created_at", v.created_at},
                {"updated_at", v.updated_at}};
}

json volume_snapshot_view(const volume_snapshot& s) {
    return json{{"id", s.id},
                {"volume_id", s.volume_id},
                {"project_id", s.project_id},
                {"name", s.name},
                {"size_gb", s.size_gb},
                {"host_id", s.host_id.empty() ? json(nullptr) : json(s.host_id)},
                {"created_at", s.created_at}};
}

}  // namespace kumo
