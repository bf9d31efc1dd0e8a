#include "kumo/core/config.hpp"

#include "kumo/core/text.hpp"

#include "kumo/core/json.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <unistd.h>
#include <charconv>
#include <cstdlib>
#include <functional>
#include <variant>

extern char** environ;

namespace kumo {
namespace {

// One row per key: how to read it from JSON or from text, and its bounds.
struct int_key {
    std::int64_t config::*member;
    std::int64_t min, max;
};
struct ratio_key {
    double config::*member;
    double min = 0.1, max = 1000.0;
};
struct key_spec {
    const char* name;
    std::variant<std::string config::*, bool config::*, int_key, int config::*, ratio_key> target;
    std::function<bool(const std::string&)> allowed;  // for strings; empty: any
};

bool one_of(const std::string& v, std::initializer_list<const char*> options) {
    for (const char* o : options)
        if (v == o)
            return true;
    return false;
}

// Config key -> member, for the quota defaults (key = "quota_" + resource name).
const std::vector<std::pair<const char*, std::int64_t config::*>>& quota_members() {
    static const std::vector<std::pair<const char*, std::int64_t config::*>> m = {
        {"quota_instances", &config::quota_instances},
        {"quota_vcpus", &config::quota_vcpus},
        {"quota_ram_mb", &config::quota_ram_mb},
        {"quota_disk_gb", &config::quota_disk_gb},
        {"quota_volumes", &config::quota_volumes},
        {"quota_volume_gb", &config::quota_volume_gb},
        {"quota_images", &config::quota_images},
        {"quota_image_gb", &config::quota_image_gb},
        {"quota_networks", &config::quota_networks},
        {"quota_floating_ips", &config::quota_floating_ips},
        {"quota_security_groups", &config::quota_security_groups},
    };
    return m;
}

const std::vector<key_spec>& key_table() {
    static std::vector<key_spec> table = {
        {"listen", &config::listen, {}},
        {"data_dir", &config::data_dir, [](const std::string& v) { return !v.empty() && v[0] == '/'; }},
        {"tls", &config::tls, {}},
        {"tls_cert", &config::tls_cert, {}},
        {"tls_key", &config::tls_key, {}},
        {"simulate", &config::simulate, {}},
        {"log_level", &config::log_level,
         [](const std::string& v) {
             return one_of(v, {"debug", "info", "warn", "error"});
         }},
        {"token_ttl_s", int_key{&config::token_ttl_s, 60, 365LL * 86400}, {}},
        {"login_max_failures", int_key{&config::login_max_failures, 1, 1000}, {}},
        {"login_lockout_s", int_key{&config::login_lockout_s, 1, 86400}, {}},
        {"max_body_bytes", int_key{&config::max_body_bytes, 1024, 64LL << 20}, {}},
        {"request_timeout_s", int_key{&config::request_timeout_s, 1, 3600}, {}},
        {"stop_timeout_s", int_key{&config::stop_timeout_s, 0, 3600}, {}},
        {"shutdown_grace_s", int_key{&config::shutdown_grace_s, 0, 600}, {}},
        {"reconcile_interval_s", int_key{&config::reconcile_interval_s, 1, 86400}, {}},
        {"host_retry_max_s", int_key{&config::host_retry_max_s, 1, 3600}, {}},
        {"virt_type", &config::virt_type,
         [](const std::string& v) {
             return one_of(v, {"auto", "kvm", "qemu"});
         }},
        {"cpu_model", &config::cpu_model, [](const std::string& v) { return !v.empty() && v.size() < 64; }},
        {"cpu_mode", &config::cpu_mode,
         [](const std::string& v) {
             return one_of(v, {"baseline", "model"});
         }},
        {"migration_max_downtime_ms", int_key{&config::migration_max_downtime_ms, 1, 60000}, {}},
        {"web_dir", &config::web_dir, {}},
        {"register_local_host", &config::register_local_host, {}},
        {"cpu_allocation_ratio", ratio_key{&config::cpu_allocation_ratio}, {}},
        {"ram_allocation_ratio", ratio_key{&config::ram_allocation_ratio}, {}},
        {"disk_allocation_ratio", ratio_key{&config::disk_allocation_ratio}, {}},
        {"reserved_host_cpus", int_key{&config::reserved_host_cpus, 0, 4096}, {}},
        {"reserved_host_ram_mb", int_key{&config::reserved_host_ram_mb, 0, 1LL << 30}, {}},
        {"reserved_host_disk_gb", int_key{&config::reserved_host_disk_gb, 0, 1LL << 30}, {}},
        {"max_instances_per_host", int_key{&config::max_instances_per_host, -1, 1LL << 20}, {}},
        {"scheduler_placer", &config::scheduler_placer,
         [](const std::string& v) {
             return one_of(v, {"filter_weigher", "random"});
         }},
        {"scheduler_policy", &config::scheduler_policy,
         [](const std::string& v) {
             return one_of(v, {"spread", "pack"});
         }},
        {"weight_ram", ratio_key{&config::weight_ram, 0, 1000}, {}},
        {"weight_vcpu", ratio_key{&config::weight_vcpu, 0, 1000}, {}},
        {"weight_disk", ratio_key{&config::weight_disk, 0, 1000}, {}},
        {"weight_instances", ratio_key{&config::weight_instances, 0, 1000}, {}},
        {"weight_soft_affinity", ratio_key{&config::weight_soft_affinity, 0, 1000}, {}},
        {"default_availability_zone", &config::default_availability_zone,
         [](const std::string& v) { return !v.empty() && v.size() <= 64 && is_printable_utf8(v); }},
        {"password_min_length", int_key{&config::password_min_length, 8, 1024}, {}},
        {"image_max_bytes", int_key{&config::image_max_bytes, 1, 1LL << 50}, {}},
        {"image_max_virtual_gb", int_key{&config::image_max_virtual_gb, 1, 1LL << 20}, {}},
        {"image_inspect_timeout_s", int_key{&config::image_inspect_timeout_s, 1, 3600}, {}},
        {"image_convert_to_qcow2", &config::image_convert_to_qcow2, {}},
        {"image_import_allow", &config::image_import_allow,
         [](const std::string& v) { return v.find_first_not_of("0123456789abcdefABCDEF.:/, ") == std::string::npos; }},
        {"image_import_timeout_s", int_key{&config::image_import_timeout_s, 1, 7 * 86400}, {}},
        {"root_disk_mode", &config::root_disk_mode,
         [](const std::string& v) {
             return one_of(v, {"overlay", "copy"});
         }},
        {"storage_pool", &config::storage_pool,
         [](const std::string& v) {
             return !v.empty() && v.size() <= 64 &&
                    v.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_") == std::string::npos;
         }},
        {"volume_types", &config::volume_types_json, {}},
        {"image_cache_ttl_s", int_key{&config::image_cache_ttl_s, 0, 365LL * 86400}, {}},
        {"storage_pool_shared", &config::storage_pool_shared, {}},
        {"storage_pool_path", &config::storage_pool_path,
         [](const std::string& v) { return v.size() > 1 && v[0] == '/' && v.find("..") == std::string::npos; }},
    };
    static const bool quotas_added = [] {
        for (const auto& [name, member] : quota_members())
            table.push_back({name, int_key{member, -1, 1LL << 40}, {}});
        return true;
    }();
    (void)quotas_added;
    return table;
}

const key_spec* find_key(std::string_view name) {
    for (const auto& k : key_table())
        if (name == k.name)
            return &k;
    return nullptr;
}

std::optional<std::int64_t> parse_int(const std::string& s) {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size())
        return std::nullopt;
    return v;
}

std::optional<bool> parse_bool(const std::string& s) {
    if (s == "true" || s == "1" || s == "yes")
        return true;
    if (s == "false" || s == "0" || s == "no")
        return false;
    return std::nullopt;
}

// Applies one value, given either as JSON (file) or as text (env, flags). `field` names it in errors.
result<void> apply(config& c, const key_spec& k, const json* j, const std::string* text, const std::string& field) {
    auto type_error = [&](const char* want) { return validation_error(field, fmt::format("must be {}", want)); };
    if (auto* s = std::get_if<std::string config::*>(&k.target)) {
        if (j && !j->is_string())
            return type_error("a string");
        std::string v = j ? j->get<std::string>() : *text;
        if (k.allowed && !k.allowed(v))
            return validation_error(field, fmt::format("invalid value '{}'", v));
        if (std::string_view(k.name) == "listen")
            KUMO_TRY_VOID(parse_listen(v, field));  // reported against the layer that set it
        c.*(*s) = std::move(v);
    } else if (auto* b = std::get_if<bool config::*>(&k.target)) {
        std::optional<bool> v =
            j ? (j->is_boolean() ? std::optional(j->get<bool>()) : std::nullopt) : parse_bool(*text);
        if (!v)
            return type_error("a boolean");
        c.*(*b) = *v;
    } else if (auto* r = std::get_if<ratio_key>(&k.target)) {
        std::optional<double> v;
        if (j && j->is_number())
            v = j->get<double>();
        if (!j) {
            char* end = nullptr;
            const double d = std::strtod(text->c_str(), &end);
            if (!text->empty() && end == text->c_str() + text->size())
                v = d;
        }
        if (!v)
            return type_error("a number");
        if (!(*v >= r->min && *v <= r->max))
            return validation_error(field, fmt::format("must be between {} and {}", r->min, r->max));
        c.*(r->member) = *v;
    } else {
        const bool is_sim = std::holds_alternative<int config::*>(k.target);
        const std::int64_t lo = is_sim ? 0 : std::get<int_key>(k.target).min;
        const std::int64_t hi = is_sim ? 64 : std::get<int_key>(k.target).max;
        std::optional<std::int64_t> v =
            j ? (j->is_number_integer() ? std::optional(j->get<std::int64_t>()) : std::nullopt) : parse_int(*text);
        if (!v)
            return type_error("an integer");
        if (*v < lo || *v > hi)
            return validation_error(field, fmt::format("must be between {} and {}", lo, hi));
        if (is_sim)
            c.*std::get<int config::*>(k.target) = static_cast<int>(*v);
        else
            c.*std::get<int_key>(k.target).member = *v;
    }
    return {};
}

std::string env_name(std::string_view key) {
    std::string out = "KUMO_";
    for (char ch : key)
        out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
    return out;
}

std::string default_data_dir() {
    if (geteuid() == 0)
        return "/var/lib/kumo";
    const char* home = std::getenv("HOME");
    return fmt::format("{}/.local/share/kumo", home ? home : "/tmp");
}

result<void> apply_file(config& c, const config_layers& layers) {
    const std::string prefix = layers.file_name.empty() ? std::string("config") : layers.file_name;
    json doc = json::parse(*layers.file_text, nullptr, false);
    if (doc.is_discarded())
        return validation_error(prefix, "is not valid JSON");
    if (!doc.is_object())
        return validation_error(prefix, "must be a JSON object");
    for (auto& [key, value] : doc.items()) {
        const key_spec* k = find_key(key);
        if (!k)
            return validation_error(fmt::format("{}:{}", prefix, key), "unknown configuration key");
        // volume_types is a JSON object in the file, JSON text in the environment and on the command line.
        const json text = key == "volume_types" && value.is_object() ? json(value.dump()) : value;
        KUMO_TRY_VOID(apply(c, *k, &text, nullptr, fmt::format("{}:{}", prefix, key)));
    }
    return {};
}

}  // namespace

