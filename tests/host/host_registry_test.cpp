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
#include <functional>

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
            if (e.type == "host" && e.data.contains("status"))  // "deleted" has none
                statuses.push_back(e.data.at("status"));
        });
    }
    ~registry_fixture() {
        driver.release_connects();  // a test that failed while holding them must not hang the pool's join
        hosts->stop();
        std::error_code ec;
        std::filesystem::remove_all(std::filesystem::path(trust.known_hosts_path()).parent_path(), ec);
    }

    // Runs the core loop until `done` holds or `limit` has passed; whether it holds. Tests wait for
    // conditions, not for fixed times, so a loaded machine makes them slower, never wrong.
    bool run_until(const std::function<bool()>& done, std::chrono::seconds limit = std::chrono::seconds(20)) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        {
            auto guard = asio::make_work_guard(core);
            while (!done() && std::chrono::steady_clock::now() < deadline)
                core.run_for(std::chrono::milliseconds(10));
        }
        core.restart();
        return done();
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
    f.cfg.host_retry_max_s = 2;  // backoff 1 s, then 2 s, then 2 s
    asio::co_spawn(f.core, f.hosts->start(), [](std::exception_ptr e) { REQUIRE_FALSE(e); });
    REQUIRE(f.run_until([&] { return f.hosts->is_up(f.h.id); }));
    CHECK(f.stored_status() == "up");
    CHECK(f.driver.connects(f.uri) == 1);

    f.driver.set_reachable(f.uri, false);
    const auto dropped = std::chrono::steady_clock::now();
    f.driver.drop_connections(f.uri);
    REQUIRE(f.run_until([&] { return !f.hosts->is_up(f.h.id) && f.stored_status() == "down"; }));

    // Two refused retries, then one that connects. Only lower bounds of the gaps are asserted: a loaded
    // machine may make them longer, never shorter.
    REQUIRE(f.run_until([&] { return f.driver.connect_attempts(f.uri).size() >= 3; }));
    CHECK_FALSE(f.hosts->is_up(f.h.id));
    f.driver.set_reachable(f.uri, true);
    REQUIRE(f.run_until([&] { return f.hosts->is_up(f.h.id) && f.stored_status() == "up"; }));
    const auto at = f.driver.connect_attempts(f.uri);
    REQUIRE(at.size() == 4);
    using std::chrono::milliseconds;
    CHECK(at[1] - dropped >= milliseconds(1000));
    CHECK(at[2] - at[1] >= milliseconds(2000));
    CHECK(at[3] - at[2] >= milliseconds(2000));  // capped at host_retry_max_s
    CHECK(f.driver.connects(f.uri) == 2);
    REQUIRE(f.statuses.size() >= 3);
    CHECK(f.statuses.front() == "up");
    CHECK(std::find(f.statuses.begin(), f.statuses.end(), "down") != f.statuses.end());
    CHECK(f.statuses.back() == "up");
}

TEST_CASE("a host forgotten while its connect is suspended stays forgotten", "[service]") {
    registry_fixture f;
    f.driver.hold_connects();
    bool started = false;
    asio::co_spawn(f.core, f.hosts->start(), [&](std::exception_ptr e) {
        REQUIRE_FALSE(e);
        started = true;
    });
    REQUIRE(f.run_until([&] { return f.driver.connects_waiting() == 1; }));

    // Removal: the row is deleted, then the registry forgets the host while connect() waits in open().
    repo::delete_host(f.st->unsafe_direct(), f.h.id);
    bool forgotten = false;
    asio::co_spawn(f.core, f.hosts->forget(f.h.id), [&](std::exception_ptr e) {
        REQUIRE_FALSE(e);
        forgotten = true;
    });
    // forget() erases the entry at once, then waits for the host's strand, which the held connect holds.
    REQUIRE(f.run_until([&] { return !f.hosts->find(f.h.id); }));
    f.statuses.clear();

    f.driver.release_connects();
    REQUIRE(f.run_until([&] { return started && forgotten && f.driver.connects(f.uri) == 1; }));
    CHECK(f.run_until([&] { return f.driver.open_connections(f.uri) == 0; }));  // the new one was closed
    CHECK_FALSE(f.hosts->find(f.h.id));
    CHECK(f.hosts->hosts().empty());
    CHECK_FALSE(repo::find_host(f.st->unsafe_direct(), f.h.id));
    CHECK(f.statuses.empty());  // no "updated" event for a deleted host
}

TEST_CASE("calls to a down host fail fast with host_unreachable", "[service]") {
    registry_fixture f;
    f.driver.set_reachable(f.uri, false);
    asio::co_spawn(f.core, f.hosts->start(), [](std::exception_ptr e) { REQUIRE_FALSE(e); });
    REQUIRE(f.run_until([&] { return f.driver.connect_attempts(f.uri).size() == 1 && f.stored_status() == "down"; }));
    REQUIRE_FALSE(f.hosts->is_up(f.h.id));
    std::optional<result<power_state>> got;
    auto probe = [&]() -> awaitable<void> {
        auto job = [](hypervisor_connection& c) { return c.state("00000000-0000-4000-8000-000000000000"); };
        got = co_await f.hosts->call(f.h.id, std::move(job));
    };
    asio::co_spawn(f.core, probe(), [](std::exception_ptr e) { REQUIRE_FALSE(e); });
    REQUIRE(f.run_until([&] { return got.has_value(); }));
    REQUIRE_FALSE(*got);
    CHECK(got->error().code == errc::host_unreachable);
}
