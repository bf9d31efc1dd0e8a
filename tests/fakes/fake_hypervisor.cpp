#include "fake_hypervisor.hpp"

#include <fstream>

namespace kumo::test {

// What a connection shares with the driver: whether it is still open, and whom to tell when it closes.
struct link {
    bool open = true;
    connection_callbacks callbacks;
};

namespace {

std::string between(const std::string& xml, const std::string& open, const std::string& close) {
    auto a = xml.find(open);
    auto b = xml.find(close, a == std::string::npos ? 0 : a);
    if (a == std::string::npos || b == std::string::npos)
        return {};
    return xml.substr(a + open.size(), b - a - open.size());
}

}  // namespace

class fake_connection final : public hypervisor_connection {
public:
    fake_connection(std::mutex& m, std::shared_ptr<fake_driver::host_state> h, std::shared_ptr<link> l)
        : mutex_(m), host_(std::move(h)), link_(std::move(l)) {}

    result<host_inventory> inventory() override {
        std::lock_guard g(mutex_);
        KUMO_TRY_VOID(check_open());
        return host_->inventory;
    }
    result<void> define(const std::string& xml) override {
        const std::string uuid = between(xml, "<uuid>", "</uuid>");
        const std::string name = between(xml, "<name>", "</name>");
        if (uuid.empty() || name.empty())
            return make_error(errc::bad_request, "define domain: XML error");
        std::lock_guard g(mutex_);
        KUMO_TRY_VOID(check_open());
        host_->domains.try_emplace(uuid, fake_driver::domain{name, power_state::shutoff});
        return {};
    }
    result<void> start(const std::string& uuid) override {
        return change(uuid, "start", {power_state::shutoff}, power_state::running);
    }
    result<void> shutdown(const std::string& uuid) override {
        return change(uuid, "shutdown", {power_state::running}, power_state::shutoff);
    }
    result<void> destroy(const std::string& uuid) override {
        return change(uuid, "power off", {power_state::running, power_state::paused}, power_state::shutoff);
    }
    result<void> reboot(const std::string& uuid, bool) override {
        return change(uuid, "reboot", {power_state::running}, power_state::running);
    }
    result<void> suspend(const std::string& uuid) override {
        return change(uuid, "suspend", {power_state::running}, power_state::paused);
    }
    result<void> resume(const std::string& uuid) override {
        return change(uuid, "resume", {power_state::paused}, power_state::running);
    }
    result<void> undefine(const std::string& uuid) override {
        std::lock_guard g(mutex_);
        KUMO_TRY_VOID(check_open());
        if (!host_->domains.erase(uuid))
            return make_error(errc::not_found, "undefine: domain not found");
        return {};
    }
    result<power_state> state(const std::string& uuid) override {
        std::lock_guard g(mutex_);
        KUMO_TRY_VOID(check_open());
        auto it = host_->domains.find(uuid);
        return it == host_->domains.end() ? power_state::missing : it->second.power;
    }
    result<std::vector<domain_status>> list_domains() override {
        std::lock_guard g(mutex_);
        KUMO_TRY_VOID(check_open());
        std::vector<domain_status> out;
        for (const auto& [uuid, d] : host_->domains)
            out.push_back({uuid, d.name, d.power});
        return out;
    }
    bool alive() override {
        std::lock_guard g(mutex_);
        return link_->open;
    }
    // libvirt's test driver implements no migration, job, hot-plug or resize calls; the fake answers as
    // it does (the contract suite checks both), so no service test relies on behavior only the fake has.
    // The lab and QEMU tiers run the real ones.
    result<void> migrate(const std::string& uuid, hypervisor_connection&, const migration_request&) override {
        return unsupported(uuid, "migrate", "virDomainMigrate3");
    }
    result<migration_progress> migration_job(const std::string& uuid) override {
        KUMO_TRY_VOID(unsupported(uuid, "migration progress", "virDomainGetJobInfo"));
        return migration_progress{};
    }
    result<void> abort_migration(const std::string& uuid) override {
        return unsupported(uuid, "abort migration", "virDomainAbortJob");
    }
    result<std::string> baseline_cpu(const std::vector<std::string>&, const std::string&) override {
        return std::string("<cpu mode='custom' match='exact'><model fallback='forbid'>fake-cpu</model></cpu>");
    }

