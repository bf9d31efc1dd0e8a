#include "kumo/scheduler/module.hpp"

#include "kumo/scheduler/permissions.hpp"
#include "scheduler_routes.hpp"
#include "scheduling_service.hpp"

namespace kumo {

struct scheduler_module::parts {
    explicit parts(platform& p) : placer(p.cfg), scheduling(p.db, placer, p.cfg) {}
    placement placer;
    scheduling_service scheduling;
};

scheduler_module::scheduler_module(platform& p) : parts_(std::make_unique<parts>(p)) {}

scheduler_module::~scheduler_module() = default;

placement& scheduler_module::placer() {
    return parts_->placer;
}

std::span<const permission_rule> scheduler_module::permissions() const {
    return scheduler_permissions();
}

void scheduler_module::add_routes(api::router& r) {
    api::add_scheduling_routes(r, parts_->scheduling);
}

}  // namespace kumo
