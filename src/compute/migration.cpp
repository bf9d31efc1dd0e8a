// Live and cold migration of one VM.
#include "compute_views.hpp"
#include "kumo/async/spawn.hpp"
#include "kumo/core/clock.hpp"
#include "kumo/core/fault_points.hpp"
#include "kumo/core/log.hpp"
#include "kumo/host/claim_repo.hpp"
#include "kumo/host/host_repo.hpp"
#include "kumo/operations/operation_repo.hpp"
#include "kumo/storage/volume_repo.hpp"
#include "kumo/storage/volumes.hpp"
#include "kumo/store/lasting_write.hpp"
#include "mobility.hpp"
#include "vm_repo.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/redirect_error.hpp>
#include <stdexcept>

namespace kumo {

using namespace boost::asio::experimental::awaitable_operators;

namespace {

// Live migration needs a running guest; cold migration moves a stopped one. Disks on a host's local
// pool travel either way: QEMU copies them during a live migration, Kumo before a cold one.
result<bool> migration_kind(const vm& v, std::optional<bool> live) {
    const bool running = v.status == vm_status::active && v.power == power_state::running;
    const bool stopped = v.status == vm_status::stopped;
    if (!running && !stopped)
        return make_error(errc::conflict, std::string("a VM that is ") + to_string(v.status) +
                                              " cannot migrate; only running (live) or stopped (cold) VMs can");
    if (live.value_or(running) && !running)
        return make_error(errc::conflict, "live migration needs a running VM; this one is stopped (use live=false)");
    if (!live.value_or(running) && running)
        return make_error(errc::conflict, "cold migration needs a stopped VM; stop it first or migrate it live");
    return running;
}

// Where QEMU streams memory to: the host's migration address (e.g. on a storage network), else the
// address Kumo reaches it at over SSH; empty (libvirt's default, the target's hostname) for others.
std::string migration_address_of(const host& h) {
    if (!h.migration_address.empty())
        return "tcp://" + h.migration_address;
    if (!is_ssh_uri(h.uri))
        return {};
    auto t = parse_ssh_uri(h.uri, "uri");
    return t ? "tcp://" + t->host : std::string();
}

}  // namespace

struct mobility::live_run {
    explicit live_run(asio::io_context& io) : wake(io) {}
    bool done = false;
    result<void> outcome;
    asio::steady_timer wake;
};

mobility::plan mobility::plan_of(const operation& op, const vm& v) {
    plan p;
    p.v = v;
    p.source = op.params.value("source_host_id", "");
    p.target = op.params.value("target_host_id", "");
    p.live = op.params.value("live", true);
    p.target_address = op.params.value("target_address", "");
    p.max_downtime_ms = op.params.value("max_downtime_ms", std::int64_t{0});
    p.bandwidth_mib_s = op.params.value("bandwidth_mib_s", std::int64_t{0});
    p.copy_storage = op.params.value("copy_storage", false);
    p.shared_storage = op.params.value("shared_storage", false);
    return p;
}

namespace {

// What the scheduler is asked for a VM that moves: its sizes, flavor specs, zone and group, away from
// its host (to `host_id` when an administrator names one).
placement_input placement_of_move(sql::database& db, const vm& v, const std::string& host_id) {
    placement_input in;
    in.project_id = v.project_id;
    in.vcpus = v.vcpus;
    in.ram_mb = v.ram_mb;
    in.disk_gb = v.disk_gb + v.ephemeral_gb;
    if (auto f = repo::find_flavor(db, v.flavor_id))
        in.extra_specs = f->extra_specs;
    in.availability_zone = v.availability_zone;
    in.server_group_id = v.server_group_id;
    in.host_id = host_id;
    in.excluded_host_id = v.host_id;
    return in;
}

}  // namespace

result<void> mobility::record_migration(sql::database& db, const principal& who, const std::string& vm_id,
                                        const migrate_request& req, const std::set<std::string>& up, vm& v,
                                        operation& op) const {
    auto found = repo::find_vm(db, vm_id);
    if (!found || !who.can_see(found->project_id))
        return make_error(errc::not_found, "vm not found");
    if (found->task != vm_task::none)
        return make_error(errc::operation_in_progress, "another operation is running on this vm");
    KUMO_TRY(const disk_locality disks, disk_locality_of(cfg_, *found, repo::volumes_of_vm(db, found->id)));
    if (disks == disk_locality::mixed)
        return make_error(errc::conflict,
                          "the VM's disks are partly on shared and partly on local pools; detach the volumes "
                          "of the other kind first");
    KUMO_TRY(const bool live, migration_kind(*found, req.live));
    if (!req.host_id.empty() && req.host_id == found->host_id)
        return validation_error("host_id", "the VM already runs on this host");
    KUMO_TRY(auto decision, placement_.decide(db, up, placement_of_move(db, *found, req.host_id)));
    if (!decision.chosen)
        return make_error(errc::no_valid_host, "no valid host: " + decision.summary);
    const std::string now = to_rfc3339(system_clock().now());
    if (!repo::claim_vm_task(db, vm_id, vm_task::migrating, now))
        return make_error(errc::operation_in_progress, "another operation is running on this vm");
    v = *found;
    v.task = vm_task::migrating;
    v.updated_at = now;
    repo::insert_claim(db, v.id, *decision.chosen, {v.vcpus, v.ram_mb, v.disk_gb + v.ephemeral_gb, 1}, now);
    op.project_id = v.project_id;
    auto target = repo::find_host(db, *decision.chosen);
    op.params =
        json{{"source_host_id", v.host_id},
             {"target_host_id", *decision.chosen},
             {"live", live},
             {"target_address", target ? migration_address_of(*target) : ""},
             {"max_downtime_ms", req.max_downtime_ms > 0 ? req.max_downtime_ms : cfg_.migration_max_downtime_ms},
             {"bandwidth_mib_s", req.bandwidth_mib_s},
             {"copy_storage", disks == disk_locality::local},
             {"shared_storage", disks == disk_locality::shared}};
    repo::insert_operation(db, op);
    return {};
}

awaitable<result<vm_with_operation>> mobility::migrate(const principal& who, std::string vm_id, migrate_request req) {
    vm v;
    operation op = operations::make("vm.migrate", "/api/v1/vms/" + vm_id, vm_id, who.project_id, who.user_id);
    auto job = [&, up = vms_.up_hosts()](sql::database& db) {
        return record_migration(db, who, vm_id, req, up, v, op);
    };
    auto recorded = co_await store_.write(std::move(job));
    if (!recorded)
        co_return recorded.error();
    log::info("migration", "vm {}: {} migration from host {} to {}", v.id,
              op.params["live"].get<bool>() ? "live" : "cold", op.params["source_host_id"].get<std::string>(),
              op.params["target_host_id"].get<std::string>());
    bus_.publish({"vm", "updated", v.id, v.project_id, vm_view(v)});
    plan p = plan_of(op, v);
    ops_.start(op, migration_task(p), p.live);
    co_return vm_with_operation{v, op};
}

op_task mobility::migration_task(plan p) {
    return [this, p](op_context& ctx) -> awaitable<result<void>> {
        auto attached = [id = p.v.id](sql::database& db) -> result<std::vector<volume>> {
            return repo::volumes_of_vm(db, id);
        };
        auto found = co_await store_.read(std::move(attached));
        if (!found) {
            co_await finish(p, false, found.error().detail);
            co_return found.error();
        }
        const std::vector<volume> volumes = std::move(*found);
        // With shared pools the target reaches the VM's files (and its console log) through its own
        // definitions of the pools.
        if (p.shared_storage) {
            auto ready = co_await disks_.ensure_pools(p.target, p.v, volumes);
            if (!ready) {
                co_await finish(p, false, ready.error().detail);
                co_return ready.error();
            }
        }
        if (p.copy_storage) {
            auto ready = co_await copy_target_ready(p, volumes);
            if (!ready) {
                co_await finish(p, false, ready.error().detail);
                co_return ready.error();
            }
        }
        result<void> moved;
        if (p.live) {
            moved = co_await live_move(ctx, p);
        } else {
            if (p.copy_storage)
                moved = co_await disks_.copy_disks(p.v, p.target, volumes);
            if (moved)
                moved = co_await cold_move(p, volumes);
        }
        const bool arrived = co_await settle_location(p);
        if (p.copy_storage) {  // the copies the VM no longer uses: the source's after a move, else the target's
            vm left = p.v;
            left.host_id = arrived ? p.source : p.target;
            if (auto dropped = co_await disks_.drop_copies(left, volumes); !dropped)
                log::warn("migration", "vm {}: cannot remove its disks from host {}: {}", p.v.id, left.host_id,
                          dropped.error().detail);
        }
        const std::string fault = moved ? std::string() : moved.error().detail;
        co_await finish(p, arrived, fault);
        if (!moved && arrived)  // after the switch-over (e.g. the target's persistent define): the VM moved,
            co_return make_error(errc::internal,  // but is not as it should be there: say so, keep the fault
                                 "the vm now runs on the target host, but: " + moved.error().detail);
        if (moved && !arrived)
            co_return make_error(errc::internal, "the migration reported success but the VM is not on the target");
        if (!moved && ctx.cancelled())
            co_return make_error(errc::cancelled, "migration cancelled; the VM stays on its host");
        co_return moved;
    };
}

awaitable<result<void>> mobility::copy_target_ready(const plan& p, const std::vector<volume>& volumes) {
    vm there = p.v;
    there.host_id = p.target;
    auto ready = co_await disks_.prepare_copy_target(there, volumes);
    if (!ready)
        (void)co_await disks_.drop_copies(there, volumes);
    co_return ready;
}

awaitable<void> mobility::perform(std::shared_ptr<live_run> run, plan p) {
    if (fault_armed("migration-perform-throws", p.v.id))  // the owned helper's crash path, on demand
        throw std::runtime_error("fault point migration-perform-throws");
    migration_request r;
    r.target_address = p.target_address;
    r.max_downtime_ms = p.max_downtime_ms;
    r.bandwidth_mib_s = p.bandwidth_mib_s;
    r.shared_storage = p.shared_storage;
    r.copy_storage = p.copy_storage;
    // The move runs on connections of its own, so the hosts' connections stay free for the progress
    // polls and an abort (see host_registry::open_extra).
    const auto t0 = std::chrono::steady_clock::now();
    // Both at once: each is an SSH handshake and a libvirt open (~0.2 s in the lab).
    auto [source, target] = co_await (hosts_.open_extra(p.source) && hosts_.open_extra(p.target));
    if (!source) {
        run->outcome = source.error();
    } else if (!target) {
        run->outcome = target.error();
    } else {
        auto src = std::move(*source), dst = std::move(*target);
        auto job = [src, dst, r, id = p.v.id] { return src->migrate(id, *dst, r); };
        const auto t1 = std::chrono::steady_clock::now();
        run->outcome = co_await hosts_.run_blocking(std::move(job));
        const auto ms = [](auto d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
        log::info("migration", "vm {}: connections ready in {} ms, libvirt's migration took {} ms", p.v.id, ms(t1 - t0),
                  ms(std::chrono::steady_clock::now() - t1));
        if (run->outcome) {  // after a failure they may be half-broken: let them close
            hosts_.return_extra(p.source, std::move(src));
            hosts_.return_extra(p.target, std::move(dst));
        } else {  // no host id: not kept, just closed off the core thread
            hosts_.return_extra("", std::move(src));
            hosts_.return_extra("", std::move(dst));
        }
    }
    run->done = true;
    run->wake.cancel();
}

awaitable<void> mobility::poll_progress(op_context& ctx, const plan& p) {
    auto job = [id = p.v.id](hypervisor_connection& c) { return c.migration_job(id); };
    auto now = co_await hosts_.call(p.source, std::move(job));
    if (!now || !now->active || now->data_total == 0)
        co_return;
    ctx.progress = static_cast<int>(std::min<std::uint64_t>(99, now->data_processed * 100 / now->data_total));
    ctx.details = json{{"source_host_id", p.source},
                       {"target_host_id", p.target},
                       {"data_total", now->data_total},
                       {"data_processed", now->data_processed},
                       {"data_remaining", now->data_remaining}};
    co_await ops_.report(ctx, p.v.project_id);
}

awaitable<result<void>> mobility::live_move(op_context& ctx, plan p) {
    auto run = std::make_shared<live_run>(core_);
    // Owned: this coroutine waits for it below. An exception out of perform must still end that wait
    // (otherwise the progress poll runs forever with the VM's task lock held).
    asio::co_spawn(core_, perform(run, p), [run, id = p.v.id](std::exception_ptr e) {
        if (!e)
            return;
        log_task_end("migration", "vm " + id + ": migration", e);
        run->outcome = make_error(errc::internal, "the migration ended unexpectedly; see the daemon's log");
        run->done = true;
        run->wake.cancel();
    });
    bool aborted = false;
    while (!run->done) {
        run->wake.expires_after(std::chrono::seconds(1));  // progress once a second, as virsh --verbose
        boost::system::error_code ec;
        co_await run->wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (run->done)
            break;
        if (ctx.cancelled() && !aborted) {
            aborted = true;
            auto abort = [id = p.v.id](hypervisor_connection& c) { return c.abort_migration(id); };
            if (auto a = co_await hosts_.call(p.source, std::move(abort)); !a)
                log::warn("migration", "vm {}: cannot abort: {}", p.v.id, a.error().detail);
        }
        co_await poll_progress(ctx, p);
    }
    co_return run->outcome;
}

awaitable<result<void>> mobility::cold_move(plan p, std::vector<volume> volumes) {
    const std::string xml = vms_.domain_xml(p.v, vms_.virt_type_of(p.target));
    // The definition is made from the database, which has the attached volumes apart: they go back in.
    std::vector<std::pair<volume_place, std::string>> disks;  // where, device
    for (const auto& vol : volumes) {
        KUMO_CO_TRY(volume_place place, place_of(cfg_, vol));
        disks.emplace_back(std::move(place), vol.device);
    }
    auto define = [xml, disks, id = p.v.id](hypervisor_connection& c) -> result<void> {
        KUMO_TRY_VOID(c.define(xml));
        for (const auto& [place, device] : disks) {
            KUMO_TRY(auto path, c.find_volume(place.pool.name, place.name));
            if (!path)
                return make_error(errc::internal, "volume " + place.name + " is missing on the target");
            KUMO_TRY_VOID(c.attach_disk(id, place.disk(*path), device));
        }
        return {};
    };
    KUMO_CO_TRY_VOID(co_await hosts_.call(p.target, std::move(define)));
    auto undefine = [id = p.v.id](hypervisor_connection& c) { return c.undefine(id); };
    auto gone = co_await hosts_.call(p.source, std::move(undefine));
    co_return gone;
}

awaitable<bool> mobility::settle_location(const plan& p) {
    auto on_source = co_await vms_.power_of(p.v);
    vm at_target = p.v;
    at_target.host_id = p.target;
    auto on_target = co_await vms_.power_of(at_target);
    const bool source_has = !on_source || *on_source != power_state::missing;  // unknown: assume it still has it
    const bool target_has = on_target && *on_target != power_state::missing;
    if (target_has && !source_has)
        co_return true;
    if (target_has) {
        // Both have it (a cold move half done, a live move that failed late): the source's copy wins.
        auto cleanup = [id = p.v.id](hypervisor_connection& c) -> result<void> {
            (void)c.destroy(id);
            return c.undefine(id);
        };
        if (auto r = co_await hosts_.call(p.target, std::move(cleanup)); !r)
            log::warn("migration", "vm {}: cannot remove the copy on host {}: {}", p.v.id, p.target, r.error().detail);
    }
    co_return false;
}

awaitable<void> mobility::finish(plan p, bool moved, const std::string& fault) {
    vm v = p.v;
    if (moved)
        v.host_id = p.target;
    auto power = co_await vms_.power_of(v);
    v.task = vm_task::none;
    v.power = power ? *power : power_state::unknown;
    v.status = power ? status_from_power(*power) : v.status;
    v.fault.clear();
    if (!moved && !fault.empty())
        log::warn("migration", "vm {} stays on host {}: {}", v.id, p.source, fault);
    if (moved && !fault.empty()) {  // e.g. transient on the target: the next start elsewhere would lose it
        v.fault = "migrated, but: " + fault;
        log::error("migration", "vm {} moved to host {}, but: {}", v.id, p.target, fault);
    }
    v.updated_at = to_rfc3339(system_clock().now());
    auto job = [v, moved, p, now = v.updated_at](sql::database& db) -> result<void> {
        repo::update_vm(db, v);
        repo::release_claims(db, v.id, moved ? p.source : p.target);
        if (moved)  // its volumes and the cached images it boots from are on (or reached through) the target now
            repo::move_vm_storage(db, v.id, {v.image_id, v.kernel_image, v.ramdisk_image}, p.source, p.target, now);
        return {};
    };
    const std::string what = "the end of vm " + v.id + "'s migration";
    (void)co_await lasting_write(store_, std::move(job), what);
    bus_.publish({"vm", "updated", v.id, v.project_id, vm_view(v)});
}

void mobility::resume(operation op, std::optional<vm> v) {
    if (!v) {
        ops_.start(
            op,
            [](op_context&) -> awaitable<result<void>> {
                co_return make_error(errc::internal, "the VM of this migration no longer exists");
            },
            false);
        return;
    }
    // The previous daemon drove the migration; libvirt ended it with that daemon's connections. Only
    // where the VM now is remains to be recorded.
    plan p = plan_of(op, *v);
    ops_.start(
        op,
        [this, p](op_context&) -> awaitable<result<void>> {
            const bool arrived = co_await settle_location(p);
            const std::string fault = arrived ? "" : "interrupted by a daemon restart";
            co_await finish(p, arrived, fault);
            if (arrived)
                co_return result<void>{};
            co_return make_error(errc::internal, "the daemon restarted during the migration; the VM stays on its host");
        },
        false);
}

}  // namespace kumo