    result<std::string> ensure_pool(const pool_def& pool) override {
        std::lock_guard g(mutex_);
        KUMO_TRY_VOID(check_open());
        auto [it, added] = host_->pools->try_emplace(pool.name);
        if (added)
            it->second.path = pool.path;
        return it->second.path;
    }
    result<std::optional<std::string>> find_volume(const std::string& pool, const std::string& name) override {
        std::lock_guard g(mutex_);
        KUMO_TRY(auto* p, pool_of(pool));
        if (!p->volumes.count(name))
            return std::optional<std::string>();
        return std::optional<std::string>(p->path + "/" + name);
    }
    result<std::string> create_volume(const std::string& pool, const volume_spec& spec) override {
        std::lock_guard g(mutex_);
        KUMO_TRY(auto* p, pool_of(pool));
        if (p->volumes.count(spec.name))
            return make_error(errc::conflict, "create volume: storage volume already exists");
        std::string content;
        if (!spec.copy_of.empty()) {
            KUMO_TRY(auto* from, pool_of(spec.copy_of_pool.empty() ? pool : spec.copy_of_pool));
            auto source = from->volumes.find(spec.copy_of);
            if (source == from->volumes.end())
                return make_error(errc::not_found, "create volume: source volume not found");
            content = source->second;
        }
        p->volumes[spec.name] = content;
        return p->path + "/" + spec.name;
    }
    result<std::string> upload_volume(const std::string& pool, const std::string& name,
                                      const std::string& local_file) override {
        std::ifstream in(local_file, std::ios::binary);
        if (!in)
            return make_error(errc::internal, "cannot open " + local_file);
        std::string content((std::istreambuf_iterator<char>(in)), {});
        std::lock_guard g(mutex_);
        KUMO_TRY(auto* p, pool_of(pool));
        if (p->volumes.count(name))
            return make_error(errc::conflict, "upload volume: storage volume already exists");
        p->volumes[name] = std::move(content);
        return p->path + "/" + name;
    }
    result<std::string> read_volume_tail(const std::string& pool, const std::string& name,
                                         std::size_t max_bytes) override {
        std::lock_guard g(mutex_);
        KUMO_TRY(auto* p, pool_of(pool));
        auto it = p->volumes.find(name);
        if (it == p->volumes.end())
            return make_error(errc::not_found, "volume not found");
        const std::string& c = it->second;
        return c.size() > max_bytes ? c.substr(c.size() - max_bytes) : c;
    }
    result<void> download_volume(const std::string& pool, const std::string& name,
                                 const std::string& local_file) override {
        std::lock_guard g(mutex_);
        KUMO_TRY(auto* p, pool_of(pool));
        auto it = p->volumes.find(name);
        if (it == p->volumes.end())
            return make_error(errc::not_found, "volume not found");
        std::ofstream out(local_file, std::ios::binary | std::ios::trunc);
        out << it->second;
        if (!out.flush())
            return make_error(errc::internal, "cannot write " + local_file);
        return {};
    }
    result<void> delete_volume(const std::string& pool, const std::string& name) override {
        std::unique_lock g(mutex_);
        ++host_->deletes_waiting;
        host_->deletes_released.wait(g, [this] { return !host_->deletes_held; });
        --host_->deletes_waiting;
        KUMO_TRY(auto* p, pool_of(pool));
        p->volumes.erase(name);
        return {};
    }

