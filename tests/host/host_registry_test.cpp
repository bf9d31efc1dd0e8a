// Service tier: the host registry on a real io_context and a real (in-memory) SQLite store, over the fake
// hypervisor, so connections can be dropped and refused on demand.
#include "kumo/host/host_registry.hpp"
#include <unistd.h>
#include <filesystem>
#include "fake_hypervisor.hpp"
#include "kumo/core/clock.hpp"
#include "kumo/host/host_repo.hpp"
#include "kumo_catch.hpp"

#include <boost/asio/executor_work_guard.hpp>

using namespace kumo;

namespace {

struct registry_fixture {
    asio::io_context core;
    std::unique_ptr<store> st;
    event_bus bus;
    config cfg;
    test::fake_driver driver;
    // Fake hosts have no SSH: the trust only ever writes an empty known_hosts here.
    ssh_trust trust{
        (std::filesystem::temp_directory_path() / ("kumo-registry-" + std::to_string(::getpid()))).string()};
    std::unique_ptr<host_registry> hosts;
    std::vector<std::string> statuses;  // host status in each published host event
    const std::string uri = "fake:///h1";
    host h;

    registry_fixture() {
        auto db = sql::database::open(":memory:");
        REQUIRE(db);
        h.id = "5d0c2a7e-0000-4000-8000-000000000001";
        h.name = "h1";
        h.uri = uri;
        h.virt_type = "test";
        h.created_at = h.updated_at = to_rfc3339(system_clock().now());
        repo::insert_host(**db, h);
        st = std::make_unique<store>(std::move(*db));
        driver.add_host(uri, 8, 16384);
        std::filesystem::create_directories(std::filesystem::path(trust.known_hosts_path()).parent_path());
        hosts = std::make_unique<host_registry>(core, *st, bus, driver, trust, cfg);
        bus.subscribe([this](const event& e) {
            if (e.type == "host")
                statuses.push_back(e.data.at("status"));
        });
    }
    ~registry_fixture() {
        hosts->stop();
        std::error_code ec;
        std::filesystem::remove_all(std::filesystem::path(trust.known_hosts_path()).parent_path(), ec);
    }

    // Runs the core loop for `d` of real time (the registry's backoff timers are real timers).
    void run_for(std::chrono::milliseconds d) {
        {
            auto guard = asio::make_work_guard(core);
            core.run_for(d);
        }  // releasing the last work stops the context: restart only after that
        core.restart();
    }

    std::string stored_status() {
        auto found = repo::find_host(st->unsafe_direct(), h.id);
        REQUIRE(found);
        return to_string(found->status);
    }
};

}  // namespace

TEST_CASE("a host whose connection drops goes down, retries with backoff and comes back", "[service]") {
    registry_fixture f;
    asio::co_spawn(f.core, f.hosts->start(), [](std::exception_ptr e) { REQUIRE_FALSE(e); });
    f.run_for(std::chrono::milliseconds(300));
    REQUIRE(f.hosts->is_up(f.h.id));
    CHECK(f.stored_status() == "up");
    CHECK(f.driver.connects(f.uri) == 1);

    f.driver.set_reachable(f.uri, false);
    f.driver.drop_connections(f.uri);
    f.run_for(std::chrono::milliseconds(300));
    CHECK_FALSE(f.hosts->is_up(f.h.id));
    CHECK(f.stored_status() == "down");

    // The first retry comes after 1 s and fails (still unreachable); the next waits 2 s more.
    f.run_for(std::chrono::milliseconds(1500));
    CHECK_FALSE(f.hosts->is_up(f.h.id));
    CHECK(f.driver.connects(f.uri) == 1);

    f.driver.set_reachable(f.uri, true);
    f.run_for(std::chrono::milliseconds(2500));
    CHECK(f.hosts->is_up(f.h.id));
    CHECK(f.stored_status() == "up");
    CHECK(f.driver.connects(f.uri) == 2);
    REQUIRE(f.statuses.size() >= 3);
    CHECK(f.statuses.front() == "up");
    CHECK(std::find(f.statuses.begin(), f.statuses.end(), "down") != f.statuses.end());
    CHECK(f.statuses.back() == "up");
}

TEST_CASE("calls to a down host fail fast with host_unreachable", "[service]") {
    registry_fixture f;
    f.driver.set_reachable(f.uri, false);
    asio::co_spawn(f.core, f.hosts->start(), [](std::exception_ptr e) { REQUIRE_FALSE(e); });
    f.run_for(std::chrono::milliseconds(300));
    REQUIRE_FALSE(f.hosts->is_up(f.h.id));
    std::optional<result<power_state>> got;
    auto probe = [&]() -> awaitable<void> {
        auto job = [](hypervisor_connection& c) { return c.state("00000000-0000-4000-8000-000000000000"); };
        got = co_await f.hosts->call(f.h.id, std::move(job));
    };
    asio::co_spawn(f.core, probe(), [](std::exception_ptr e) { REQUIRE_FALSE(e); });
    f.run_for(std::chrono::milliseconds(100));
    REQUIRE(got);
    REQUIRE_FALSE(*got);
    CHECK(got->error().code == errc::host_unreachable);
}
