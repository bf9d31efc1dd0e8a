// Service tier: the cache of images on hosts, over the fake hypervisor with one pool shared by two hosts
// (an NFS export both mount), on a real io_context and a real (in-memory) SQLite store.
#include "kumo/storage/host_storage.hpp"
#include <unistd.h>
#include <filesystem>
#include <fstream>
#include "fake_hypervisor.hpp"
#include "kumo/core/clock.hpp"
#include "kumo/host/host_repo.hpp"
#include "kumo/identity/project_resources.hpp"
#include "kumo/storage/volume_repo.hpp"
#include "kumo_catch.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <functional>

using namespace kumo;
namespace fs = std::filesystem;

namespace {

const std::string kImage = "0d9e6c8a-0000-4000-8000-00000000abcd";

struct shared_pool_fixture {
    const std::string dir = (fs::temp_directory_path() / ("kumo-host-storage-" + std::to_string(::getpid()))).string();
    asio::io_context core;
    asio::thread_pool blocking{1};
    std::unique_ptr<store> st;
    event_bus bus;
    config cfg;
    test::fake_driver driver;
    ssh_trust trust{dir + "/ssh"};
    background_tasks tasks{core};
    std::unique_ptr<host_registry> hosts;
    std::unique_ptr<project_resources> resources;
    std::unique_ptr<image_store> images;
    std::unique_ptr<host_storage> pools;
    std::string h1, h2;

    shared_pool_fixture() {
        fs::create_directories(dir + "/ssh");
        fs::create_directories(dir + "/images");
        cfg.storage_pool_shared = true;
        cfg.storage_pool_path = dir + "/pool";
        cfg.image_cache_ttl_s = 0;  // unused copies may go at once
        auto db = sql::database::open(":memory:");
        REQUIRE(db);
        h1 = add_host(**db, 1);
        h2 = add_host(**db, 2);
        driver.share_storage("fake:///h2", "fake:///h1");
        st = std::make_unique<store>(std::move(*db));
        hosts = std::make_unique<host_registry>(core, *st, bus, driver, trust, cfg);
        resources = std::make_unique<project_resources>(cfg);
        images = std::make_unique<image_store>(*st, bus, blocking, tasks, cfg, *resources, dir + "/images");
        pools = std::make_unique<host_storage>(*st, *hosts, *images, tasks, cfg);
        std::ofstream(images->file_path(kImage)) << "the image's bytes";
        bool started = false;
        asio::co_spawn(core, hosts->start(), [&](std::exception_ptr e) {
            REQUIRE_FALSE(e);
            started = true;
        });
        REQUIRE(run_until([&] { return started && hosts->is_up(h1) && hosts->is_up(h2); }));
    }
    ~shared_pool_fixture() {
        driver.release_volume_deletes("fake:///h1");  // a test that failed while holding them
        hosts->stop();
        std::error_code ec;
        fs::remove_all(dir, ec);
    }

    std::string add_host(sql::database& db, int n) {
        host h;
        h.id = "5d0c2a7e-0000-4000-8000-00000000000" + std::to_string(n);
        h.name = "h" + std::to_string(n);
        h.uri = "fake:///h" + std::to_string(n);
        h.virt_type = "test";
        h.created_at = h.updated_at = to_rfc3339(system_clock().now());
        repo::insert_host(db, h);
        driver.add_host(h.uri, 8, 16384);
        return h.id;
    }

    // Runs the core loop until `done` holds or `limit` has passed; whether it holds.
    bool run_until(const std::function<bool()>& done, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        {
            auto guard = asio::make_work_guard(core);
            while (!done() && std::chrono::steady_clock::now() < deadline)
                core.run_for(std::chrono::milliseconds(10));
        }
        core.restart();
        return done();
    }

    bool file_in_pool() {
        return driver.has_volume("fake:///h1", cfg.storage_pool, host_storage::image_volume_name(kImage));
    }
    std::optional<repo::cached_image> record_of(const std::string& host_id) {
        return repo::find_cached_image(st->unsafe_direct(), host_id, kImage);
    }
    // The copy as h1 would have left it long ago: recorded, last used in the past.
    void age_record(const std::string& host_id) {
        auto c = record_of(host_id);
        REQUIRE(c);
        c->last_used = "2000-01-01T00:00:00Z";
        repo::record_cached_image(st->unsafe_direct(), *c);
    }
    // Copies the image to the host (or finds its copy) and waits for it.
    result<std::string> take_into_use(const std::string& host_id) {
        std::optional<result<std::string>> got;
        asio::co_spawn(core, pools->image_on_host(host_id, kImage), [&](std::exception_ptr e, result<std::string> r) {
            REQUIRE_FALSE(e);
            got = std::move(r);
        });
        REQUIRE(run_until([&] { return got.has_value(); }));
        return *got;
    }
};

}  // namespace

TEST_CASE("a shared pool's cached image taken into use by one host while another's collector runs survives",
          "[service]") {
    shared_pool_fixture f;
    REQUIRE(f.take_into_use(f.h1));
    REQUIRE(f.file_in_pool());
    f.age_record(f.h1);

    // h1's collector finds its copy unused and starts removing the file (held there: a slow rm on NFS);
    // meanwhile h2 starts a VM from the same image. h2 must end with the file there, not with the path
    // of a file about to go.
    f.driver.hold_volume_deletes("fake:///h1");
    bool collected = false;
    asio::co_spawn(f.core, f.pools->collect_garbage(f.h1), [&](std::exception_ptr e) {
        REQUIRE_FALSE(e);
        collected = true;
    });
    REQUIRE(f.run_until([&] { return f.driver.volume_deletes_waiting("fake:///h1") == 1; }));
    std::optional<result<std::string>> on_h2;
    asio::co_spawn(f.core, f.pools->cached_image(f.h2, kImage), [&](std::exception_ptr e, result<std::string> r) {
        REQUIRE_FALSE(e);
        on_h2 = std::move(r);
    });
    f.run_until([&] { return on_h2.has_value(); }, std::chrono::seconds(1));  // h2 must wait, not answer
    CHECK_FALSE(on_h2.has_value());
    f.driver.release_volume_deletes("fake:///h1");
    REQUIRE(f.run_until([&] { return collected && on_h2.has_value(); }));
    REQUIRE(*on_h2);
    CHECK(f.file_in_pool());  // copied again after the removal: the base h2's VM boots from
    CHECK(f.record_of(f.h2).has_value());
}

TEST_CASE("a shared pool's file stays while another host still records its use", "[service]") {
    shared_pool_fixture f;
    REQUIRE(f.take_into_use(f.h1));
    REQUIRE(f.take_into_use(f.h2));  // the file already there: found, not copied again
    f.age_record(f.h1);
    bool collected = false;
    asio::co_spawn(f.core, f.pools->collect_garbage(f.h1), [&](std::exception_ptr e) {
        REQUIRE_FALSE(e);
        collected = true;
    });
    REQUIRE(f.run_until([&] { return collected; }));
    CHECK_FALSE(f.record_of(f.h1).has_value());  // h1 let go
    CHECK(f.file_in_pool());                     // h2 has not
    CHECK(f.record_of(f.h2).has_value());

    f.age_record(f.h2);
    collected = false;
    asio::co_spawn(f.core, f.pools->collect_garbage(f.h2), [&](std::exception_ptr e) {
        REQUIRE_FALSE(e);
        collected = true;
    });
    REQUIRE(f.run_until([&] { return collected; }));
    CHECK_FALSE(f.file_in_pool());  // the last one to let go removes it
}
