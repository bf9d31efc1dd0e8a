#pragma once
// Connected hosts. Lives on the core thread; every hypervisor call runs on the host's own strand on
// the libvirt pool, so a hung host stalls only itself. Lost connections are retried with backoff.
#include "kumo/core/config.hpp"
#include "kumo/host/host.hpp"
#include "kumo/hypervisor/hypervisor.hpp"
#include "kumo/operations/event_bus.hpp"
#include "kumo/ssh/ssh.hpp"
#include "kumo/store/store.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <map>
#include <memory>

namespace kumo {

// The pool's common CPU: what every enrolled kvm host can give a guest, so a guest with it can move
// between any of them (libvirt's baseline over the hosts' CPUs).
struct cpu_baseline {
    std::string xml;  // a domain <cpu> element; empty when fewer than one kvm host is known
    std::string model;
    std::vector<std::string> features;
    std::vector<std::string> host_ids;  // the hosts it was computed from
};

// What other modules do when a host's state changes (compute: reconcile its VMs; later the network
// module: set up its bridges). Each listener's coroutines run on the core thread, in order.
struct host_listener {
    std::function<awaitable<void>(const std::string& host_id)> on_connected;  // after (re)connect
    std::function<awaitable<void>(const std::string& host_id, const std::string& uuid)> on_domain_event;
};

class host_registry {
public:
    host_registry(asio::io_context& core, store& db, event_bus& bus, hypervisor_driver& driver, ssh_trust& trust,
                  const config& cfg);
    ~host_registry();

    // Start-up only.
    void add_listener(host_listener l) { listeners_.push_back(std::move(l)); }

    // Loads stored hosts and connects to each. Completes when every first attempt has ended.
    awaitable<void> start();
    void stop();

    // Connects, reads the inventory, then stores the host: an unreachable URI creates nothing.
    // SSH hosts: the host key is read and pinned first; a given `expected_fingerprint` must match it.
    // Errors: validation_failed (name, uri, ssh_fingerprint), conflict (duplicate), host_unreachable.
    awaitable<result<host>> add(std::string name, std::string uri, std::string expected_fingerprint = {},
                                std::string migration_address = {});
    // An administrator accepts a host's new SSH key after checking it: `fingerprint` must be what the
    // host presents now. Errors: not_found, validation_failed (fingerprint), host_unreachable.
    awaitable<result<host>> trust_host_key(std::string host_id, std::string fingerprint);
    // Forgets a host the caller has already deleted from the database: closes its connection and
    // drops its pin.
    awaitable<void> forget(std::string host_id);

    // A second connection to the host, for one long call (a migration) that must not hold the host's
    // strand. Never shared between threads: libvirt 9's client crashed in the lab when two threads
    // called through one SSH connection (a migration and its progress poll), so other calls keep
    // using the host's own connection on its strand. Errors: not_found, host_unreachable.
    awaitable<result<std::shared_ptr<hypervisor_connection>>> open_extra(const std::string& host_id);
    // Hands a connection from open_extra() back after a call that went well, to be reused by the
    // next one (one spare per host; dropped when the host goes down).
    void return_extra(const std::string& host_id, std::shared_ptr<hypervisor_connection> conn);
    // Runs a blocking job on the libvirt pool, outside every host's strand.
    template <class F>
    auto run_blocking(F f) -> awaitable<std::invoke_result_t<F&>> {
        auto r = co_await run_on(pool_.get_executor(), std::move(f));
        co_return r;
    }
    const cpu_baseline& baseline() const { return baseline_; }
    const ssh_trust& trust() const { return trust_; }

