// The bodies of VM operations. Each is idempotent, so a task interrupted by a crash can simply run again.
#include "compute.hpp"
#include "compute_views.hpp"
#include "kumo/core/clock.hpp"
#include "kumo/core/fault_points.hpp"
#include "kumo/core/log.hpp"
#include "kumo/storage/volume_repo.hpp"
#include "kumo/store/lasting_write.hpp"
#include "vm_repo.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <optional>
#include <stdexcept>

namespace kumo {
namespace {

bool is_on(power_state p) {
    return p == power_state::running || p == power_state::paused || p == power_state::shutdown;
}

// A start that libvirt refuses because the domain already runs has reached its goal. This happens when a
// daemon is killed mid-start: libvirtd completes the start on its own, and the resumed task starts again.
result<void> start_idempotent(hypervisor_connection& c, const std::string& id) {
    auto started = c.start(id);
    if (started || started.error().code != errc::conflict)
        return started;
    auto now = c.state(id);
    if (now && *now == power_state::running)
        return {};
    return started;
}

using host_step = std::function<result<void>(hypervisor_connection&, const std::string&)>;

// What an action does on the host, given the power state found there; nothing when the VM is already
// where the action leads (so a task resumed after a crash does not repeat itself). A graceful stop
// is not a single call and is handled by graceful_stop().
std::optional<host_step> host_step_for(vm_action a, power_state state, action_options opts) {
    switch (a) {
        case vm_action::start:
            if (state == power_state::running)
                return std::nullopt;
            return host_step(start_idempotent);
        case vm_action::stop:
            if (!is_on(state))
                return std::nullopt;
            return host_step([](hypervisor_connection& c, const std::string& id) { return c.destroy(id); });
        case vm_action::reboot:
            return host_step(
                [hard = opts.hard](hypervisor_connection& c, const std::string& id) { return c.reboot(id, hard); });
        case vm_action::suspend:
            if (state == power_state::paused)
                return std::nullopt;
            return host_step([](hypervisor_connection& c, const std::string& id) { return c.suspend(id); });
        case vm_action::resume:
            if (state == power_state::running)
                return std::nullopt;
            return host_step([](hypervisor_connection& c, const std::string& id) { return c.resume(id); });
        case vm_action::del:
            return host_step([state](hypervisor_connection& c, const std::string& id) -> result<void> {
                if (is_on(state))
                    KUMO_TRY_VOID(c.destroy(id));
                auto gone = c.undefine(id);
                if (!gone && gone.error().code != errc::not_found)
                    return gone.error();
                return {};
            });
    }
    return std::nullopt;
}

}  // namespace

awaitable<result<power_state>> compute::power_of(const vm& v) {
    auto job = [id = v.id](hypervisor_connection& c) { return c.state(id); };
    auto awaited = co_await hosts_.call(v.host_id, std::move(job));
    co_return awaited;
}

op_task compute::create_task(vm v) {
    return [this, v](op_context&) mutable -> awaitable<result<void>> {
        const std::string xml = domain_xml(v, virt_type_of(v.host_id));
        auto started = co_await storage_.prepare(v);
        if (started) {
            auto job = [xml, id = v.id](hypervisor_connection& c) -> result<void> {
                KUMO_TRY(auto state, c.state(id));
                if (state == power_state::missing)
                    KUMO_TRY_VOID(c.define(xml));
                if (state != power_state::running)
                    KUMO_TRY_VOID(start_idempotent(c, id));
                return {};
            };
            started = co_await hosts_.call(v.host_id, std::move(job));
        }
        if (!started) {
            // Leave no orphaned domain behind: the VM stays, in error, for the user to inspect and delete.
            auto cleanup = [id = v.id](hypervisor_connection& c) -> result<power_state> {
                (void)c.destroy(id);
                (void)c.undefine(id);
                return c.state(id);
            };
            auto left = co_await hosts_.call(v.host_id, std::move(cleanup));
            if (auto released = co_await storage_.release(v); !released)
                log::warn("compute", "vm {}: its disks could not be removed: {}", v.id, released.error().detail);
            v.status = vm_status::error;
            v.task = vm_task::none;
            v.power = left ? *left : power_state::unknown;
            v.fault = started.error().detail;
            co_await fail_build(v);
            co_return started.error();
        }
        v.status = vm_status::active;
        v.task = vm_task::none;
        v.power = power_state::running;
        v.fault.clear();
        co_await save_vm(v);
        co_return result<void>{};
    };
}

awaitable<result<void>> compute::graceful_stop(op_context& ctx, const vm& v) {
    auto job = [id = v.id](hypervisor_connection& c) { return c.shutdown(id); };
    KUMO_CO_TRY_VOID(co_await hosts_.call(v.host_id, std::move(job)));
    asio::steady_timer t(core_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(cfg_.stop_timeout_s);
    while (std::chrono::steady_clock::now() < deadline) {
        if (ctx.cancelled())
            co_return make_error(errc::cancelled, "stop cancelled; the guest keeps running");
        KUMO_CO_TRY(auto state, co_await power_of(v));
        if (!is_on(state))
            co_return result<void>{};
        t.expires_after(std::chrono::milliseconds(250));
        boost::system::error_code ec;
        co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    log::info("compute", "vm {} did not shut down within {} s; powering it off", v.id, cfg_.stop_timeout_s);
    auto power_off = [id = v.id](hypervisor_connection& c) { return c.destroy(id); };
    auto forced = co_await hosts_.call(v.host_id, std::move(power_off));
    co_return forced;
}

awaitable<result<void>> compute::run_action(op_context& ctx, const vm& v, vm_action a, action_options opts) {
    KUMO_CO_TRY(auto state, co_await power_of(v));
    if (a == vm_action::stop && !opts.force && is_on(state)) {
        auto stopped = co_await graceful_stop(ctx, v);
        co_return stopped;
    }
    auto step = host_step_for(a, state, opts);
    if (!step)
        co_return result<void>{};  // already where the action leads
    auto job = [id = v.id, run = std::move(*step)](hypervisor_connection& c) { return run(c, id); };
    auto done = co_await hosts_.call(v.host_id, std::move(job));
    co_return done;
}

op_task compute::action_task(vm v, vm_action a, action_options opts) {
    return [this, v, a, opts](op_context& ctx) mutable -> awaitable<result<void>> {
        if (fault_armed("vm-task-throws", v.id))  // the operations runner's crash path, on demand
            throw std::runtime_error("fault point vm-task-throws");
        auto done = co_await run_action(ctx, v, a, opts);
        if (done && a == vm_action::del)
            done = co_await storage_.release(v);  // a failure leaves the VM for another delete to finish
        if (done && a == vm_action::del) {
            auto job = [id = v.id](sql::database& db) -> result<void> {
                repo::detach_all_volumes(db, id, to_rfc3339(system_clock().now()));  // volumes outlive the VM
                repo::delete_vm(db, id);
                return {};
            };
            const std::string what = "the deletion of vm " + v.id;
            if (!co_await lasting_write(store_, std::move(job), what))
                co_return make_error(errc::internal,
                                     "the vm is gone from its host but its record could not be removed");
            bus_.publish({"vm", "deleted", v.id, v.project_id, vm_view(v)});
            co_return done;
        }
        // Whatever happened, the VM's status follows what the host now reports.
        auto now = co_await power_of(v);
        v.task = vm_task::none;
        if (now) {
            v.power = *now;
            v.status = status_from_power(*now);
        } else if (done) {
            v.status = status_after(a);
        }
        if (done)
            v.fault.clear();
        co_await save_vm(v);
        co_return done;
    };
}

}  // namespace kumo
