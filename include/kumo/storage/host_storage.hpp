#pragma once
// A host's side of storage: Kumo's main pool on it (made on first use), the images cached in that pool
// (copied once through libvirt's storage upload stream, so it works over SSH, and collected when no one
// needs them), and copies out of a pool into the image store (exports). Core thread.
#include "kumo/async/background_tasks.hpp"
#include "kumo/async/busy_keys.hpp"
#include "kumo/core/config.hpp"
#include "kumo/host/host_registry.hpp"
#include "kumo/image/image_store.hpp"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string_view>

namespace kumo {

class host_storage {
public:
    host_storage(store& db, host_registry& hosts, image_store& images, background_tasks& tasks, const config& cfg)
        : store_(db), hosts_(hosts), images_(images), tasks_(tasks), cfg_(cfg) {}

    // The cached images a host still needs (the compute module: the images its VMs there boot from).
    // Runs on the store thread; added at start-up.
    using image_users = std::function<std::set<std::string>(sql::database&, std::string_view host_id)>;
    void add_image_users(image_users f) { image_users_.push_back(std::move(f)); }

    // The host's main pool, made if missing. Errors: conflict (the host's pool is elsewhere), host_unreachable.
    awaitable<result<void>> ensure_pool(const std::string& host_id);
    // The host's pool, made if missing; then the image copied into it unless cached there. Returns the
    // path of the cached copy (volume image_volume_name(image_id)). Errors: conflict (pool elsewhere),
    // host_unreachable, internal.
    awaitable<result<std::string>> image_on_host(const std::string& host_id, const std::string& image_id);
    // The same on a host whose pool is known to exist. Images copied to a host together (several VMs
    // built at once) wait for the one copy under way instead of replacing it.
    awaitable<result<std::string>> cached_image(const std::string& host_id, const std::string& image_id);
    // Fills queued image `image_id` with a flattened qcow2 copy of volume `source` of pool `source_pool`
    // ("": the main pool, e.g. a stopped VM's root disk); the copy is made in the main pool before this
    // returns, so the source may change again at once; the transfer into the image store then runs in
    // the background (the image is `saving`, then `active` or `killed`). Errors: host_unreachable, internal.
    awaitable<result<void>> export_volume(const principal& who, std::string host_id, std::string source_pool,
                                          std::string source, std::string image_id);
    // Writes a volume's bytes into a file of this machine. Errors: host_unreachable, not_found, internal.
    awaitable<result<void>> download(std::string host_id, std::string pool, std::string volume, std::string local_file);
    // Deletes cached images the host no longer needs and no one used for image_cache_ttl_s.
    awaitable<void> collect_garbage(const std::string& host_id);

    static std::string image_volume_name(const std::string& image_id) { return "image-" + image_id; }

private:
    // The path of the host's recorded copy of the image (its use noted), or nullopt when there is none
    // (or it vanished).
    awaitable<result<std::optional<std::string>>> recorded_copy(const std::string& host_id, const std::string& image_id,
                                                                const std::string& now);
    // Copies the image to the host, then records the copy (under the copy's guard).
    awaitable<result<std::string>> copy_image(const std::string& host_id, const std::string& image_id,
                                              const std::string& now);
    // The guard of a host's copy of an image ("host/image"; with a shared pool just the image).
    std::string copy_key(const std::string& host_id, const std::string& image_id) const;
    // Removes an unused copy (decided and unrecorded in one transaction, under the copy's guard).
    awaitable<void> remove_cached(const std::string& host_id, const std::string& image_id, const std::string& cutoff);
    // Whether the host's copy of the image is unused since `cutoff`; runs on the store thread.
    bool unused_since(sql::database& db, const std::string& host_id, const std::string& image_id,
                      const std::string& cutoff) const;
    awaitable<void> finish_export(principal who, std::string host_id, std::string copy, std::string image_id);

    store& store_;
    host_registry& hosts_;
    image_store& images_;
    background_tasks& tasks_;
    const config& cfg_;
    std::vector<image_users> image_users_;
    // Copies of an image being looked up, made or removed (copy_key); core thread only.
    busy_keys copies_;
};

}  // namespace kumo