    // Runs f(hypervisor_connection&) -> result<R> on the host's strand.
    // Errors: not_found for an unknown host, host_unreachable while it is down.
    template <class F>
    auto call(const std::string& host_id, F f) -> awaitable<std::invoke_result_t<F&, hypervisor_connection&>> {
        using R = std::invoke_result_t<F&, hypervisor_connection&>;
        auto it = entries_.find(host_id);
        if (it == entries_.end())
            co_return R(make_error(errc::not_found, "host not found"));
        auto e = it->second;
        auto conn = e->conn;
        if (!conn)
            co_return R(make_error(errc::host_unreachable, "host " + e->h.name + " is down"));
        auto job = [conn, fn = std::move(f)]() mutable { return fn(*conn); };
        R r = co_await run_on(e->strand, std::move(job));
        if (!r && r.error().code == errc::host_unreachable)
            co_await check_alive(host_id);
        co_return r;
    }

    std::vector<host> hosts() const;  // sorted by name
    std::optional<host> find(const std::string& host_id) const;
    bool is_up(const std::string& host_id) const;
    std::vector<std::string> unknown_domains(const std::string& host_id) const;
    void set_unknown_domains(const std::string& host_id, std::vector<std::string> names);

private:
    struct entry {
        entry(host hh, asio::thread_pool& pool) : h(std::move(hh)), strand(asio::make_strand(pool)) {}
        host h;
        asio::strand<asio::thread_pool::executor_type> strand;
        std::shared_ptr<hypervisor_connection> conn;
        std::shared_ptr<hypervisor_connection> spare;  // see open_extra()
        std::vector<std::string> unknown_domains;
        std::chrono::seconds backoff{1};
        std::unique_ptr<asio::steady_timer> retry;
        bool connecting = false;
    };

    struct opened_host {
        std::shared_ptr<hypervisor_connection> conn;
        host_inventory inventory;
    };
    // Connects and reads the inventory on the host's strand.
    awaitable<result<opened_host>> open(entry& e, const std::string& uri, connection_callbacks cb);
    connection_callbacks callbacks_for(const std::string& host_id);
    awaitable<void> connect(std::string host_id);
    awaitable<void> domain_changed(std::string host_id, std::string uuid);
    awaitable<void> check_alive(const std::string& host_id);
    awaitable<void> mark_down(std::string host_id, std::string reason);
    void schedule_retry(const std::string& host_id);
    // Stores and announces the entry's host, unless it was forgotten.
    awaitable<void> save(entry& e);
    // Whether `e` is still the registry's entry for the host (forget() erases it while connects and
    // writes are suspended).
    bool is_current(const std::string& host_id, const entry& e) const;
    awaitable<void> close_on_strand(entry& e, std::shared_ptr<hypervisor_connection> conn);
    // The URI libvirt opens: the public one, or for SSH hosts the libssh2 form with Kumo's key and pins.
    std::string libvirt_uri(const host& h) const;
    // Writes known_hosts from the SSH hosts' pinned keys and those of hosts being enrolled.
    result<void> write_pins() const;
    awaitable<result<ssh_host_key>> scan_key(const ssh_target& t);
    // add()'s checks before anything is contacted: the URI, a fingerprint only for SSH, no duplicate.
    awaitable<result<void>> check_new(const std::string& name, const std::string& uri,
                                      const std::string& expected_fingerprint);
    // An SSH host being enrolled: its key read, compared with the expected one, and pinned (in
    // enrolling_ until the host is stored) before libvirt connects with strict checking.
    awaitable<result<void>> pin_for_enrollment(host& h, const std::string& expected_fingerprint);
    awaitable<void> update_baseline();

    asio::io_context& core_;
    store& store_;
    event_bus& bus_;
    hypervisor_driver& driver_;
    ssh_trust& trust_;
    const config& cfg_;
    cpu_baseline baseline_;
    std::map<std::string, pinned_host> enrolling_;  // host id -> key pinned before the first connect
    asio::thread_pool pool_{4};
    std::map<std::string, std::shared_ptr<entry>> entries_;
    std::vector<host_listener> listeners_;
    // Tells every listener that the host (re)connected.
    awaitable<void> announce_connected(const std::string& host_id);
    bool stopped_ = false;
};

}  // namespace kumo
