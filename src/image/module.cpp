#include "kumo/image/module.hpp"

#include "image_repo.hpp"
#include "image_routes.hpp"
#include "kumo/image/permissions.hpp"

namespace kumo {

image_module::image_module(platform& p, project_resources& projects)
    : store_(std::make_unique<image_store>(p.db, p.bus, p.blocking, p.tasks, p.cfg, projects,
                                           p.cfg.data_dir + "/images")) {
    projects.add_counter(repo::image_quota_usage);
    projects.add_owner(repo::project_has_images);
}

image_module::~image_module() = default;

image_store& image_module::images() {
    return *store_;
}

std::span<const permission_rule> image_module::permissions() const {
    return image_permissions();
}

void image_module::add_routes(api::router& r) {
    api::add_image_routes(r, *store_);
}

awaitable<void> image_module::start() {
    co_await store_->recover();
}

}  // namespace kumo
