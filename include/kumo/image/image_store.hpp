#pragma once
// The image store (Glance's job, in-process): records, streamed uploads with checksums, size and quota
// limits, content-based format checks, downloads, sharing. Core thread; file I/O, hashing and
// qemu-img run on the blocking pool. Files live in <data_dir>/images/<id> (".part" while uploading),
// named by id only, never by anything a user chose.
#include "kumo/async/async.hpp"
#include "kumo/async/background_tasks.hpp"
#include "kumo/core/config.hpp"
#include "kumo/http/byte_source.hpp"
#include "kumo/identity/model.hpp"
#include "kumo/identity/project_resources.hpp"
#include "kumo/image/image.hpp"
#include "kumo/operations/event_bus.hpp"
#include "kumo/store/store.hpp"

#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <optional>

namespace kumo {

struct image_create_request {
    std::string name;
    std::string disk_format;  // optional: detected from the content when empty
    std::string container_format = "bare";
    std::string visibility = "private";
    bool is_protected = false;
    int min_ram_mb = 0;
    int min_disk_gb = 0;
    std::map<std::string, std::string> properties;
    std::string expected_sha256;  // optional: the upload fails unless the bytes hash to this
};

struct image_update {
    std::optional<std::string> name, visibility;
    std::optional<bool> is_protected;
    std::optional<int> min_ram_mb, min_disk_gb;
    std::optional<std::map<std::string, std::string>> properties;  // replaces all properties
};

class image_store {
public:
    image_store(store& db, event_bus& bus, asio::thread_pool& blocking, background_tasks& tasks, const config& cfg,
                const project_resources& resources, std::string dir);

    // Errors: validation_failed (name, disk_format, visibility, properties, expected_sha256), forbidden
    // (public visibility by a non-admin; a token not scoped to a project), quota_exceeded (images).
    awaitable<result<image>> create(const principal& who, image_create_request req);
    // Errors: not_found (also for images the caller may not see).
    awaitable<result<image>> get(const principal& who, const std::string& id);
    awaitable<result<std::vector<image>>> list(const principal& who, std::string marker, int limit,
                                               std::string name = {});
    // Owner or admin. Errors: not_found, forbidden (publicizing as a non-admin), validation_failed.
    awaitable<result<image>> update(const principal& who, const std::string& id, image_update u);
    // Errors: not_found, conflict (protected, in use by a VM, upload running).
    awaitable<result<void>> remove(const principal& who, const std::string& id);

    // Streams the bytes in, hashing as they come, then checks the content (see src/image/image_format.hpp)
    // and activates the image. On any failure the image is `killed` with a fault, and its partial file
    // removed. Errors: not_found, conflict (not queued), payload_too_large, quota_exceeded,
    // bad_request (interrupted), validation_failed (file, disk_format, checksum).
    awaitable<result<image>> upload(const principal& who, const std::string& id, byte_source& body);
    // Fills a queued image from a file the caller writes (e.g. a VM's disk): `produce(path)` writes it
    // while the image is `saving`, then it is hashed and checked like an upload. Errors: as upload's,
    // and produce's own (the image is then killed).
    using file_producer = std::function<awaitable<result<void>>(std::string path)>;
    awaitable<result<image>> fill(const principal& who, const std::string& id, file_producer produce);
    // Fetches the image's bytes from an http(s) URL in the background (same checks as an upload). The
    // URL's addresses are checked first (see src/image/url_policy.hpp): a refused one answers at once and
    // leaves the image queued; a later failure (refused redirect, error status, transfer) kills it.
    // Errors: not_found, conflict (not queued), validation_failed (url), forbidden (refused address).
    awaitable<result<image>> import(const principal& who, const std::string& id, std::string url);
    // Whether something still needs an image (deleting it is refused): the compute module's VMs boot from
    // it, the storage module's volumes start from it. Runs on the store thread; added at start-up.
    using image_user = std::function<bool(sql::database&, std::string_view image_id)>;
    void add_user(image_user u) { users_.push_back(std::move(u)); }
    // Names or addresses imports must not reach besides this machine's own: the hosts' (set by the daemon).
    void set_import_denied(std::function<std::vector<std::string>()> f) { import_denied_ = std::move(f); }

    // The stored file of an active image the caller may see. Errors: not_found, conflict (not active).
    awaitable<result<std::string>> file_for_download(const principal& who, const std::string& id);

    // Sharing (owner or admin). Errors: not_found, validation_failed (project_id).
    awaitable<result<std::vector<std::string>>> members(const principal& who, const std::string& id);
    awaitable<result<void>> add_member(const principal& who, const std::string& id, const std::string& project_id);
    awaitable<result<void>> remove_member(const principal& who, const std::string& id, const std::string& project_id);

    // For work already authorized (a VM's build, long after its create): the image, if still active.
    // Errors: conflict (gone or no longer active).
    awaitable<result<image>> active(const std::string& id);
    // For VM builds: an active image the caller may use. Errors: validation_failed (`field`).
    awaitable<result<image>> usable(const principal& who, const std::string& id, const char* field);
    std::string file_path(const std::string& id) const { return dir_ + "/" + id; }
    const std::string& dir() const { return dir_; }
    // Start-up: makes the image directory (mode 0700), removes .part files of uploads a previous daemon did
    // not finish and marks those images killed.
    awaitable<void> recover();

private:
    // Why `size` bytes do not fit below `limit` (start_saving's): over image_max_bytes, or the quota.
    error too_large(std::int64_t size) const;
    awaitable<result<image>> find_visible(const principal& who, const std::string& id);
    awaitable<result<image>> find_owned(const principal& who, const std::string& id);
    // Marks the image killed with `why`, removes its partial file, and returns `why`.
    awaitable<error> kill(image img, error why);
    awaitable<result<std::int64_t>> start_saving(const principal& who, image& img, std::optional<std::uint64_t> length);
    awaitable<result<image>> activate(image img, std::int64_t size, std::string sha256, std::string md5);
    // activate()'s last step: the checked image stored as active (if it is still saving) and published.
    awaitable<result<image>> record_active(image img);
    // One numeric address of the URL's host that imports may connect to. Errors: forbidden, validation_failed.
    awaitable<result<std::string>> import_address(std::string host, std::string port);
    awaitable<void> fetch(principal who, std::string id, std::string url, std::string address);
    awaitable<result<void>> fetch_hops(principal who, std::string id, std::string url, std::string address);

    store& store_;
    event_bus& bus_;
    asio::thread_pool& blocking_;
    background_tasks& tasks_;
    const config& cfg_;
    const project_resources& resources_;
    std::string dir_;
    std::function<std::vector<std::string>()> import_denied_;
    std::vector<image_user> users_;
};

// The API view of an image (no file paths).
json image_view(const image& i);

}  // namespace kumo