std::int64_t default_quota(const config& c, std::string_view resource) {
    for (const auto& [name, member] : quota_members())
        if (std::string_view(name).substr(6) == resource)
            return c.*member;
    return -1;
}

result<config> build_config(const config_layers& layers) {
    config c;
    c.data_dir = default_data_dir();
    if (layers.file_text)
        KUMO_TRY_VOID(apply_file(c, layers));
    for (const auto& k : key_table()) {
        auto it = layers.env.find(env_name(k.name));
        if (it != layers.env.end())
            KUMO_TRY_VOID(apply(c, k, nullptr, &it->second, it->first));
    }
    for (const auto& [key, value] : layers.flags) {
        const key_spec* k = find_key(key);
        if (!k)
            return validation_error("--" + key, "unknown option");
        KUMO_TRY_VOID(apply(c, *k, nullptr, &value, "--" + key));
    }
    KUMO_TRY(c.volume_types, parse_volume_types(c.volume_types_json, c.storage_pool, "volume_types"));
    KUMO_TRY(auto addr, parse_listen(c.listen, "listen"));
    if (!c.tls && !is_loopback_host(addr.host))
        return validation_error("tls", "plain HTTP (--no-tls) is only allowed on a loopback listen address");
    if (c.tls_cert.empty() != c.tls_key.empty())
        return validation_error("tls_cert", "tls_cert and tls_key must be given together");
    return c;
}

