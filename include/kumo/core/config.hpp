#pragma once
// Daemon configuration. Layers, lowest first: embedded defaults < JSON config file < KUMO_* environment
// < command-line flags. Every key has one name used in all layers (`listen` / KUMO_LISTEN / --listen).
#include "kumo/core/error.hpp"
#include "kumo/core/storage_pool.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace kumo {

struct config {
    std::string listen = "127.0.0.1:8443";
    std::string data_dir;  // default: /var/lib/kumo as root, ~/.local/share/kumo otherwise
    bool tls = true;
    std::string tls_cert;  // empty: self-signed certificate made in data_dir on first start
    std::string tls_key;
    int simulate = 0;  // > 0: that many simulated hosts on libvirt's test driver
    std::string log_level = "info";
    std::int64_t token_ttl_s = 86400;
    std::int64_t login_max_failures = 10;  // consecutive failed logins per user or address before a lockout
    std::int64_t login_lockout_s = 60;
    std::int64_t max_body_bytes = 1 << 20;
    // A client must send a whole request within this; a download's client may be silent this long
    // between two pieces (nginx's send_timeout), however long the whole download takes.
    std::int64_t request_timeout_s = 60;
    std::int64_t stop_timeout_s = 60;    // graceful (ACPI) VM stop before it is forced
    std::int64_t shutdown_grace_s = 20;  // SIGTERM: how long in-flight operations may run on
    std::int64_t reconcile_interval_s = 30;
    std::int64_t host_retry_max_s = 60;  // a down host is retried after 1 s, 2 s, 4 s ... up to this
    std::string virt_type = "auto";      // local host: auto (kvm if /dev/kvm), kvm or qemu
    std::string cpu_model = "qemu64";    // named model: host-passthrough is not portable
    // kvm guests: "baseline" (the CPU every enrolled kvm host can provide, so guests can live-migrate
    // anywhere) or "model" (always cpu_model). Emulated (qemu) guests always use cpu_model.
    std::string cpu_mode = "baseline";
    std::int64_t migration_max_downtime_ms = 300;  // live migration: longest pause at the switch-over
    std::string web_dir;                           // default: the installed web/ or the source tree's
    bool register_local_host = true;
    double cpu_allocation_ratio = 4.0;  // vCPUs placed per host CPU
    double ram_allocation_ratio = 1.0;  // RAM placed per MiB of host RAM
    double disk_allocation_ratio = 1.0;
    // Kept for the host itself; hosts may override these and the ratios (PATCH /hosts/{id}).
    std::int64_t reserved_host_cpus = 0;
    std::int64_t reserved_host_ram_mb = 512;
    std::int64_t reserved_host_disk_gb = 0;
    std::int64_t max_instances_per_host = -1;         // -1: unlimited
    std::string scheduler_placer = "filter_weigher";  // or random: any eligible host
    std::string scheduler_policy = "spread";          // or pack
    // Weigher multipliers: each weigher's value is normalized to [0,1] first.
    double weight_ram = 1.0;
    double weight_vcpu = 1.0;
    double weight_disk = 1.0;
    double weight_instances = 1.0;
    double weight_soft_affinity = 10.0;
    std::string default_availability_zone = "kumo";  // of hosts in no zone aggregate
    std::int64_t password_min_length = 10;
    // Image store: largest file accepted, largest disk an image may describe, how long qemu-img may take.
    std::int64_t image_max_bytes = 64LL << 30;
    std::int64_t image_max_virtual_gb = 2048;
    std::int64_t image_inspect_timeout_s = 30;
    // Disk images in other formats (raw, vmdk, vdi, vhd, vhdx) are stored converted to qcow2 (Glance's
    // image conversion): smaller files, and overlays on them work the same.
    bool image_convert_to_qcow2 = false;
    // URL imports: CIDRs (comma-separated) an import may fetch from although they are refused by default
    // (loopback, link-local, the daemon's and the hosts' own addresses); the whole transfer's limit.
    std::string image_import_allow;
    std::int64_t image_import_timeout_s = 3600;
    // Root disks from images: "overlay" (a qcow2 on the host's cached copy: constant time) or "copy".
    std::string root_disk_mode = "overlay";
    // The directory every host's Kumo storage pool ("kumo") lives in, created on first use.
    std::string storage_pool = "kumo";
    std::string storage_pool_path = "/var/lib/kumo/pool";
    // The pool's directory is one shared file system mounted there on every host (NFS, CephFS, ...):
    // images are copied once for all hosts, volumes attach to VMs on any host, and VMs with disks
    // migrate without copying them.
    bool storage_pool_shared = false;
    // Volume types beyond "default" (the main pool), as JSON (see core/storage_pool.hpp); parsed into
    // volume_types when the configuration is built.
    std::string volume_types_json;
    std::vector<volume_type> volume_types;
    std::int64_t image_cache_ttl_s = 3600;  // a cached image no VM on the host used for this long is removed
    // Default project quotas (-1: unlimited); admins override them per project.
    std::int64_t quota_instances = 20;
    std::int64_t quota_vcpus = 40;
    std::int64_t quota_ram_mb = 81920;
    std::int64_t quota_disk_gb = 1000;
    std::int64_t quota_volumes = 20;
    std::int64_t quota_volume_gb = 1000;
    std::int64_t quota_images = 20;
    std::int64_t quota_image_gb = 1000;  // bytes of image files, in GiB
    std::int64_t quota_networks = 10;
    std::int64_t quota_floating_ips = 10;
    std::int64_t quota_security_groups = 20;

    // The main pool: images, VMs' own disks, volumes of the default type.
    pool_def main_pool() const { return {storage_pool, "dir", storage_pool_path, "", storage_pool_shared}; }
    // The pool of a volume type; nullopt for unknown names ("" and "default": the main pool).
    std::optional<pool_def> pool_of_type(const std::string& type) const;
};

// The configured default limit of a quota resource (see quota_resources()); -1 for unknown names.
std::int64_t default_quota(const config& c, std::string_view resource);

// The split-out inputs of each layer, so the merge is pure and testable.
struct config_layers {
    std::optional<std::string> file_text;      // the JSON config file's content
    std::string file_name;                     // for error messages
    std::map<std::string, std::string> env;    // KUMO_* variables (others are ignored)
    std::map<std::string, std::string> flags;  // key -> value, keys spelled as in the file
};

// Merges the layers over the embedded defaults. Errors: validation_failed naming the key
// (`file:listen`, `KUMO_SIMULATE`, `--listen`) for unknown keys, wrong types and out-of-range values.
result<config> build_config(const config_layers& layers);

// Reads the process environment's KUMO_* variables that name config keys.
std::map<std::string, std::string> config_env_from_process();

// Splits "ADDR:PORT" ("[v6]:PORT" for IPv6). Errors: validation_failed for `field`.
struct listen_address {
    std::string host;
    std::uint16_t port = 0;
};
result<listen_address> parse_listen(const std::string& s, const std::string& field);
bool is_loopback_host(const std::string& host);

}  // namespace kumo
