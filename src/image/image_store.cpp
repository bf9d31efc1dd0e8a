// Image records: create, read, update, delete, sharing. The bytes: see image_upload.cpp.
#include "kumo/image/image_store.hpp"

#include "image_repo.hpp"
#include "kumo/core/clock.hpp"
#include "kumo/core/ids.hpp"

#include <filesystem>

namespace kumo {
namespace fs = std::filesystem;

namespace {

error image_not_found() {
    return make_error(errc::not_found, "image not found");
}

bool visible_to(const principal& who, const image& i, sql::database& db) {
    if (who.can_see(i.project_id) || i.visibility == "public")
        return true;
    return i.visibility == "shared" && who.scope == "project" && repo::is_image_member(db, i.id, who.project_id);
}

bool is_hex64(const std::string& s) {
    return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

result<void> check_fields(const principal& who, const std::optional<std::string>& visibility,
                          const std::optional<std::map<std::string, std::string>>& properties) {
    if (visibility && *visibility != "private" && *visibility != "shared" && *visibility != "public")
        return validation_error("visibility", "must be private, shared or public");
    if (visibility && *visibility == "public" && !who.is_admin())
        return make_error(errc::forbidden, "only administrators may make an image public");
    if (properties) {
        if (properties->size() > 128)
            return validation_error("properties", "at most 128 properties");
        for (const auto& [k, v] : *properties)
            if (k.empty() || k.size() > 255 || v.size() > 65535)
                return validation_error("properties", "keys are 1..255 characters, values at most 65535");
    }
    return {};
}

}  // namespace

json image_view(const image& i) {
    auto or_null = [](const std::string& s) -> json { return s.empty() ? json(nullptr) : json(s); };
    return json{{"id", i.id},
                {"name", i.name},
                {"owner", i.project_id},
                {"visibility", i.visibility},
                {"protected", i.is_protected},
                {"status", to_string(i.status)},
                {"disk_format", or_null(i.disk_format)},
                {"container_format", i.container_format},
                {"size", i.status == image_status::active ? json(i.size_bytes) : json(nullptr)},
                {"virtual_size", i.status == image_status::active ? json(i.virtual_size) : json(nullptr)},
                {"checksum", or_null(i.md5)},
                {"os_hash_algo", i.sha256.empty() ? json(nullptr) : json("sha256")},
                {"os_hash_value", or_null(i.sha256)},
                {"expected_sha256", or_null(i.expected_sha256)},
                {"min_ram_mb", i.min_ram_mb},
                {"min_disk_gb", i.min_disk_gb},
                {"properties", i.properties},
                {"fault", or_null(i.fault)},
                {"created_at", i.created_at},
                {"updated_at", i.updated_at}};
}

image_store::image_store(store& db, event_bus& bus, asio::thread_pool& blocking, background_tasks& tasks,
                         const config& cfg, const project_resources& resources, std::string dir)
    : store_(db),
      bus_(bus),
      blocking_(blocking),
      tasks_(tasks),
      cfg_(cfg),
      resources_(resources),
      dir_(std::move(dir)) {}

awaitable<result<image>> image_store::create(const principal& who, image_create_request req) {
    if (who.scope != "project")
        co_return make_error(errc::forbidden, "images are created with a project-scoped token");
    if (!req.disk_format.empty() && !is_known_disk_format(req.disk_format))
        co_return validation_error("disk_format", "must be one of qcow2, raw, vmdk, vdi, vhd, vhdx, iso, aki, ari");
    if (req.container_format != "bare")
        co_return validation_error("container_format", "only bare is supported");
    if (!req.expected_sha256.empty() && !is_hex64(req.expected_sha256))
        co_return validation_error("expected_sha256", "64 lowercase hex digits");
    KUMO_CO_TRY_VOID(check_fields(who, req.visibility, req.properties));
    image i;
    i.id = new_uuid();
    i.name = req.name;
    i.project_id = who.project_id;
    i.visibility = req.visibility;
    i.is_protected = req.is_protected;
    i.disk_format = req.disk_format;
    i.container_format = req.container_format;
    i.min_ram_mb = req.min_ram_mb;
    i.min_disk_gb = req.min_disk_gb;
    i.properties = req.properties;
    i.expected_sha256 = req.expected_sha256;
    i.created_at = i.updated_at = to_rfc3339(system_clock().now());
    auto job = [i, &resources = resources_](sql::database& db) -> result<void> {
        KUMO_TRY_VOID(resources.check(db, i.project_id, {{"images", 1}}));
        repo::insert_image(db, i);
        return {};
    };
    KUMO_CO_TRY_VOID(co_await store_.write(std::move(job)));
    bus_.publish({"image", "created", i.id, i.project_id, image_view(i)});
    co_return i;
}

awaitable<result<image>> image_store::find_visible(const principal& who, const std::string& id) {
    auto job = [who, id](sql::database& db) -> result<image> {
        auto i = repo::find_image(db, id);
        if (!i || !visible_to(who, *i, db))
            return image_not_found();
        return *i;
    };
    auto found = co_await store_.read(std::move(job));
    co_return found;
}

awaitable<result<image>> image_store::find_owned(const principal& who, const std::string& id) {
    KUMO_CO_TRY(auto i, co_await find_visible(who, id));
    if (!who.can_see(i.project_id))
        co_return make_error(errc::forbidden, "only the owner project may change this image");
    co_return i;
}

awaitable<result<image>> image_store::get(const principal& who, const std::string& id) {
    auto found = co_await find_visible(who, id);
    co_return found;
}

awaitable<result<std::vector<image>>> image_store::list(const principal& who, std::string marker, int limit,
                                                        std::string name) {
    const std::string project = who.is_admin() ? std::string() : who.project_id;
    auto job = [project, marker, limit, name](sql::database& db) -> result<std::vector<image>> {
        return repo::list_images(db, project, marker, limit, name);
    };
    auto found = co_await store_.read(std::move(job));
    co_return found;
}

awaitable<result<image>> image_store::update(const principal& who, const std::string& id, image_update u) {
    KUMO_CO_TRY_VOID(check_fields(who, u.visibility, u.properties));
    image out;
    auto job = [&](sql::database& db) -> result<void> {
        auto i = repo::find_image(db, id);
        if (!i || !visible_to(who, *i, db))
            return image_not_found();
        if (!who.can_see(i->project_id))
            return make_error(errc::forbidden, "only the owner project may change this image");
        if (u.name)
            i->name = *u.name;
        if (u.visibility)
            i->visibility = *u.visibility;
        if (u.is_protected)
            i->is_protected = *u.is_protected;
        if (u.min_ram_mb)
            i->min_ram_mb = *u.min_ram_mb;
        if (u.min_disk_gb)
            i->min_disk_gb = *u.min_disk_gb;
        if (u.properties)
            i->properties = *u.properties;
        i->updated_at = to_rfc3339(system_clock().now());
        repo::update_image(db, *i);
        out = *i;
        return {};
    };
    KUMO_CO_TRY_VOID(co_await store_.write(job));
    bus_.publish({"image", "updated", out.id, out.project_id, image_view(out)});
    co_return out;
}

awaitable<result<void>> image_store::remove(const principal& who, const std::string& id) {
    image gone;
    auto job = [&](sql::database& db) -> result<void> {
        auto i = repo::find_image(db, id);
        if (!i || !visible_to(who, *i, db))
            return image_not_found();
        if (!who.can_see(i->project_id))
            return make_error(errc::forbidden, "only the owner project may delete this image");
        if (i->is_protected)
            return make_error(errc::conflict, "the image is protected; unprotect it first");
        if (i->status == image_status::saving)
            return make_error(errc::conflict, "the image is being uploaded");
        for (const auto& uses : users_)
            if (uses(db, id))
                return make_error(errc::conflict, "the image is in use by a VM");
        repo::delete_image(db, id);
        gone = *i;
        return {};
    };
    KUMO_CO_TRY_VOID(co_await store_.write(job));
    std::error_code ec;
    fs::remove(file_path(id), ec);
    bus_.publish({"image", "deleted", gone.id, gone.project_id, image_view(gone)});
    co_return result<void>{};
}

awaitable<result<std::string>> image_store::file_for_download(const principal& who, const std::string& id) {
    KUMO_CO_TRY(auto i, co_await find_visible(who, id));
    if (i.status != image_status::active)
        co_return make_error(errc::conflict, std::string("the image has no data (status ") + to_string(i.status) + ")");
    co_return file_path(id);
}

awaitable<result<std::vector<std::string>>> image_store::members(const principal& who, const std::string& id) {
    KUMO_CO_TRY_VOID(co_await find_owned(who, id));
    auto job = [id](sql::database& db) -> result<std::vector<std::string>> { return repo::image_members(db, id); };
    auto found = co_await store_.read(std::move(job));
    co_return found;
}

awaitable<result<void>> image_store::add_member(const principal& who, const std::string& id,
                                                const std::string& project_id) {
    KUMO_CO_TRY_VOID(co_await find_owned(who, id));
    auto job = [id, project_id](sql::database& db) -> result<void> {
        if (!project_exists(db, project_id))
            return validation_error("project_id", "no project with this id");
        repo::add_image_member(db, id, project_id);
        return {};
    };
    auto done = co_await store_.write(std::move(job));
    co_return done;
}

awaitable<result<void>> image_store::remove_member(const principal& who, const std::string& id,
                                                   const std::string& project_id) {
    KUMO_CO_TRY_VOID(co_await find_owned(who, id));
    auto job = [id, project_id](sql::database& db) -> result<void> {
        if (!repo::remove_image_member(db, id, project_id))
            return make_error(errc::not_found, "the project is not a member of this image");
        return {};
    };
    auto done = co_await store_.write(std::move(job));
    co_return done;
}

awaitable<result<image>> image_store::usable(const principal& who, const std::string& id, const char* field) {
    auto found = co_await find_visible(who, id);
    if (!found)
        co_return validation_error(field, "no image with this id");
    if (found->status != image_status::active)
        co_return validation_error(field, std::string("the image is not active (") + to_string(found->status) + ")");
    co_return *found;
}

awaitable<result<image>> image_store::active(const std::string& id) {
    auto job = [id](sql::database& db) -> result<image> {
        auto i = repo::find_image(db, id);
        if (!i || i->status != image_status::active)
            return make_error(errc::conflict, "the VM's image is no longer available");
        return *i;
    };
    auto found = co_await store_.read(std::move(job));
    co_return found;
}

}  // namespace kumo
