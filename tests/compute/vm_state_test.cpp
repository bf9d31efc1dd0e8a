#include "vm_state.hpp"
#include "kumo/identity/model.hpp"

#include "kumo_catch.hpp"

using namespace kumo;

TEST_CASE("vm actions are allowed only from matching statuses", "[vm_state]") {
    struct row {
        vm_status from;
        vm_action action;
        bool allowed;
    };
    const row rows[] = {
        {vm_status::stopped, vm_action::start, true},      {vm_status::active, vm_action::start, false},
        {vm_status::active, vm_action::stop, true},        {vm_status::suspended, vm_action::stop, true},
        {vm_status::stopped, vm_action::stop, false},      {vm_status::active, vm_action::reboot, true},
        {vm_status::stopped, vm_action::reboot, false},    {vm_status::active, vm_action::suspend, true},
        {vm_status::suspended, vm_action::suspend, false}, {vm_status::suspended, vm_action::resume, true},
        {vm_status::active, vm_action::resume, false},     {vm_status::error, vm_action::del, true},
        {vm_status::building, vm_action::start, false},    {vm_status::error, vm_action::start, false},
    };
    for (const auto& r : rows) {
        vm v;
        v.status = r.from;
        INFO(to_string(r.from) << " " << to_string(r.action));
        auto ok = check_action_allowed(v, r.action);
        CHECK(bool(ok) == r.allowed);
        if (!ok)
            CHECK(ok.error().code == errc::conflict);
    }
}

TEST_CASE("a vm with a task in progress refuses every action with operation_in_progress", "[vm_state]") {
    vm v;
    v.status = vm_status::active;
    v.task = vm_task::stopping;
    for (auto a : {vm_action::start, vm_action::stop, vm_action::reboot, vm_action::del}) {
        auto r = check_action_allowed(v, a);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == errc::operation_in_progress);
    }
}

TEST_CASE("hypervisor power states map to vm statuses", "[vm_state]") {
    CHECK(status_from_power(power_state::running) == vm_status::active);
    CHECK(status_from_power(power_state::paused) == vm_status::suspended);
    CHECK(status_from_power(power_state::shutoff) == vm_status::stopped);
    CHECK(status_from_power(power_state::shutdown) == vm_status::active);
    CHECK(status_from_power(power_state::missing) == vm_status::error);
    CHECK(status_from_power(power_state::crashed) == vm_status::error);
}

TEST_CASE("action names parse, delete is not an action route", "[vm_state]") {
    CHECK(parse_vm_action("start") == vm_action::start);
    CHECK(parse_vm_action("resume") == vm_action::resume);
    CHECK_FALSE(parse_vm_action("delete"));
    CHECK_FALSE(parse_vm_action("explode"));
    CHECK(operation_kind(vm_action::stop) == "vm.stop");
    CHECK(task_for(vm_action::reboot) == vm_task::rebooting);
}
