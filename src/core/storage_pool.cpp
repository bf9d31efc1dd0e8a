#include "kumo/core/storage_pool.hpp"

#include "kumo/core/json.hpp"

#include <fmt/format.h>

namespace kumo {
namespace {

bool is_name(const std::string& v, std::size_t max, const char* extra) {
    if (v.empty() || v.size() > max || v[0] == '-' || v[0] == '.')
        return false;
    for (char c : v)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              std::string_view(extra).find(c) != std::string_view::npos))
            return false;
    return true;
}

result<std::string> string_member(const json& entry, const char* key, const std::string& field, bool required) {
    auto it = entry.find(key);
    if (it == entry.end()) {
        if (required)
            return validation_error(field + "." + key, "is required");
        return std::string();
    }
    if (!it->is_string())
        return validation_error(field + "." + key, "must be a string");
    return it->get<std::string>();
}

result<volume_type> parse_one(const std::string& name, const json& entry, const std::string& main_pool,
                              const std::string& field) {
    if (!is_name(name, 64, "-_"))
        return validation_error(field, "volume type names are lowercase letters, digits, '-' and '_'");
    if (name == default_volume_type)
        return validation_error(field, "\"default\" is the main pool's type and cannot be redefined");
    if (!entry.is_object())
        return validation_error(field, "must be an object");
    for (auto& [key, value] : entry.items())
        if (key != "kind" && key != "pool" && key != "path" && key != "volume_group" && key != "description")
            return validation_error(field + "." + key, "unknown setting");
    volume_type t;
    t.name = name;
    KUMO_TRY(t.description, string_member(entry, "description", field, false));
    KUMO_TRY(const std::string kind, string_member(entry, "kind", field, true));
    KUMO_TRY(t.pool.name, string_member(entry, "pool", field, true));
    if (!is_name(t.pool.name, 64, "-_"))
        return validation_error(field + ".pool", "pool names are lowercase letters, digits, '-' and '_'");
    if (t.pool.name == main_pool)
        return validation_error(field + ".pool", "is the main pool (storage_pool); name another");
    if (kind == "dir" || kind == "shared") {
        KUMO_TRY(t.pool.path, string_member(entry, "path", field, true));
        if (t.pool.path.size() < 2 || t.pool.path[0] != '/' || t.pool.path.find("..") != std::string::npos)
            return validation_error(field + ".path", "must be an absolute directory without '..'");
        t.pool.shared = kind == "shared";
    } else if (kind == "logical") {
        t.pool.kind = "logical";
        KUMO_TRY(t.pool.volume_group, string_member(entry, "volume_group", field, true));
        // LVM's own rule for volume group names (and no '-' first: it would read as an option).
        if (!is_name(t.pool.volume_group, 127, "ABCDEFGHIJKLMNOPQRSTUVWXYZ+_.-"))
            return validation_error(field + ".volume_group", "is not an LVM volume group name");
        t.pool.path = "/dev/" + t.pool.volume_group;
    } else {
        return validation_error(field + ".kind", "must be dir, shared or logical");
    }
    return t;
}

}  // namespace

result<std::vector<volume_type>> parse_volume_types(const std::string& json_text, const std::string& main_pool,
                                                    const std::string& field) {
    std::vector<volume_type> out;
    if (json_text.empty())
        return out;
    const json doc = json::parse(json_text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object())
        return validation_error(field, "must be a JSON object of volume types");
    for (auto& [name, entry] : doc.items()) {
        KUMO_TRY(auto t, parse_one(name, entry, main_pool, field + "." + name));
        for (const auto& other : out)
            if (other.pool.name == t.pool.name)
                return validation_error(field + "." + name + ".pool", "is used by volume type " + other.name);
        out.push_back(std::move(t));
    }
    return out;
}

}  // namespace kumo