    result<void> resize_volume(const std::string& pool, const std::string& name, std::int64_t) override {
        std::lock_guard g(mutex_);
        KUMO_TRY(auto* p, pool_of(pool));
        if (!p->volumes.count(name))
            return make_error(errc::not_found, "volume " + name + ": storage volume not found");
        return not_supported("resize volume " + name, "virStorageVolResize");
    }
    result<void> attach_disk(const std::string& uuid, const disk_spec&, const std::string&) override {
        return unsupported(uuid, "attach disk", "virDomainAttachDeviceFlags");
    }
    result<void> detach_disk(const std::string& uuid, const disk_spec&, const std::string&) override {
        return unsupported(uuid, "detach disk", "virDomainDetachDeviceFlags");
    }

    result<void> create_snapshot(const std::string& uuid, const std::string& name, const std::vector<std::string>&,
                                 bool with_memory) override {
        std::lock_guard g(mutex_);
        KUMO_TRY_VOID(check_open());
        auto it = host_->domains.find(uuid);
        if (it == host_->domains.end())
            return make_error(errc::not_found, "snapshot: domain not found");
        if ((it->second.power == power_state::running) != with_memory)
            return make_error(errc::conflict, "snapshot: memory only with a running guest");
        it->second.snapshots[name] = it->second.power;
        return {};
    }
    result<void> revert_snapshot(const std::string& uuid, const std::string& name) override {
        std::lock_guard g(mutex_);
        KUMO_TRY_VOID(check_open());
        auto it = host_->domains.find(uuid);
        if (it == host_->domains.end())
            return make_error(errc::not_found, "revert: domain not found");
        auto snap = it->second.snapshots.find(name);
        if (snap == it->second.snapshots.end())
            return make_error(errc::not_found, "revert: no such snapshot");
        it->second.power = snap->second;
        return {};
    }
    result<void> delete_snapshot(const std::string& uuid, const std::string& name) override {
        std::lock_guard g(mutex_);
        KUMO_TRY_VOID(check_open());
        auto it = host_->domains.find(uuid);
        if (it == host_->domains.end())
            return make_error(errc::not_found, "delete snapshot: domain not found");
        it->second.snapshots.erase(name);
        return {};
    }

private:
    result<fake_driver::pool*> pool_of(const std::string& name) {
        KUMO_TRY_VOID(check_open());
        auto it = host_->pools->find(name);
        if (it == host_->pools->end())
            return make_error(errc::not_found, "storage pool not found");
        return &it->second;
    }
    static error not_supported(const std::string& what, const char* function) {
        return make_error(errc::internal,
                          what + ": this function is not supported by the connection driver: " + function);
    }
    // As the libvirt adapter: the domain is looked up first (not_found), then the driver refuses.
    result<void> unsupported(const std::string& uuid, const char* what, const char* function) {
        std::lock_guard g(mutex_);
        KUMO_TRY_VOID(check_open());
        if (!host_->domains.count(uuid))
            return make_error(errc::not_found, std::string(what) + ": domain not found");
        return not_supported(what, function);
    }
    result<void> check_open() const {
        if (!link_->open)
            return make_error(errc::host_unreachable, "connection closed");
        return {};
    }
    // Like libvirt: an action from the wrong state is "operation invalid" (conflict).
    result<void> change(const std::string& uuid, const char* what, std::initializer_list<power_state> from,
                        power_state to) {
        std::lock_guard g(mutex_);
        KUMO_TRY_VOID(check_open());
        auto it = host_->domains.find(uuid);
        if (it == host_->domains.end())
            return make_error(errc::not_found, std::string(what) + ": domain not found");
        for (power_state p : from)
            if (it->second.power == p) {
                it->second.power = to;
                return {};
            }
        return make_error(errc::conflict, std::string(what) + ": requested operation is not valid");
    }

