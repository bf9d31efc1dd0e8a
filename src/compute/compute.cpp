#include "compute.hpp"

#include "compute_views.hpp"
#include "kumo/core/clock.hpp"
#include "kumo/core/ids.hpp"
#include "kumo/host/claim_repo.hpp"
#include "kumo/hypervisor/domain_xml.hpp"
#include "kumo/operations/operation_repo.hpp"
#include "kumo/store/lasting_write.hpp"
#include "kumo/store/list_query.hpp"
#include "vm_repo.hpp"

#include <fmt/format.h>
#include <random>

namespace kumo {
namespace {

std::string vm_resource(const std::string& id) {
    return "/api/v1/vms/" + id;
}

}  // namespace

result<placement_input> compute::placement_for(const principal& who, const create_vm_request& req) const {
    if (!req.host_id.empty() && !who.is_admin() && req.clone_of.empty())
        return make_error(errc::forbidden, "only administrators may choose the host");
    if (who.scope != "project")
        return make_error(errc::forbidden, "VMs are created with a project-scoped token");
    placement_input in;
    in.project_id = who.project_id;
    in.availability_zone = req.availability_zone;
    in.server_group_id = req.server_group_id;
    in.host_id = req.host_id;
    // Seeds the random placer; std::random_device is costly to open, so once per thread.
    thread_local std::mt19937_64 seeds{std::random_device{}()};
    in.random_seed = seeds();
    return in;
}

std::set<std::string> compute::up_hosts() const {
    std::set<std::string> up;
    for (const auto& h : hosts_.hosts())
        if (hosts_.is_up(h.id))
            up.insert(h.id);
    return up;
}

result<std::set<std::string>> compute::hosts_for(const vm& v) const {
    if (v.image_id.empty())
        return up_hosts();
    std::set<std::string> up;
    bool simulated = false;
    for (const auto& h : hosts_.hosts()) {
        if (!hosts_.is_up(h.id))
            continue;
        if (is_simulated(h))
            simulated = true;
        else
            up.insert(h.id);
    }
    if (up.empty() && simulated)
        return make_error(errc::conflict,
                          "VMs from images need a host with storage; simulated hosts (libvirt's test driver) have "
                          "none: add a real host, or create the VM without image_id");
    return up;
}

namespace {

// The flavor's resources into the placement request. Errors: validation_failed (flavor_id).
result<flavor> flavor_into(sql::database& db, const std::string& flavor_id, placement_input& in) {
    auto f = repo::find_flavor(db, flavor_id);
    if (!f)
        return validation_error("flavor_id", "no flavor with this id");
    in.vcpus = f->vcpus;
    in.ram_mb = f->ram_mb;
    in.disk_gb = f->disk_gb + f->ephemeral_gb;  // both live in the host's pool
    in.extra_specs = f->extra_specs;
    return *f;
}

}  // namespace

awaitable<result<void>> compute::apply_image(const principal& who, const create_vm_request& req, vm& v,
                                             image_needs& needs) {
    if (req.image_id.empty())
        co_return result<void>{};
    KUMO_CO_TRY(const image root, co_await images_.usable(who, req.image_id, "image_id"));
    if (root.disk_format != "qcow2" && root.disk_format != "raw" && root.disk_format != "iso")
        co_return validation_error("image_id",
                                   "VMs boot from qcow2, raw or iso images (this one is " + root.disk_format + ")");
    v.image_id = root.id;
    needs.min_disk_gb = root.min_disk_gb;
    needs.min_ram_mb = root.min_ram_mb;
    if (root.disk_format == "iso") {  // an installer: booted as a CD-ROM, onto a blank root disk
        v.boot_from_cdrom = true;
        co_return result<void>{};
    }
    needs.virtual_size = root.virtual_size;
    // Kernel and ramdisk named by the image (Glance's kernel_id/ramdisk_id), copied into the VM so a later
    // change of the image's properties does not change how an existing VM boots.
    const std::pair<const char*, const char*> parts[] = {{"kernel_id", "aki"}, {"ramdisk_id", "ari"}};
    for (const auto& [property, format] : parts) {
        auto it = root.properties.find(property);
        if (it == root.properties.end())
            continue;
        KUMO_CO_TRY(const image part, co_await images_.usable(who, it->second, "image_id"));
        if (part.disk_format != format)
            co_return validation_error("image_id", fmt::format("the image's {} is not a {} image", property, format));
        (std::string_view(property) == "kernel_id" ? v.kernel_image : v.ramdisk_image) = part.id;
    }
    if (auto cmdline = root.properties.find("os_command_line"); cmdline != root.properties.end())
        v.cmdline = cmdline->second;
    co_return result<void>{};
}

namespace {

// As Nova: a flavor disk of 0 takes the image's size; otherwise it must hold the image. Errors:
// validation_failed (flavor_id).
result<void> check_flavor_fits(const flavor& f, const vm& v, const image_needs& needs) {
    if (v.image_id.empty())
        return {};
    const std::int64_t needed_gb =
        std::max<std::int64_t>(needs.min_disk_gb, (needs.virtual_size + (1LL << 30) - 1) >> 30);
    if (v.boot_from_cdrom && f.disk_gb == 0)
        return validation_error("flavor_id",
                                "an ISO installs onto the root disk: choose a flavor with disk_gb above 0");
    if (f.disk_gb != 0 && f.disk_gb < needed_gb)
        return validation_error("flavor_id", fmt::format("the flavor's disk ({} GiB) is smaller than the image needs "
                                                         "({} GiB)",
                                                         f.disk_gb, needed_gb));
    if (f.ram_mb < needs.min_ram_mb)
        return validation_error("flavor_id", fmt::format("the image needs at least {} MiB of RAM", needs.min_ram_mb));
    return {};
}

}  // namespace

result<void> compute::record_new_vm(sql::database& db, vm& v, const operation& op, placement_input in,
                                    const std::set<std::string>& up, const std::string& key_name,
                                    const image_needs& needs) const {
    KUMO_TRY(auto f, check_new_vm(db, v, in, key_name, needs));
    KUMO_TRY(auto decision, placement_.decide(db, up, in));
    if (!decision.chosen)
        return make_error(errc::no_valid_host, "no valid host: " + decision.summary);
    v.host_id = *decision.chosen;
    v.vcpus = f.vcpus;
    v.ram_mb = f.ram_mb;
    v.disk_gb = f.disk_gb;
    v.ephemeral_gb = f.ephemeral_gb;
    repo::insert_vm(db, v);
    repo::insert_claim(db, v.id, v.host_id, {v.vcpus, v.ram_mb, v.disk_gb + v.ephemeral_gb, 1}, v.created_at);
    repo::insert_operation(db, op);
    return {};
}

result<flavor> compute::check_new_vm(sql::database& db, vm& v, placement_input& in, const std::string& key_name,
                                     const image_needs& needs) const {
    KUMO_TRY(auto f, flavor_into(db, v.flavor_id, in));
    KUMO_TRY_VOID(check_flavor_fits(f, v, needs));
    if (!key_name.empty()) {
        auto key = repo::find_keypair(db, v.user_id, key_name);
        if (!key)
            return validation_error("key_name", "you have no key pair with this name");
        v.public_keys = key->public_key;
    }
    // Checked in the transaction that inserts the VM: concurrent creates cannot overshoot the quota.
    KUMO_TRY_VOID(resources_.check(
        db, v.project_id,
        {{"instances", 1}, {"vcpus", f.vcpus}, {"ram_mb", f.ram_mb}, {"disk_gb", f.disk_gb + f.ephemeral_gb}}));
    return f;
}

awaitable<result<void>> compute::new_vm_of(const principal& who, const create_vm_request& req, vm& v,
                                           image_needs& needs) {
    KUMO_CO_TRY_VOID(co_await apply_image(who, req, v, needs));
    v.user_data = req.user_data;
    if (!req.clone_of.empty()) {  // it boots as its source does, with the source's keys
        KUMO_CO_TRY(const vm source, co_await get(who, req.clone_of));
        v.clone_of = source.id;
        v.public_keys = source.public_keys;
        v.kernel_image = source.kernel_image;
        v.ramdisk_image = source.ramdisk_image;
        v.cmdline = source.cmdline;
    }
    v.id = new_uuid();
    v.name = req.name;
    v.project_id = who.project_id;
    v.user_id = who.user_id;
    v.flavor_id = req.flavor_id;
    v.availability_zone = req.availability_zone;
    v.server_group_id = req.server_group_id;
    v.status = vm_status::building;
    v.task = vm_task::spawning;
    v.vnc_password = random_hex(4);  // VNC passwords are at most 8 characters
    v.created_at = v.updated_at = to_rfc3339(system_clock().now());
    co_return result<void>{};
}

awaitable<result<compute::new_vm_plan>> compute::plan_new_vm(const principal& who, const create_vm_request& req) {
    new_vm_plan p;
    KUMO_CO_TRY(p.in, placement_for(who, req));
    KUMO_CO_TRY_VOID(co_await new_vm_of(who, req, p.v, p.needs));
    KUMO_CO_TRY(p.up, hosts_for(p.v));
    co_return p;
}

awaitable<result<vm_with_operation>> compute::create(const principal& who, create_vm_request req) {
    KUMO_CO_TRY(new_vm_plan plan, co_await plan_new_vm(who, req));
    vm& v = plan.v;
    operation op = operations::make("vm.create", vm_resource(v.id), v.id, who.project_id, who.user_id);
    auto job = [this, &v, &op, in = std::move(plan.in), up = std::move(plan.up), key_name = req.key_name,
                needs = plan.needs](sql::database& db) { return record_new_vm(db, v, op, in, up, key_name, needs); };
    KUMO_CO_TRY_VOID(co_await store_.write(std::move(job)));
    bus_.publish({"vm", "created", v.id, v.project_id, vm_view(v)});
    ops_.start(op, create_task(v), false);
    co_return vm_with_operation{v, op};
}

awaitable<result<vm_with_operation>> compute::clone(const principal& who, const std::string& vm_id, std::string name) {
    KUMO_CO_TRY(const vm source, co_await get(who, vm_id));
    if (source.image_id.empty())
        co_return make_error(errc::conflict, "the VM has no root disk to copy (it was not built from an image)");
    if (source.status != vm_status::stopped || source.task != vm_task::none)
        co_return make_error(errc::conflict, "stop the VM first: its root disk is copied as it is on the host");
    create_vm_request req;
    req.name = std::move(name);
    req.flavor_id = source.flavor_id;
    req.host_id = source.host_id;  // where the disk to copy is
    req.availability_zone = source.availability_zone;
    req.image_id = source.image_id;
    req.user_data = source.user_data;
    req.clone_of = source.id;
    auto made = co_await create(who, std::move(req));
    co_return made;
}

awaitable<result<placement_decision>> compute::explain(const principal& who, create_vm_request req) {
    // Every check the create makes (image, flavor, key, quota), then the placement; nothing written.
    KUMO_CO_TRY(new_vm_plan plan, co_await plan_new_vm(who, req));
    auto job = [this, v = std::move(plan.v), in = std::move(plan.in), key_name = req.key_name, needs = plan.needs,
                up = std::move(plan.up)](sql::database& db) mutable -> result<placement_decision> {
        KUMO_TRY_VOID(check_new_vm(db, v, in, key_name, needs));
        return placement_.decide(db, up, in);
    };
    auto decided = co_await store_.read(std::move(job));
    co_return decided;
}

awaitable<void> compute::fail_build(vm v) {
    v.updated_at = to_rfc3339(system_clock().now());
    auto job = [v](sql::database& db) -> result<void> {
        repo::update_vm(db, v);
        repo::release_claims(db, v.id);
        return {};
    };
    // Lost, the claim would hold the host's capacity for a VM that does not exist.
    const std::string what = "the failed build of vm " + v.id + " (and its claim's release)";
    (void)co_await lasting_write(store_, std::move(job), what);
    bus_.publish({"vm", "updated", v.id, v.project_id, vm_view(v)});
}

awaitable<result<vm_with_operation>> compute::act(const principal& who, const std::string& id, vm_action a,
                                                  action_options opts) {
    vm v;
    operation op = operations::make(operation_kind(a), vm_resource(id), id, who.project_id, who.user_id,
                                    json{{"force", opts.force}, {"hard", opts.hard}});
    auto job = [&](sql::database& db) -> result<void> {
        auto found = repo::find_vm(db, id);
        if (!found || !who.can_see(found->project_id))
            return make_error(errc::not_found, "vm not found");
        KUMO_TRY_VOID(check_action_allowed(*found, a));
        const std::string now = to_rfc3339(system_clock().now());
        if (!repo::claim_vm_task(db, id, task_for(a), now))
            return make_error(errc::operation_in_progress, "another operation is running on this vm");
        v = *found;
        v.task = task_for(a);
        v.updated_at = now;
        op.project_id = v.project_id;  // an admin acting on a project's VM: the op belongs to that project
        repo::insert_operation(db, op);
        return {};
    };
    auto claimed = co_await store_.write(std::move(job));
    if (!claimed)
        co_return claimed.error();
    bus_.publish({"vm", "updated", v.id, v.project_id, vm_view(v)});
    ops_.start(op, action_task(v, a, opts), a == vm_action::stop);
    co_return vm_with_operation{v, op};
}

awaitable<result<vm>> compute::get(const principal& who, const std::string& id) {
    auto job = [id](sql::database& db) -> result<std::optional<vm>> { return repo::find_vm(db, id); };
    auto found = co_await store_.read(std::move(job));
    if (!found)
        co_return found.error();
    if (!*found || !who.can_see((*found)->project_id))
        co_return make_error(errc::not_found, "vm not found");
    co_return **found;
}

awaitable<result<std::string>> compute::console_log(const principal& who, const std::string& id,
                                                    std::size_t max_bytes) {
    KUMO_CO_TRY(const vm v, co_await get(who, id));
    auto tail = co_await storage_.console_log(v, max_bytes);
    co_return tail;
}

awaitable<result<std::vector<vm>>> compute::list(const principal& who, repo::list_query q) {
    if (!who.is_admin() || q.project_id.empty())
        q.project_id = who.project_id;
    if (who.is_admin() && q.project_id == "*")
        q.project_id.clear();
    auto job = [q](sql::database& db) -> result<std::vector<vm>> { return repo::list_vms(db, q); };
    auto awaited = co_await store_.read(std::move(job));
    co_return awaited;
}

awaitable<void> compute::release_crashed(const operation& op) {
    if (op.resource != vm_resource(op.target_id))
        co_return;
    auto job = [id = op.target_id](sql::database& db) -> result<std::optional<vm>> { return repo::find_vm(db, id); };
    auto found = co_await store_.read(std::move(job));
    if (!found || !*found)
        co_return;
    vm v = **found;
    const bool building = v.status == vm_status::building;
    v.task = vm_task::none;
    if (op.kind == "vm.migrate") {  // it held a claim on both hosts: keep the one where the record says it is
        auto release = [id = v.id, here = v.host_id, params = op.params](sql::database& db) -> result<void> {
            for (const char* side : {"source_host_id", "target_host_id"})
                if (const std::string host = params.value(side, ""); !host.empty() && host != here)
                    repo::release_claims(db, id, host);
            return {};
        };
        const std::string what = "the release of vm " + v.id + "'s migration claim";
        (void)co_await lasting_write(store_, std::move(release), what);
    }
    if (!building) {
        co_await save_vm(std::move(v));
        co_return;
    }
    v.status = vm_status::error;
    v.fault = "internal error while building the vm";
    co_await fail_build(std::move(v));
}

awaitable<void> compute::save_vm(vm v) {
    v.updated_at = to_rfc3339(system_clock().now());
    auto job = [v](sql::database& db) -> result<void> {
        repo::update_vm(db, v);
        return {};
    };
    const std::string what = "the state of vm " + v.id;
    (void)co_await lasting_write(store_, std::move(job), what);
    bus_.publish({"vm", "updated", v.id, v.project_id, vm_view(v)});
}

std::string compute::virt_type_of(const std::string& host_id) const {
    auto h = hosts_.find(host_id);
    return h ? h->virt_type : "kvm";
}

std::string compute::domain_xml(const vm& v, const std::string& virt_type) const {
    domain_spec spec;
    spec.uuid = v.id;
    spec.title = v.name;
    spec.project_id = v.project_id;
    spec.kind = guest_kind_for(virt_type);
    spec.vcpus = v.vcpus;
    spec.memory_mb = v.ram_mb;
    spec.cpu_model = cfg_.cpu_model;
    // Only hardware-accelerated guests get the baseline: it describes what the hosts' CPUs offer,
    // which emulation cannot provide.
    if (virt_type == "kvm" && cfg_.cpu_mode == "baseline")
        spec.cpu_xml = hosts_.baseline().xml;
    spec.vnc_password = v.vnc_password;
    vm_disk_layout disks = storage_.layout(v);
    spec.disks = std::move(disks.disks);
    spec.kernel = std::move(disks.kernel);
    spec.initrd = std::move(disks.initrd);
    spec.cmdline = v.cmdline;
    spec.console_log = std::move(disks.console_log);
    spec.cdrom = std::move(disks.cdrom);
    return render_domain_xml(spec);
}

}  // namespace kumo
