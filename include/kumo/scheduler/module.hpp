#pragma once
// The scheduler module's entry point (src/scheduler/README.md): the pure placement engine (filters and
// weighers), placement from the database's snapshot, server groups, aggregates and availability zones.
#include "kumo/platform/module.hpp"
#include "kumo/scheduler/placement.hpp"

#include <memory>

namespace kumo {

class scheduler_module final : public module {
public:
    explicit scheduler_module(platform& p);
    ~scheduler_module() override;

    // Decides where a VM goes, inside the caller's transaction (compute's creates and migrations).
    placement& placer();

    std::string_view name() const override { return "scheduler"; }
    std::span<const permission_rule> permissions() const override;
    void add_routes(api::router& r) override;

private:
    struct parts;
    std::unique_ptr<parts> parts_;
};

}  // namespace kumo