    std::mutex& mutex_;
    std::shared_ptr<fake_driver::host_state> host_;
    std::shared_ptr<link> link_;
};

void fake_driver::add_host(const std::string& uri, int cpus, std::int64_t memory_mb) {
    std::lock_guard g(mutex_);
    auto h = std::make_shared<host_state>();
    h->inventory = host_inventory{"fake-cpu", cpus, memory_mb, "x86_64", "FAKE", "1.0.0", "1.0.0", "fake"};
    hosts_[uri] = h;
}

void fake_driver::share_storage(const std::string& uri, const std::string& with) {
    std::lock_guard g(mutex_);
    hosts_.at(uri)->pools = hosts_.at(with)->pools;
}

bool fake_driver::has_volume(const std::string& uri, const std::string& pool, const std::string& name) {
    std::lock_guard g(mutex_);
    const auto& pools = *hosts_.at(uri)->pools;
    auto it = pools.find(pool);
    return it != pools.end() && it->second.volumes.count(name) == 1;
}

void fake_driver::set_reachable(const std::string& uri, bool reachable) {
    std::lock_guard g(mutex_);
    hosts_.at(uri)->reachable = reachable;
}

void fake_driver::drop_connections(const std::string& uri) {
    std::vector<std::shared_ptr<link>> closed;
    {
        std::lock_guard g(mutex_);
        for (auto& w : hosts_.at(uri)->links)
            if (auto l = w.lock(); l && l->open) {
                l->open = false;
                closed.push_back(l);
            }
    }
    for (auto& l : closed)
        if (l->callbacks.on_closed)
            l->callbacks.on_closed("connection dropped by the test");
}

int fake_driver::connects(const std::string& uri) {
    std::lock_guard g(mutex_);
    return hosts_.at(uri)->connects;
}

std::vector<std::chrono::steady_clock::time_point> fake_driver::connect_attempts(const std::string& uri) {
    std::lock_guard g(mutex_);
    return hosts_.at(uri)->attempts;
}

int fake_driver::open_connections(const std::string& uri) {
    std::lock_guard g(mutex_);
    int n = 0;
    for (auto& w : hosts_.at(uri)->links)
        if (auto l = w.lock(); l && l->open)
            ++n;
    return n;
}

void fake_driver::hold_volume_deletes(const std::string& uri) {
    std::lock_guard g(mutex_);
    hosts_.at(uri)->deletes_held = true;
}

void fake_driver::release_volume_deletes(const std::string& uri) {
    std::lock_guard g(mutex_);
    auto& h = *hosts_.at(uri);
    h.deletes_held = false;
    h.deletes_released.notify_all();
}

int fake_driver::volume_deletes_waiting(const std::string& uri) {
    std::lock_guard g(mutex_);
    return hosts_.at(uri)->deletes_waiting;
}

void fake_driver::hold_connects() {
    std::lock_guard g(mutex_);
    held_ = true;
}

void fake_driver::release_connects() {
    {
        std::lock_guard g(mutex_);
        held_ = false;
    }
    released_.notify_all();
}

int fake_driver::connects_waiting() {
    std::lock_guard g(mutex_);
    return waiting_;
}

result<std::unique_ptr<hypervisor_connection>> fake_driver::connect(const std::string& uri,
                                                                    connection_callbacks callbacks) {
    std::unique_lock g(mutex_);
    auto it = hosts_.find(uri);
    if (it != hosts_.end())
        it->second->attempts.push_back(std::chrono::steady_clock::now());
    ++waiting_;
    released_.wait(g, [this] { return !held_; });
    --waiting_;
    if (it == hosts_.end() || !it->second->reachable)
        return make_error(errc::host_unreachable, "cannot connect to " + uri);
    auto l = std::make_shared<link>();
    l->callbacks = std::move(callbacks);
    it->second->links.push_back(l);
    ++it->second->connects;
    return std::unique_ptr<hypervisor_connection>(new fake_connection(mutex_, it->second, l));
}

}  // namespace kumo::test
