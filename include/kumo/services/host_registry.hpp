#pragma once
// Connected hosts. Lives on the core thread; every hypervisor call runs on the host's own strand on
// the libvirt pool, so a hung host stalls only itself. Lost connections are retried with backoff.
#include "kumo/core/config.hpp"
#include "kumo/ports/hypervisor.hpp"
#include "kumo/services/event_bus.hpp"
#include "kumo/services/store.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <map>
#include <memory>

namespace kumo {

struct host_hooks {
    std::function<awaitable<void>(const std::string& host_id)> on_connected;  // after (re)connect
    std::function<awaitable<void>(const std::string& host_id, const std::string& uuid)> on_domain_event;
};

class host_registry {
public:
    host_registry(asio::io_context& core, store& db, event_bus& bus, hypervisor_driver& driver, const config& cfg);
    ~host_registry();

    void set_hooks(host_hooks hooks) { hooks_ = std::move(hooks); }

    // Loads stored hosts and connects to each. Completes when every first attempt has ended.
    awaitable<void> start();
    void stop();

    // Connects, reads the inventory, then stores the host: an unreachable URI creates nothing.
    // Errors: validation_failed (name, uri), conflict (duplicate), host_unreachable.
    awaitable<result<host>> add(std::string name, std::string uri);

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
    awaitable<void> save(const host& h);

    asio::io_context& core_;
    store& store_;
    event_bus& bus_;
    hypervisor_driver& driver_;
    const config& cfg_;
    asio::thread_pool pool_{4};
    std::map<std::string, std::shared_ptr<entry>> entries_;
    host_hooks hooks_;
    bool stopped_ = false;
};

}  // namespace kumo