std::optional<pool_def> config::pool_of_type(const std::string& type) const {
    if (type.empty() || type == default_volume_type)
        return main_pool();
    for (const auto& t : volume_types)
        if (t.name == type)
            return t.pool;
    return std::nullopt;
}

std::map<std::string, std::string> config_env_from_process() {
    std::map<std::string, std::string> out;
    for (const auto& k : key_table()) {
        const std::string name = env_name(k.name);
        if (const char* v = std::getenv(name.c_str()))
            out[name] = v;
    }
    return out;
}

result<listen_address> parse_listen(const std::string& s, const std::string& field) {
    std::string host;
    std::string port;
    if (!s.empty() && s[0] == '[') {
        auto close = s.find(']');
        if (close == std::string::npos || close + 1 >= s.size() || s[close + 1] != ':')
            return validation_error(field, "must be ADDR:PORT");
        host = s.substr(1, close - 1);
        port = s.substr(close + 2);
    } else {
        auto colon = s.rfind(':');
        if (colon == std::string::npos)
            return validation_error(field, "must be ADDR:PORT");
        host = s.substr(0, colon);
        port = s.substr(colon + 1);
    }
    unsigned char buf[16];
    if (inet_pton(AF_INET, host.c_str(), buf) != 1 && inet_pton(AF_INET6, host.c_str(), buf) != 1)
        return validation_error(field, fmt::format("'{}' is not an IP address", host));
    auto p = parse_int(port);
    if (!p || *p < 0 || *p > 65535)
        return validation_error(field, "port must be 0..65535");
    return listen_address{host, static_cast<std::uint16_t>(*p)};
}

bool is_loopback_host(const std::string& host) {
    in_addr v4{};
    if (inet_pton(AF_INET, host.c_str(), &v4) == 1)
        return (ntohl(v4.s_addr) >> 24) == 127;
    return host == "::1";
}

}  // namespace kumo
